"""Harbour Valley Courier: an old regional-paper CMS (layout table, microdata, metered paywall)."""

from __future__ import annotations

from crawler.demo.catalog import HARD, METERED, PUBLISHERS, ArticleSpec
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
from crawler.demo.text import Paragraph, make_person

PUB = PUBLISHERS["courier"]
GATED = ".article-text"
PDF_PATH = "/courier/media/council-minutes.pdf"
E_EDITION_PATH = "/courier/e-edition/today.html"

COMMENTS = (
    "Typical. They never ask the people who live here.",
    "Good news at last, well done to everyone involved.",
    "Does anyone know if the car park will stay open during the works?",
    "I remember when this was all fields. Progress, I suppose.",
    "Thanks for covering this, nobody else did.",
)


def _head(ctx: Context, title: str, extra: str = "") -> str:
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="en">
<head>
<meta charset="utf-8" />
<title>{esc(title)}</title>
{feed_link(ctx, PUB)}
{extra}
</head>"""


def _masthead() -> str:
    return f"""<div id="cookie-notice" class="cookie-bar">{COOKIE_TEXT} <a href="/courier/privacy.html">Read more</a> <a href="#" class="close">OK</a></div>
<div id="masthead"><a href="/courier/"><img src="/courier/media/logo.png" alt="Harbour Valley Courier" /></a>
<span class="edition">Serving the valley since 1884</span>
<span class="weather">Easthaven: 9°C, showers</span></div>"""


def _sidebar(active: str | None) -> str:
    links = "".join(
        f'<tr><td class="{"sel" if s.slug == active else "nav"}"><a href="/courier/{s.slug}/">{esc(s.label)}</a></td></tr>'
        for s in PUB.sections)
    return f"""<table class="section-nav" cellpadding="2">
<tr><td class="nav"><a href="/courier/">Front page</a></td></tr>
{links}
<tr><td class="nav"><a href="/courier/notices/">Family notices</a></td></tr>
<tr><td class="nav"><a href="{E_EDITION_PATH}">Today's e-edition</a></td></tr>
</table>"""


def _advert(ad: tuple[str, str]) -> str:
    return (f'<div class="advert"><small>Advertisement</small><br /><a href="{ad_href(PUB, ad[0])}">'
            f"{esc(ad[0])}: {esc(ad[1])}</a></div>")


def _footer() -> str:
    return """<div id="footer"><a href="/courier/contact.html">Contact the newsroom</a> ·
<a href="/courier/advertise.html">Advertise with us</a> · <a href="/courier/privacy.html">Privacy</a> ·
<a href="/courier/terms.html">Terms</a><br />Harbour Valley Courier is part of Valley Media Group.
© 2026. Harbour Valley Courier, 14 Quay Street, Easthaven.</div>"""


def _layout(ctx: Context, title: str, head_extra: str, active: str | None, main: str,
            right: str) -> str:
    return f"""{_head(ctx, title, head_extra)}
<body>
<div id="page">
{_masthead()}
<table class="layout" width="100%" cellspacing="0"><tr>
<td class="col-left" valign="top" width="160">{_sidebar(active)}</td>
<td class="col-main" valign="top">
{main}
</td>
<td class="col-right" valign="top" width="220">{right}</td>
</tr></table>
{_footer()}
</div>
</body>
</html>
"""


def article(ctx: Context, spec: ArticleSpec, body: list[Paragraph]) -> str:
    rng = ctx.catalog.rng(spec.id, "page")
    ads = ads_for(rng, 3)
    desc = description(body)
    meter = ""
    if spec.paywall == METERED:
        left = rng.randint(1, 4)
        meter = (f'<div class="meter-notice">You have {left} free article{"s" if left > 1 else ""} '
                 'left this month. <a href="/courier/subscribe.html">Subscribe for unlimited '
                 "access</a> from £1 a week.</div>")
    wall = ""
    if spec.paywall == HARD:
        wall = """<div class="piano-wall"><h3>Subscriber exclusive</h3>
