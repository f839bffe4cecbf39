"""Archive raw responses to WARC files (warcio), so a crawl can be re-extracted later.

On with ``NEWSCRAWL_WARC_ENABLED``. Files: ``<NEWSCRAWL_WARC_DIR or
NEWSCRAWL_OUTPUT_DIR/warc>/newscrawl-<UTC time>-<pid>-<seq>.warc.gz``, rotated beyond
``NEWSCRAWL_WARC_MAX_BYTES``. Each file starts with a ``warcinfo`` record; each response
of a kind in ``NEWSCRAWL_WARC_KINDS`` becomes two records:

1. ``response``: ``WARC-Target-URI`` = the final URL, the HTTP status line and headers and
   the body *as Scrapy saw it* (already decompressed: ``Content-Encoding`` and
   ``Transfer-Encoding`` are dropped and ``Content-Length`` set to the stored body).
2. ``metadata`` (``WARC-Concurrent-To`` the response's record id, same target URI,
   ``application/json``): the request's ``newscrawl_*`` meta (kind, site, lastmod, news,
   via) plus ``request_url`` (the URL before redirects).

Read them back with :func:`iter_archived` (used by ``scrapy reextract``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.constants import WARC_MAX_BYTES

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = ["ArchivedResponse", "WarcArchive", "WarcMiddleware", "iter_archived"]

log = logging.getLogger(__name__)

_DROPPED_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
ALL_KINDS = ("robots", "sitemap", "feed", "listing", "article")


class WarcArchive:
    """Thread-safe, size-rotated writer of response + metadata record pairs."""

    def __init__(self, directory: Path, max_bytes: int = WARC_MAX_BYTES) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._file: BinaryIO | None = None
        self._writer: WARCWriter | None = None
        self._seq = 0
        self.records = 0

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._seq += 1
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = self.directory / f"newscrawl-{stamp}-{os.getpid()}-{self._seq:04d}.warc.gz"
        self._file = open(path, "xb")  # noqa: SIM115 - kept open across records
        self._writer = WARCWriter(self._file, gzip=True)
        info = self._writer.create_warcinfo_record(path.name, {
            "software": "newscrawl (warcio)", "format": "WARC File Format 1.1",
            "description": "response + metadata (newscrawl_* request meta) record pairs",
        })
        self._writer.write_record(info)

    def write(self, url: str, status: int, headers: list[tuple[str, str]], body: bytes,
              meta: dict[str, Any]) -> None:
        with self._lock:
            if self._file is None or self._file.tell() >= self.max_bytes:
                self.close()
                self._open()
            assert self._writer is not None and self._file is not None
            kept = [(k, v) for k, v in headers if k.lower() not in _DROPPED_HEADERS]
            kept.append(("Content-Length", str(len(body))))
            http = StatusAndHeaders(f"{status} {_reason(status)}", kept, protocol="HTTP/1.1")
            response = self._writer.create_warc_record(url, "response", payload=BytesIO(body),
                                                       length=len(body), http_headers=http)
            self._writer.write_record(response)
            payload = json.dumps(meta, ensure_ascii=False, default=str).encode("utf-8")
            metadata = self._writer.create_warc_record(
                url, "metadata", payload=BytesIO(payload), length=len(payload),
                warc_content_type="application/json",
                warc_headers_dict={"WARC-Concurrent-To": response.rec_headers.get_header(
                    "WARC-Record-ID")})
            self._writer.write_record(metadata)
            self._file.flush()
            self.records += 1

    def close(self) -> None:
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._file = None
            self._writer = None


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class WarcMiddleware:
    """Downloader middleware that archives responses (place it below HttpCompression)."""

    def __init__(self, crawler: Crawler, archive: WarcArchive, kinds: frozenset[str]) -> None:
        self.crawler = crawler
        self.archive = archive
        self.kinds = kinds
        crawler.signals.connect(self._closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcMiddleware:
        s = crawler.settings
        if not s.getbool("NEWSCRAWL_WARC_ENABLED", False):
            raise NotConfigured("NEWSCRAWL_WARC_ENABLED is off")
        directory = s.get("NEWSCRAWL_WARC_DIR") or (
            Path(s["NEWSCRAWL_OUTPUT_DIR"]) / "warc" if s.get("NEWSCRAWL_OUTPUT_DIR") else None)
        if directory is None:
            raise NotConfigured("WARC needs NEWSCRAWL_WARC_DIR or NEWSCRAWL_OUTPUT_DIR")
        kinds = frozenset(s.getlist("NEWSCRAWL_WARC_KINDS") or ALL_KINDS)
        return cls(crawler, WarcArchive(Path(directory), s.getint("NEWSCRAWL_WARC_MAX_BYTES",
                                                                  WARC_MAX_BYTES)), kinds)

    async def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("newscrawl_kind") not in self.kinds:
            return response
        headers = [(k.decode("latin-1"), v.decode("latin-1"))
                   for k, values in response.headers.items() for v in values]
        meta = {k: v for k, v in request.meta.items() if k.startswith("newscrawl_")}
        meta["request_url"] = request.url
        try:
            await maybe_deferred_to_future(deferToThread(
                self.archive.write, response.url, response.status, headers, response.body, meta))
        except OSError as exc:  # disk full etc.: the crawl goes on, the loss is counted
            log.error("WARC write failed for %s: %s", response.url, exc)
            self._inc("newscrawl/warc/errors")
        else:
            self._inc("newscrawl/warc/records")
        return response

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)

    def _closed(self) -> None:
        self.archive.close()


class ArchivedResponse(dict[str, Any]):
    """One archived response: ``url``, ``status``, ``headers``, ``body``, ``meta``."""


def iter_archived(path: str | Path) -> Iterator[ArchivedResponse]:
    """The response records of one WARC file, each with its metadata record's meta."""
    pending: dict[str, ArchivedResponse] = {}
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                if pending:
                    yield from pending.values()
                    pending.clear()
                http = record.http_headers
                rec_id = record.rec_headers.get_header("WARC-Record-ID")
                pending[rec_id] = ArchivedResponse(
                    url=record.rec_headers.get_header("WARC-Target-URI"),
                    status=int(http.get_statuscode()) if http else 0,
                    headers=dict(http.headers) if http else {},
                    body=record.content_stream().read(), meta={})
            elif record.rec_type == "metadata":
                target = record.rec_headers.get_header("WARC-Concurrent-To")
                if target in pending:
                    with contextlib.suppress(ValueError):  # a bad metadata record: empty meta
                        pending[target]["meta"] = json.loads(record.content_stream().read())
                    yield pending.pop(target)
    yield from pending.values()
