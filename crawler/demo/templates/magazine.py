"""The Lantern Review: a magazine on a blog engine (entry-content, widgets, members-only gate)."""

from __future__ import annotations

from datetime import datetime

from crawler.demo.catalog import HARD, PUBLISHERS, ArticleSpec
from crawler.demo.html_parts import (
    COOKIE_TEXT,
    Context,
    ad_href,
    ads_for,
    description,
    esc,
    feed_link,
    head_meta,
    related_ids,
)
from crawler.demo.templates.markers import BODY_END, STORY_START
from crawler.demo.text import Paragraph, slugify

PUB = PUBLISHERS["magazine"]
GATED = ".entry-content"


def long_date(when: datetime) -> str:
    return f"{when:%B} {when.day}, {when.year}"


def category_path(slug: str) -> str:
    return f"/magazine/category/{slug}/"


def _head(ctx: Context, title: str, extra: str = "") -> str:
    return f"""<!doctype html>
<html lang="en-US" class="no-js">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Inkwell 6.4">
<title>{esc(title)}</title>
<link rel="stylesheet" id="theme-css" href="/magazine/static/theme.css" media="all">
{feed_link(ctx, PUB)}
{extra}
</head>"""


def _masthead(active: str | None) -> str:
    menu = "".join(
        f'<li class="menu-item{" current-menu-item" if s.slug == active else ""}">'
        f'<a href="{category_path(s.slug)}">{esc(s.label)}</a></li>'
        for s in PUB.sections)
    return f"""<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header id="masthead" class="site-header">
<p class="site-title"><a href="/magazine/" rel="home">The Lantern Review</a></p>
<p class="site-description">Slow journalism about culture, places and ideas</p>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">{menu}
<li class="menu-item"><a href="/magazine/about/">About</a></li></ul></nav>
</header>"""


def _sidebar(ctx: Context, recent: list[ArticleSpec], ad: tuple[str, str]) -> str:
    recent_html = "".join(f'<li><a href="{s.url_path}">{esc(s.title)}</a></li>' for s in recent)
    cats = "".join(f'<li class="cat-item"><a href="{category_path(s.slug)}">{esc(s.label)}</a></li>'
                   for s in PUB.sections)
    return f"""<aside id="secondary" class="widget-area">
<section class="widget widget_recent_entries"><h2 class="widget-title">Recent essays</h2><ul>{recent_html}</ul></section>
<section class="widget widget_categories"><h2 class="widget-title">Sections</h2><ul>{cats}</ul></section>
<section class="widget widget_sponsor"><h2 class="widget-title">Advertisement</h2>
<a href="{ad_href(PUB, ad[0])}" rel="sponsored">{esc(ad[0])}: {esc(ad[1])}</a></section>
<section class="widget widget_newsletter"><h2 class="widget-title">The Sunday Letter</h2>
<p>One long read, every Sunday morning. No noise.</p><form action="/magazine/newsletter/" method="post"><input type="email" name="email" placeholder="you@example.org"><button>Sign up</button></form></section>
</aside>"""


def _footer() -> str:
    return f"""<footer id="colophon" class="site-footer">
<div class="site-info">The Lantern Review · Independent since 2009 · <a href="/magazine/privacy/">Privacy</a> · <a href="/magazine/contact/">Contact</a></div>
</footer>
<div class="cookie-notice-container" id="cookie-notice"><span>{COOKIE_TEXT}</span> <a class="button" href="#">Accept</a></div>"""


