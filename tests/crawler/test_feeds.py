"""RSS, Atom and JSON Feed parsing and feed autodiscovery."""

from __future__ import annotations

import json

import lxml.html
import pytest

from crawler.discovery import XmlError, discover_feeds, parse_feed

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>One</title><link>https://n.example/one-story-here</link>
<pubDate>Wed, 01 May 2024 07:00:00 GMT</pubDate></item>
<item><title>Two</title><guid isPermaLink="true">https://n.example/two</guid></item>
<item><title>Bad</title><link>mailto:x@y.z</link></item></channel></rss>"""

ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<entry><title>A</title><link rel="self" href="https://n.example/self"/>
<link rel="alternate" href="/atom-story"/><published>2024-05-01T10:00:00Z</published>
<updated>2024-05-02T10:00:00Z</updated></entry></feed>"""


def test_rss() -> None:
    feed = parse_feed(RSS)
    assert [(e.url, e.title, e.published) for e in feed.entries] == [
        ("https://n.example/one-story-here", "One", "Wed, 01 May 2024 07:00:00 GMT"),
        ("https://n.example/two", "Two", None)]
    assert feed.skipped == 1


def test_atom_prefers_alternate_and_resolves_relative() -> None:
    feed = parse_feed(ATOM, "https://n.example/feed.atom")
    assert len(feed.entries) == 1
    entry = feed.entries[0]
    assert entry.url == "https://n.example/atom-story"
    assert (entry.published, entry.updated) == ("2024-05-01T10:00:00Z", "2024-05-02T10:00:00Z")


def test_json_feed() -> None:
    doc = {"version": "https://jsonfeed.org/version/1.1", "items": [
        {"id": "1", "url": "https://n.example/j1", "title": "J", "date_published": "2024-05-01"},
        {"id": "2", "external_url": "https://n.example/j2"}, {"id": "3"}, "junk"]}
    feed = parse_feed(json.dumps(doc).encode())
    assert [(e.url, e.title, e.published) for e in feed.entries] == [
        ("https://n.example/j1", "J", "2024-05-01"), ("https://n.example/j2", None, None)]
    assert feed.skipped == 2


def test_entry_cap() -> None:
    items = b"".join(b"<item><link>https://n.example/%d</link></item>" % i for i in range(50))
    feed = parse_feed(b"<rss><channel>" + items + b"</channel></rss>", max_entries=10)
    assert len(feed.entries) == 10 and feed.truncated


@pytest.mark.parametrize("data", [b"{not json", b'{"items": 3}', b"plain text"])
def test_bad_feeds_raise(data: bytes) -> None:
    with pytest.raises(XmlError):
        parse_feed(data)


def test_autodiscovery() -> None:
    page = lxml.html.fromstring(
        '<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml">'
        '<link rel="alternate" type="application/atom+xml" href="https://n.example/a.atom">'
        '<link rel="alternate" type="application/feed+json" href="/feed.json">'
        '<link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/1">'
        '<link rel="alternate" hreflang="de" href="/de/"><link rel="stylesheet" href="/s.css">'
        "</head><body></body></html>")
    assert discover_feeds(page, "https://n.example/") == [
        "https://n.example/rss.xml", "https://n.example/a.atom", "https://n.example/feed.json"]
