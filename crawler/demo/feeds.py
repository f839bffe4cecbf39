"""robots.txt, sitemaps (index, gzipped, Google News) and feeds (RSS, Atom, JSON Feed)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape as xml_escape

from crawler.demo import constants as C
from crawler.demo.catalog import PUBLISHERS, ArticleSpec, Catalog, Publisher
from crawler.demo.html_parts import FEEDS, Context, summary

__all__ = [
    "DISALLOWED_PREFIXES", "SITEMAPS", "atom_feed", "daily_sitemap_chunk", "daily_sitemap_index",
    "json_feed", "news_ids", "news_sitemap", "robots_txt", "rss_feed", "sitemap_chunk_count",
    "urlset",
]

#: Paths robots.txt forbids, per publisher (article-looking drafts and print views included).
DISALLOWED_PREFIXES: dict[str, tuple[str, ...]] = {
    "daily": ("/daily/preview/", "/daily/ads/", "/daily/share"),
    "courier": ("/courier/print/", "/courier/email/", "/courier/ads/"),
    "magazine": ("/magazine/ads/", "/magazine/newsletter/"),
    "quill": ("/quill/ads/",),
}
#: Sitemaps robots.txt names, per publisher: (path, route that must be on).
SITEMAPS: dict[str, tuple[tuple[str, str], ...]] = {
    "daily": (("/daily/sitemap-index.xml", "sitemap"), ("/daily/news-sitemap.xml", "news")),
    "courier": (("/courier/sitemap.xml", "sitemap"),),
    "magazine": (("/magazine/sitemap.xml.gz", "sitemap"),),
    "quill": (),
}
XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def x(text: str) -> str:
    return xml_escape(text, {'"': "&quot;"})


def robots_txt(ctx: Context, publishers: Iterable[Publisher]) -> str:
    pubs = list(publishers)
    lines = ["# robots.txt of the newscrawl demo news network", "User-agent: *"]
    for pub in pubs:
        lines += [f"Disallow: {p}" for p in DISALLOWED_PREFIXES[pub.key]]
    lines += ["", "# a scraper we do not like", "User-agent: GreedyBot", "Disallow: /", ""]
    for pub in pubs:
        lines += [f"Sitemap: {ctx.url(path)}" for path, route in SITEMAPS[pub.key]
                  if route in ctx.routes]
    return "\n".join(lines) + "\n"


def _url_entry(ctx: Context, path: str, lastmod: datetime | None, extra: str = "") -> str:
    mod = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else ""
    return f"<url><loc>{x(ctx.url(path))}</loc>{mod}{extra}</url>"


def urlset(ctx: Context, entries: Iterable[str], news: bool = False) -> str:
    ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news else ""
    return f'{XML_DECL}<urlset xmlns="{SITEMAP_NS}"{ns}>\n' + "\n".join(entries) + "\n</urlset>\n"


def article_entries(ctx: Context, specs: Iterable[ArticleSpec]) -> Iterable[str]:
    return (_url_entry(ctx, s.url_path, s.modified) for s in specs)


def sitemap_chunk_count(catalog: Catalog) -> int:
    return max(1, -(-catalog.publisher_count("daily") // C.SITEMAP_CHUNK))


def daily_chunk_path(k: int) -> str:
    """Chunk 1 (the oldest articles) is gzipped, the others are plain XML."""
    return f"/daily/sitemaps/articles-{k}.xml" + (".gz" if k == 1 else "")


def daily_sitemap_index(ctx: Context) -> tuple[str, datetime]:
    catalog = ctx.catalog
    total = catalog.publisher_count("daily")
    rows = []
    newest = C.ANCHOR_TIME
    for k in range(1, sitemap_chunk_count(catalog) + 1):
        ids = [catalog.id_of("daily", o)
               for o in range((k - 1) * C.SITEMAP_CHUNK, min(total, k * C.SITEMAP_CHUNK))]
        lastmod = catalog.last_change(ids)
        newest = max(newest, lastmod)
        rows.append(f"<sitemap><loc>{x(ctx.url(daily_chunk_path(k)))}</loc>"
                    f"<lastmod>{lastmod.isoformat()}</lastmod></sitemap>")
    rows.append(f"<sitemap><loc>{x(ctx.url('/daily/sitemaps/sections.xml'))}</loc></sitemap>")
    text = (f'{XML_DECL}<sitemapindex xmlns="{SITEMAP_NS}">\n' + "\n".join(rows)
            + "\n</sitemapindex>\n")
    return text, newest


def daily_sitemap_chunk(ctx: Context, k: int) -> tuple[str, datetime] | None:
    catalog = ctx.catalog
    total = catalog.publisher_count("daily")
    if not 1 <= k <= sitemap_chunk_count(catalog):
        return None
    specs = [catalog.get(catalog.id_of("daily", o))
             for o in range((k - 1) * C.SITEMAP_CHUNK, min(total, k * C.SITEMAP_CHUNK))]
    newest = max((s.modified for s in specs), default=C.ANCHOR_TIME)
    return urlset(ctx, article_entries(ctx, specs)), newest


def sections_sitemap(ctx: Context, pub: Publisher, section_path: str, extra: Iterable[str] = ()
                     ) -> str:
    paths = [pub.prefix] + [section_path.format(slug=s.slug) for s in pub.sections] + list(extra)
    return urlset(ctx, (_url_entry(ctx, p, None) for p in paths))


def publisher_sitemap(ctx: Context, pub: Publisher, listing_paths: list[str]
                      ) -> tuple[str, datetime]:
    """All of one publisher's articles (newest first) plus its listing pages."""
    ids = ctx.catalog.newest_ids(pub.key, ctx.catalog.publisher_count(pub.key))
    specs = [ctx.catalog.get(i) for i in ids]
    entries = [_url_entry(ctx, p, None) for p in listing_paths]
    entries.extend(article_entries(ctx, specs))
    newest = max((s.modified for s in specs), default=C.ANCHOR_TIME)
    return urlset(ctx, entries), newest


