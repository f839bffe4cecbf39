"""Split an HTML page into ordered text blocks at paragraph granularity.

A block is the text of one block-level element (``p``, ``h2``, ``li``, ``td``, a ``div``'s own
text, ...) with its inline children merged in. Work is bounded (input size, node count, depth,
text length; see :mod:`classifier.constants`), the walk never recurses in Python, and a tree
passed in by the caller is only read, never changed.
"""

from __future__ import annotations

import codecs
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from classifier.constants import (
    MAX_BLOCK_CHARS,
    MAX_BLOCKS,
    MAX_DEPTH,
    MAX_INPUT_BYTES,
    MAX_NODES,
    MAX_TAG_BYTES,
    META_CHARSET_SCAN_BYTES,
    WARN_BLOCK_CAP,
    WARN_CROWDED_TAGS,
    WARN_DEPTH_CAP,
    WARN_EMPTY,
    WARN_INPUT_CAP,
    WARN_NODE_CAP,
    WARN_TEXT_CAP,
    WARN_UNDECODABLE,
    WARN_UNPARSABLE,
)

__all__ = ["Block", "Segmentation", "decode_html", "normalise_space", "parse_html", "segment",
           "thin_crowded_tags"]

#: Elements whose own text makes a block and which end the block around them.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "menu",
    "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "ul", "option", "select", "textarea", "button",
})
#: Elements skipped with everything inside (their tail text is kept).
SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
    "canvas", "video", "audio", "head", "title", "meta", "link", "base", "map", "frameset",
    "frame", "input",
})
#: Attributes whose values are split into class / id tokens for the features.
TOKEN_ATTRIBUTES = ("class", "id", "itemprop", "role", "data-component", "data-testid")
_MAX_TOKENS = 24
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"),
         (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
#: Labels a page may declare that browsers read as windows-1252 (WHATWG encoding standard).
_LATIN1_ALIASES = frozenset({"latin-1", "iso8859-1", "ascii", "cp1252"})
_SNIFF_BYTES = 65_536
_LOCAL = threading.local()  # lxml parsers must not be shared between threads


def _parser() -> Any:
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                                  no_network=True, collect_ids=False, default_doctype=False)
        _LOCAL.parser = parser
    return parser


@dataclass(slots=True, eq=False)
class Block:
    """One text block of a page plus the raw facts the features are computed from."""

    index: int
    text: str
    tag: str
    path: str
    element: Any = field(repr=False)
    depth: int = 0
    #: Class / id / itemprop / role tokens of the block element itself.
    tokens: tuple[str, ...] = ()
    #: Ancestors of the block element, nearest first: ``(tag, tokens)`` pairs.
    ancestors: tuple[tuple[str, tuple[str, ...]], ...] = field(default=(), repr=False)
    #: Characters of the text that sit inside links, and number of links / images started.
    link_chars: int = 0
    n_links: int = 0
    n_images: int = 0
    n_inline: int = 0
    #: Characters of page text before this block.
    offset: int = 0
    #: Serial number of the element that holds the block element (groups sibling blocks).
    container: int = 0
    #: Serial numbers of the nearest ancestors (nearest first, up to 4): sibling groups.
    lineage: tuple[int, ...] = ()
    #: True when the block is part of an element's own text split around child blocks.
    partial: bool = False

    @property
    def ancestor_tags(self) -> tuple[str, ...]:
        return tuple(tag for tag, _ in self.ancestors)


