"""De-duplication within one crawl, by canonical URL and by content fingerprint.

The same article reached by two URLs (tracking parameters, AMP, print views, a sitemap
and a feed) is written once. Across crawls, the incremental pipeline takes over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem, NotConfigured

from crawler.items import PRIVATE_KEY

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["DedupPipeline"]


class DedupPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self._urls: set[str] = set()
        self._hashes: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        if not crawler.settings.getbool("NEWSCRAWL_DEDUP_ENABLED", True):
            raise NotConfigured("NEWSCRAWL_DEDUP_ENABLED is off")
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, dict) or "content_hash" not in item:
            return item
        item.pop(PRIVATE_KEY, None)  # in case validation is switched off
        url = item.get("canonical_url") or item.get("url")
        digest = item.get("content_hash")
        if url in self._urls:
            self.stats.inc_value("newscrawl/dropped/duplicate_url")
            raise DropItem(f"duplicate_url: {item.get('url')} (canonical {url})", log_level="INFO")
        if digest and digest in self._hashes and (item.get("body") or "").strip():
            self.stats.inc_value("newscrawl/dropped/duplicate_content")
            raise DropItem(f"duplicate_content: {item.get('url')}", log_level="INFO")
        if url:
            self._urls.add(url)
        if digest:
            self._hashes.add(digest)
        return item