def news_ids(catalog: Catalog) -> list[int]:
    """The daily's articles of the last two days before its newest one (at most 1,000)."""
    ids = catalog.newest_ids("daily", C.NEWS_SITEMAP_MAX)
    if not ids:
        return []
    cutoff = catalog.get(ids[0]).published - C.NEWS_SITEMAP_WINDOW
    return [i for i in ids if catalog.get(i).published >= cutoff]


def news_sitemap(ctx: Context) -> tuple[str, datetime]:
    pub = PUBLISHERS["daily"]
    specs = [ctx.catalog.get(i) for i in news_ids(ctx.catalog)]
    entries = (
        _url_entry(ctx, s.url_path, s.modified, (
            "<news:news><news:publication><news:name>" + x(pub.name) + "</news:name>"
            "<news:language>en</news:language></news:publication>"
            f"<news:publication_date>{s.published.isoformat()}</news:publication_date>"
            f"<news:title>{x(s.title)}</news:title>"
            f"<news:keywords>{x(s.section.label)}</news:keywords></news:news>"))
        for s in specs)
    newest = max((s.modified for s in specs), default=C.ANCHOR_TIME)
    return urlset(ctx, entries, news=True), newest


def _feed_items(ctx: Context, pub: Publisher) -> list[tuple[ArticleSpec, str]]:
    ids = ctx.catalog.newest_ids(pub.key, C.FEED_SIZE)
    specs = [ctx.catalog.get(i) for i in ids]
    return [(s, summary(ctx.catalog, s)) for s in specs]


def rss_feed(ctx: Context, pub: Publisher) -> tuple[str, datetime]:
    items = _feed_items(ctx, pub)
    newest = max((s.modified for s, _ in items), default=C.ANCHOR_TIME)
    rows = [
        f"""<item><title>{x(s.title)}</title><link>{x(ctx.url(s.url_path))}</link>
<guid isPermaLink="false">{pub.key}-{s.id}</guid><pubDate>{format_datetime(s.published)}</pubDate>
<dc:creator>{x(", ".join(s.authors))}</dc:creator><category>{x(s.section.label)}</category>
<description>{x(desc)}</description></item>"""
        for s, desc in items]
    self_url = ctx.url(FEEDS[pub.key][1])
    return (f"""{XML_DECL}<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel><title>{x(pub.name)}</title><link>{x(ctx.url(pub.prefix))}</link>
<atom:link href="{x(self_url)}" rel="self" type="application/rss+xml"/>
<description>Latest stories from {x(pub.name)}</description><language>en</language>
<lastBuildDate>{format_datetime(newest)}</lastBuildDate>
{chr(10).join(rows)}
</channel></rss>
"""), newest


def atom_feed(ctx: Context, pub: Publisher) -> tuple[str, datetime]:
    items = _feed_items(ctx, pub)
    newest = max((s.modified for s, _ in items), default=C.ANCHOR_TIME)
    rows = [
        f"""<entry><title>{x(s.title)}</title><link rel="alternate" type="text/html" href="{x(ctx.url(s.url_path))}"/>
<id>tag:lantern-review.example,2026:post-{s.id}</id><published>{s.published.isoformat()}</published>
<updated>{s.modified.isoformat()}</updated>{"".join(f"<author><name>{x(a)}</name></author>" for a in s.authors)}
<category term="{x(s.section.slug)}" label="{x(s.section.label)}"/><summary>{x(desc)}</summary></entry>"""
        for s, desc in items]
    return (f"""{XML_DECL}<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<title>{x(pub.name)}</title><id>tag:lantern-review.example,2026:feed</id>
<link rel="self" href="{x(ctx.url(FEEDS[pub.key][1]))}"/><link rel="alternate" href="{x(ctx.url(pub.prefix))}"/>
<updated>{newest.isoformat()}</updated>
{chr(10).join(rows)}
</feed>
"""), newest


def json_feed(ctx: Context, pub: Publisher) -> tuple[str, datetime]:
    items = _feed_items(ctx, pub)
    newest = max((s.modified for s, _ in items), default=C.ANCHOR_TIME)
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": pub.name,
        "home_page_url": ctx.url(pub.prefix),
        "feed_url": ctx.url(FEEDS[pub.key][1]),
        "language": "en",
        "items": [{"id": f"{pub.key}-{s.id}", "url": ctx.url(s.url_path), "title": s.title,
                   "summary": desc, "date_published": s.published.isoformat(),
                   "date_modified": s.modified.isoformat(),
                   "authors": [{"name": a} for a in s.authors], "tags": [s.section.label]}
                  for s, desc in items],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n", newest