@dataclass(slots=True, eq=False)
class Segmentation:
    """The blocks of one page, in document order, and what bounded the work."""

    blocks: tuple[Block, ...]
    root: Any = field(repr=False)
    encoding: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def text_chars(self) -> int:
        return sum(len(b.text) for b in self.blocks)

    def __iter__(self) -> Iterator[Block]:
        return iter(self.blocks)

    def __len__(self) -> int:
        return len(self.blocks)


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace (including NBSP) into one space and strip the ends."""
    return " ".join(text.split())


# --- decoding --------------------------------------------------------------------------------

def _codec_name(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None
    if name in _LATIN1_ALIASES or name == "iso8859-1":
        return "cp1252"
    # A page cannot really declare UTF-16 in a meta tag it can read in ASCII (WHATWG rule).
    if name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return name


def _strict_decode(data: bytes, encoding: str) -> str | None:
    try:
        # ``final=False`` tolerates a multi-byte character cut off by the input cap.
        return codecs.getincrementaldecoder(encoding)("strict").decode(data, final=False)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_like_utf8(data: bytes) -> bool:
    return not data.isascii() and _strict_decode(data, "utf-8") is not None


def decode_html(data: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """Decode page bytes: BOM, then ``http_charset``, then ``<meta charset>``, then sniffing.

    Returns ``(text, encoding used)``. A declared single-byte charset loses to UTF-8 when the
    bytes are valid, non-ASCII UTF-8 (the usual server misconfiguration). Never raises: bytes
    nothing can decode are read as UTF-8 with replacement characters (encoding ``"utf-8?"``).
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(name, errors="replace"), name
    declared = [_codec_name(http_charset)]
    match = _META_CHARSET.search(data[:META_CHARSET_SCAN_BYTES])
    if match:
        declared.append(_codec_name(match.group(1).decode("ascii", "ignore")))
    for label in declared:
        if label is None:
            continue
        name = "utf-8" if label == "cp1252" and _looks_like_utf8(data) else label
        text = _strict_decode(data, name)
        if text is not None:
            return text, name
    text = _strict_decode(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    sniffed = _sniff(data)
    if sniffed:
        return data.decode(sniffed, errors="replace"), sniffed
    return data.decode("utf-8", errors="replace"), "utf-8?"


def _sniff(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
        best = from_bytes(data[:_SNIFF_BYTES]).best()
    except Exception:  # a sniffer failure only means we fall back to UTF-8
        return None
    return _codec_name(best.encoding) if best is not None else None


# --- parsing ---------------------------------------------------------------------------------

# A '<', a letter, then a run without '<' or '>' longer than the cap. Each run is scanned once
# (it ends at the next '<', where the next attempt starts), so the search is linear.
_CROWDED_TAG = re.compile(rb"<[A-Za-z][^<>]{%d,}" % MAX_TAG_BYTES)


def _cut_tag(match: re.Match[bytes]) -> bytes:
    tag = match.group(0)[:MAX_TAG_BYTES]
    # end on a whole attribute: drop the last, possibly cut one, then close any open quote
    space = max(tag.rfind(b" "), tag.rfind(b"\t"), tag.rfind(b"\n"))
    if space > 0:
        tag = tag[:space]
    for quote in (b'"', b"'"):
        if tag.count(quote) % 2:
            tag += quote
    return tag


def thin_crowded_tags(body: bytes) -> tuple[bytes, int]:
    """``body`` with every start tag longer than ``MAX_TAG_BYTES`` cut to that length, and
    the number of tags cut (a sign of a hostile or broken page)."""
    if len(body) <= MAX_TAG_BYTES:
        return body, 0
    return _CROWDED_TAG.subn(_cut_tag, body)


def parse_html(html: str | bytes | bytearray | memoryview, *, encoding: str | None = None) -> tuple[Any, str | None,
                                                                              list[str]]:
    """Parse a page into an lxml root element: ``(root or None, encoding, warnings)``."""
    warnings: list[str] = []
    used: str | None = None
    if isinstance(html, bytes | bytearray | memoryview):
        data = bytes(html)
        if len(data) > MAX_INPUT_BYTES:
            data = data[:MAX_INPUT_BYTES]
            warnings.append(WARN_INPUT_CAP)
        text, used = decode_html(data, encoding)
        if used.endswith("?"):
            warnings.append(WARN_UNDECODABLE)
    else:
        text = str(html)
        if len(text) > MAX_INPUT_BYTES:
            text = text[:MAX_INPUT_BYTES]
            warnings.append(WARN_INPUT_CAP)
    # NULs and lone surrogates would make libxml2 stop early or refuse the text.
    payload = text.replace("\x00", "").encode("utf-8", errors="replace")
    payload, crowded = thin_crowded_tags(payload)
    if crowded:
        warnings.append(WARN_CROWDED_TAGS)
    if not payload.strip():
        warnings.append(WARN_EMPTY)
        return None, used, warnings
    try:
        parser = _parser()
        root = etree.fromstring(payload, parser)
    except (etree.LxmlError, ValueError):
        root = None
    if root is None:
        warnings.append(WARN_UNPARSABLE)
    elif any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        warnings.append(WARN_DEPTH_CAP)
    return root, used, warnings


def class_tokens(element: Any) -> tuple[str, ...]:
    """Lower-case word tokens of an element's class, id, itemprop and role attributes."""
    tokens: list[str] = []
    attrib = element.attrib
    for name in TOKEN_ATTRIBUTES:
        value = attrib.get(name)
        if not value:
            continue
        for word in value.split():
            word = _CAMEL.sub("-", word[:80]).lower()
            parts = [p for p in _TOKEN_SPLIT.split(word) if p]
            tokens.extend(parts)
            if len(parts) > 1:
                tokens.append("-".join(parts))
        if len(tokens) >= _MAX_TOKENS:
            break
    return tuple(tokens[:_MAX_TOKENS])


def is_hidden(element: Any) -> bool:
    attrib = element.attrib
    if "hidden" in attrib:
        return True
    style = attrib.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


# --- the walk --------------------------------------------------------------------------------

class _Frame:
    """An open element during the walk; block frames collect text."""

    __slots__ = ("block", "br_run", "depth", "element", "emitted", "link", "link_chars",
                 "n_images", "n_inline", "n_links", "parent", "parts", "serial", "tag",
                 "tokens")

    def __init__(self, element: Any, tag: str, parent: _Frame | None, serial: int,
                 is_block: bool) -> None:
        self.element = element
        self.tag = tag
        self.parent = parent
        self.serial = serial
        self.depth: int = parent.depth + 1 if parent else 0
        self.tokens = class_tokens(element)
        self.link: bool = tag == "a" or bool(parent and parent.link)
        self.block: _Frame = self if is_block or parent is None else parent.block
        self.parts: list[str] = []
        self.link_chars = self.n_links = self.n_images = self.n_inline = self.br_run = 0
        self.emitted = 0


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.warnings: list[str] = []
        self.offset = 0
        self.nodes = 0

    def warn(self, reason: str) -> None:
        if reason not in self.warnings:
            self.warnings.append(reason)

    def add_text(self, frame: _Frame, text: str | None) -> None:
        if not text:
            return
        block = frame.block
        block.parts.append(text)
        if not text.isspace():
            block.br_run = 0
            if frame.link:
                block.link_chars += len(normalise_space(text)) + 1

    def flush(self, frame: _Frame) -> None:
        raw = "".join(frame.parts)
        frame.parts = []
        links, images, inline = frame.n_links, frame.n_images, frame.n_inline
        link_chars = frame.link_chars
        frame.link_chars = frame.n_links = frame.n_images = frame.n_inline = frame.br_run = 0
        if len(raw) > 4 * MAX_BLOCK_CHARS:
            raw = raw[:4 * MAX_BLOCK_CHARS]
        text = normalise_space(raw)
        if not text:
            return
        if len(text) > MAX_BLOCK_CHARS:
            text = text[:MAX_BLOCK_CHARS]
            self.warn(WARN_TEXT_CAP)
        if len(self.blocks) >= MAX_BLOCKS:
            self.warn(WARN_BLOCK_CAP)
            return
        element = frame.element
        ancestors = []
        lineage: list[int] = []
        parent = frame.parent
        while parent is not None:
            ancestors.append((parent.tag, parent.tokens))
            if len(lineage) < 4:
                lineage.append(parent.serial)
            parent = parent.parent
        frame.emitted += 1
        self.blocks.append(Block(
            index=len(self.blocks), text=text, tag=frame.tag, path=_path(element),
            element=element, depth=frame.depth, tokens=frame.tokens, ancestors=tuple(ancestors),
            link_chars=min(link_chars, len(text)), n_links=links, n_images=images,
            n_inline=inline, offset=self.offset,
            container=frame.parent.serial if frame.parent else -1, lineage=tuple(lineage),
            partial=frame.emitted > 1))
        self.offset += len(text)

    def walk(self, start: Any) -> None:
        root_frame = _Frame(start, _tag(start) or "html", None, 0, True)
        self.add_text(root_frame, start.text)
        stack: list[tuple[int, Any, Any]] = []
        _push_children(stack, start, root_frame)
        stopped = False
        while stack:
            kind, obj, frame = stack.pop()
            if kind == _TAIL:
                if not stopped:
                    self.add_text(frame, obj)
                continue
            if kind == _END:
                if obj.block is obj:
                    self.flush(obj)
                continue
            if stopped or len(self.blocks) >= MAX_BLOCKS:
                if not stopped:
                    self.warn(WARN_BLOCK_CAP)
                    stopped = True
                continue
            element = obj
            stack.append((_TAIL, element.tail, frame))
            tag = _tag(element)
            if tag is None or tag in SKIP_TAGS:
                continue
            self.nodes += 1
            if self.nodes > MAX_NODES:
                self.warn(WARN_NODE_CAP)
                stopped = True
                continue
            if frame.depth + 1 > MAX_DEPTH:
                self.warn(WARN_DEPTH_CAP)
                continue
            if is_hidden(element):
                continue
            if tag == "br":
                self.line_break(frame)
                continue
            is_block = tag in BLOCK_TAGS
            if is_block:
                # Text before a child block is a block of its own: keep document order.
                self.flush(frame.block)
            child = _Frame(element, tag, frame, self.nodes, is_block)
            if not is_block:
                block = child.block
                block.n_inline += 1
                if tag == "a":
                    block.n_links += 1
                elif tag == "img":
                    block.n_images += 1
            stack.append((_END, child, frame))
            self.add_text(child, element.text)
            _push_children(stack, element, child)
        self.flush(root_frame)

    def line_break(self, frame: _Frame) -> None:
        block = frame.block
        block.br_run += 1
        if block.br_run >= 2:
            # ``<br><br>`` separates paragraphs in older layouts.
            self.flush(block)
        else:
            block.parts.append("\n")


_TAIL, _END, _START = 0, 1, 2


def _push_children(stack: list[tuple[int, Any, Any]], element: Any, frame: _Frame) -> None:
    children = list(element)
    for child in reversed(children):
        stack.append((_START, child, frame))


def _tag(element: Any) -> str | None:
    tag = element.tag
    if not isinstance(tag, str):
        return None  # comment, processing instruction, entity
    if "}" in tag:
        tag = tag.rsplit("}", 1)[1]
    return tag.lower()


def _path(element: Any) -> str:
    try:
        return str(element.getroottree().getpath(element))
    except (ValueError, TypeError):
        return ""


def _body(root: Any) -> Any:
    if _tag(root) == "body":
        return root
    for child in root:
        if _tag(child) == "body":
            return child
    body = root.find(".//body")
    return body if body is not None else root


def segment(html_or_tree: Any, *, encoding: str | None = None) -> Segmentation:
    """Split a page (``str``, ``bytes`` or an lxml element / tree) into ordered blocks.

    ``encoding`` is the HTTP header charset, used only for ``bytes``. A tree passed in is
    read, never changed; the blocks' ``element`` attributes point into it.
    """
    warnings: list[str] = []
    used: str | None = None
    if isinstance(html_or_tree, str | bytes | bytearray | memoryview):
        root, used, warnings = parse_html(html_or_tree, encoding=encoding)
    elif hasattr(html_or_tree, "getroot"):
        root = html_or_tree.getroot()
    else:
        root = html_or_tree
    if root is None:
        if not warnings:
            warnings.append(WARN_EMPTY)
        return Segmentation((), None, used, tuple(warnings))
    walker = _Walker()
    walker.walk(_body(root))
    for reason in walker.warnings:
        if reason not in warnings:
            warnings.append(reason)
    if not walker.blocks and WARN_EMPTY not in warnings:
        warnings.append(WARN_EMPTY)
    return Segmentation(tuple(walker.blocks), root, used, tuple(warnings))
