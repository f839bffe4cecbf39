"""Extraction pipeline: page item -> article item, in a process pool off the reactor.

The CPU work of one page (classifier, metadata, paywall) runs in :func:`build_article`
inside a worker process, so downloads never wait behind it. A crashed, hung or failing
worker costs only the pages it held: they are dropped with a counted reason, the pool is
rebuilt and the crawl goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawler.constants import (
    EXTRACT_MAX_SUBMITS,
    EXTRACT_PAGES_PER_WORKER,
    EXTRACT_TIMEOUT_S,
    EXTRACT_WARM_UP_TIMEOUT_S,
    MAX_PAGE_BYTES,
)
from crawler.discovery.links import PageSignals, page_signals
from crawler.items import MODEL_ERROR_PREFIX, PRIVATE_KEY, content_hash, is_page_item, utc_now_iso
from crawler.metadata import extract_metadata, normalise_date
from crawler.pagetree import parse_page
from crawler.paywall import paywall_status

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["ExtractionPipeline", "build_article"]

log = logging.getLogger(__name__)


def build_article(page: dict[str, Any], with_blocks: bool = False) -> dict[str, Any]:
    """The article item for one page item (runs in a worker process; no Scrapy here).

    The page is decoded and parsed once; the classifier, metadata, paywall and page
    signals all read that one tree. The ``_newscrawl_page`` key carries what validation
    needs (signals, content share, warnings) and is removed there.
    """
    import classifier  # here, not at module top: the crawl process never needs sklearn

    url: str = page["url"]
    raw: bytes = page["body"]
    meta: dict[str, Any] = page.get("meta") or {}
    tree = parse_page(raw, page.get("encoding"))
    # nothing to parse: the classifier says why (empty, undecodable) from the bytes
    art = classifier.extract(raw if tree is None else tree, url, encoding=page.get("encoding"))
    md = extract_metadata(tree, url, body_text=art.body) if tree is not None else {}
    news = meta.get("newscrawl_news") or {}
    paywall = paywall_status(jsonld=md.get("jsonld"), body=art.body, tree=tree,
                             paywall_texts=[b.text for b in art.paywall_blocks])
    total = sum(len(b.text) for b in art.blocks) or 1
    content = sum(len(b.text) for b in art.blocks_labelled(classifier.CONTENT))
    item: dict[str, Any] = {
        "url": url,
        "canonical_url": md.get("canonical_url") or url,
        "site": page.get("site"),
        "title": md.get("title") or news.get("title") or art.title,
        "authors": md.get("authors") or [],
        "published": md.get("published") or normalise_date(news.get("publication_date"))
        or normalise_date(meta.get("newscrawl_published")),
        "modified": md.get("modified") or normalise_date(meta.get("newscrawl_lastmod")),
        "language": md.get("language") or art.language,
        "description": md.get("description"),
        "image": md.get("image"),
        "section": md.get("section"),
        "keywords": md.get("keywords") or [k.strip() for k in
                                           str(news.get("keywords") or "").split(",") if k.strip()],
        "body": art.body,
        "paywall": paywall,
        "fetched_at": page.get("fetched_at") or utc_now_iso(),
        "content_hash": content_hash(art.body),
        "model": art.model_version,
        "discovered_via": page.get("discovered_via"),
    }
    if with_blocks:
        item["blocks"] = [{"text": b.text, "label": b.label, "score": round(b.score, 4)}
                          for b in art.blocks]
    signals = page_signals(tree) if tree is not None else PageSignals()
    item[PRIVATE_KEY] = {
        "verdict": signals.verdict,
        "content_share": content / total,
        "warnings": list(art.warnings),
        "news": bool(news),
    }
    return item


_WARM_UP_PAGE = b"<html><body><article><p>Warm-up page.</p></article></body></html>"


def warm_up() -> list[str]:
    """Import the classifier and load its model in a worker before real pages arrive;
    returns the classifier's warnings (a ``model-error:...`` one when the model is bad)."""
    import gc

    import classifier

    warnings = list(classifier.extract(_WARM_UP_PAGE, "http://warm-up.invalid/").warnings)
    # The libraries and the model live as long as the worker: keep them out of the cyclic
    # collector's full passes, which otherwise walk them again every few pages.
    gc.freeze()
    return warnings


