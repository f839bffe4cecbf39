"""Extraction (with a stand-in classifier), validation and de-duplication pipelines."""

from __future__ import annotations

import asyncio
from typing import Any

import lxml.etree
import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.test import get_crawler

import classifier
from classifier import Article, LabelledBlock
from crawler.items import PRIVATE_KEY, content_hash, make_page_item
from crawler.pipelines.dedup import DedupPipeline
from crawler.pipelines.extraction import ExtractionPipeline, build_article
from crawler.pipelines.validation import ValidationPipeline, rejection_reason
from tests.crawler.workers import fake_work, no_warm_up


class NewscrawlSpiderStub(Spider):
    name = "stub"


BODY = "The ferry to the island runs again from Monday, the harbour office said. " * 6

ARTICLE_HTML = f"""<html lang="en"><head><meta property="og:type" content="article">
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Ferry runs again",
"author": {{"@type": "Person", "name": "By Ada Writer"}}}}</script></head>
<body><nav>Home</nav><article><p>{BODY}</p></article></body></html>"""


def fake_extract(html: Any, url: str | None = None, *, model: Any = None,
                 encoding: str | None = None) -> Article:
    """Labels every <p> content and the rest navigation (no model needed)."""
    if isinstance(html, bytes):
        text = html.decode("utf-8")
    else:  # the worker's shared tree
        text = html if isinstance(html, str) else lxml.etree.tostring(html, encoding="unicode")
    if "explode" in text:
        raise RuntimeError("worker bug")
    body = BODY.strip() if BODY in text else ""
    blocks = (LabelledBlock(body, "content", 0.9, "/html/body/article/p", "p"),
              LabelledBlock("Home", "navigation", 0.8, "/html/body/nav", "nav"))
    return Article(body=body, title="Ferry runs again", blocks=blocks if body else blocks[1:],
                   url=url, language="en", model_version="fake-1")


