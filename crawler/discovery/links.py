"""Link following: which links to take from a page, and article-vs-listing decisions.

Two kinds of evidence: the URL's shape (before fetching) and the page's own signals
(after fetching: og:type, JSON-LD @type). The classifier's content mass is the third,
checked in the validation pipeline.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml import etree

from crawler.constants import MAX_LINKS_PER_PAGE, NON_HTML_EXTENSIONS
from crawler.discovery.urls import clean_url, same_site

__all__ = [
    "ARTICLE",
    "ASSET",
    "LISTING",
    "UNKNOWN",
    "PageSignals",
    "classify_url",
    "extract_links",
    "page_signals",
]

ARTICLE, LISTING, ASSET, UNKNOWN = "article", "listing", "asset", "unknown"

#: JSON-LD / microdata types that declare an article page.
ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "blogposting",
    "liveblogposting", "report", "scholarlyarticle", "techarticle", "socialmediaposting",
})
#: Types that declare a listing / front page.
LISTING_TYPES = frozenset({"collectionpage", "itemlist", "searchresultspage", "website",
                           "profilepage"})
#: Path segments that name a listing, never an article.
LISTING_SEGMENTS = frozenset({
    "section", "sections", "category", "categories", "tag", "tags", "topic", "topics",
    "author", "authors", "page", "archive", "archives", "search", "index", "latest",
    "feed", "feeds", "rss", "about", "contact", "privacy", "terms", "subscribe", "login",
    "signin", "register", "account", "newsletter", "newsletters", "video", "videos",
})
_DATE_PATH = re.compile(r"/(19|20)\d\d/(0?[1-9]|1[0-2])(/|-)")
_LONG_ID = re.compile(r"\d{5,}")
_WORD_SPLIT = re.compile(r"[-_]+")
_PAGE_QUERY = re.compile(r"(^|&)(page|p|offset)=\d")


def classify_url(url: str, article_patterns: Sequence[re.Pattern[str]] = ()) -> str:
    """``article``, ``listing``, ``asset`` or ``unknown`` from the URL alone."""
    parts = urlsplit(url)
    path = parts.path or "/"
    segments = [s for s in path.split("/") if s]
    last = segments[-1] if segments else ""
    stem, dot, ext = last.rpartition(".")
    if dot and ext.lower() in NON_HTML_EXTENSIONS:
        return ASSET
    if article_patterns:
        return ARTICLE if any(p.search(url) for p in article_patterns) else LISTING
    if not segments:
        return LISTING
    if any(s.lower() in LISTING_SEGMENTS for s in segments):
        return LISTING
    slug = stem if dot and ext.lower() in ("html", "htm", "shtml", "php", "aspx") else last
    words = [w for w in _WORD_SPLIT.split(slug) if w]
    if len(words) >= 4 or _LONG_ID.search(slug):
        return ARTICLE
    if _DATE_PATH.search(path + "/") and len(words) >= 2:
        return ARTICLE
    if len(segments) == 1 and len(words) <= 2 and not dot:
        return LISTING  # /world, /sport, /local-news
    if _PAGE_QUERY.search(parts.query):
        return LISTING  # ?page=2
    return UNKNOWN


@dataclass(frozen=True, slots=True)
class PageSignals:
    """What a fetched page says about itself."""

    og_type: str | None = None
    schema_types: frozenset[str] = field(default_factory=frozenset)

    @property
    def declares_article(self) -> bool:
        return (self.og_type or "").startswith("article") or bool(self.schema_types & ARTICLE_TYPES)

    @property
    def declares_listing(self) -> bool:
        if self.declares_article:
            return False
        return self.og_type in ("website", "profile") or bool(self.schema_types & LISTING_TYPES)

    @property
    def verdict(self) -> str:
        if self.declares_article:
            return ARTICLE
        if self.declares_listing:
            return LISTING
        return UNKNOWN


def _jsonld_types(node: object, out: set[str], depth: int = 0) -> None:
    if depth > 6:
        return
    if isinstance(node, list):
        for item in node[:50]:
            _jsonld_types(item, out, depth + 1)
    elif isinstance(node, dict):
        kind = node.get("@type")
        for name in kind if isinstance(kind, list) else [kind]:
            if isinstance(name, str):
                out.add(name.rsplit("/", 1)[-1].lower())
        graph = node.get("@graph")
        if graph is not None:
            _jsonld_types(graph, out, depth + 1)
        main = node.get("mainEntity")
        if isinstance(main, dict):
            _jsonld_types(main, out, depth + 1)


def page_signals(tree: etree._Element) -> PageSignals:
    """og:type and the top-level JSON-LD / microdata types of a parsed HTML page.

    Cheap enough for the spider (the pipelines use extruct for full metadata).
    """
    og_type = None
    for meta in tree.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:type":
            og_type = (meta.get("content") or "").strip().lower() or None
            break
    types: set[str] = set()
    for script in tree.iter("script"):
        if (script.get("type") or "").lower().strip() != "application/ld+json":
            continue
        try:
            _jsonld_types(json.loads(script.text or ""), types)
        except (ValueError, RecursionError):
            continue
    for elem in tree.xpath("//*[@itemscope][@itemtype]")[:20]:
        for itemtype in (elem.get("itemtype") or "").split():
            types.add(itemtype.rstrip("/").rsplit("/", 1)[-1].lower())
    return PageSignals(og_type, frozenset(types))


def extract_links(tree: etree._Element, base_url: str, domains: Iterable[str],
                  limit: int = MAX_LINKS_PER_PAGE) -> list[str]:
    """Distinct same-site http(s) links of ``<a href>`` in document order, at most ``limit``."""
    allowed = frozenset(domains)
    found: dict[str, None] = {}
    for anchor in tree.iter("a"):
        rel = (anchor.get("rel") or "").lower().split()
        if "nofollow" in rel:
            continue
        url = clean_url(anchor.get("href") or "", base_url)
        if url is None or url in found or (allowed and not same_site(url, allowed)):
            continue
        found[url] = None
        if len(found) >= limit:
            break
    return list(found)
