"""The labelled fixture format: UTF-8 HTML whose elements carry ``data-label``.

Every block takes the label of its nearest ancestor-or-self with a ``data-label`` attribute;
a block with none is ``navigation``. Page metadata sits on ``<html>``: ``data-url``,
``data-template`` (cross-validation group; defaults to the fixture's folder name),
``data-source`` and ``data-license``. Labels on inline elements inside a block are ignored:
label block-level elements.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from classifier.constants import LABEL_ATTRIBUTE
from classifier.segmentation import Block, Segmentation, parse_html, segment
from classifier.types import LABELS, NAVIGATION

__all__ = ["LabelledPage", "block_label", "iter_fixtures", "read_fixture", "write_fixture"]

_META_ATTRIBUTES = ("url", "template", "source", "license")


@dataclass(slots=True, eq=False)
class LabelledPage:
    """A fixture page: its blocks and one label per block (same order)."""

    path: Path | None
    segmentation: Segmentation = field(repr=False)
    labels: tuple[str, ...]
    url: str | None = None
    template: str | None = None
    source: str | None = None
    license: str | None = None

    @property
    def blocks(self) -> tuple[Block, ...]:
        return self.segmentation.blocks

    @property
    def body(self) -> str:
        """The expected article body: content blocks' text joined by blank lines."""
        return "\n\n".join(b.text for b, label in zip(self.blocks, self.labels, strict=True)
                           if label == "content")

    @property
    def title(self) -> str | None:
        root = self.segmentation.root
        title = root.findtext(".//title") if root is not None else None
        return " ".join(title.split()) if title else None


def block_label(element: Any) -> str:
    """The ``data-label`` of the nearest labelled ancestor-or-self (``navigation`` if none)."""
    node = element
    while node is not None:
        label = node.get(LABEL_ATTRIBUTE) if isinstance(node.tag, str) else None
        if label:
            label = label.strip().lower()
            if label not in LABELS:
                raise ValueError(f"unknown {LABEL_ATTRIBUTE}={label!r} on <{node.tag}>")
            return label
        node = node.getparent()
    return NAVIGATION


def page_from_html(html: str | bytes, path: Path | None = None) -> LabelledPage:
    """Build a :class:`LabelledPage` from fixture HTML (``bytes`` are read as UTF-8)."""
    seg = segment(html, encoding="utf-8") if isinstance(html, bytes) else segment(html)
    if seg.root is None:
        raise ValueError(f"{path or 'fixture'}: empty or unparsable HTML")
    labels = tuple(block_label(b.element) for b in seg.blocks)
    root = seg.root
    meta = {name: root.get(f"data-{name}") for name in _META_ATTRIBUTES}
    if not meta["template"] and path is not None:
        meta["template"] = path.parent.name
    return LabelledPage(path=path, segmentation=seg, labels=labels, **meta)


def read_fixture(path: str | Path) -> LabelledPage:
    """Read one labelled fixture file."""
    path = Path(path)
    return page_from_html(path.read_bytes(), path)


def iter_fixtures(root: str | Path) -> Iterator[Path]:
    """Fixture files under ``root`` (``*.html``, sorted), or ``root`` itself if it is a file."""
    root = Path(root)
    if root.is_file():
        yield root
        return
    yield from sorted(root.rglob("*.html"))


def write_fixture(path: str | Path, html: str | bytes, labels_by_path: Mapping[str, str],
                  **meta: str | None) -> Path:
    """Write ``html`` as a labelled fixture.

    ``labels_by_path`` maps element DOM paths (``Block.path``) to labels; blocks inside a
    labelled element inherit its label, unlabelled blocks are ``navigation``. ``meta`` keys
    ``url``, ``template``, ``source``, ``license`` go onto ``<html>`` as ``data-*``;
    ``encoding`` (the HTTP charset of ``bytes``) is used for decoding only.
    Returns the path written.
    """
    for label in labels_by_path.values():
        if label not in LABELS:
            raise ValueError(f"unknown label {label!r}")
    encoding = meta.pop("encoding", None)
    root, _, _ = parse_html(html, encoding=encoding)
    if root is None:
        raise ValueError("empty or unparsable HTML")
    root = copy.deepcopy(root)  # never touch a tree someone else may hold
    tree = root.getroottree()
    for element in root.iter():
        if isinstance(element.tag, str) and LABEL_ATTRIBUTE in element.attrib:
            del element.attrib[LABEL_ATTRIBUTE]
    body = root.find("body")
    if body is None:
        body = etree.SubElement(root, "body")
    body.set(LABEL_ATTRIBUTE, NAVIGATION)
    # Outer elements first so that inner labels are set last (they win anyway: nearest wins).
    for elem_path, label in sorted(labels_by_path.items(), key=lambda kv: kv[0].count("/")):
        found = _find(tree, elem_path)
        if found is not None:
            found.set(LABEL_ATTRIBUTE, label)
    for name, value in meta.items():
        if name not in _META_ATTRIBUTES:
            raise TypeError(f"unknown fixture metadata {name!r}")
        if value is not None:
            root.set(f"data-{name}", str(value))
    _ensure_utf8_meta(root)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(etree.tostring(root, method="html", encoding="utf-8", doctype="<!DOCTYPE html>"))
    return out


def _find(tree: Any, elem_path: str) -> Any:
    try:
        found = tree.xpath(elem_path)
    except etree.XPathError:
        return None
    return found[0] if found and isinstance(found, list) else None


def _ensure_utf8_meta(root: Any) -> None:
    head = root.find("head")
    if head is None:
        head = etree.Element("head")
        root.insert(0, head)
    for meta in list(_iter_meta(head)):
        if meta.get("charset") or (meta.get("http-equiv") or "").lower() == "content-type":
            head.remove(meta)
    charset = etree.Element("meta", charset="utf-8")
    head.insert(0, charset)


def _iter_meta(head: Any) -> Iterable[Any]:
    return (m for m in head if isinstance(m.tag, str) and m.tag == "meta")
