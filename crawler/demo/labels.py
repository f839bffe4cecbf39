"""Gold-labelled fixtures of demo pages (the labelled fixture format of docs/architecture.md).

The generator knows which element is what, so it can write every article page with
``data-label`` attributes: gold data for evaluating on a template (the retraining
walkthrough labels three Quillpost pages by hand and evaluates on the rest of them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import html as lxml_html

from crawler.demo.catalog import CUT_OFF, ArticleSpec
from crawler.demo.html_parts import Context
from crawler.demo.site import DemoSite
from crawler.demo.templates import TEMPLATES

__all__ = ["LABEL_SELECTORS", "labelled_page", "write_fixtures"]

#: Per publisher: CSS selector -> label. Everything else is navigation (set on <body>).
#: Content is exactly the manifest body: paragraphs and sub-heads, no headline.
LABEL_SELECTORS: dict[str, tuple[tuple[str, str], ...]] = {
    "daily": ((".story-body > p:not(.read-more), .story-body > h2", "content"),
              (".ad-slot", "ad"), (".paywall-prompt", "paywall")),
    "courier": ((".article-text > p, .article-text > h3", "content"), (".advert", "ad"),
                (".meter-notice, .piano-wall", "paywall")),
    "magazine": ((".entry-content > p, .entry-content > h2", "content"),
                 (".widget_sponsor", "ad"), (".members-only-gate", "paywall")),
    "quill": ((".q-7d2 > .q-3p, .q-7d2 > .q-3h", "content"), (".q-5e", "ad"),
              (".q-8g", "paywall")),
}


def labelled_page(site: DemoSite, spec: ArticleSpec, base: str) -> str:
    """The article page (as served, minus any breakage) with gold ``data-label``s."""
    ctx = Context(site.catalog, base.rstrip("/"), site.routes)
    text = TEMPLATES[spec.publisher.key].article(ctx, spec, site.catalog.visible_body(spec))
    doc = lxml_html.document_fromstring(text)
    doc.set("data-url", ctx.url(spec.url_path))
    doc.set("data-template", f"demo-{spec.publisher.key}")
    doc.set("data-source", f"demo:seed={site.seed}:id={spec.id}")
    doc.set("data-license", "MIT")
    body = doc.find("body")
    if body is not None:
        body.set("data-label", "navigation")
    for selector, label in LABEL_SELECTORS[spec.publisher.key]:
        for element in doc.cssselect(selector):
            element.set("data-label", label)
    return lxml_html.tostring(doc, doctype="<!DOCTYPE html>", encoding="unicode")


def write_fixtures(site: DemoSite, out: Path, *, base: str, publisher: str | None = None,
                   limit: int | None = None) -> Iterator[Path]:
    """Write ``out/demo-<publisher>/<id>.html`` for each article (newest first)."""
    written = 0
    for entry in site.manifest(publisher=publisher):
        if limit is not None and written >= limit:
            return
        spec = site.catalog.get(entry["id"])
        if spec.broken == CUT_OFF:
            continue
        folder = out / f"demo-{spec.publisher.key}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{spec.publisher.key}-{spec.id}.html"
        path.write_text(labelled_page(site, spec, base), encoding="utf-8")
        written += 1
        yield path
