"""One crawl state per crawler, shared by the incremental middleware and the pipelines.

The first component that asks builds it (at engine start, before the scheduler opens, so the
JOBDIR guard can still clear a stale JOBDIR); it is closed on ``spider_closed``, after the
item pipelines have closed.
"""

from __future__ import annotations

import logging
import threading
import weakref
from typing import TYPE_CHECKING, Any

from scrapy import signals

from crawler.constants import TRANSIENT_DROP_REASONS
from crawler.state.base import FetchInfo, StateStore
from crawler.state.jobdir import guard_jobdir, mark_run_closed, mark_run_started

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["CrawlState", "crawl_state", "open_store"]

logger = logging.getLogger(__name__)

_STATES: weakref.WeakKeyDictionary[Crawler, CrawlState | None] = weakref.WeakKeyDictionary()


def open_store(settings) -> StateStore | None:
    """The store the settings ask for: Redis when ``NEWSCRAWL_REDIS_URL`` is set, else
    SQLite in ``NEWSCRAWL_STATE_DIR``, else none."""
    redis_url = settings.get("NEWSCRAWL_REDIS_URL")
    if redis_url:
        from crawler.state.redis_store import RedisStateStore

        return RedisStateStore.from_settings(settings)
    state_dir = settings.get("NEWSCRAWL_STATE_DIR")
    if state_dir:
        from crawler.state.sqlite import SqliteStateStore

        return SqliteStateStore(state_dir)
    return None


class CrawlState:
    """The store plus what one crawl holds back until it is safe to record."""

    def __init__(self, crawler: Crawler, store: StateStore) -> None:
        self.crawler = crawler
        self.store = store
        self._lock = threading.Lock()
        #: response URL -> what the article's fetch told us, until the article is written
        #: (storage pipeline) or dropped (unchanged, not an article).
        self._pending: dict[str, FetchInfo] = {}
        #: fetches of pages dropped this run, recorded only at a healthy finish
        self._held_back: list[FetchInfo] = []
        self.jobdir = crawler.settings.get("JOBDIR")
        self.jobdir_decision = guard_jobdir(self.jobdir)
        crawler.signals.connect(self._opened, signal=signals.spider_opened)
        crawler.signals.connect(self._dropped, signal=signals.item_dropped)
        crawler.signals.connect(self._closed, signal=signals.spider_closed)

    def put_fetch(self, response_url: str, fetch: FetchInfo) -> None:
        with self._lock:
            self._pending[response_url] = fetch

    def take_fetch(self, url: str | None) -> FetchInfo | None:
        if not url:
            return None
        with self._lock:
            return self._pending.pop(url, None)

    def _opened(self) -> None:
        mark_run_started(self.jobdir)

    def _dropped(self, item: Any, response: Any, exception: Exception) -> None:
        # A page dropped as a non-article or duplicate needs no refetch while its lastmod /
        # validators stay the same. But a drop can also come from a broken model or an
        # extraction failure, so these are held back and recorded only at the clean
        # finish of a healthy run (see _closed). Unchanged articles are recorded at once
        # by IncrementalPipeline.
        url = item.get("url") if hasattr(item, "get") else None
        fetch = self.take_fetch(url)
        reason = str(exception).split(":", 1)[0].strip()
        if fetch is not None and reason not in TRANSIENT_DROP_REASONS:
            with self._lock:
                self._held_back.append(fetch)

    def _healthy(self, reason: str) -> bool:
        stats = self.crawler.stats
        if reason != "finished" or stats is None:
            return False
        good = (stats.get_value("newscrawl/articles/written", 0)
                + stats.get_value("newscrawl/incremental/unchanged", 0))
        return good > 0 and not stats.get_value("log_count/ERROR", 0)

    def _closed(self, reason: str) -> None:
        try:
            if self._held_back:
                if self._healthy(reason):
                    self.store.record_fetches(self._held_back)
                else:
                    logger.info("Not recording %d dropped page(s) as fetched: the run ended "
                                "%s or logged errors; the next run fetches them again",
                                len(self._held_back), reason)
                if self.crawler.stats is not None:
                    key = "recorded" if self._healthy(reason) else "held_back"
                    self.crawler.stats.set_value(f"newscrawl/incremental/dropped_{key}",
                                                 len(self._held_back))
            mark_run_closed(self.jobdir, reason)
        finally:
            self.store.close()


def crawl_state(crawler: Crawler) -> CrawlState | None:
    """The crawl state of ``crawler`` (built on first use), or None when no store is set."""
    if crawler not in _STATES:
        store = open_store(crawler.settings)
        _STATES[crawler] = CrawlState(crawler, store) if store is not None else None
    return _STATES[crawler]
