"""The news spider's callbacks on hand-made responses (no network)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.test import get_crawler

from crawler import constants as C
from crawler.spiders.news import NewsSpider, article_priority, looks_like_html

BASE = "https://n.example"


def _spider(**kwargs: Any) -> NewsSpider:
    crawler = get_crawler(NewsSpider)
    spider = NewsSpider.from_crawler(crawler, site=f"{BASE}/", **kwargs)
    return spider


def _response(cls: type[Response], url: str, body: bytes, meta: dict[str, Any],
              headers: dict[str, str] | None = None) -> Any:
    request = Request(url, meta={"newscrawl_site": "n.example", **meta})
    return cls(url, body=body, request=request, headers=headers or {}, status=200)


def test_priority_newest_first() -> None:
    now = datetime(2024, 5, 10, tzinfo=UTC)
    newer = article_priority("2024-05-09T12:00:00Z", now=now)
    older = article_priority("2024-05-01", now=now)
    assert C.RECENCY_WINDOW_HOURS >= newer > older > 0
    assert article_priority(None, "garbage", now=now) == C.PRIORITY_UNDATED_ARTICLE
    assert article_priority(None, "2024-05-09T12:00:00Z", now=now) == newer  # first parsable
    assert article_priority("1990-01-01", now=now) == 0
    assert newer < C.PRIORITY_LISTING < C.PRIORITY_SITEMAP < C.PRIORITY_ROBOTS


@pytest.mark.parametrize(("body", "declared", "ok"), [
    (b"<!doctype html><html><body>x</body></html>", True, True),
    (b"%PDF-1.4 binary \x00\x01\x02\x03" * 50, True, False),
    (bytes(range(256)) * 20, True, False),
    (b"\xff\xfe<\x00h\x00t\x00m\x00l\x00>\x00", True, True),
    (b"just some text without markup", True, False),
    (b"<p>fragment</p>", False, False),
    (b"  <html><p>x</p></html>", False, True),
])
def test_looks_like_html(body: bytes, declared: bool, ok: bool) -> None:
    assert looks_like_html(body, declared=declared) is ok


def test_robots_without_sitemaps_probes_usual_paths() -> None:
    spider = _spider()
    resp = _response(TextResponse, f"{BASE}/robots.txt", b"User-agent: *\nDisallow: /x/\n",
                     {"newscrawl_kind": "robots"})
    urls = [r.url for r in spider.parse_robots(resp)]
    assert urls == [BASE + p for p in C.USUAL_SITEMAP_PATHS]


def test_sitemap_index_depth_and_loops() -> None:
    spider = _spider()
    index = (b"<sitemapindex><sitemap><loc>https://n.example/a.xml</loc></sitemap>"
             b"<sitemap><loc>https://n.example/index.xml</loc></sitemap></sitemapindex>")
    first = list(spider.parse_sitemap(_response(TextResponse, f"{BASE}/index.xml", index,
                                                {"newscrawl_kind": "sitemap", "newscrawl_depth": 0})))
    assert [r.url for r in first] == [f"{BASE}/a.xml"]  # itself is not fetched again
    assert first[0].meta["newscrawl_depth"] == 1 and first[0].meta["newscrawl_kind"] == "sitemap"
    deep = list(spider.parse_sitemap(_response(
        TextResponse, f"{BASE}/deep.xml", index.replace(b"index.xml", b"other.xml"),
        {"newscrawl_kind": "sitemap", "newscrawl_depth": C.MAX_SITEMAP_DEPTH})))
    assert deep == []
    assert spider.crawler.stats.get_value("newscrawl/discovery/sitemap/index_limit") == 1


def test_sitemap_entries_become_article_requests_with_meta() -> None:
    spider = _spider(routes="sitemap")
    body = (b'<urlset xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            b"<url><loc>https://n.example/world/2024/05/01/quiet-harbour-reopens</loc>"
            b"<lastmod>2024-05-01T10:00:00Z</lastmod></url>"
            b"<url><loc>https://n.example/world/</loc></url>"
            b"<url><loc>https://n.example/files/a.pdf</loc></url>"
            b"<url><loc>https://n.example/news/breaking-story-about-bridges</loc><news:news>"
            b"<news:publication_date>2024-05-02</news:publication_date></news:news></url>"
            b"</urlset>")
    out = list(spider.parse_sitemap(_response(TextResponse, f"{BASE}/s.xml", body,
                                              {"newscrawl_kind": "sitemap"})))
    assert [r.url for r in out] == [f"{BASE}/world/2024/05/01/quiet-harbour-reopens"]
    meta = out[0].meta
    assert meta["newscrawl_kind"] == "article" and meta["newscrawl_via"] == "sitemap"
    assert meta["newscrawl_lastmod"] == "2024-05-01T10:00:00+00:00"


def test_bad_sitemap_is_a_counted_skip() -> None:
    spider = _spider()
    out = list(spider.parse_sitemap(_response(TextResponse, f"{BASE}/s.xml", b"\x89PNG garbage",
                                              {"newscrawl_kind": "sitemap"})))
    assert out == []
    assert spider.crawler.stats.get_value("newscrawl/skipped/bad_sitemap") == 1


def test_article_page_becomes_page_item() -> None:
    spider = _spider()
    url = f"{BASE}/world/2024/05/01/quiet-harbour-reopens"
    resp = _response(HtmlResponse, url, b"<html><body><p>Story</p></body></html>",
                     {"newscrawl_kind": "article", "newscrawl_via": "feed",
                      "newscrawl_lastmod": "2024-05-01T10:00:00+00:00"},
                     {"Content-Type": "text/html; charset=ISO-8859-1"})
    (item,) = list(spider.parse_page(resp))
    assert item["url"] == url and item["body"].startswith(b"<html>")
    assert item["encoding"] == "ISO-8859-1" and item["discovered_via"] == "feed"
    assert item["meta"]["newscrawl_lastmod"] == "2024-05-01T10:00:00+00:00"
    assert item["headers"]["Content-Type"] == "text/html; charset=ISO-8859-1"


def test_listing_page_is_followed_not_yielded() -> None:
    spider = _spider()
    html = (b'<html><head><meta property="og:type" content="website"></head><body>'
            b'<a href="/world/2024/05/01/quiet-harbour-reopens">story</a>'
            b'<a href="/sport/">sport</a><a href="/img/x.png">img</a>'
            b'<a href="https://elsewhere.example/a-long-story-slug-here">off</a></body></html>')
    out = list(spider.parse_page(_response(HtmlResponse, f"{BASE}/", html,
                                           {"newscrawl_kind": "listing", "newscrawl_depth": 0},
                                           {"Content-Type": "text/html"})))
    assert all(isinstance(r, Request) for r in out)
    kinds = {r.url: r.meta["newscrawl_kind"] for r in out}
    assert kinds == {f"{BASE}/world/2024/05/01/quiet-harbour-reopens": "article",
                     f"{BASE}/sport/": "listing"}


def test_non_html_page_is_skipped() -> None:
    spider = _spider()
    resp = _response(Response, f"{BASE}/world/2024/05/01/x-y-z-w", b"%PDF-1.4\x00\x01",
                     {"newscrawl_kind": "article"}, {"Content-Type": "application/pdf"})
    assert list(spider.parse_page(resp)) == []
    assert spider.crawler.stats.get_value("newscrawl/skipped/not_html") == 1


def test_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="exactly one of"):
        NewsSpider()
    with pytest.raises(ValueError, match="unknown discovery route"):
        NewsSpider(site=f"{BASE}/", routes="sitemap,smoke-signals")


def test_feed_entries_with_short_urls_are_still_fetched() -> None:
    spider = _spider(routes="feed")
    rss = (b"<rss><channel><item><link>https://n.example/world</link></item>"
           b"<item><link>https://n.example/files/a.pdf</link></item></channel></rss>")
    out = list(spider.parse_feed(_response(TextResponse, f"{BASE}/feed.xml", rss,
                                           {"newscrawl_kind": "feed"})))
    assert [r.url for r in out] == [f"{BASE}/world"]
    assert out[0].meta["newscrawl_via"] == "feed"
