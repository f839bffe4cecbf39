"""The demo site's pages that are not articles, listings or discovery files: the traps.

Drafts and print views behind robots.txt, ad-click redirects, images, a PDF, a binary page
served as HTML, author and info pages.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from crawler.demo import constants as C
from crawler.demo import media
from crawler.demo.catalog import ArticleSpec, Catalog, Publisher
from crawler.demo.html_parts import Context, esc
from crawler.demo.response import HTML, Response, html_response
from crawler.demo.templates import TEMPLATES, courier, daily
from crawler.demo.text import make_body, make_headline

__all__ = ["GALLERY_PATH", "PREVIEWS", "WITHDRAWN_PATH", "extra_page", "home_extra",
           "preview_path", "preview_spec"]

#: A story that was taken down (the daily's home page still links to it: 404).
WITHDRAWN_PATH = "/daily/politics/2025/06/30/statement-withdrawn-a9999999"
GALLERY_PATH = "/daily/media/gallery/harbour-at-dusk.png"
#: Unpublished drafts under /daily/preview/ (robots.txt forbids them).
PREVIEWS = 2
INFO_PAGES: dict[str, tuple[str, ...]] = {
    "daily": ("subscribe/", "login/", "newsletters/", "about/", "contact/", "corrections/",
              "careers/", "terms/", "privacy/", "cookies/"),
    "courier": ("subscribe.html", "login.html", "privacy.html", "contact.html",
                "advertise.html", "terms.html", "notices/"),
    "magazine": ("about/", "privacy/", "contact/", "membership/", "login/"),
    "quill": ("support", "signin"),
}


def preview_path(k: int) -> str:
    return f"/daily/preview/draft-{k + 1}"


def preview_spec(catalog: Catalog, k: int) -> ArticleSpec:
    """A draft: looks like the daily's newest article, with its own title and text."""
    newest = catalog.newest_ids("daily", 1)
    base = catalog.get(newest[0] if newest else 0)
    title = make_headline(catalog.rng(-1 - k, "meta"), base.section.topic)
    later = base.published + timedelta(hours=6 + k)
    return replace(base, title=title, url_path=preview_path(k), edited_body=None,
                   published=later, modified=later, paywall="free", broken=None)


def home_extra(catalog: Catalog, pub: Publisher) -> str:
    """Trap links on a home page: drafts, a photo, a withdrawn story, a PDF."""
    if pub.key == "daily":
        previews = "".join(f'<li><a href="{preview_path(k)}">{esc(preview_spec(catalog, k).title)}'
                           "</a></li>" for k in range(PREVIEWS))
        return (f'<section class="coming-up"><h2>Coming up</h2><ul>{previews}</ul></section>'
                f'<section class="in-pictures"><h2>In pictures</h2><a href="{GALLERY_PATH}">'
                "The harbour at dusk (full-size photo)</a></section>"
                f'<p class="archive-note"><a href="{WITHDRAWN_PATH}">Statement on the '
                "housing bill (archived)</a></p>")
    if pub.key == "courier":
        return (f'<p class="downloads"><a href="{courier.PDF_PATH}">Council meeting minutes '
                "(PDF)</a></p>")
    return ""


def _binary(ctx: Context, pub: Publisher, rest: str) -> Response | None:
    path = pub.prefix + rest
    if re.fullmatch(r"media/img/\d+\.png", rest) or path in (
            f"{pub.prefix}media/logo.png", GALLERY_PATH):
        return Response(200, "image/png", media.png_bytes(len(rest)), "image", C.ANCHOR_TIME)
    if path == courier.PDF_PATH:
        return Response(200, "application/pdf", media.pdf_bytes(
            "Minutes of the Harbour Valley council meeting"), "pdf", C.ANCHOR_TIME)
    if path == courier.E_EDITION_PATH:  # a broken server: binary bytes said to be HTML
        return Response(200, "text/html", media.garbage_bytes(ctx.catalog.seed), "garbage",
                        C.ANCHOR_TIME)
    if rest.startswith("static/") and rest.endswith(".css"):
        return Response(200, "text/css; charset=utf-8", b"body{margin:0}\n", "static",
                        C.ANCHOR_TIME)
    return None


def _disallowed(ctx: Context, pub: Publisher, rest: str) -> Response | None:
    catalog = ctx.catalog
    for k in range(PREVIEWS):
        if pub.prefix + rest == preview_path(k):
            spec = preview_spec(catalog, k)
            body = make_body(catalog.rng(-1 - k, "body"), spec.section.topic)
            return html_response(200, daily.preview(ctx, spec, body), "disallowed",
                                 C.ANCHOR_TIME)
    match = re.fullmatch(r"print/(\d+)", rest) if pub.key == "courier" else None
    if match and int(match.group(1)) < catalog.count:
        spec = catalog.get(int(match.group(1)))
        if spec.publisher.key == "courier":
            text = courier.print_version(ctx, spec, catalog.visible_body(spec))
            return html_response(200, text, "disallowed", spec.modified)
    return None


def extra_page(ctx: Context, pub: Publisher, rest: str) -> Response | None:
    """``rest``: the path after the publisher prefix."""
    if rest.startswith("ads/click"):
        return Response(302, HTML, b"", "redirect", location=pub.prefix)
    found = _binary(ctx, pub, rest) or _disallowed(ctx, pub, rest)
    if found is not None:
        return found
    module = TEMPLATES[pub.key]
    match = re.fullmatch(r"authors/([a-z0-9-]+)/", rest)
    if match:
        name = match.group(1).replace("-", " ").title()
        return html_response(200, module.page(ctx, name, [
            f"{name} writes for {pub.name}.",
            "Get in touch with story ideas through the newsroom contact page."],
            status_class="author"), "info", C.ANCHOR_TIME)
    if rest in INFO_PAGES[pub.key] or rest.startswith(("share", "email/")):
        title = rest.strip("/").split("/")[0].split(".")[0].replace("-", " ").capitalize()
        return html_response(200, module.page(ctx, title or pub.name, [
            f"This is the {title.lower()} page of {pub.name}.",
            "It is part of the demo site and has no article on it."]), "info", C.ANCHOR_TIME)
    return None
