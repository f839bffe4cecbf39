"""Quillpost: the held-out template, deliberately unlike the others and unlike typical fixtures.

No semantic tags at all (no ``article``, ``p``, ``h1``, ``nav``, ``footer``): everything is a
``div`` with hashed class names, the menu sits at the bottom, ads are long "partner messages"
written like prose, and related items are long sentence teasers. The retraining walkthrough
labels three pages of it, retrains, and evaluates on the rest.
"""

from __future__ import annotations

from crawler.demo.catalog import HARD, PUBLISHERS, ArticleSpec
from crawler.demo.html_parts import (
    Context,
    ad_href,
    ads_for,
    description,
    esc,
    feed_link,
    head_meta,
    related_ids,
    summary,
)
from crawler.demo.templates.markers import BODY_END, STORY_START
from crawler.demo.text import Paragraph

PUB = PUBLISHERS["quill"]
GATED = ".q-7d2"

PARTNER_LINES = (
    "Our partners make it possible for Quillpost to stay free for most readers, and this "
    "month we are pleased to share a message from {name}. {line} Readers who mention "
    "Quillpost at checkout receive an extra gift, while stocks last.",
    "This space is paid for by {name}, who asked us to tell you the following. {line} "
    "Every purchase supports independent reporting like the piece you are reading now.",
)


def section_path(slug: str) -> str:
    return f"/quill/s/{slug}"


def _shell(ctx: Context, title: str, head_extra: str, inner: str) -> str:
    rail = " · ".join(f'<a class="q-r1" href="{section_path(s.slug)}">{esc(s.label)}</a>'
                      for s in PUB.sections)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{esc(title)}</title>
<meta name="viewport" content="width=device-width">
{feed_link(ctx, PUB)}
{head_extra}
<style>.q-0a{{display:flex}}.q-7d2{{font:18px/1.6 serif}}</style>
</head>
<body>
<div id="__q" data-build="7.14.2">
<div class="q-0a"><div class="q-0b"><a class="q-0c" href="/quill/">quillpost</a></div>
<div class="q-0d">independent writing on technology, science and slow ideas</div></div>
{inner}
<div class="q-9z">
<div class="q-9y">{rail} · <a class="q-r1" href="/quill/">latest</a> · <a class="q-r1" href="/quill/support">support us</a></div>
<div class="q-9x">quillpost is reader-funded. made in a shed. no cookies beyond the one that remembers this sentence.</div>
</div>
</div>
</body>
</html>
"""


def _partner(rng_ad: tuple[str, str], variant: int) -> str:
    name, line = rng_ad
    text = PARTNER_LINES[variant % len(PARTNER_LINES)].format(name=name, line=line)
    return (f'<div class="q-5e" data-slot="partner"><div class="q-5f">Partner message</div>'
            f'<div class="q-5g"><a href="{ad_href(PUB, name)}">{esc(text)}</a></div></div>')


def article(ctx: Context, spec: ArticleSpec, body: list[Paragraph]) -> str:
    rng = ctx.catalog.rng(spec.id, "page")
    ads = ads_for(rng, 2)
    desc = description(body)
    blocks = []
    for index, para in enumerate(body):
        css = "q-3h" if para.kind == "h2" else "q-3p"
        role = ' role="heading" aria-level="2"' if para.kind == "h2" else ""
        blocks.append(f'<div class="{css}"{role}>{esc(para.text)}</div>')
        if index == 2 and len(body) > 4:
            blocks.append(_partner(ads[0], spec.id))
    gate = ""
    if spec.paywall == HARD:
        gate = """<div class="q-8g" data-gate="1"><div class="q-8h">this one is for supporters</div>
<div class="q-8i">the rest of this piece is open to people who chip in three pounds a month. it keeps quillpost ad-light and independent.</div>
<div class="q-8j"><a href="/quill/support">chip in</a> · <a href="/quill/signin">i already do</a></div></div>"""
    teasers = []
    for other_id in related_ids(ctx.catalog, spec, 3):
        other = ctx.catalog.get(other_id)
        lead = summary(ctx.catalog, other)
        teasers.append(f'<div class="q-6t"><a href="{other.url_path}">{esc(other.title)}</a> '
                       f"<span>{esc(lead)}</span></div>")
    inner = f"""{STORY_START}
<div class="q-1a" data-kind="story">
<div class="q-1k">{esc(spec.section.label)}</div>
<div class="q-1t" role="heading" aria-level="1">{esc(spec.title)}</div>
<div class="q-1w">words by {" & ".join(esc(a) for a in spec.authors)} · {spec.published:%d.%m.%Y}</div>
<div class="q-7d2">
{chr(10).join(blocks)}
{BODY_END}
</div>
{gate}
</div>
<div class="q-6a"><div class="q-6h">keep reading</div>{"".join(teasers)}</div>
{_partner(ads[1], spec.id + 1)}"""
    return _shell(ctx, f"{spec.title} — quillpost", head_meta(ctx, spec, desc, GATED), inner)


def listing(ctx: Context, heading: str, specs: list[ArticleSpec], *, active: str | None,
            prev_href: str | None, next_href: str | None, extra: str = "") -> str:
    del active  # the held-out template marks no active section
    rows = "".join(
        f'<div class="q-2r"><a class="q-2a" href="{s.url_path}">{esc(s.title)}</a>'
        f'<div class="q-2d">{s.published:%d.%m.%Y} · {esc(s.section.label)}'
        f'{" · supporters" if s.paywall == HARD else ""}</div></div>'
        for s in specs)
    more = "".join(f'<a class="q-2m" href="{href}">{label}</a>'
                   for label, href in (("newer", prev_href), ("load more", next_href)) if href)
    inner = f"""<div class="q-2h">{esc(heading)}</div>
<div class="q-2l">{rows}</div>
<div class="q-2p">{more}</div>
{extra}"""
    return _shell(ctx, f"{heading} — quillpost", "", inner)


def page(ctx: Context, heading: str, paragraphs: list[str], *, status_class: str = "info") -> str:
    inner = f'<div class="q-2h {status_class}">{esc(heading)}</div>' + "".join(
        f'<div class="q-3p">{esc(p)}</div>' for p in paragraphs)
    return _shell(ctx, f"{heading} — quillpost", "", inner)
