"""Durable JSONL storage: one JSON object per article line, fsynced before anything else.

Each line goes out in one ``write`` and is fsynced before the item moves on and before the
state store marks the article as seen, so a crash leaves at most a torn last line, which the
next start truncates back to the last newline (logged, counted). Files rotate by size or UTC
day and are never appended to by a later run: each run (and each distributed worker) writes
its own files, ``<spider>-<UTC timestamp>-<host>-<pid>-<seq>.jsonl``.

The item is returned unchanged, so ``scrapy crawl news -O out.jsonl`` keeps working next to it.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import threading
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads
from twisted.python.threadpool import ThreadPool

from crawler.constants import JSONL_ROTATE_BYTES, JSONL_ROTATE_DAILY
from crawler.state.base import FetchInfo
from crawler.state.reconcile import reconcile_files, written_article
from crawler.state.registry import CrawlState, crawl_state

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["JsonlStoragePipeline", "JsonlWriter", "jsonl_files", "repair_torn_tail"]

logger = logging.getLogger(__name__)


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def encode_line(item: Any) -> bytes:
    data = ItemAdapter(item).asdict() if not isinstance(item, dict) else item
    return (json.dumps(data, ensure_ascii=False, default=_json_default,
                       separators=(",", ":")) + "\n").encode("utf-8")


def jsonl_files(directory: Path, spider_name: str) -> list[Path]:
    return sorted(directory.glob(f"{spider_name}-*.jsonl"))


def _locked_elsewhere(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    fcntl.flock(fd, fcntl.LOCK_UN)
    return False


def repair_torn_tail(path: Path) -> int:
    """Truncate ``path`` back to its last newline; returns the bytes removed.

    Files another live writer holds (a distributed worker sharing the directory) are left
    alone: their tail may simply be mid-write.
    """
    fd = os.open(path, os.O_RDWR)
    try:
        if _locked_elsewhere(fd):
            return 0
        size = os.fstat(fd).st_size
        if size == 0:
            return 0
        end = size
        chunk = 64 * 1024
        while end > 0:
            start = max(0, end - chunk)
            data = os.pread(fd, end - start, start)
            nl = data.rfind(b"\n")
            if nl >= 0:
                keep = start + nl + 1
                break
            end = start
        else:
            keep = 0
        if keep == size:
            return 0
        os.ftruncate(fd, keep)
        os.fsync(fd)
        return size - keep
    finally:
        os.close(fd)


class JsonlWriter:
    """Appends lines to rotating files; not thread-safe (the pipeline serialises calls)."""

    def __init__(self, directory: Path, spider_name: str, *, rotate_bytes: int,
                 rotate_daily: bool) -> None:
        self.directory = directory
        self.spider_name = spider_name
        self.rotate_bytes = rotate_bytes
        self.rotate_daily = rotate_daily
        self.host = socket.gethostname().split(".")[0] or "host"
        self.seq = 0
        self.fd: int | None = None
        self.path: Path | None = None
        self.size = 0
        self.day: date | None = None
        self.files_opened = 0

    def _open_new(self) -> None:
        self.close()
        now = datetime.now(timezone.utc)
        while True:
            self.seq += 1
            name = (f"{self.spider_name}-{now:%Y%m%dT%H%M%SZ}-{self.host}-{os.getpid()}"
                    f"-{self.seq:04d}.jsonl")
            path = self.directory / name
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
            except FileExistsError:
                continue
            break
        fcntl.flock(fd, fcntl.LOCK_EX)  # tells a sibling's repair pass that we are live
        self._fsync_dir()
        self.fd, self.path, self.size, self.day = fd, path, 0, now.date()
        self.files_opened += 1

    def _fsync_dir(self) -> None:
        dfd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)

    def _needs_rotation(self, extra: int) -> bool:
        if self.fd is None:
            return True
        if self.rotate_bytes and self.size and self.size + extra > self.rotate_bytes:
            return True
        return self.rotate_daily and self.day != datetime.now(timezone.utc).date()

    def write(self, line: bytes) -> tuple[Path, int]:
        """Write and fsync one line; returns (file, offset just past the line)."""
        if self._needs_rotation(len(line)):
            self._open_new()
        assert self.fd is not None and self.path is not None
        start = self.size
        try:
            view = memoryview(line)
            while view:
                written = os.write(self.fd, view)
                view = view[written:]
            os.fsync(self.fd)
        except OSError:
            # Never leave a partial line behind (disk full, I/O error).
            try:
                os.ftruncate(self.fd, start)
            except OSError:
                logger.exception("Could not truncate %s after a failed write", self.path)
            raise
        self.size = start + len(line)
        return self.path, self.size

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class JsonlStoragePipeline:
    """The last item pipeline: durable JSONL, then the state store's "seen" mark."""

    def __init__(self, crawler: Crawler, directory: Path, *, rotate_bytes: int,
                 rotate_daily: bool, state: CrawlState | None) -> None:
        self.crawler = crawler
        self.directory = directory
        self.rotate_bytes = rotate_bytes
        self.rotate_daily = rotate_daily
        self.state = state
        self.writer: JsonlWriter | None = None
        self._lock = threading.Lock()
        # One writer thread: lines stay whole and in order, and the reactor never waits
        # on fsync.
        self._pool = ThreadPool(minthreads=1, maxthreads=1, name="newscrawl-jsonl")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JsonlStoragePipeline:
        settings = crawler.settings
        out = settings.get("NEWSCRAWL_OUTPUT_DIR")
        if not out:
            raise NotConfigured("NEWSCRAWL_OUTPUT_DIR is not set (use -O for a plain feed)")
        return cls(crawler, Path(out),
                   rotate_bytes=settings.getint("NEWSCRAWL_JSONL_ROTATE_BYTES",
                                                JSONL_ROTATE_BYTES),
                   rotate_daily=settings.getbool("NEWSCRAWL_JSONL_ROTATE_DAILY",
                                                 JSONL_ROTATE_DAILY),
                   state=crawl_state(crawler))

    def _inc(self, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, count)

    def open_spider(self) -> None:
        assert self.crawler.spider is not None
        name = self.crawler.spider.name
        self.directory.mkdir(parents=True, exist_ok=True)
        for path in jsonl_files(self.directory, name):
            removed = repair_torn_tail(path)
            if removed:
                logger.warning("Repaired torn last line of %s: truncated %d byte(s)",
                               path, removed)
                self._inc("newscrawl/storage/repaired_lines")
        if self.state is not None:
            replayed = reconcile_files(self.state.store, jsonl_files(self.directory, name))
            if replayed:
                self._inc("newscrawl/storage/reconciled_lines", replayed)
        self.writer = JsonlWriter(self.directory, name, rotate_bytes=self.rotate_bytes,
                                  rotate_daily=self.rotate_daily)
        self._pool.start()

    def _write_and_mark(self, line: bytes, item: dict, fetch: FetchInfo | None) -> None:
        with self._lock:
            assert self.writer is not None
            path, offset = self.writer.write(line)
            if self.state is None:
                return
            art = written_article(item, fetch)
            try:
                self.state.store.mark_written([art] if art else [], path.name, offset)
            except Exception:
                # The line is durable; the next start's reconciliation records it.
                logger.exception("State store update failed after writing %s", path.name)
                self._inc("newscrawl/state/errors")

    async def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        data = adapter.asdict()
        line = encode_line(data)
        fetch = self.state.take_fetch(data.get("url")) if self.state else None
        try:
            await maybe_deferred_to_future(threads.deferToThreadPool(
                _reactor(), self._pool, self._write_and_mark, line, data, fetch))
        except OSError as exc:
            self._inc("newscrawl/storage/errors")
            logger.error("Could not store %s: %s", data.get("url"), exc)
            raise DropItem(f"storage error: {exc}") from exc
        self._inc("newscrawl/articles/written")
        self._inc("newscrawl/storage/bytes", len(line))
        return item

    def close_spider(self) -> None:
        self._pool.stop()
        if self.writer is not None:
            self._inc("newscrawl/storage/files", self.writer.files_opened)
            self.writer.close()


def _reactor() -> Any:
    from twisted.internet import reactor

    return reactor
