"""HTTP server for the demo site: conditional GETs (ETag / Last-Modified -> 304), a request log.

Two layouts:

* ``shared`` (default): one host serves all publishers under path prefixes, with one
  robots.txt listing every publisher's sitemaps;
* ``ports``: each publisher is its own host (own port, own robots.txt), still under its
  path prefix, so URL paths (and the manifest) are the same in both layouts.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from crawler.demo import constants as C
from crawler.demo.catalog import PUBLISHERS
from crawler.demo.response import Response
from crawler.demo.site import DemoSite

__all__ = ["DemoServer", "RequestRecord"]

logger = logging.getLogger(__name__)
LAYOUTS = ("shared", "ports")


@dataclass(frozen=True)
class RequestRecord:
    """One request the server answered."""

    method: str
    path: str  # the request target: path and query
    status: int
    kind: str  # page type: article, section, home, sitemap, feed, robots, disallowed, ...
    publisher: str | None  # the host's publisher in the ``ports`` layout, else None
    user_agent: str
    conditional: bool  # the request carried If-None-Match or If-Modified-Since
    at: float


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:20] + '"'


def not_modified(headers: dict[str, str], etag: str, last_modified: datetime | None) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    since = headers.get("if-modified-since")
    if since and last_modified is not None:
        try:
            when = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        return last_modified.replace(microsecond=0) <= when
    return False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "newscrawl-demo/1.0"
    # headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and
    # the client's delayed ACK stall every keep-alive response by ~40 ms
    disable_nagle_algorithm = True
    # set on the subclass made per listener
    demo: DemoServer
    only: str | None = None

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def demo_address(self) -> tuple[str, int]:
        address = self.server.server_address
        assert isinstance(address, tuple)  # an AF_INET / AF_INET6 listener
        return str(address[0]), int(address[1])

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def _answer(self, with_body: bool) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        host = headers.get("host") or "{}:{}".format(*self.demo_address())
        try:
            response = self.demo.site.handle(self.path, f"http://{host}", self.only)
        except Exception:  # a bug in the demo must not take the server down
            logger.exception("demo site failed on %s", self.path)
            response = Response(500, "text/plain; charset=utf-8", b"internal error\n", "error")
        conditional = "if-none-match" in headers or "if-modified-since" in headers
        etag = etag_of(response.body)
        status = response.status
        if status == 200 and conditional and not_modified(headers, etag, response.last_modified):
            status = 304
        self.send_response(status)
        if response.location:
            self.send_header("Location", response.location)
        if status in (200, 304):
            self.send_header("ETag", etag)
            if response.last_modified is not None:
                self.send_header("Last-Modified", format_datetime(
                    response.last_modified.astimezone(timezone.utc), usegmt=True))
        body = b"" if status == 304 else response.body
        if status != 304:
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(body)))
        # logged before the answer goes out, so a client that got it always finds it logged
        self.demo.record(RequestRecord(
            method=self.command, path=self.path, status=status, kind=response.kind,
            publisher=self.only, user_agent=headers.get("user-agent", ""),
            conditional=conditional, at=time.time()))
        self.end_headers()
        if with_body and body:
            self.wfile.write(body)


class DemoServer:
    """Serve a ``DemoSite`` in background threads; use as a context manager.

    >>> with DemoServer(DemoSite()) as server:       # doctest: +SKIP
    ...     server.url                               # "http://127.0.0.1:40123/"
    """

    def __init__(self, site: DemoSite | None = None, host: str = "127.0.0.1", port: int = 0,
                 layout: str = "shared", ports: dict[str, int] | None = None):
        """``port``: the (first) port, 0 for free ones; in the ``ports`` layout publisher
        ``k`` gets ``port + k``, or the port ``ports`` names for it."""
        if layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
        self.site = site or DemoSite()
        self.host = host
        self.port = port
        self.layout = layout
        self.ports = dict(ports or {})
        self._servers: dict[str | None, ThreadingHTTPServer] = {}
        self._threads: list[threading.Thread] = []
        self._log: deque[RequestRecord] = deque(maxlen=C.REQUEST_LOG_MAX)
        self._log_lock = threading.Lock()

    # --- life cycle -------------------------------------------------------------------------
    def start(self) -> DemoServer:
        if self._servers:
            return self
        keys: list[str | None] = [None] if self.layout == "shared" else list(PUBLISHERS)
        for index, key in enumerate(keys):
            handler = type("DemoHandler", (_Handler,), {"demo": self, "only": key})
            port = self.ports.get(key or "", self.port + index if self.port else 0)
            try:
                server = ThreadingHTTPServer((self.host, port), handler)
            except OSError:
                self.stop()  # release the listeners already bound
                raise
            server.daemon_threads = True
            self._servers[key] = server
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                      name=f"demo-server-{key or 'all'}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def serve_forever(self) -> None:
        """Block until interrupted (``python -m crawler.demo serve``)."""
        self.start()
        try:
            while all(t.is_alive() for t in self._threads):
                time.sleep(0.5)
        finally:
            self.stop()

    # --- addresses ------------------------------------------------------------------------
    def _base(self, key: str | None) -> str:
        server = self._servers.get(key)
        if server is None:
            raise RuntimeError("the demo server is not running")
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{server.server_address[1]}/"

    @property
    def url(self) -> str:
        """The root URL (``shared`` layout) or the first publisher's host (``ports``)."""
        return self._base(None if self.layout == "shared" else next(iter(self._servers)))

    def publisher_url(self, key: str) -> str:
        """The home page of one publisher."""
        if key not in PUBLISHERS:
            raise KeyError(key)
        base = self._base(None if self.layout == "shared" else key)
        return base + key + "/"

    def host_url(self, key: str) -> str:
        """The root of the host that serves ``key`` (its robots.txt lives there)."""
        return self._base(None if self.layout == "shared" else key)

    @property
    def bound_ports(self) -> dict[str, int]:
        """The port of each listener ("" is the shared host)."""
        return {key or "": int(server.server_address[1])
                for key, server in self._servers.items()}

    @property
    def publisher_urls(self) -> dict[str, str]:
        return {key: self.publisher_url(key) for key in PUBLISHERS}

    # --- request log ---------------------------------------------------------------------------
    def record(self, entry: RequestRecord) -> None:
        with self._log_lock:
            self._log.append(entry)

    @property
    def log(self) -> list[RequestRecord]:
        with self._log_lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._log_lock:
            self._log.clear()

    def fetched_paths(self, kind: str | None = None, status: int | None = None) -> list[str]:
        return [r.path for r in self.log
                if (kind is None or r.kind == kind) and (status is None or r.status == status)]
