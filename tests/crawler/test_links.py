"""Article-vs-listing decisions from URL shape and page signals; link extraction."""

from __future__ import annotations

import re

import lxml.html
import pytest

from crawler.discovery import (
    ARTICLE,
    ASSET,
    LISTING,
    UNKNOWN,
    classify_url,
    extract_links,
    page_signals,
)


@pytest.mark.parametrize(("url", "expected"), [
    ("https://n.example/", LISTING),
    ("https://n.example/world/", LISTING),
    ("https://n.example/sport", LISTING),
    ("https://n.example/tag/elections", LISTING),
    ("https://n.example/news/page/2", LISTING),
    ("https://n.example/world?page=3", LISTING),
    ("https://n.example/world/2024/05/03/council-votes-on-budget", ARTICLE),
    ("https://n.example/politics/council-votes-on-new-budget-plan", ARTICLE),
    ("https://n.example/story/12345678", ARTICLE),
    ("https://n.example/a/council-votes-on-budget.html", ARTICLE),
    ("https://n.example/files/report.pdf", ASSET),
    ("https://n.example/img/photo.JPG", ASSET),
    ("https://n.example/world/short", UNKNOWN),
])
def test_classify_url(url: str, expected: str) -> None:
    assert classify_url(url) == expected


def test_site_patterns_override_shape() -> None:
    patterns = [re.compile(r"/p/\d+$")]
    assert classify_url("https://n.example/p/42", patterns) == ARTICLE
    assert classify_url("https://n.example/a-very-long-slug-that-looks-like-a-story", patterns) == LISTING
    assert classify_url("https://n.example/p/42.pdf", patterns) == ASSET


def _page(head: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(f"<html><head>{head}</head><body><p>x</p></body></html>")


@pytest.mark.parametrize(("head", "verdict"), [
    ('<meta property="og:type" content="article">', ARTICLE),
    ('<script type="application/ld+json">{"@graph": [{"@type": "WebSite"}, '
     '{"@type": ["NewsArticle"]}]}</script>', ARTICLE),
    ('<meta property="og:type" content="website">', LISTING),
    ('<script type="application/ld+json">{"@type": "CollectionPage"}</script>', LISTING),
    ('<script type="application/ld+json">{broken json</script>', UNKNOWN),
    ("", UNKNOWN),
])
def test_page_signals(head: str, verdict: str) -> None:
    assert page_signals(_page(head)).verdict == verdict


def test_microdata_type_counts() -> None:
    tree = lxml.html.fromstring('<html><body><div itemscope itemtype="https://schema.org/NewsArticle">'
                                "<p>x</p></div></body></html>")
    assert page_signals(tree).verdict == ARTICLE


def test_extract_links_same_site_distinct_no_fragments() -> None:
    tree = lxml.html.fromstring(
        '<html><body><a href="/a">a</a><a href="/a#top">a again</a>'
        '<a href="https://www.n.example/b">b</a><a href="https://sub.n.example/c">c</a>'
        '<a href="https://other.example/d">d</a><a href="mailto:x@n.example">m</a>'
        '<a href="javascript:void(0)">j</a><a rel="nofollow" href="/e">e</a></body></html>')
    assert extract_links(tree, "https://n.example/", ["n.example"]) == [
        "https://n.example/a", "https://www.n.example/b", "https://sub.n.example/c"]
    assert len(extract_links(tree, "https://n.example/", ["n.example"], limit=1)) == 1
