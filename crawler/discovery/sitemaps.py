"""Sitemap parsing: urlsets, sitemap indexes, Google News sitemaps, text sitemaps.

Pure functions over bytes (no Scrapy), bounded by the limits in ``crawler.constants``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crawler.constants import MAX_URLS_PER_SITEMAP
from crawler.discovery.urls import clean_url
from crawler.discovery.xmlsafe import XmlError, child_text, iter_elements, local_name, maybe_gunzip

__all__ = ["Sitemap", "SitemapEntry", "parse_sitemap"]

_ENTRY_NAMES = frozenset({"url", "sitemap"})
_NEWS_FIELDS = ("publication_date", "title", "keywords", "genres", "language", "name")


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    loc: str
    lastmod: str | None = None
    #: Google News fields (``publication_date``, ``title``, ``keywords``, ``genres``,
    #: ``language``, ``name`` = the publication name), when the entry has ``<news:news>``.
    news: dict[str, str] | None = None


@dataclass(slots=True)
class Sitemap:
    urls: list[SitemapEntry] = field(default_factory=list)
    #: child sitemaps when this document is a sitemap index
    sitemaps: list[SitemapEntry] = field(default_factory=list)
    #: entries skipped (bad URL, over the cap)
    skipped: int = 0
    truncated: bool = False

    @property
    def is_index(self) -> bool:
        return bool(self.sitemaps) and not self.urls

    @property
    def is_news(self) -> bool:
        return any(e.news for e in self.urls)


def _news_of(elem: Any) -> dict[str, str] | None:
    for child in elem:
        if local_name(child.tag) == "news":
            news = {}
            for name in _NEWS_FIELDS:
                value = child_text(child, name)
                if value:
                    news[name] = value
            return news or None
    return None


def _parse_text(data: bytes, base_url: str | None, cap: int) -> Sitemap:
    result = Sitemap()
    for raw in data.decode("utf-8", "replace").splitlines():
        url = clean_url(raw.strip(), base_url)
        if url is None:
            if raw.strip():
                result.skipped += 1
            continue
        if len(result.urls) >= cap:
            result.truncated = True
            break
        result.urls.append(SitemapEntry(url))
    return result


def parse_sitemap(data: bytes, base_url: str | None = None, *,
                  max_urls: int = MAX_URLS_PER_SITEMAP) -> Sitemap:
    """Parse a (possibly gzipped) sitemap, sitemap index or text sitemap.

    Raises :class:`~crawler.discovery.xmlsafe.XmlError` for unusable input.
    """
    data = maybe_gunzip(data)
    stripped = data.lstrip()
    if stripped[:4].lower() in (b"http",):
        return _parse_text(stripped, base_url, max_urls)
    result = Sitemap()
    for elem in iter_elements(data, _ENTRY_NAMES):
        if len(result.urls) + len(result.sitemaps) >= max_urls:
            result.truncated = True
            break
        # sitemaps must list absolute URLs; relative ones (or unexpanded entities) are refused
        loc = clean_url(child_text(elem, "loc") or "")
        if loc is None:
            result.skipped += 1
            continue
        entry = SitemapEntry(loc, child_text(elem, "lastmod"),
                             _news_of(elem) if local_name(elem.tag) == "url" else None)
        (result.urls if local_name(elem.tag) == "url" else result.sitemaps).append(entry)
    if not result.urls and not result.sitemaps and not result.skipped:
        raise XmlError("no <url> or <sitemap> entries")
    return result
