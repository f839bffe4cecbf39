"""Sitemap, robots.txt and safe-XML parsing."""

from __future__ import annotations

import gzip

import pytest

from crawler.discovery import XmlError, parse_sitemap, sitemaps_from_robots
from crawler.discovery.xmlsafe import gunzip_capped

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://news.example/a/first-story-about-bridges</loc>
       <lastmod>2024-05-01T10:00:00+00:00</lastmod></url>
  <url><loc> https://news.example/a/second-story </loc>
    <news:news><news:publication><news:name>Example Times</news:name>
      <news:language>en</news:language></news:publication>
      <news:publication_date>2024-05-02T09:00:00Z</news:publication_date>
      <news:title>Second story</news:title><news:keywords>a, b</news:keywords></news:news></url>
  <url><loc>javascript:alert(1)</loc></url>
  <url><loc>/relative/path</loc></url>
</urlset>"""


def test_urlset_entries_lastmod_and_news_fields() -> None:
    sm = parse_sitemap(URLSET)
    assert [e.loc for e in sm.urls] == ["https://news.example/a/first-story-about-bridges",
                                        "https://news.example/a/second-story"]
    assert sm.urls[0].lastmod == "2024-05-01T10:00:00+00:00" and sm.urls[0].news is None
    assert sm.urls[1].news == {"publication_date": "2024-05-02T09:00:00Z",
                               "title": "Second story", "keywords": "a, b",
                               "language": "en", "name": "Example Times"}
    assert sm.is_news and not sm.is_index
    assert sm.skipped == 2  # the javascript: and the relative loc


def test_sitemap_index_and_gzip() -> None:
    index = (b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b"<sitemap><loc>https://news.example/s1.xml.gz</loc><lastmod>2024-01-01</lastmod>"
             b"</sitemap><sitemap><loc>https://news.example/s2.xml</loc></sitemap></sitemapindex>")
    sm = parse_sitemap(gzip.compress(index))
    assert sm.is_index
    assert [(e.loc, e.lastmod) for e in sm.sitemaps] == [
        ("https://news.example/s1.xml.gz", "2024-01-01"), ("https://news.example/s2.xml", None)]


def test_text_sitemap() -> None:
    sm = parse_sitemap(b"https://news.example/one-story\n\nnot a url\nhttps://news.example/two\n")
    assert [e.loc for e in sm.urls] == ["https://news.example/one-story", "https://news.example/two"]
    assert sm.skipped == 1


def test_url_cap_truncates() -> None:
    body = b"".join(b"<url><loc>https://n.example/%d</loc></url>" % i for i in range(500))
    sm = parse_sitemap(b"<urlset>" + body + b"</urlset>", max_urls=100)
    assert len(sm.urls) == 100 and sm.truncated


def test_entities_are_not_expanded() -> None:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
              b'<!ENTITY x SYSTEM "file:///etc/passwd">]>'
              b"<urlset><url><loc>https://n.example/&b;</loc></url>"
              b"<url><loc>&x;</loc></url><url><loc>https://n.example/ok</loc></url></urlset>")
    sm = parse_sitemap(laughs)
    locs = [e.loc for e in sm.urls]
    assert "https://n.example/ok" in locs
    assert not any("aaaa" in loc or "root:" in loc for loc in locs)


def test_gzip_bomb_is_refused() -> None:
    bomb = gzip.compress(b"\0" * (2 * 1024 * 1024))
    with pytest.raises(XmlError, match="beyond"):
        gunzip_capped(bomb, max_bytes=1024 * 1024)


@pytest.mark.parametrize("data", [b"", b"\x89PNG\r\n\x1a\n binary", b"<html><body>hi</body></html>",
                                  gzip.compress(b"")[:5]])
def test_unusable_documents_raise_xml_error(data: bytes) -> None:
    with pytest.raises(XmlError):
        parse_sitemap(data)


def test_robots_sitemap_lines() -> None:
    robots = (b"User-agent: *\nDisallow: /private/\nSitemap: https://n.example/sm.xml # main\n"
              b"sitemap:/relative.xml\nSITEMAP: https://n.example/sm.xml\nSitemap: ftp://x/y\n")
    assert sitemaps_from_robots(robots, "https://n.example/robots.txt") == [
        "https://n.example/sm.xml", "https://n.example/relative.xml"]
