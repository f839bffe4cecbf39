"""A safe, static copy of a page with every classifier block marked, for the tools' views.

Both the labelling page and the explain report show a page with its blocks outlined. The copy
is a deep copy of the page's parsed tree (the caller's tree is never touched), so the blocks'
DOM paths from :func:`classifier.segment` resolve in it unchanged. Every block element gets
``data-nc-block`` (its index), ``data-nc-path`` (its DOM path) and ``data-nc-label``, and then
everything that could run or fetch is removed: scripts, event handlers, ``javascript:`` links,
frames, objects, ``<base>`` and ``<meta>`` (refresh). A Content-Security-Policy that forbids
scripts and remote loads is added as a second line of defence.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass

import lxml.html
from lxml import etree
from lxml_html_clean import Cleaner

from classifier import LABELS

__all__ = [
    "LABEL_COLOURS",
    "PAGE_CSP",
    "BlockMark",
    "legend_css",
    "mark_page",
]

#: One colour per label (colour-blind-safe palette), used by every tool view.
LABEL_COLOURS: dict[str, str] = {
    "content": "#1b9e3a",
    "navigation": "#1f6fd1",
    "ad": "#e67e00",
    "paywall": "#b4169e",
}

#: The policy of a marked page: no script at all, styles inline only, images only as data URLs.
PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"

# Why these options: keep the page's look (styles, forms, layout) but nothing that runs or
# navigates. ``safe_attrs_only=False`` keeps the ``data-*`` attributes the views rely on.
_CLEANER = Cleaner(
    scripts=True,
    javascript=True,
    comments=True,
    style=False,
    inline_style=False,
    links=True,
    meta=True,
    page_structure=False,
    processing_instructions=True,
    embedded=True,
    frames=True,
    forms=False,
    annoying_tags=False,
    remove_unknown_tags=False,
    safe_attrs_only=False,
)


@dataclass(frozen=True, slots=True)
class BlockMark:
    """How to draw one block: its DOM path, label, and optional tooltip / badge text."""

    path: str
    label: str
    index: int
    title: str = ""
    badge: str = ""


def legend_css(*, badges: bool = False) -> str:
    """The CSS that outlines marked blocks in their label's colour."""
    rules = [
        "[data-nc-block]{outline:2px solid #999;outline-offset:1px;cursor:pointer}",
        "[data-nc-block].nc-focus{outline-width:4px;outline-style:double}",
    ]
    for label, colour in LABEL_COLOURS.items():
        rules.append(
            f'[data-nc-label="{label}"]{{outline-color:{colour};'
            f"background-color:{colour}14}}"
        )
        if badges:
            rules.append(
                f'[data-nc-label="{label}"][data-nc-badge]::before{{background:{colour}}}'
            )
    if badges:
        rules.append(
            "[data-nc-badge]::before{content:attr(data-nc-badge);display:inline-block;"
            "color:#fff;font:11px/1.4 sans-serif;padding:0 4px;margin-right:4px;"
            "border-radius:2px;vertical-align:top}"
        )
    return "\n".join(rules)


def _resolve(tree: etree._ElementTree, path: str) -> etree._Element | None:
    try:
        found = tree.xpath(path)
    except etree.XPathError:
        return None
    if isinstance(found, list) and found and isinstance(found[0], etree._Element):
        return found[0]
    return None


def mark_page(page_root: etree._Element | None, marks: Sequence[BlockMark], *, css: str = "",
              title: str = "") -> str:
    """Return a static, script-free HTML document of the page with each block marked.

    ``page_root`` is the root the page was segmented from (``Segmentation.root``); it is
    copied, not changed. ``marks`` name their elements by DOM path (``Block.path``); marks
    whose path does not resolve are skipped.
    """
    if page_root is None:
        page_root = lxml.html.document_fromstring("<html><body></body></html>")
    tree = copy.deepcopy(page_root).getroottree()
    for mark in marks:
        element = _resolve(tree, mark.path)
        if element is None:
            continue
        element.set("data-nc-block", str(mark.index))
        element.set("data-nc-path", mark.path)
        element.set("data-nc-label", mark.label if mark.label in LABELS else "navigation")
        if mark.title:
            element.set("title", mark.title)
        if mark.badge:
            element.set("data-nc-badge", mark.badge)
    # The cleaner works on lxml.html elements: re-parse the marked copy as such.
    marked = etree.tostring(tree.getroot(), method="html", encoding="unicode")
    root = lxml.html.document_fromstring(marked or "<html><body></body></html>")
    for old in root.xpath("//base"):
        old.drop_tree()
    _CLEANER(root)
    head = root.find("head")
    if head is None:
        head = etree.Element("head")
        root.insert(0, head)
    policy = etree.Element("meta")
    policy.set("http-equiv", "Content-Security-Policy")
    policy.set("content", PAGE_CSP)
    charset = etree.Element("meta")
    charset.set("charset", "utf-8")
    head.insert(0, policy)
    head.insert(0, charset)
    if title and head.find("title") is None:
        title_el = etree.SubElement(head, "title")
        title_el.text = title
    if css:
        style = etree.SubElement(head, "style")
        style.text = css
    return "<!DOCTYPE html>\n" + lxml.html.tostring(root, encoding="unicode")