def init_worker() -> None:
    """One compute thread per worker: the pool already uses every core, and OpenMP
    threads fighting over them made tree-model predictions ~10x slower."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


def _lost_with_pool(future: Future[Any]) -> bool:
    """Whether a page's future died with its pool (rather than our task being cancelled)."""
    if future.cancelled():
        return True
    return future.done() and isinstance(future.exception(), BrokenProcessPool)


def _pool_size(setting: int) -> int:
    return setting if setting > 0 else max(1, os.cpu_count() or 1)


class ExtractionPipeline:
    """Turns page items into article items (other items pass through unchanged)."""

    #: what runs in the workers (tests swap in stand-ins; both must be picklable by name)
    work: Callable[[dict[str, Any], bool], dict[str, Any]] = staticmethod(build_article)
    warm: Callable[[], list[str] | None] = staticmethod(warm_up)
    #: modules the fork server imports once, so that each worker starts warm
    preload: tuple[str, ...] = ("classifier", "crawler.pipelines.extraction")

    def __init__(self, crawler: Crawler, *, workers: int, timeout: float,
                 with_blocks: bool, max_page_bytes: int) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.workers = workers
        self.timeout = timeout
        self.with_blocks = with_blocks
        self.max_page_bytes = max_page_bytes
        self._executor: Executor | None = None
        self._size = 1
        self._generation = 0  # bumped each time the pool is replaced
        self._killed: set[int] = set()  # generations we terminated ourselves (a hung page)
        self._quarantine: Executor | None = None  # pages that were in flight at a crash
        self._quarantine_lock = asyncio.Lock()
        self._slots: asyncio.Semaphore | None = None
        self._ready: asyncio.Future[list[str]] | None = None  # warm-up of a rebuilt pool

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        s = crawler.settings
        if not s.getbool("NEWSCRAWL_EXTRACT_ENABLED", True):
            raise NotConfigured("NEWSCRAWL_EXTRACT_ENABLED is off")
        return cls(crawler, workers=s.getint("NEWSCRAWL_EXTRACT_WORKERS", 0),
                   timeout=s.getfloat("NEWSCRAWL_EXTRACT_TIMEOUT", EXTRACT_TIMEOUT_S),
                   with_blocks=s.getbool("NEWSCRAWL_ITEM_BLOCKS", False),
                   max_page_bytes=s.getint("NEWSCRAWL_MAX_PAGE_BYTES", MAX_PAGE_BYTES))

    # -- pool ---------------------------------------------------------------------------
    def _new_executor(self, workers: int | None = None) -> Executor:
        if self.workers < 0:  # in-process thread: for debugging and monkeypatched tests
            return ThreadPoolExecutor(max_workers=1, thread_name_prefix="newscrawl-extract")
        # forkserver: workers fork from a clean process, not from the threaded reactor
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(list(self.preload))
        return ProcessPoolExecutor(max_workers=workers or _pool_size(self.workers), mp_context=ctx,
                                   initializer=init_worker)

    async def open_spider(self) -> None:
        self._executor = self._new_executor()
        size = -1 if self.workers < 0 else _pool_size(self.workers)
        self._size = max(size, 1)
        self.stats.set_value("newscrawl/extract/workers", size)
        try:
            asyncio.get_running_loop()
            self._slots = asyncio.Semaphore(max(size, 1) * EXTRACT_PAGES_PER_WORKER)
        except RuntimeError:  # plain Twisted reactor: no throttle (timeouts include queueing)
            self._slots = None
        # start every worker and load the model now, so the first pages do not wait for it
        errors = await self._warm_up(self._executor, self._size)
        if errors:
            log.error("the block model cannot be used; every page will be dropped as "
                      "model_error: %s", errors[0][:500])

    async def _warm_up(self, executor: Executor, workers: int) -> list[str]:
        """Start ``executor``'s workers and load the model in each; model errors found.

        Page timeouts then measure extraction, never a worker's start on a busy machine."""
        futures = [executor.submit(self.warm) for _ in range(workers)]
        for future in futures:
            try:
                warnings = await self._await(future, EXTRACT_WARM_UP_TIMEOUT_S) or []
            except Exception as exc:  # a broken worker shows up again, per page, as drops
                log.warning("extraction worker warm-up failed: %r", exc)
                return []
            errors = [w for w in warnings if w.startswith(MODEL_ERROR_PREFIX)]
            if errors:
                return errors
        return []

    def close_spider(self) -> None:
        for executor in (self._executor, self._quarantine):
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=True)
        self._executor = self._quarantine = None

    def _reset_pool(self, generation: int, *, killed_by_us: bool = False) -> None:
        """Replace the pool of ``generation`` (once, however many pages saw it break)."""
        if generation != self._generation or self._executor is None:
            return
        if killed_by_us:
            self._killed.add(generation)
        self._kill(self._executor)
        self._executor = self._new_executor()
        self._generation += 1
        self.stats.inc_value("newscrawl/extract/pool_restarts")
        if self._slots is not None:  # pages wait for the new workers outside their timeout
            self._ready = asyncio.ensure_future(self._warm_up(self._executor, self._size))

    @staticmethod
    def _kill(executor: Executor) -> None:
        processes = getattr(executor, "_processes", None) or {}
        for proc in list(processes.values()):
            proc.terminate()  # a hung worker never returns on its own
        executor.shutdown(wait=False, cancel_futures=True)

    async def _await(self, future: Future[Any], timeout: float | None = None) -> Any:
        timeout = self.timeout if timeout is None else timeout
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # a plain Twisted reactor: wait in a reactor thread instead
            return await maybe_deferred_to_future(deferToThread(future.result, timeout))
        return await asyncio.wait_for(asyncio.wrap_future(future), timeout)

    def _slot(self) -> contextlib.AbstractAsyncContextManager[Any]:
        """A few in-flight pages per worker (one running, the next one already queued, so
        that no worker waits for the reactor between pages): pages wait here, outside their
        timeout, and in the pool's queue at most behind one page per worker."""
        return self._slots if self._slots is not None else contextlib.nullcontext()

    async def _run(self, page: dict[str, Any]) -> dict[str, Any]:
        for _ in range(EXTRACT_MAX_SUBMITS):
            crashed = False
            async with self._slot():
                if self._ready is not None:
                    await asyncio.shield(self._ready)
                executor, generation = self._executor, self._generation
                assert executor is not None, "open_spider() was not called"
                future = executor.submit(self.work, page, self.with_blocks)
                try:
                    return await self._await(future)
                except (BrokenProcessPool, asyncio.CancelledError):
                    if not _lost_with_pool(future):
                        raise  # our own task was cancelled (crawl shutting down)
                    # the pool died under this page: a worker crashed, or we killed the
                    # pool because another page hung (then simply resubmit)
                    crashed = generation not in self._killed
                    self._reset_pool(generation)
                except (TimeoutError, asyncio.TimeoutError):
                    self._reset_pool(generation, killed_by_us=True)
                    self._drop("extract_timeout", page)
            if crashed:
                # this page or any other in flight may have crashed the worker: retry it
                # alone, where a crash can only be its own
                return await self._run_isolated(page)
        self._drop("extract_crashed", page)
        raise AssertionError("unreachable")

    async def _run_isolated(self, page: dict[str, Any]) -> dict[str, Any]:
        """Run one page in a one-worker quarantine pool, one page at a time."""
        self.stats.inc_value("newscrawl/extract/isolated")
        async with self._quarantine_lock:
            if self._quarantine is None:
                self._quarantine = self._new_executor(workers=1)
                await self._warm_up(self._quarantine, 1)
            future = self._quarantine.submit(self.work, page, self.with_blocks)
            try:
                return await self._await(future)
            except (BrokenProcessPool, asyncio.CancelledError):
                if not _lost_with_pool(future):
                    raise
                reason = "extract_crashed"
            except (TimeoutError, asyncio.TimeoutError):
                reason = "extract_timeout"
            self._kill(self._quarantine)
            self._quarantine = None
            self._drop(reason, page)
            raise AssertionError("unreachable")

    def _drop(self, reason: str, page: dict[str, Any], detail: str = "") -> None:
        self.stats.inc_value(f"newscrawl/dropped/{reason}")
        raise DropItem(f"{reason}: {page.get('url')} {detail}".rstrip())

    async def process_item(self, item: Any) -> Any:
        if not is_page_item(item):
            return item
        if len(item["body"]) > self.max_page_bytes:
            self._drop("too_large", item, f"({len(item['body'])} bytes)")
        try:
            article = await self._run(item)
        except DropItem:
            raise
        except Exception as exc:  # a bug or odd page in the worker: skip the page, not the crawl
            log.warning("extraction failed on %s: %r", item.get("url"), exc)
            self._drop("extract_failed", item, repr(exc))
        self.stats.inc_value("newscrawl/extract/pages")
        return article