<p>To continue reading this story, become a Courier subscriber. Already a subscriber? Log in below.</p>
<a href="/courier/subscribe.html">See subscription offers</a> <a href="/courier/login.html">Log in</a></div>"""
    paras = []
    for index, para in enumerate(body):
        tag = "h3" if para.kind == "h2" else "p"
        paras.append(f"<{tag}>{esc(para.text)}</{tag}>")
        if index == 3 and len(body) > 5:
            paras.append(_advert(ads[1]))
    pdf = ""
    if spec.ordinal % 5 == 0 and spec.paywall != HARD:
        pdf = f'<p class="attachment"><a href="{PDF_PATH}">Download the council minutes (PDF, 1 page)</a></p>'
    comments = "".join(
        f'<div class="comment"><b>{esc(make_person(rng))}</b> wrote:<br />{esc(rng.choice(COMMENTS))}</div>'
        for _ in range(rng.randint(1, 3)))
    related = "".join(
        f'<li><a href="{ctx.catalog.get(i).url_path}">{esc(ctx.catalog.get(i).title)}</a></li>'
        for i in related_ids(ctx.catalog, spec, 3))
    authors = ", ".join(f'<span itemprop="author">{esc(a)}</span>' for a in spec.authors)
    main = f"""{meter}
{STORY_START}
<div class="article-container" itemscope="itemscope" itemtype="https://schema.org/NewsArticle">
<span class="kicker">{esc(spec.section.label)}</span>
<h1 itemprop="headline">{esc(spec.title)}</h1>
<p class="dateline">{authors} · <span itemprop="datePublished" content="{spec.published.isoformat()}">{spec.published:%B %d, %Y %I:%M %p}</span></p>
<p class="tools"><a href="/courier/print/{spec.id}" rel="nofollow">Print this story</a> | <a href="/courier/email/{spec.id}">Email a friend</a></p>
<div class="article-text" itemprop="articleBody">
{chr(10).join(paras)}
{BODY_END}
</div>
{wall}
{pdf}
</div>
<div class="comments"><h4>Reader comments</h4>{comments}<p><a href="/courier/login.html">Log in to comment</a></p></div>"""
    right = f"""{_advert(ads[0])}
<div class="box"><h4>More from the Courier</h4><ul>{related}</ul></div>
{_advert(ads[2])}"""
    return _layout(ctx, f"{spec.title} - Harbour Valley Courier", head_meta(ctx, spec, desc, GATED),
                   spec.section.slug, main, right)


def listing(ctx: Context, heading: str, specs: list[ArticleSpec], *, active: str | None,
            prev_href: str | None, next_href: str | None, extra: str = "") -> str:
    ads = ads_for(ctx.catalog.rng(len(specs), f"courier-listing-{heading}"), 2)
    rows = "".join(
        f"""<tr><td class="story"><a class="headline" href="{s.url_path}">{esc(s.title)}</a>
<span class="when">{s.published:%b %d, %I:%M %p}</span>{" <em>Subscriber exclusive</em>" if s.paywall == HARD else ""}</td></tr>
"""
        for s in specs)
    pager = " ".join(
        f'<a href="{href}">{label}</a>'
        for label, href in (("« Newer", prev_href), ("Older »", next_href)) if href)
    main = f"""<h1 class="section-head">{esc(heading)}</h1>
<table class="story-list">{rows}</table>
<p class="pager">{pager}</p>
{extra}"""
    right = _advert(ads[0]) + _advert(ads[1])
    return _layout(ctx, f"{heading} - Harbour Valley Courier", "", active, main, right)


def page(ctx: Context, heading: str, paragraphs: list[str], *, status_class: str = "info") -> str:
    main = f'<h1 class="{status_class}">{esc(heading)}</h1>' + "".join(
        f"<p>{esc(p)}</p>" for p in paragraphs)
    return _layout(ctx, f"{heading} - Harbour Valley Courier", "", None, main, "")


def print_version(ctx: Context, spec: ArticleSpec, body: list[Paragraph]) -> str:
    """The print view of an article: under a robots.txt-disallowed path."""
    paras = "\n".join(f"<p>{esc(p.text)}</p>" for p in body)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(spec.title)} (print)</title>
<meta name="robots" content="noindex"></head>
<body onload="window.print()"><h1>{esc(spec.title)}</h1>{paras}</body></html>
"""
