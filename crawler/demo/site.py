"""The demo site: routes a request path to a rendered page, and states the ground truth.

``DemoSite`` renders every page on request from the seeded catalogue (nothing is built up
front), keeps a small cache of rendered pages, and offers the runtime changes the
incremental-crawl tests need (``edit_article``, ``add_articles``).
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from crawler.demo import constants as C
from crawler.demo import feeds
from crawler.demo.catalog import (
    CUT_OFF,
    PUBLISHERS,
    TRUNCATED,
    WRONG_CHARSET,
    ArticleSpec,
    Catalog,
    Publisher,
    quill_id,
)
from crawler.demo.extras import extra_page, home_extra, preview_path
from crawler.demo.html_parts import FEEDS, Context, esc
from crawler.demo.response import FEED_TYPES, HTML, XML, Response, html_response
from crawler.demo.templates import TEMPLATES
from crawler.demo.templates.markers import BODY_END, STORY_START
from crawler.demo.text import Paragraph

__all__ = ["ALL_ROUTES", "DemoSite", "parse_body", "section_url"]

ALL_ROUTES = frozenset({"sitemap", "news", "feed", "links"})
ARTICLE_PATTERNS: dict[str, re.Pattern[str]] = {
    "daily": re.compile(r"^/daily/[a-z]+/\d{4}/\d{2}/\d{2}/[a-z0-9-]+-a(\d+)$"),
    "courier": re.compile(r"^/courier/[a-z]+/[a-z0-9-]+-(\d+)\.html$"),
    "magazine": re.compile(r"^/magazine/\d{4}/\d{2}/[a-z0-9-]+-(\d+)/?$"),
}


def section_url(pub: Publisher, slug: str, page: int = 1) -> str:
    if pub.key == "daily":
        return f"/daily/{slug}/" + (f"?page={page}" if page > 1 else "")
    if pub.key == "courier":
        return f"/courier/{slug}/" + (f"page/{page}/" if page > 1 else "")
    if pub.key == "magazine":
        return f"/magazine/category/{slug}/" + (f"page/{page}/" if page > 1 else "")
    return f"/quill/s/{slug}" + (f"?p={page}" if page > 1 else "")


def _text_body(paragraphs: Iterable[Paragraph]) -> str:
    return "\n\n".join(p.text for p in paragraphs)


def parse_body(new_body: str | list[str]) -> list[Paragraph]:
    """Paragraphs from text (blank-line separated) or a list; ``## `` starts a sub-head."""
    chunks = new_body if isinstance(new_body, list) else re.split(r"\n\s*\n", new_body)
    paragraphs = []
    for chunk in chunks:
        text = " ".join(chunk.split())
        if text.startswith("## "):
            paragraphs.append(Paragraph("h2", text[3:].strip()))
        elif text:
            paragraphs.append(Paragraph("p", text))
    if not paragraphs:
        raise ValueError("the new body has no text")
    return paragraphs