def article(ctx: Context, spec: ArticleSpec, body: list[Paragraph]) -> str:
    rng = ctx.catalog.rng(spec.id, "page")
    ad = ads_for(rng, 1)[0]
    desc = description(body)
    paras = "\n".join(f"<h2 class=\"wp-block-heading\">{esc(p.text)}</h2>" if p.kind == "h2"
                      else f"<p>{esc(p.text)}</p>" for p in body)
    gate = ""
    if spec.paywall == HARD:
        gate = """<div class="members-only-gate"><h3>Members only</h3>
<p>The rest of this essay is for Lantern members. Membership costs £5 a month and keeps the Review independent.</p>
<p><a class="button" href="/magazine/membership/">Become a member</a> or <a href="/magazine/login/">log in</a></p></div>"""
    authors = " &amp; ".join(
        f'<span class="author vcard"><a class="url fn n" href="mailto:{slugify(a)}@lantern-review.example">{esc(a)}</a></span>'
        for a in spec.authors)
    recent = [ctx.catalog.get(i) for i in related_ids(ctx.catalog, spec, 4)]
    tags = ", ".join(f'<a href="{category_path(spec.section.slug)}" rel="tag">{esc(w)}</a>'
                     for w in spec.title.split()[:2])
    main = f"""<main id="primary" class="site-main">
{STORY_START}
<article id="post-{spec.id}" class="post-{spec.id} post type-post status-publish hentry category-{spec.section.slug}">
<header class="entry-header">
<span class="cat-links"><a href="{category_path(spec.section.slug)}" rel="category tag">{esc(spec.section.label)}</a></span>
<h1 class="entry-title">{esc(spec.title)}</h1>
<div class="entry-meta"><span class="byline">By {authors}</span> <span class="posted-on"><time class="entry-date published" datetime="{spec.published.isoformat()}">{long_date(spec.published)}</time><time class="updated" datetime="{spec.modified.isoformat()}"></time></span></div>
</header>
<div class="post-thumbnail"><img src="/magazine/media/img/{spec.id}.png" alt="" loading="lazy"></div>
<div class="entry-content">
{paras}
{BODY_END}
</div>
{gate}
<footer class="entry-footer"><span class="tags-links">Tagged {tags}</span></footer>
</article>
<nav class="navigation post-navigation" aria-label="Posts"><div class="nav-links">{"".join(f'<div class="nav-previous"><a href="{r.url_path}" rel="prev">{esc(r.title)}</a></div>' for r in recent[:1])}</div></nav>
<div id="comments" class="comments-area"><p class="no-comments">Comments are closed.</p></div>
</main>"""
    return f"""{_head(ctx, f"{spec.title} – The Lantern Review", head_meta(ctx, spec, desc, GATED))}
<body class="post-template-default single single-post postid-{spec.id}">
<div id="page" class="site">
{_masthead(spec.section.slug)}
<div id="content" class="site-content">
{main}
{_sidebar(ctx, recent, ad)}
</div>
{_footer()}
</div>
</body>
</html>
"""


def listing(ctx: Context, heading: str, specs: list[ArticleSpec], *, active: str | None,
            prev_href: str | None, next_href: str | None, extra: str = "",
            slashless: bool = False) -> str:
    """An archive page; ``slashless`` links drop the trailing slash (the server 301s them)."""
    ad = ads_for(ctx.catalog.rng(len(specs), f"magazine-listing-{heading}"), 1)[0]
    entries = []
    for k, spec in enumerate(specs):
        href = spec.url_path.rstrip("/") if slashless and k % 3 == 1 else spec.url_path
        entries.append(f"""<article class="post type-post hentry excerpt">
<h2 class="entry-title"><a href="{href}" rel="bookmark">{esc(spec.title)}</a></h2>
<div class="entry-meta">{esc(spec.section.label)} · {long_date(spec.published)}{" · Members only" if spec.paywall == HARD else ""}</div>
</article>""")
    pager = " ".join(
        f'<a class="{css}" href="{href}">{label}</a>'
        for css, label, href in (("newer-posts", "Newer essays", prev_href),
                                 ("older-posts", "Older essays", next_href)) if href)
    return f"""{_head(ctx, f"{heading} – The Lantern Review")}
<body class="archive">
<div id="page" class="site">
{_masthead(active)}
<div id="content" class="site-content">
<main id="primary" class="site-main">
<header class="page-header"><h1 class="page-title">{esc(heading)}</h1></header>
{chr(10).join(entries)}
<nav class="navigation posts-navigation">{pager}</nav>
{extra}
</main>
{_sidebar(ctx, specs[:3], ad)}
</div>
{_footer()}
</div>
</body>
</html>
"""


def page(ctx: Context, heading: str, paragraphs: list[str], *, status_class: str = "info") -> str:
    body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    return f"""{_head(ctx, f"{heading} – The Lantern Review")}
<body class="{status_class}"><div id="page" class="site">{_masthead(None)}
<main id="primary" class="site-main"><h1 class="page-title">{esc(heading)}</h1>{body}</main>
{_footer()}</div></body></html>
"""
