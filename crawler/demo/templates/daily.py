"""The Daily Meridian: a big national news CMS (mega menu, many ad slots, read-more promos)."""

from __future__ import annotations

from crawler.demo.catalog import HARD, PUBLISHERS, ArticleSpec
from crawler.demo.html_parts import (
    COOKIE_TEXT,
    Context,
    ad_href,
    ads_for,
    author_path,
    description,
    esc,
    feed_link,
    head_meta,
    related_ids,
)
from crawler.demo.templates.markers import BODY_END, STORY_START
from crawler.demo.text import PLACES, Paragraph

PUB = PUBLISHERS["daily"]
GATED = ".story-body"


def _head(ctx: Context, title: str, extra: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<link rel="stylesheet" href="/daily/static/site.css">
{feed_link(ctx, PUB)}
{extra}
</head>"""


def _header(active: str | None) -> str:
    items = "".join(
        f'<li class="{"active" if s.slug == active else "nav-item"}">'
        f'<a href="/daily/{s.slug}/">{esc(s.label)}</a></li>'
        for s in PUB.sections)
    return f"""<div id="cmp-banner" class="cookie-consent" role="dialog" aria-label="Cookie consent">
<p>{COOKIE_TEXT}</p><button type="button">Accept all</button> <button type="button">Manage choices</button>
</div>
<header class="site-header">
<div class="top-bar"><a href="/daily/subscribe/">Subscribe</a> | <a href="/daily/login/">Sign in</a> | <a href="/daily/newsletters/">Newsletters</a></div>
<a class="logo" href="/daily/">The Daily Meridian</a>
<nav class="primary-nav" aria-label="Sections"><ul><li><a href="/daily/">Home</a></li>{items}</ul></nav>
</header>"""


def _ad(rng_ads: list[tuple[str, str]], index: int, label: str, css: str) -> str:
    name, line = rng_ads[index]
    return (f'<div class="ad-slot {css}" data-ad-unit="dm_{css}"><span class="ad-label">{label}</span>'
            f'<div class="ad-creative"><a href="{ad_href(PUB, name)}" rel="sponsored nofollow">'
            f"<strong>{esc(name)}</strong> {esc(line)}</a></div></div>")


def _footer() -> str:
    cols = {
        "News": [(s.label, f"/daily/{s.slug}/") for s in PUB.sections],
        "The Daily Meridian": [("About us", "/daily/about/"), ("Contact", "/daily/contact/"),
                               ("Corrections", "/daily/corrections/"), ("Careers", "/daily/careers/")],
        "Legal": [("Terms of use", "/daily/terms/"), ("Privacy policy", "/daily/privacy/"),
                  ("Cookie settings", "/daily/cookies/")],
    }
    html = "".join(
        f'<div class="footer-col"><h4>{esc(title)}</h4><ul>'
        + "".join(f'<li><a href="{href}">{esc(label)}</a></li>' for label, href in links)
        + "</ul></div>"
        for title, links in cols.items())
    return (f'<footer class="site-footer">{html}<p class="copyright">© 2026 The Daily Meridian '
            "Ltd. All rights reserved. Registered in Easthaven.</p></footer>")


def _paragraph(para: Paragraph, link_place: bool) -> str:
    if para.kind == "h2":
        return f"<h2>{esc(para.text)}</h2>"
    text = esc(para.text)
    place = next((p for p in PLACES if esc(p) in text), None) if link_place else None
    if place:
        text = text.replace(esc(place), f'<a href="/daily/politics/">{esc(place)}</a>', 1)
    return f"<p>{text}</p>"


def article(ctx: Context, spec: ArticleSpec, body: list[Paragraph]) -> str:
    rng = ctx.catalog.rng(spec.id, "page")
    ads = ads_for(rng, 4)
    desc = description(body)
    related = [ctx.catalog.get(i) for i in related_ids(ctx.catalog, spec)]
    parts: list[str] = []
    for index, para in enumerate(body):
        parts.append(_paragraph(para, link_place=index == 1))
        if index == 2 and len(body) > 4:
            parts.append(_ad(ads, 1, "STORY CONTINUES BELOW THIS AD", "inline"))
        if index == 4 and related and len(body) > 6:
            parts.append(f'<p class="read-more"><strong>Read more:</strong> '
                         f'<a href="{related[0].url_path}">{esc(related[0].title)}</a></p>')
    wall = ""
    if spec.paywall == HARD:
        wall = """<div class="paywall-prompt" id="subscriber-wall">
<h3>This article is for subscribers</h3>
<p>Subscribe to The Daily Meridian for unlimited access to our journalism, the daily puzzle and the app.</p>
<a class="button" href="/daily/subscribe/">Subscribe now</a> <a href="/daily/login/">Already a subscriber? Sign in</a>
</div>"""
    bylines = " and ".join(f'<a rel="author" href="{author_path(PUB, a)}">{esc(a)}</a>'
                           for a in spec.authors)
    updated = ""
    if spec.modified != spec.published:
        updated = (f' <span class="updated">Updated <time datetime="{spec.modified.isoformat()}">'
                   f"{spec.modified:%d %B %Y, %H:%M} GMT</time></span>")
    related_html = "".join(
        f'<li><a href="{r.old_path if k % 2 and r.old_path else r.url_path}">{esc(r.title)}</a></li>'
        for k, r in enumerate(related))
    return f"""{_head(ctx, f"{spec.title} | The Daily Meridian", head_meta(ctx, spec, desc, GATED))}
<body class="page-article section-{spec.section.slug}">
{_header(spec.section.slug)}
{_ad(ads, 0, "Advertisement", "leaderboard")}
<main id="main-content">
<nav class="breadcrumb"><a href="/daily/">Home</a> › <a href="/daily/{spec.section.slug}/">{esc(spec.section.label)}</a></nav>
{STORY_START}
<article class="story">
<header class="story-header">
<h1 class="headline">{esc(spec.title)}</h1>
<div class="byline">By {bylines}</div>
<div class="dateline"><time datetime="{spec.published.isoformat()}">{spec.published:%d %B %Y, %H:%M} GMT</time>{updated}</div>
</header>
<figure class="lead-image"><img src="/daily/media/img/{spec.id}.png" alt="" width="640" height="360"></figure>
<div class="story-body">
{chr(10).join(parts)}
{BODY_END}
</div>
{wall}
<div class="share-tools"><a href="/daily/share?to=mail&amp;id={spec.id}">Email</a> <a href="/daily/share?to=print&amp;id={spec.id}">Print</a></div>
</article>
<aside class="related-stories"><h2>More on this story</h2><ul>{related_html}</ul></aside>
</main>
{_ad(ads, 2, "Advertisement", "footer-banner")}
{_footer()}
</body>
</html>
"""


def listing(ctx: Context, heading: str, specs: list[ArticleSpec], *, active: str | None,
            prev_href: str | None, next_href: str | None, extra: str = "") -> str:
    rng = ctx.catalog.rng(len(specs), f"daily-listing-{heading}")
    ads = ads_for(rng, 2)
    items = []
    for spec in specs:
        items.append(f"""<li class="teaser"><a class="teaser-link" href="{spec.url_path}"><h3>{esc(spec.title)}</h3></a>
<span class="teaser-meta">{esc(spec.section.label)} · <time datetime="{spec.published.isoformat()}">{spec.published:%d %b %H:%M}</time></span>{' <span class="premium-badge">Premium</span>' if spec.paywall == HARD else ""}</li>""")
    pager = ""
    if prev_href:
        pager += f'<a rel="prev" href="{prev_href}">Newer stories</a> '
    if next_href:
        pager += f'<a rel="next" href="{next_href}">Older stories</a>'
    return f"""{_head(ctx, f"{heading} | The Daily Meridian")}
<body class="page-listing">
{_header(active)}
{_ad(ads, 0, "Advertisement", "leaderboard")}
<main id="main-content">
<h1 class="listing-title">{esc(heading)}</h1>
<ul class="teaser-list">
{chr(10).join(items)}
</ul>
<nav class="pagination">{pager}</nav>
{extra}
</main>
{_ad(ads, 1, "Advertisement", "footer-banner")}
{_footer()}
</body>
</html>
"""


def page(ctx: Context, heading: str, paragraphs: list[str], *, status_class: str = "info") -> str:
    """A plain non-article page (author profile, 404, subscribe...)."""
    body = "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    return f"""{_head(ctx, f"{heading} | The Daily Meridian")}
<body class="page-{status_class}">
{_header(None)}
<main id="main-content"><h1>{esc(heading)}</h1>
{body}
</main>
{_footer()}
</body>
</html>
"""


def preview(ctx: Context, spec: ArticleSpec, body: list[Paragraph]) -> str:
    """An unpublished draft under a robots.txt-disallowed path: looks like a real article."""
    return article(ctx, spec, body).replace(
        '<h1 class="headline">', '<p class="draft-flag">DRAFT: embargoed</p>\n<h1 class="headline">', 1)
