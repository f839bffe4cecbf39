"""Durable JSONL storage: one JSON object per article line, fsynced before anything else.

Each line goes out in one ``write`` and is fsynced before the item moves on and before the
state store marks the article as seen (lines that queue up meanwhile share one fsync: group
commit). A crash leaves at most a torn last line, which the next start truncates back to the
last newline (logged, counted). Files rotate by size or UTC day and are never appended to by
a later run: each run (and each distributed worker) writes its own files,
``<spider>-<UTC timestamp>-<host>-<pid>-<seq>.jsonl``.

The item is returned unchanged, so ``scrapy crawl news -O out.jsonl`` keeps working next to it.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure
from twisted.python.threadpool import ThreadPool

from crawler.constants import JSONL_ROTATE_BYTES, JSONL_ROTATE_DAILY
from crawler.state.base import FetchInfo, WrittenArticle
from crawler.state.reconcile import reconcile_files, written_article
from crawler.state.registry import CrawlState, crawl_state

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["JsonlStoragePipeline", "JsonlWriter", "as_plain_dict", "encode_line", "jsonl_files",
           "repair_torn_tail"]

logger = logging.getLogger(__name__)


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def as_plain_dict(item: Any) -> dict[str, Any]:
    """The item's fields as a new dict. Our items are plain dicts already: a shallow copy
    skips ItemAdapter's recursive conversion (dozens of type checks per field, every item)."""
    return dict(item) if type(item) is dict else ItemAdapter(item).asdict()


def encode_line(item: Any) -> bytes:
    data = ItemAdapter(item).asdict() if not isinstance(item, dict) else item
    # "replace": a lone surrogate from a badly decoded page must not cost the whole line
    return (json.dumps(data, ensure_ascii=False, default=_json_default,
                       separators=(",", ":")) + "\n").encode("utf-8", "replace")


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

    def _sync(self, results: list[tuple[Path, int] | OSError], unsynced: list[int],
              synced_size: int) -> None:
        """fsync the current file; on failure the unsynced lines fail and are cut off."""
        if not unsynced or self.fd is None:
            return
        try:
            os.fsync(self.fd)
        except OSError as exc:
            self._truncate(synced_size)
            self.size = synced_size
            for index in unsynced:
                results[index] = exc
        unsynced.clear()

    def _truncate(self, size: int) -> None:
        assert self.fd is not None
        try:
            os.ftruncate(self.fd, size)
        except OSError:
            logger.exception("Could not truncate %s after a failed write", self.path)

    def write_batch(self, lines: list[bytes]) -> list[tuple[Path, int] | OSError]:
        """Write each line with one ``write`` and fsync once per file touched (group
        commit). Per line: (file, offset just past it) once durable, or the error."""
        results: list[tuple[Path, int] | OSError] = []
        unsynced: list[int] = []
        synced_size = self.size
        for line in lines:
            if self._needs_rotation(len(line)):
                self._sync(results, unsynced, synced_size)
                self._open_new()
                synced_size = 0
            assert self.fd is not None and self.path is not None
            start = self.size
            try:
                view = memoryview(line)
                while view:
                    view = view[os.write(self.fd, view):]
            except OSError as exc:
                self._truncate(start)  # never leave a partial line (disk full, I/O error)
                results.append(exc)
                continue
            self.size = start + len(line)
            unsynced.append(len(results))
            results.append((self.path, self.size))
        self._sync(results, unsynced, synced_size)
        return results

    def write(self, line: bytes) -> tuple[Path, int]:
        """Write and fsync one line; returns (file, offset just past the line)."""
        result = self.write_batch([line])[0]
        if isinstance(result, OSError):
            raise result
        return result

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


@dataclass
class _Pending:
    line: bytes
    data: dict[str, Any]
    fetch: FetchInfo | None
    done: Deferred[None] = field(default_factory=Deferred)


class JsonlStoragePipeline:
    """The last item pipeline: durable JSONL, then the state store's "seen" mark.

    Lines queue up while the writer thread is busy and go out together: one fsync and one
    state-store transaction per batch (group commit). Each item still moves on only once its
    own line is durable.
    """

    def __init__(self, crawler: Crawler, directory: Path, *, rotate_bytes: int,
                 rotate_daily: bool, state: CrawlState | None) -> None:
        self.crawler = crawler
        self.directory = directory
        self.rotate_bytes = rotate_bytes
        self.rotate_daily = rotate_daily
        self.state = state
        self.writer: JsonlWriter | None = None
        self._queue: list[_Pending] = []
        self._flushing = False
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

    # --- the writer thread ------------------------------------------------------------------
    def _flush(self, batch: list[_Pending]) -> list[tuple[Path, int] | OSError]:
        assert self.writer is not None
        results = self.writer.write_batch([p.line for p in batch])
        if self.state is not None:
            self._mark(batch, results)
        return results

    def _mark(self, batch: list[_Pending], results: list[tuple[Path, int] | OSError]) -> None:
        assert self.state is not None
        by_file: dict[str, tuple[list[WrittenArticle], int]] = {}
        for pending, result in zip(batch, results, strict=True):
            if isinstance(result, OSError):
                continue
            path, offset = result
            articles, _ = by_file.get(path.name, ([], 0))
            art = written_article(pending.data, pending.fetch)
            if art is not None:
                articles.append(art)
            by_file[path.name] = (articles, offset)
        for file_name, (articles, offset) in by_file.items():
            try:
                self.state.store.mark_written(articles, file_name, offset)
            except Exception:
                # The lines are durable; the next start's reconciliation records them.
                logger.exception("State store update failed after writing %s", file_name)
                self._inc("newscrawl/state/errors")

    # --- the reactor side -------------------------------------------------------------------
    def _kick(self) -> None:
        if self._flushing or not self._queue:
            return
        batch, self._queue = self._queue, []
        self._flushing = True
        d = threads.deferToThreadPool(_reactor(), self._pool, self._flush, batch)
        d.addBoth(self._flushed, batch)

    def _flushed(self, results: Any, batch: list[_Pending]) -> None:
        self._flushing = False
        if isinstance(results, Failure):
            for pending in batch:
                pending.done.errback(results)
        else:
            for pending, result in zip(batch, results, strict=True):
                if isinstance(result, OSError):
                    pending.done.errback(Failure(result))
                else:
                    pending.done.callback(None)
        self._kick()

    async def process_item(self, item: Any) -> Any:
        data = as_plain_dict(item)
        pending = _Pending(encode_line(data), data,
                           self.state.take_fetch(data.get("url")) if self.state else None)
        self._queue.append(pending)
        self._kick()
        try:
            await maybe_deferred_to_future(pending.done)
        except OSError as exc:
            self._inc("newscrawl/storage/errors")
            logger.error("Could not store %s: %s", data.get("url"), exc)
            raise DropItem(f"storage error: {exc}") from exc
        self._inc("newscrawl/articles/written")
        self._inc("newscrawl/storage/bytes", len(pending.line))
        return item

    def close_spider(self) -> None:
        self._pool.stop()
        if self.writer is not None:
            self._inc("newscrawl/storage/files", self.writer.files_opened)
            self.writer.close()


def _reactor() -> Any:
    from twisted.internet import reactor

    return reactor
