"""RSS, Atom and JSON Feed parsing, and feed autodiscovery from HTML.

Pure functions over bytes (no Scrapy), bounded by the limits in ``crawler.constants``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from crawler.constants import MAX_FEED_ENTRIES, MAX_XML_BYTES
from crawler.discovery.urls import clean_url
from crawler.discovery.xmlsafe import XmlError, child_text, iter_elements, local_name

__all__ = ["FEED_TYPES", "Feed", "FeedEntry", "discover_feeds", "parse_feed"]

#: ``<link rel="alternate" type=...>`` values that point at a feed.
FEED_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/feed+json",
    "application/json", "application/rdf+xml", "text/xml", "application/xml",
})
_ENTRY_NAMES = frozenset({"item", "entry"})
_DATE_NAMES = ("published", "pubdate", "date", "issued", "updated", "modified")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    url: str
    title: str | None = None
    #: the entry's published (or updated) date as written in the feed
    published: str | None = None
    updated: str | None = None


@dataclass(slots=True)
class Feed:
    entries: list[FeedEntry] = field(default_factory=list)
    skipped: int = 0
    truncated: bool = False


def _atom_link(elem: Any) -> str | None:
    fallback = None
    for child in elem:
        if local_name(child.tag) != "link":
            continue
        href = child.get("href")
        if href is None:  # RSS <link>text</link>
            return (child.text or "").strip() or None
        rel = (child.get("rel") or "alternate").lower()
        if rel == "alternate":
            return href.strip()
        fallback = fallback or href.strip()
    return fallback


def _first_date(elem: Any, names: tuple[str, ...]) -> str | None:
    for name in names:
        value = child_text(elem, name)
        if value:
            return value
    return None


def _parse_xml_feed(data: bytes, base_url: str | None, cap: int) -> Feed:
    feed = Feed()
    for elem in iter_elements(data, _ENTRY_NAMES):
        if len(feed.entries) >= cap:
            feed.truncated = True
            break
        link = _atom_link(elem)
        if not link:
            guid = elem.find("guid")
            if guid is not None and (guid.get("isPermaLink") or "true").lower() == "true":
                link = (guid.text or "").strip()
        url = clean_url(link or "", base_url)
        if url is None:
            feed.skipped += 1
            continue
        feed.entries.append(FeedEntry(
            url=url, title=child_text(elem, "title"),
            published=_first_date(elem, _DATE_NAMES),
            updated=_first_date(elem, ("updated", "modified")),
        ))
    return feed


def _parse_json_feed(data: bytes, base_url: str | None, cap: int) -> Feed:
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise XmlError(f"not a JSON feed: {exc}") from exc
    items = doc.get("items") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise XmlError("not a JSON feed: no 'items' list")
    feed = Feed()
    for item in items:
        if len(feed.entries) >= cap:
            feed.truncated = True
            break
        if not isinstance(item, dict):
            feed.skipped += 1
            continue
        raw = item.get("url") or item.get("external_url") or ""
        url = clean_url(raw if isinstance(raw, str) else "", base_url)
        if url is None:
            feed.skipped += 1
            continue

        def _str(key: str, item: dict[str, Any] = item) -> str | None:
            value = item.get(key)
            return value.strip() or None if isinstance(value, str) else None

        feed.entries.append(FeedEntry(url=url, title=_str("title"),
                                      published=_str("date_published") or _str("date_modified"),
                                      updated=_str("date_modified")))
    return feed


def parse_feed(data: bytes, base_url: str | None = None, *,
               max_entries: int = MAX_FEED_ENTRIES) -> Feed:
    """Parse an RSS 0.9x/1.0/2.0, Atom or JSON Feed document.

    Raises :class:`~crawler.discovery.xmlsafe.XmlError` for unusable input.
    """
    if len(data) > MAX_XML_BYTES:
        raise XmlError(f"feed over {MAX_XML_BYTES} bytes")
    head = data.lstrip()[:1]
    if head in (b"{", b"["):
        return _parse_json_feed(data, base_url, max_entries)
    return _parse_xml_feed(data, base_url, max_entries)


def discover_feeds(tree: etree._Element, base_url: str) -> list[str]:
    """Feed URLs announced by ``<link rel="alternate" type=feed-type href>`` in a page."""
    found: list[str] = []
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" not in rel or kind not in FEED_TYPES:
            continue
        # plain application/json alternates are often API links, not JSON Feeds
        if kind == "application/json" and "feed" not in (link.get("href") or "").lower():
            continue
        url = clean_url(link.get("href") or "", base_url)
        if url and url not in found:
            found.append(url)
    return found
