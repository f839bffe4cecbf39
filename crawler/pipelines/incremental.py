"""Incremental crawls: only new and changed articles go on to storage.

An article is tracked by its canonical URL and its ``content_hash``. New -> ``revision`` 1;
same hash as stored -> dropped (``newscrawl/incremental/unchanged``); different hash -> the
next ``revision`` with ``previous_hash``. The store records an article as seen only after
the storage pipeline has fsynced its line (see ``crawler.pipelines.storage``); without
``NEWSCRAWL_OUTPUT_DIR`` (e.g. only ``-O out.jsonl``) it is recorded here instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured

from crawler.pipelines.storage import as_plain_dict
from crawler.state.base import utc_now_iso
from crawler.state.reconcile import article_key, written_article
from crawler.state.registry import CrawlState, crawl_state

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["IncrementalPipeline"]

#: File name recorded for articles marked without a JSONL file (feed export only).
_NO_FILE = "(no-jsonl)"


class IncrementalPipeline:
    def __init__(self, crawler: Crawler, state: CrawlState, *, mark_here: bool) -> None:
        self.crawler = crawler
        self.state = state
        self.mark_here = mark_here

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalPipeline:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_INCREMENTAL", True):
            raise NotConfigured("NEWSCRAWL_INCREMENTAL is off")
        state = crawl_state(crawler)
        if state is None:
            raise NotConfigured("no state store: set NEWSCRAWL_STATE_DIR or NEWSCRAWL_REDIS_URL")
        return cls(crawler, state, mark_here=not settings.get("NEWSCRAWL_OUTPUT_DIR"))

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        data = as_plain_dict(item)
        key = article_key(data)
        content_hash = data.get("content_hash")
        if key is None or not content_hash:
            self._inc("newscrawl/incremental/untracked")
            return item
        store = self.state.store
        previous = store.get_article(key)
        if previous is not None and previous.content_hash == content_hash:
            store.touch_article(key, utc_now_iso())
            fetch = self.state.take_fetch(data.get("url"))
            if fetch is not None:  # already stored: no need to fetch it while unchanged
                store.record_fetches([fetch])
            self._inc("newscrawl/incremental/unchanged")
            raise DropItem(f"unchanged since revision {previous.revision}", log_level="DEBUG")
        revision = previous.revision + 1 if previous is not None else 1
        if not store.claim(key, revision):
            self._inc("newscrawl/incremental/claimed_elsewhere")
            raise DropItem(f"revision {revision} of {key} is already being written",
                           log_level="INFO")
        adapter["revision"] = revision
        if previous is not None:
            adapter["previous_hash"] = previous.content_hash
            self._inc("newscrawl/incremental/changed")
        else:
            self._inc("newscrawl/incremental/new")
        if self.mark_here:
            data.update(revision=revision)
            fetch = self.state.take_fetch(data.get("url"))
            art = written_article(data, fetch)
            store.mark_written([art] if art else [], _NO_FILE, 0)
        return item
