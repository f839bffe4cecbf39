"""Hostile sitemaps and feeds: entities never expanded, nothing external loaded, bombs cut off.

Every case must end in a clear XmlError or a bounded result; the memory figures are measured by
benchmarks/hostile_xml.py, not here.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from crawler.constants import MAX_GUNZIP_BYTES, MAX_URLS_PER_SITEMAP
from crawler.discovery.feeds import Feed, parse_feed
from crawler.discovery.sitemaps import Sitemap, parse_sitemap
from crawler.discovery.xmlsafe import XmlError
from tests.hardening import hostile_docs as hd
from tests.hardening.listeners import accepted_connections, loopback_listener

KINDS = ("sitemap", "rss", "atom")


def parse(kind: str, data: bytes) -> Sitemap | Feed | XmlError:
    try:
        return parse_sitemap(data) if kind == "sitemap" else parse_feed(data)
    except XmlError as exc:
        return exc


def parse_or_error(data: bytes) -> Sitemap | XmlError:
    try:
        return parse_sitemap(data)
    except XmlError as exc:
        return exc


def all_text(result: Sitemap | Feed | XmlError) -> str:
    return repr(result)


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A loopback socket that would see any connection the parser made."""
    with loopback_listener() as sock:
        yield sock


@pytest.mark.parametrize("kind", KINDS)
def test_billion_laughs_is_not_expanded(kind: str) -> None:
    result = parse(kind, hd.billion_laughs(kind))
    assert "lollol" not in all_text(result)
    if not isinstance(result, XmlError):
        assert len(all_text(result)) < 10_000


@pytest.mark.parametrize("kind", KINDS)
def test_quadratic_blowup_is_not_expanded(kind: str) -> None:
    result = parse(kind, hd.quadratic_blowup(kind))
    assert "xxxxxxxxxx" not in all_text(result)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("builder", [hd.billion_laughs, hd.quadratic_blowup])
def test_entity_expansion_is_refused_not_read_as_an_empty_document(kind: str, builder) -> None:
    result = parse(kind, builder(kind))
    assert isinstance(result, XmlError) and "entity expansion" in str(result)


def test_billion_laughs_feed_is_counted_as_a_bad_feed() -> None:
    from scrapy import Request
    from scrapy.http import TextResponse
    from scrapy.utils.test import get_crawler

    from crawler.spiders.news import NewsSpider

    spider = NewsSpider.from_crawler(get_crawler(NewsSpider), site="https://news.example/")
    url = "https://news.example/feed.xml"
    request = Request(url, meta={"newscrawl_site": "news.example", "newscrawl_kind": "feed"})
    response = TextResponse(url, body=hd.billion_laughs("rss"), request=request, status=200)
    assert list(spider.parse_feed(response)) == []
    stats = spider.crawler.stats
    assert stats.get_value("newscrawl/skipped/bad_feed") == 1
    assert stats.get_value("newscrawl/discovery/feed/parsed") is None


@pytest.mark.parametrize("kind", KINDS)
def test_external_file_entity_is_not_read(kind: str, tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    result = parse(kind, hd.xxe_file(kind, str(secret)))
    assert "TOP-SECRET-MARKER" not in all_text(result)
    assert "root:" not in all_text(parse(kind, hd.xxe_file(kind)))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("builder", [hd.xxe_url, hd.xxe_parameter])
def test_external_url_entity_is_never_fetched(kind: str, builder, listener) -> None:
    port = listener.getsockname()[1]
    result = parse(kind, builder(kind, f"http://127.0.0.1:{port}/evil.dtd"))
    assert accepted_connections(listener) == 0
    assert "evil" not in all_text(result).replace("evil.dtd", "")


@pytest.mark.parametrize("kind", KINDS)
def test_good_entries_next_to_hostile_ones_survive_external_entities(kind: str) -> None:
    result = parse(kind, hd.xxe_file(kind))
    assert not isinstance(result, XmlError)
    if isinstance(result, Sitemap):
        urls = [e.loc for e in result.urls]
    else:
        urls = [e.url for e in result.entries]
    assert "https://news.example/ok" in urls


def test_gzip_bomb_sitemap_is_refused() -> None:
    bomb = hd.gzip_bomb(4 * MAX_GUNZIP_BYTES)
    assert len(bomb) < MAX_GUNZIP_BYTES // 100
    with pytest.raises(XmlError, match="decompresses beyond"):
        parse_sitemap(bomb)


def test_gzip_bomb_with_an_xml_prefix_is_refused() -> None:
    bomb = hd.gzip_bomb(4 * MAX_GUNZIP_BYTES, b"<urlset><url><loc>https://n.example/1</loc></url>")
    with pytest.raises(XmlError):
        parse_sitemap(bomb)


def test_truncated_gzip_is_a_clear_error_or_bounded() -> None:
    data = hd.gzip_bomb(10_000, hd.many_urls_sitemap(100))[:-20]
    result = parse("sitemap", data)
    assert isinstance(result, XmlError | Sitemap)


def test_million_url_sitemap_is_capped_and_flagged() -> None:
    result = parse_sitemap(hd.many_urls_sitemap(1_000_000))
    assert result.truncated
    assert len(result.urls) == MAX_URLS_PER_SITEMAP
    assert result.urls[-1].loc == f"https://n.example/{MAX_URLS_PER_SITEMAP - 1}"


def test_deeply_nested_json_feed_is_a_clear_error() -> None:
    with pytest.raises(XmlError):
        parse_feed(b"[" * 200_000 + b"]" * 200_000)


def test_deeply_nested_xml_is_a_clear_error_or_bounded() -> None:
    doc = b"<urlset>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</urlset>"
    result = parse_or_error(doc)
    assert isinstance(result, XmlError) or not result.urls


@pytest.mark.parametrize("data", [b"", b"\x00" * 1000, b"\xff\xfe<\x00u\x00", b"<", b"<<<>>>",
                                  bytes(range(256)) * 50, b"<?xml version='1.0'?>"])
@pytest.mark.parametrize("kind", KINDS)
def test_garbage_is_a_clear_error_or_empty(kind: str, data: bytes) -> None:
    result = parse(kind, data)
    if not isinstance(result, XmlError):
        entries: list = result.urls if isinstance(result, Sitemap) else result.entries
        assert entries == []
