"""Validation pipeline: keep articles, drop everything else with a counted reason.

A page is an article when it has a body of some length and either declares itself one
(og:type article, JSON-LD NewsArticle...) or, undeclared, the classifier labelled enough
of its text as content (its "content mass"). Pages that declare themselves listings
(og:type website, CollectionPage) are dropped. Each drop counts ``newscrawl/dropped/<reason>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem, NotConfigured

from crawler.constants import MIN_BODY_CHARS, MIN_BODY_CHARS_DECLARED, MIN_CONTENT_SHARE
from crawler.discovery.links import ARTICLE, LISTING
from crawler.items import MODEL_ERROR_PREFIX, PRIVATE_KEY

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["ValidationPipeline", "rejection_reason"]


def rejection_reason(item: dict[str, Any], *, min_chars: int = MIN_BODY_CHARS,
                     min_chars_declared: int = MIN_BODY_CHARS_DECLARED,
                     min_content_share: float = MIN_CONTENT_SHARE) -> str | None:
    """Why ``item`` (an article item with its page facts) is not an article, or None."""
    page = item.get(PRIVATE_KEY) or {}
    body = (item.get("body") or "").strip()
    verdict = page.get("verdict")
    walled = (item.get("paywall") or {}).get("status") in ("metered", "hard")
    if any(str(w).startswith(MODEL_ERROR_PREFIX) for w in page.get("warnings", ())):
        return "model_error"  # no model, no verdict: say so rather than "empty"
    if verdict == LISTING:
        return "not_article"
    if not body:
        return "empty"
    declared = verdict == ARTICLE or bool(page.get("news"))
    if len(body) < (min_chars_declared if declared or walled else min_chars):
        return "too_short"
    if not declared and page.get("content_share", 1.0) < min_content_share:
        return "not_article"
    return None


class ValidationPipeline:
    def __init__(self, crawler: Crawler, *, min_chars: int, min_chars_declared: int,
                 min_content_share: float) -> None:
        self.stats = crawler.stats
        self.min_chars = min_chars
        self.min_chars_declared = min_chars_declared
        self.min_content_share = min_content_share

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidationPipeline:
        s = crawler.settings
        if not s.getbool("NEWSCRAWL_VALIDATION_ENABLED", True):
            raise NotConfigured("NEWSCRAWL_VALIDATION_ENABLED is off")
        return cls(crawler,
                   min_chars=s.getint("NEWSCRAWL_MIN_BODY_CHARS", MIN_BODY_CHARS),
                   min_chars_declared=s.getint("NEWSCRAWL_MIN_BODY_CHARS_DECLARED",
                                               MIN_BODY_CHARS_DECLARED),
                   min_content_share=s.getfloat("NEWSCRAWL_MIN_CONTENT_SHARE",
                                                MIN_CONTENT_SHARE))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, dict) or PRIVATE_KEY not in item:
            return item
        reason = rejection_reason(item, min_chars=self.min_chars,
                                  min_chars_declared=self.min_chars_declared,
                                  min_content_share=self.min_content_share)
        item.pop(PRIVATE_KEY)
        if reason is not None:
            self.stats.inc_value(f"newscrawl/dropped/{reason}")
            # expected for listings and stubs (INFO); a missing model is not (WARNING)
            raise DropItem(f"{reason}: {item.get('url')}",
                           log_level="WARNING" if reason == "model_error" else "INFO")
        self.stats.inc_value("newscrawl/articles/valid")
        return item
