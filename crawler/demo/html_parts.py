"""Pieces every demo template shares: escaping, metadata (OpenGraph, JSON-LD), ads, teasers."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from html import escape

from crawler.demo.catalog import HARD, METERED, ArticleSpec, Catalog, Publisher
from crawler.demo.text import Paragraph, slugify

__all__ = ["Context", "ads_for", "description", "esc", "head_meta", "related_ids", "summary"]


def esc(text: str) -> str:
    return escape(text, quote=True)


@dataclass(frozen=True)
class Context:
    """What a renderer needs besides the article: the catalogue, absolute base and routes."""

    catalog: Catalog
    base: str  # "http://127.0.0.1:8080" (no trailing slash)
    routes: frozenset[str]

    def url(self, path: str) -> str:
        return self.base + path


def description(paragraphs: list[Paragraph]) -> str:
    first = next((p.text for p in paragraphs if p.kind == "p"), "")
    end = first.find(". ")
    return first if end < 0 else first[: end + 1]


def summary(catalog: Catalog, spec: ArticleSpec) -> str:
    """The first sentence of an article (feeds, teasers), cheaply."""
    return description([Paragraph("p", catalog.lead(spec))])


def related_ids(catalog: Catalog, spec: ArticleSpec, count: int = 4) -> list[int]:
    """Neighbouring articles of the same publisher (older first, then newer)."""
    total = catalog.publisher_count(spec.publisher.key)
    ordinals = [spec.ordinal - k for k in range(1, count + 1)] + [spec.ordinal + 1]
    picked = [o for o in ordinals if 0 <= o < total][:count]
    return [catalog.id_of(spec.publisher.key, o) for o in picked]


def author_path(pub: Publisher, name: str) -> str:
    return f"{pub.prefix}authors/{slugify(name)}/"


def jsonld(ctx: Context, spec: ArticleSpec, desc: str, gated_selector: str) -> str:
    pub = spec.publisher
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": spec.title,
        "description": desc,
        "url": ctx.url(spec.url_path),
        "mainEntityOfPage": {"@type": "WebPage", "@id": ctx.url(spec.url_path)},
        "datePublished": spec.published.isoformat(),
        "dateModified": spec.modified.isoformat(),
        "author": [{"@type": "Person", "name": a, "url": ctx.url(author_path(pub, a))}
                   for a in spec.authors],
        "publisher": {"@type": "Organization", "name": pub.name,
                      "logo": {"@type": "ImageObject", "url": ctx.url(f"{pub.prefix}media/logo.png")}},
        "image": ctx.url(f"{pub.prefix}media/img/{spec.id}.png"),
        "articleSection": spec.section.label,
        "inLanguage": "en",
        "isAccessibleForFree": spec.paywall not in (HARD, METERED),
    }
    if spec.paywall in (HARD, METERED):
        data["hasPart"] = {"@type": "WebPageElement", "isAccessibleForFree": False,
                           "cssSelector": gated_selector}
    # "</" cannot end the script element early: JSON allows "<\/"
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def head_meta(ctx: Context, spec: ArticleSpec, desc: str, gated_selector: str) -> str:
    """Canonical link, OpenGraph / article: tags and the JSON-LD NewsArticle."""
    pub = spec.publisher
    tags = [
        f'<link rel="canonical" href="{esc(ctx.url(spec.url_path))}">',
        f'<meta name="description" content="{esc(desc)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{esc(spec.title)}">',
        f'<meta property="og:description" content="{esc(desc)}">',
        f'<meta property="og:url" content="{esc(ctx.url(spec.url_path))}">',
        f'<meta property="og:site_name" content="{esc(pub.name)}">',
        f'<meta property="og:image" content="{esc(ctx.url(f"{pub.prefix}media/img/{spec.id}.png"))}">',
        f'<meta property="article:published_time" content="{spec.published.isoformat()}">',
        f'<meta property="article:modified_time" content="{spec.modified.isoformat()}">',
        f'<meta property="article:section" content="{esc(spec.section.label)}">',
    ]
    tags += [f'<meta property="article:author" content="{esc(a)}">' for a in spec.authors]
    tags.append(jsonld(ctx, spec, desc, gated_selector))
    return "\n".join(tags)


def feed_link(ctx: Context, pub: Publisher) -> str:
    """``<link rel="alternate">`` feed autodiscovery (absent when feeds are switched off)."""
    if "feed" not in ctx.routes:
        return ""
    kind, path = FEEDS[pub.key]
    return (f'<link rel="alternate" type="{kind}" title="{esc(pub.name)}" '
            f'href="{esc(path)}">')


#: Each publisher's feed: (MIME type, path).
FEEDS: dict[str, tuple[str, str]] = {
    "daily": ("application/rss+xml", "/daily/rss.xml"),
    "courier": ("application/rss+xml", "/courier/feed/"),
    "magazine": ("application/atom+xml", "/magazine/feed/atom/"),
    "quill": ("application/feed+json", "/quill/feed.json"),
}

#: Invented advertisers and their lines.
ADS = (
    ("Brightline Kitchens", "Spring sale: 20% off fitted kitchens, free measuring visit."),
    ("Northwind Mobile", "Unlimited data for £12 a month. Switch in minutes."),
    ("Harrow & Vine", "Wines from small family vineyards, delivered on Fridays."),
    ("Fellgate Outdoor", "Waterproofs tested on the wettest hills we could find."),
    ("Cobalt Bank", "A savings account that pays 4.1% AER. Terms apply."),
    ("Moss & Meadow", "Garden furniture built to outlast three summers at least."),
    ("Skyreach Travel", "City breaks from £89 including flights. Book by Sunday."),
    ("Pellworth Insurance", "Car insurance quotes in under two minutes."),
)


def ads_for(rng: random.Random, count: int) -> list[tuple[str, str]]:
    return rng.sample(ADS, count)


def ad_href(pub: Publisher, advertiser: str) -> str:
    return f"{pub.prefix}ads/click?c={slugify(advertiser)}"


COOKIE_TEXT = ("We and our partners use cookies to remember your choices, measure how the site "
               "is used and show you relevant advertising. You can change your mind at any time.")