@pytest.fixture
def fake_classifier(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(classifier, "extract", fake_extract)


def page(html: str, url: str = "https://n.example/news/ferry-runs-again-from-monday",
         news: dict[str, str] | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"newscrawl_kind": "article", "newscrawl_site": "n"}
    if news:
        meta["newscrawl_news"] = news
    return make_page_item(url=url, status=200, headers={"Content-Type": "text/html"},
                          body=html.encode(), encoding="utf-8", site="n",
                          discovered_via="news_sitemap" if news else "links", meta=meta)


def test_build_article_schema(fake_classifier: None) -> None:
    item = build_article(page(ARTICLE_HTML, news={"publication_date": "2024-05-01T08:00:00Z"}),
                         with_blocks=True)
    assert item["title"] == "Ferry runs again" and item["authors"] == ["Ada Writer"]
    assert item["body"] == BODY.strip() and item["content_hash"] == content_hash(BODY)
    assert item["published"] == "2024-05-01T08:00:00+00:00"
    assert item["paywall"]["status"] == "free" and item["model"] == "fake-1"
    assert item["blocks"][0] == {"text": BODY.strip(), "label": "content", "score": 0.9}
    assert item["language"] == "en" and item["discovered_via"] == "news_sitemap"
    assert item[PRIVATE_KEY]["verdict"] == "article"


def _pipeline(**settings: Any) -> ExtractionPipeline:
    crawler = get_crawler(settings_dict={"NEWSCRAWL_EXTRACT_WORKERS": -1, **settings})
    pipe = ExtractionPipeline.from_crawler(crawler)
    asyncio.run(pipe.open_spider())
    return pipe


def test_extraction_pipeline_runs_and_counts(fake_classifier: None) -> None:
    pipe = _pipeline()
    try:
        item = asyncio.run(pipe.process_item(page(ARTICLE_HTML)))
        assert item["body"] == BODY.strip()
        assert asyncio.run(pipe.process_item({"other": "item"})) == {"other": "item"}
        with pytest.raises(DropItem, match="extract_failed"):
            asyncio.run(pipe.process_item(page("<p>explode</p>")))
        with pytest.raises(DropItem, match="too_large"):
            asyncio.run(_pipeline(NEWSCRAWL_MAX_PAGE_BYTES=10).process_item(page(ARTICLE_HTML)))
        stats = pipe.stats.get_stats()
        assert stats["newscrawl/extract/pages"] == 1
        assert stats["newscrawl/dropped/extract_failed"] == 1
    finally:
        pipe.close_spider()


def test_extraction_can_be_disabled() -> None:
    with pytest.raises(NotConfigured):
        ExtractionPipeline.from_crawler(get_crawler(settings_dict={"NEWSCRAWL_EXTRACT_ENABLED": False}))


def _article(body: str, verdict: str = "unknown", share: float = 1.0, status: str = "free",
             news: bool = False) -> dict[str, Any]:
    return {"url": "https://n.example/x", "body": body, "paywall": {"status": status},
            PRIVATE_KEY: {"verdict": verdict, "content_share": share, "news": news}}


@pytest.mark.parametrize(("item", "reason"), [
    (_article(BODY), None),
    (_article(BODY, verdict="listing"), "not_article"),
    (_article(""), "empty"),
    (_article("Short text."), "too_short"),
    (_article("A declared article with a short teaser body of a hundred characters or so, more."
              " And more.", verdict="article"), None),
    (_article("A paywalled teaser that is short but still the article, with a few more words here.",
              status="hard"), None),
    (_article(BODY, share=0.05), "not_article"),
    (_article(BODY, verdict="article", share=0.05), None),
])
def test_rejection_reason(item: dict[str, Any], reason: str | None) -> None:
    assert rejection_reason(item) == reason


def test_validation_pipeline_drops_with_counted_reason() -> None:
    crawler = get_crawler()
    pipe = ValidationPipeline.from_crawler(crawler)
    kept = pipe.process_item(_article(BODY))
    assert PRIVATE_KEY not in kept
    with pytest.raises(DropItem, match="not_article"):
        pipe.process_item(_article(BODY, verdict="listing"))
    assert crawler.stats.get_value("newscrawl/dropped/not_article") == 1
    assert crawler.stats.get_value("newscrawl/articles/valid") == 1


def test_dedup_by_canonical_url_and_content() -> None:
    crawler = get_crawler()
    pipe = DedupPipeline.from_crawler(crawler)

    def art(url: str, canonical: str, body: str) -> dict[str, Any]:
        return {"url": url, "canonical_url": canonical, "body": body, "content_hash": content_hash(body)}

    pipe.process_item(art("https://n.example/a?utm=1", "https://n.example/a", "Body one."))
    with pytest.raises(DropItem, match="duplicate_url"):
        pipe.process_item(art("https://n.example/a/amp", "https://n.example/a", "Body one, AMP."))
    with pytest.raises(DropItem, match="duplicate_content"):
        pipe.process_item(art("https://n.example/b", "https://n.example/b", "Body   one."))
    pipe.process_item(art("https://n.example/c", "https://n.example/c", "Body two."))
    assert crawler.stats.get_value("newscrawl/dropped/duplicate_url") == 1
    assert crawler.stats.get_value("newscrawl/dropped/duplicate_content") == 1


class StandInPipeline(ExtractionPipeline):
    work = staticmethod(fake_work)
    warm = staticmethod(no_warm_up)
    preload = ("tests.crawler.workers",)


def test_worker_crash_and_hang_cost_only_their_pages() -> None:
    crawler = get_crawler(settings_dict={"NEWSCRAWL_EXTRACT_WORKERS": 2,
                                         "NEWSCRAWL_EXTRACT_TIMEOUT": 3})
    pipe = StandInPipeline.from_crawler(crawler)

    async def crawl() -> list[Any]:
        await pipe.open_spider()
        bodies = ["one", "crash", "two", "hang", "three", "four"]
        results = await asyncio.gather(
            *(pipe.process_item(page(b, url=f"https://n.example/{i}")) for i, b in enumerate(bodies)),
            return_exceptions=True)
        pipe.close_spider()
        return results

    results = asyncio.run(crawl())
    kept = sorted(r["body"] for r in results if isinstance(r, dict))
    dropped = sorted(str(r).split(":")[0] for r in results if isinstance(r, DropItem))
    assert kept == ["four", "one", "three", "two"]
    assert dropped == ["extract_crashed", "extract_timeout"]
    assert crawler.stats.get_value("newscrawl/extract/pool_restarts") >= 1
    assert crawler.stats.get_value("newscrawl/extract/isolated") >= 1


def test_model_error_is_its_own_drop_reason() -> None:
    item = _article(BODY)
    item[PRIVATE_KEY]["warnings"] = ["model-error:no such model file"]
    assert rejection_reason(item) == "model_error"


def test_drop_log_line_leaves_the_item_out() -> None:
    from crawler.pipelines import NewscrawlLogFormatter

    crawler = get_crawler(NewscrawlSpiderStub)
    crawler.spider = crawler._create_spider()
    item = page(ARTICLE_HTML)
    result = NewscrawlLogFormatter().dropped(item, DropItem("too_short: https://n.example/x",
                                                            log_level="INFO"), None, crawler.spider)
    text = result["msg"] % result["args"]
    assert text == "Dropped: too_short: https://n.example/x" and result["level"] == 20