class DemoSite:
    """A generated news network: four publishers under ``/daily/``, ``/courier/``,
    ``/magazine/`` and ``/quill/`` (the held-out template), one robots.txt per host."""

    def __init__(self, seed: int = C.DEFAULT_SEED, articles: int = C.DEFAULT_ARTICLES,
                 routes: Iterable[str] = ALL_ROUTES):
        self.catalog = Catalog(seed, articles)
        self.routes = frozenset(routes) | {"links"}
        unknown = self.routes - ALL_ROUTES
        if unknown:
            raise ValueError(f"unknown discovery routes: {sorted(unknown)}")
        self._cached = lru_cache(maxsize=C.RENDER_CACHE_SIZE)(self._render)

    @property
    def seed(self) -> int:
        return self.catalog.seed

    @property
    def publishers(self) -> list[Publisher]:
        return list(PUBLISHERS.values())

    # --- the public entry point ----------------------------------------------------------
    def handle(self, target: str, base: str, only: str | None = None) -> Response:
        """Answer a GET for ``target`` (path and query) on the host whose URL is ``base``.

        ``only`` serves one publisher as its own host (its own robots.txt).
        """
        if only is not None and only not in PUBLISHERS:
            raise ValueError(f"unknown publisher {only!r}")
        return self._cached(target, base.rstrip("/"), only, self.catalog.version)

    def _render(self, target: str, base: str, only: str | None, version: int) -> Response:
        del version  # part of the cache key only
        parts = urlsplit(target)
        path = parts.path or "/"
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        ctx = Context(self.catalog, base, self.routes)
        pubs = [PUBLISHERS[only]] if only else self.publishers
        if path == "/robots.txt":
            return Response(200, "text/plain; charset=utf-8",
                            feeds.robots_txt(ctx, pubs).encode(), "robots", C.ANCHOR_TIME)
        if path == "/":
            if only:
                return Response(301, HTML, b"", "redirect", location=f"/{only}/")
            return html_response(200, self._portal(), "portal", C.ANCHOR_TIME)
        for pub in pubs:
            if path == pub.prefix.rstrip("/"):
                return Response(301, HTML, b"", "redirect", location=pub.prefix)
            if path.startswith(pub.prefix):
                found = self._publisher_page(ctx, pub, path, query)
                if found is not None:
                    return found
                return html_response(404, TEMPLATES[pub.key].page(ctx, "Page not found", [
                    "Sorry, we could not find that page. It may have been moved or removed."],
                    status_class="error-404"), "not-found")
        return html_response(404, "<!DOCTYPE html><title>Not found</title><h1>Not found</h1>", "not-found")

    # --- pages of one publisher --------------------------------------------------------------
    def _publisher_page(self, ctx: Context, pub: Publisher, path: str,
                        query: dict[str, str]) -> Response | None:
        spec = self.find_article(path)
        if spec is not None:
            return self._article(ctx, spec)
        target = self.redirect_target(path, urlencode(query))
        if target is not None:
            return Response(301, HTML, b"", "redirect", location=target)
        rest = path[len(pub.prefix):]
        for attempt in (self._listing, self._discovery):
            found = attempt(ctx, pub, rest, query)
            if found is not None:
                return found
        return extra_page(ctx, pub, rest)

    def _article(self, ctx: Context, spec: ArticleSpec) -> Response:
        module = TEMPLATES[spec.publisher.key]
        text = module.article(ctx, spec, self.catalog.visible_body(spec))
        if spec.broken == TRUNCATED:
            text = text[: text.index(BODY_END)]
        elif spec.broken == CUT_OFF:
            text = text[: text.index(STORY_START)]
        if spec.broken == WRONG_CHARSET:
            # the page says UTF-8 in its <meta>, the bytes are Windows-1252, HTTP says nothing
            return Response(200, "text/html", text.encode("cp1252", "xmlcharrefreplace"),
                            "article", spec.modified)
        kind = "broken" if spec.broken == CUT_OFF else "article"
        return html_response(200, text, kind, spec.modified)

    def _listing(self, ctx: Context, pub: Publisher, rest: str,
                 query: dict[str, str]) -> Response | None:
        module = TEMPLATES[pub.key]
        if rest == "":
            ids = self.catalog.newest_ids(pub.key, C.LISTING_PAGE_SIZE)
            specs = [self.catalog.get(i) for i in ids]
            kwargs: dict[str, Any] = {"slashless": True} if pub.key == "magazine" else {}
            text = module.listing(ctx, pub.name, specs, active=None, prev_href=None,
                                  next_href=None, extra=home_extra(self.catalog, pub), **kwargs)
            return html_response(200, text, "home", self.catalog.last_change(ids))
        match = re.fullmatch(r"(?:category/)?([a-z]+)/?(?:page/(\d+)/)?|s/([a-z]+)", rest)
        if not match:
            return None
        slug = match.group(1) or match.group(3)
        index = next((k for k, s in enumerate(pub.sections) if s.slug == slug), None)
        if index is None or section_url(pub, slug) != pub.prefix + rest.split("page/")[0]:
            return None
        # each publisher pages its own way: daily ?page=N, quill ?p=N, the others page/N/
        page_param = {"daily": "page", "quill": "p"}.get(pub.key)
        if match.group(2) is not None and page_param is not None:
            return None
        page_text = match.group(2) or (query.get(page_param, "1") if page_param else "1")
        page = int(page_text) if page_text.isdigit() else 0
        pages = max(1, -(-self.catalog.section_count(pub, index) // C.LISTING_PAGE_SIZE))
        if not 1 <= page <= pages:
            return None
        start = (page - 1) * C.LISTING_PAGE_SIZE
        ids = self.catalog.section_ids(pub, index, start, start + C.LISTING_PAGE_SIZE)
        text = module.listing(
            ctx, f"{pub.sections[index].label}" + (f" (page {page})" if page > 1 else ""),
            [self.catalog.get(i) for i in ids], active=slug,
            prev_href=section_url(pub, slug, page - 1) if page > 1 else None,
            next_href=section_url(pub, slug, page + 1) if page < pages else None)
        return html_response(200, text, "section", self.catalog.last_change(ids))

    def _discovery(self, ctx: Context, pub: Publisher, rest: str,
                   query: dict[str, str]) -> Response | None:
        del query
        path = pub.prefix + rest
        result: tuple[str, datetime] | None = None
        kind = "sitemap"
        gz = False
        if "feed" in self.routes and path == FEEDS[pub.key][1]:
            kind = "feed"
            result = {"daily": feeds.rss_feed, "courier": feeds.rss_feed,
                      "magazine": feeds.atom_feed, "quill": feeds.json_feed}[pub.key](ctx, pub)
        elif "news" in self.routes and path == "/daily/news-sitemap.xml":
            result, kind = feeds.news_sitemap(ctx), "news-sitemap"
        elif "sitemap" in self.routes:
            result, gz = self._sitemap(ctx, pub, path)
        if result is None:
            return None
        text, last_modified = result
        if gz:
            body = gzip.compress(text.encode(), mtime=0)
            return Response(200, "application/gzip", body, kind, last_modified)
        content_type = FEED_TYPES[pub.key] if kind == "feed" else XML
        return Response(200, content_type, text.encode(), kind, last_modified)

    def _sitemap(self, ctx: Context, pub: Publisher, path: str
                 ) -> tuple[tuple[str, datetime] | None, bool]:
        if pub.key == "daily":
            if path == "/daily/sitemap-index.xml":
                return feeds.daily_sitemap_index(ctx), False
            if path == "/daily/sitemaps/sections.xml":
                text = feeds.sections_sitemap(ctx, pub, "/daily/{slug}/",
                                              extra=[preview_path(0)])
                return (text, C.ANCHOR_TIME), False
            match = re.fullmatch(r"/daily/sitemaps/articles-(\d+)\.xml(\.gz)?", path)
            if match and path == feeds.daily_chunk_path(int(match.group(1))):
                return feeds.daily_sitemap_chunk(ctx, int(match.group(1))), bool(match.group(2))
        listings = [pub.prefix] + [section_url(pub, s.slug) for s in pub.sections]
        if pub.key == "courier" and path == "/courier/sitemap.xml":
            return feeds.publisher_sitemap(ctx, pub, listings), False
        if pub.key == "magazine" and path == "/magazine/sitemap.xml.gz":
            return feeds.publisher_sitemap(ctx, pub, listings), True
        return None, False

    # --- ground truth -----------------------------------------------------------------------------
    def find_article(self, path: str) -> ArticleSpec | None:
        """The article whose page is ``path`` (exactly), or None."""
        article_id: int | None = None
        for pattern in ARTICLE_PATTERNS.values():
            match = pattern.match(path)
            if match:
                article_id = int(match.group(1))
                break
        if path.startswith("/quill/p/"):
            article_id = quill_id(path[len("/quill/p/"):])
        if article_id is None or not 0 <= article_id < self.catalog.count:
            return None
        spec = self.catalog.get(article_id)
        return spec if spec.url_path == path else None

    def redirect_target(self, path: str, query: str = "") -> str | None:
        """Old URLs that answer 301: the daily's ``story.php?id=N`` and slash-less magazine URLs."""
        if path == "/daily/story.php":
            article_id = parse_qs(query).get("id", [""])[-1]
            if article_id.isdigit() and int(article_id) < self.catalog.count:
                spec = self.catalog.get(int(article_id))
                if spec.old_path == f"{path}?{query}":
                    return spec.url_path
        if path.startswith("/magazine/") and not path.endswith("/"):
            found = self.find_article(path + "/")
            if found is not None:
                return found.url_path
        return None

    def manifest_entry(self, spec: ArticleSpec, base: str | None = None, *,
                       _news: frozenset[int] | None = None,
                       _fed: frozenset[int] | None = None) -> dict[str, Any]:
        body = self.catalog.visible_body(spec)
        news = self._news_set() if _news is None else _news
        fed = self._feed_set() if _fed is None else _fed
        routes = ["links"]
        if "sitemap" in self.routes and "sitemap" in spec.publisher.routes:
            routes.append("sitemap")
        if "news" in self.routes and spec.id in news:
            routes.append("news")
        if "feed" in self.routes and spec.id in fed:
            routes.append("feed")
        entry: dict[str, Any] = {
            "url_path": spec.url_path,
            "title": spec.title,
            "body": _text_body(body),
            "paywall": spec.paywall,
            "publisher": spec.publisher.key,
            "publisher_name": spec.publisher.name,
            "section": spec.section.label,
            "published": spec.published.isoformat(),
            "modified": spec.modified.isoformat(),
            "authors": list(spec.authors),
            "routes": sorted(routes),
            "broken": spec.broken,
            "held_out": spec.publisher.held_out,
            "id": spec.id,
        }
        if base:
            entry["url"] = base.rstrip("/") + spec.url_path
        return entry

    def _news_set(self) -> frozenset[int]:
        return frozenset(feeds.news_ids(self.catalog)) if "news" in self.routes else frozenset()

    def _feed_set(self) -> frozenset[int]:
        return frozenset(i for p in PUBLISHERS for i in self.catalog.newest_ids(p, C.FEED_SIZE))

    def manifest(self, base: str | None = None, publisher: str | None = None
                 ) -> Iterator[dict[str, Any]]:
        """The ground truth: every article a perfect crawl writes, newest first."""
        ids = (range(self.catalog.count - 1, -1, -1) if publisher is None
               else self.catalog.newest_ids(publisher, self.catalog.publisher_count(publisher)))
        news, fed = self._news_set(), self._feed_set()
        for article_id in ids:
            spec = self.catalog.get(article_id)
            if spec.in_manifest:
                yield self.manifest_entry(spec, base, _news=news, _fed=fed)

    def article_paths(self) -> Iterator[str]:
        for article_id in range(self.catalog.count):
            yield self.catalog.get(article_id).url_path

    # --- runtime changes ---------------------------------------------------------------------------
    def edit_article(self, url_path: str, new_body: str | list[str],
                     modified: datetime | None = None) -> dict[str, Any]:
        """Replace an article's body and move its ``dateModified`` / sitemap ``lastmod``
        forward (to ``modified``, default now); returns the new manifest entry."""
        spec = self.find_article(url_path)
        if spec is None:
            raise KeyError(f"no article at {url_path!r}")
        new = self.catalog.edit(spec.id, parse_body(new_body), modified)
        return self.manifest_entry(new)

    def add_articles(self, count: int = 1) -> list[dict[str, Any]]:
        """Publish new articles, newer than all others; returns their manifest entries."""
        ids = self.catalog.add_articles(count)
        return [self.manifest_entry(self.catalog.get(i)) for i in ids
                if self.catalog.get(i).in_manifest]

    def _portal(self) -> str:
        links = "".join(f'<li><a href="{p.prefix}">{esc(p.name)}</a></li>' for p in self.publishers)
        return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<title>newscrawl demo news network</title></head>\n<body><h1>Demo news network"
                f"</h1>\n<p>Four invented publishers, generated with seed {self.seed}.</p>\n"
                f"<ul>{links}</ul>\n</body></html>\n")
