"""Small self-written labelled pages for the tools' tests (no real site's text)."""

from __future__ import annotations

from pathlib import Path

_TOPICS = ("harbour", "library", "orchard", "railway", "bakery", "museum", "ferry", "market")
_TOWNS = ("Ashford Vale", "Bramblecombe", "Castlemoor", "Dunmere", "Elmstead", "Fernhollow")


def article_html(template: str, number: int, *, nav_items: int = 5) -> str:
    """A fixture page of ``template``: menu, headline, body, ad slot, paywall offer, footer.

    The two templates differ in markup (class names, nesting) the way two CMSs do.
    """
    topic = _TOPICS[number % len(_TOPICS)]
    town = _TOWNS[number % len(_TOWNS)]
    paragraphs = [
        f"The {topic} in {town} will reopen next spring after a long repair, the council "
        f"said on Tuesday, ending a closure that lasted {number + 3} months.",
        f"Residents told reporters that the {topic} had been part of daily life for decades, "
        "and that the wait had been hard on families and shop owners alike.",
        f"Engineers found that the old timber frame needed more work than planned, which "
        f"pushed the cost up by {number + 12} percent over the first estimate.",
        "A public meeting is planned for next month, where the plans and the new opening "
        "hours will be presented and questions can be asked.",
    ]
    menu = "".join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(nav_items))
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    if template == "gazette":
        return f"""<!DOCTYPE html>
<html data-template="gazette" data-url="http://gazette.test/{topic}-{number}" data-source="handwritten">
<head><meta charset="utf-8"><title>{topic.title()} to reopen in {town}</title></head>
<body data-label="navigation">
<header><nav class="main-menu"><ul>{menu}</ul></nav></header>
<main><article class="story" data-label="content">
<h1>{topic.title()} to reopen in {town}</h1>
<p class="byline">By Staff Writer, {town}</p>
{body}
</article>
<div class="ad-slot" data-label="ad"><p>Advertisement</p><p>Story continues below this ad</p></div>
<section class="paywall-offer" data-label="paywall">
<p>You have read 3 of 5 free articles this month.</p>
<p>Subscribe today: 1 euro for the first month, then 9.99 euro a month.</p>
</section>
<aside class="related"><h2>More from {town}</h2><ul><li><a href="/r1">Bridge works delayed</a></li>
<li><a href="/r2">New bus timetable</a></li></ul></aside>
</main>
<footer><p>Copyright The Gazette. All rights reserved.</p></footer>
</body></html>
"""
    return f"""<!DOCTYPE html>
<html data-template="{template}" data-url="http://{template}.test/news/{number}" data-source="handwritten">
<head><meta charset="utf-8"><title>{town}: {topic} news</title></head>
<body data-label="navigation">
<div id="topbar"><div class="menu">{''.join(f'<div class="item"><a href="/c{i}">Topic {i}</a></div>' for i in range(nav_items))}</div></div>
<div id="wrap"><div class="col-main">
<div class="entry" data-label="content">
<h2 class="entry-title">{town}: the {topic} will reopen</h2>
<div class="entry-body">{body}</div>
</div>
<div class="sponsor-box" data-label="ad"><div>Sponsored content</div><div>Promoted by a partner brand</div></div>
<div class="meter" data-label="paywall"><div>Subscribers only: log in to keep reading.</div>
<div>Plans from 4.99 a month, cancel at any time.</div></div>
</div><div class="col-side"><div class="widget"><h3>Trending</h3>
<div><a href="/t1">Storm warning for the coast</a></div><div><a href="/t2">Local team wins cup</a></div></div></div></div>
<div class="foot">Contact us · Privacy · Terms</div>
</body></html>
"""


def write_fixtures(root: Path, template: str, count: int, *, start: int = 0) -> list[Path]:
    """Write ``count`` fixtures of ``template`` under ``root/template/``."""
    folder = root / template
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(start, start + count):
        path = folder / f"page-{number}.html"
        path.write_text(article_html(template, number), encoding="utf-8")
        paths.append(path)
    return paths
