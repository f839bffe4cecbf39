"""The ``news`` spider: discover article pages of news sites and yield one page item each.

    scrapy crawl news -a site=https://example.com/
    scrapy crawl news -a sites=sites.toml [-a routes=sitemap,news,feed,links]

Discovery routes (all on by default): ``sitemap`` (robots.txt ``Sitemap:`` lines, else
the usual locations; indexes and gzip followed), ``news`` (Google News sitemap entries),
``feed`` (RSS / Atom / JSON Feed, configured or autodiscovered from start pages) and
``links`` (following links from start and section pages). Articles are scheduled newest
first. The page item goes to the pipelines (extraction -> validation -> dedup -> ...).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from scrapy import Request, Spider
from scrapy.http import Response

from crawler import constants as C
from crawler.discovery import (
    ARTICLE,
    ASSET,
    LISTING,
    UNKNOWN,
    XmlError,
    classify_url,
    discover_feeds,
    extract_links,
    page_signals,
    parse_feed,
    parse_sitemap,
    sitemaps_from_robots,
)
from crawler.items import make_page_item, utc_now_iso
from crawler.limits import repair_markup
from crawler.metadata import normalise_date
from crawler.sites import SiteConfig, SitesFileError, load_sites, site_from_url

__all__ = ["NewsSpider", "article_priority", "looks_like_html"]

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.IGNORECASE)
#: Statuses the discovery callbacks want to see (a missing sitemap is normal); redirects
#: are left to RedirectMiddleware, which skips statuses listed here.
_DISCOVERY_STATUSES = [400, 401, 403, 404, 410, 500, 502, 503]


def article_priority(*dates: str | None, now: datetime | None = None) -> int:
    """Scheduler priority of an article: newer first, from the first parsable date."""
    now = now or datetime.now(UTC)
    for value in dates:
        iso = normalise_date(value) if value else None
        if iso:
            age_h = (now - datetime.fromisoformat(iso)).total_seconds() / 3600
            return int(max(0, min(C.RECENCY_WINDOW_HOURS, C.RECENCY_WINDOW_HOURS - age_h)))
    return C.PRIORITY_UNDATED_ARTICLE


_CONTROL_BYTES = bytes([*range(0x09), *range(0x0E, 0x20)])
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def looks_like_html(body: bytes, *, declared: bool = True) -> bool:
    """Whether ``body`` can be an HTML page: has markup and is not binary.

    Servers label PDFs, images and random bytes ``text/html``; without a Content-Type
    (``declared`` False) the page must start like HTML.
    """
    head = body[:C.HTML_SNIFF_BYTES]
    if head.startswith(_UTF16_BOMS):
        return True
    if not declared and not head.lstrip().lower().startswith(
            (b"<!doctype html", b"<html", b"<head", b"<body", b"<!--")):
        return False
    if b"<" not in head:
        return False
    control = len(head) - len(head.translate(None, _CONTROL_BYTES))  # in C, not per byte
    return control <= C.MAX_CONTROL_BYTE_SHARE * max(len(head), 1)


def _parse_routes(raw: object) -> frozenset[str]:
    names = raw if isinstance(raw, list | tuple) else str(raw).split(",")
    chosen = frozenset(str(n).strip() for n in names if str(n).strip())
    unknown = chosen - set(C.ROUTES)
    if unknown or not chosen:
        raise ValueError(f"unknown discovery route(s) {sorted(unknown)}; known: {C.ROUTES}")
    return chosen


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class NewsSpider(Spider):
    name = "news"

    def __init__(self, site: str | None = None, sites: str | None = None,
                 routes: str | None = None, max_depth: str | int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if bool(site) == bool(sites):
            raise ValueError("give exactly one of -a site=URL or -a sites=FILE")
        try:
            self.sites: list[SiteConfig] = load_sites(sites) if sites else [site_from_url(site or "")]
        except SitesFileError as exc:
            raise ValueError(str(exc)) from exc
        self._routes_arg = routes
        if routes is not None:
            _parse_routes(routes)  # fail at start-up, not in the middle of the crawl
        self._depth_arg = max_depth
        self.allowed_domains = sorted({d for s in self.sites for d in s.allowed_domains})
        self._by_name = {s.name: s for s in self.sites}
        self._patterns = {s.name: s.compiled_patterns() for s in self.sites}
        #: sitemap URLs requested per site (loop guard and fan-out cap)
        self._sitemaps_seen: dict[str, set[str]] = {s.name: set() for s in self.sites}

    # -- configuration from settings (known only once the crawler is attached) ---------
    @property
    def routes(self) -> frozenset[str]:
        return _parse_routes(self._routes_arg or self.settings.get("NEWSCRAWL_ROUTES")
                             or ",".join(C.ROUTES))

    @property
    def max_depth(self) -> int:
        if self._depth_arg is not None:
            return int(self._depth_arg)
        return self.settings.getint("NEWSCRAWL_MAX_LISTING_DEPTH", C.MAX_LISTING_DEPTH)

    def _count(self, key: str, n: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/{key}", n)

    # -- requests ------------------------------------------------------------------------
    def _meta(self, site: SiteConfig, kind: str, **extra: Any) -> dict[str, Any]:
        meta = {"newscrawl_kind": kind, "newscrawl_site": site.name}
        meta.update({k: v for k, v in extra.items() if v is not None})
        return meta

    def _discovery_request(self, url: str, site: SiteConfig, kind: str, callback: Any,
                           priority: int, **extra: Any) -> Request:
        meta = self._meta(site, kind, **extra)
        meta["handle_httpstatus_list"] = _DISCOVERY_STATUSES
        return Request(url, callback=callback, errback=self._discovery_failed,
                       priority=priority, meta=meta)

    def _article_request(self, url: str, site: SiteConfig, via: str, *,
                         lastmod: str | None = None, news: dict[str, str] | None = None,
                         published: str | None = None) -> Request | None:
        shape = classify_url(url, self._patterns[site.name])
        # news sitemaps and feeds list articles: a short URL there is still one, unless the
        # site's own article patterns say otherwise
        trusted = via in ("news_sitemap", "feed") and not self._patterns[site.name]
        if shape == ASSET or (shape == LISTING and not trusted):
            self._count(f"discovery/{via}/skipped_not_article_url")
            return None
        self._count(f"discovery/{via}/urls")
        news_date = (news or {}).get("publication_date")
        return Request(
            url, callback=self.parse_page,
            priority=article_priority(news_date, published, lastmod),
            meta=self._meta(site, "article", newscrawl_lastmod=normalise_date(lastmod),
                            newscrawl_news=news or None, newscrawl_published=published,
                            newscrawl_via=via),
        )

    def _listing_request(self, url: str, site: SiteConfig, depth: int) -> Request:
        return Request(url, callback=self.parse_page, priority=C.PRIORITY_LISTING - depth,
                       meta=self._meta(site, "listing", newscrawl_depth=depth,
                                       newscrawl_via="links"))

    async def start(self) -> AsyncIterator[Any]:
        routes = self.routes
        for site in self.sites:
            for request in self._site_start(site, routes):
                yield request

    def _site_start(self, site: SiteConfig, routes: frozenset[str]) -> Iterator[Request]:
        if routes & {"sitemap", "news"}:
            if site.sitemaps:
                for url in site.sitemaps:
                    yield self._sitemap_request(url, site, depth=0)
            else:
                for origin in dict.fromkeys(_origin(u) for u in site.start_urls):
                    yield self._discovery_request(origin + "/robots.txt", site, "robots",
                                                  self.parse_robots, C.PRIORITY_ROBOTS)
        if "feed" in routes:
            for url in site.feeds:
                yield self._discovery_request(url, site, "feed", self.parse_feed,
                                              C.PRIORITY_FEED)
        if routes & {"links", "feed"}:
            for url in site.start_urls:
                yield self._listing_request(url, site, depth=0)

    def _sitemap_request(self, url: str, site: SiteConfig, depth: int,
                         lastmod: str | None = None) -> Request:
        self._sitemaps_seen[site.name].add(url)
        return self._discovery_request(url, site, "sitemap", self.parse_sitemap,
                                       C.PRIORITY_SITEMAP - depth, newscrawl_depth=depth,
                                       newscrawl_lastmod=normalise_date(lastmod))

    def _discovery_failed(self, failure: Any) -> None:
        request = getattr(failure, "request", None)
        kind = request.meta.get("newscrawl_kind", "discovery") if request else "discovery"
        self._count(f"discovery/{kind}/failed")
        self.logger.info("%s request failed: %s (%s)", kind,
                         request.url if request else "?", failure.getErrorMessage())

    def _site(self, response: Response) -> SiteConfig:
        return self._by_name[response.meta["newscrawl_site"]]

    # -- robots.txt and sitemaps --------------------------------------------------------
    def parse_robots(self, response: Response) -> Iterator[Request]:
        site = self._site(response)
        found = sitemaps_from_robots(response.body, response.url) if response.status == 200 else []
        self._count("discovery/robots/sitemaps", len(found))
        if not found:  # nothing announced: try where sitemaps usually are
            found = [_origin(response.url) + p for p in C.USUAL_SITEMAP_PATHS]
        for url in found:
            yield self._sitemap_request(url, site, depth=0)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        if response.status != 200:
            self._count("discovery/sitemap/missing")
            return
        site = self._site(response)
        seen = self._sitemaps_seen[site.name]
        seen.add(response.url)  # after a redirect, the final URL too
        try:
            sitemap = parse_sitemap(response.body, response.url,
                                    max_urls=self.settings.getint(
                                        "NEWSCRAWL_MAX_URLS_PER_SITEMAP", C.MAX_URLS_PER_SITEMAP))
        except XmlError as exc:
            self._count("skipped/bad_sitemap")
            self.logger.warning("unusable sitemap %s: %s", response.url, exc)
            return
        self._count("discovery/sitemap/parsed")
        if sitemap.truncated:
            self._count("discovery/sitemap/truncated")
        depth = response.meta.get("newscrawl_depth", 0)
        for child in sitemap.sitemaps:
            if depth + 1 > C.MAX_SITEMAP_DEPTH or len(seen) >= C.MAX_SITEMAPS_PER_SITE:
                self._count("discovery/sitemap/index_limit")
                break
            if child.loc not in seen:
                yield self._sitemap_request(child.loc, site, depth + 1, child.lastmod)
        routes = self.routes
        for entry in sitemap.urls:
            via = "news_sitemap" if entry.news else "sitemap"
            if ("news" if entry.news else "sitemap") not in routes:
                continue
            request = self._article_request(entry.loc, site, via, lastmod=entry.lastmod,
                                            news=entry.news)
            if request is not None:
                yield request

    # -- feeds --------------------------------------------------------------------------
    def parse_feed(self, response: Response) -> Iterator[Request]:
        if response.status != 200:
            self._count("discovery/feed/missing")
            return
        site = self._site(response)
        try:
            feed = parse_feed(response.body, response.url)
        except XmlError as exc:
            self._count("skipped/bad_feed")
            self.logger.warning("unusable feed %s: %s", response.url, exc)
            return
        self._count("discovery/feed/parsed")
        for entry in feed.entries:
            request = self._article_request(entry.url, site, "feed",
                                            lastmod=entry.updated or entry.published,
                                            published=entry.published)
            if request is not None:
                yield request

    # -- HTML pages: listings and article candidates -------------------------------------
    def _is_html(self, response: Response) -> bool:
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        if ctype and ctype.split(";")[0].strip() not in _HTML_TYPES:
            return False
        return looks_like_html(response.body, declared=bool(ctype))

    def parse_page(self, response: Response) -> Iterator[Any]:
        kind = response.meta.get("newscrawl_kind")
        if not self._is_html(response):
            self._count("skipped/not_html")
            return
        site = self._site(response)
        url_kind = classify_url(response.url, self._patterns[site.name])
        if kind == "article" and url_kind == ARTICLE:
            # the URL says article: skip parsing here, extraction decides off the reactor
            yield self._page_item(response, site)
            return
        tree = self._parse_tree(response)
        if tree is None:
            self._count("skipped/unparsable")
            return
        verdict = page_signals(tree).verdict
        if verdict == ARTICLE or (kind == "article" and verdict != LISTING):
            yield self._page_item(response, site)
            if kind == "article" and (verdict == ARTICLE or url_kind != UNKNOWN):
                return
        # a listing, or an undeclared page whose URL says nothing: follow its links too
        yield from self._follow(response, tree, site)

    def _parse_tree(self, response: Response) -> Any:
        parser = lxml.html.HTMLParser(recover=True, no_network=True, huge_tree=False,
                                      encoding=getattr(response, "encoding", None))
        # libxml2 is quadratic in attributes, reads an unclosed title to the end, drops what
        # follows </html> and a self-closed <html/> page whole
        body, _repairs = repair_markup(response.body)
        try:
            return lxml.html.document_fromstring(body, parser=parser)
        except (ValueError, LookupError, lxml.etree.ParserError):
            return None

    def _follow(self, response: Response, tree: Any, site: SiteConfig) -> Iterator[Request]:
        routes = self.routes
        depth = response.meta.get("newscrawl_depth", 0)
        if "feed" in routes and depth <= C.FEED_DISCOVERY_DEPTH:
            for url in discover_feeds(tree, response.url):
                self._count("discovery/feed/autodiscovered")
                yield self._discovery_request(url, site, "feed", self.parse_feed, C.PRIORITY_FEED)
        if "links" not in routes:
            if "feed" in routes and depth + 1 <= C.FEED_DISCOVERY_DEPTH:
                # feeds only: still visit the listings a start page links to (a portal's
                # publications, sections) because feeds are announced there
                for url in extract_links(tree, response.url, site.allowed_domains):
                    if classify_url(url, self._patterns[site.name]) == LISTING:
                        yield self._listing_request(url, site, depth + 1)
            return
        links = extract_links(tree, response.url, site.allowed_domains,
                              self.settings.getint("NEWSCRAWL_MAX_LINKS_PER_PAGE",
                                                   C.MAX_LINKS_PER_PAGE))
        kinds = Counter[str]()
        for url in links:
            url_kind = classify_url(url, self._patterns[site.name])
            kinds[url_kind] += 1
            if url_kind == LISTING:
                if depth + 1 <= self.max_depth:
                    yield self._listing_request(url, site, depth + 1)
            elif url_kind != ASSET:
                request = self._article_request(url, site, "links")
                if request is not None:
                    request.meta["newscrawl_depth"] = depth + 1
                    yield request
        for name, n in kinds.items():
            self._count(f"discovery/links/{name}", n)

    def _page_item(self, response: Response, site: SiteConfig) -> dict[str, Any]:
        self._count("pages/candidates")
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        charset = _CHARSET.search(ctype)
        headers = {k.decode("latin-1"): b", ".join(v).decode("latin-1")
                   for k, v in response.headers.items()}
        meta = {k: v for k, v in response.meta.items() if k.startswith("newscrawl_")}
        item = make_page_item(
            url=response.url, status=response.status, headers=headers, body=response.body,
            encoding=charset.group(1) if charset else None, site=site.name,
            discovered_via=str(meta.get("newscrawl_via") or "links"), meta=meta)
        item["fetched_at"] = utc_now_iso()
        return item
