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
from typing import Any, NamedTuple

import lxml.html
from lxml import etree

from classifier.constants import (
    MAX_BLOCK_CHARS,
    MAX_BLOCKS,
    MAX_DEPTH,
    MAX_INPUT_BYTES,
    MAX_NODES,
    MAX_STREAMED_SEGMENTS,
    MAX_TAG_BYTES,
    META_CHARSET_SCAN_BYTES,
    SEGMENT_CACHE_ENTRIES,
    SEGMENT_CACHED_VALUE_CHARS,
    WARN_BLOCK_CAP,
    WARN_CROWDED_TAGS,
    WARN_DEPTH_CAP,
    WARN_EMPTY,
    WARN_INPUT_CAP,
    WARN_NODE_CAP,
    WARN_OPEN_TITLE,
    WARN_SELF_CLOSED_HTML,
    WARN_TEXT_CAP,
    WARN_UNDECODABLE,
    WARN_UNPARSABLE,
)
from classifier.kernels import load_kernel

__all__ = [
    "Block",
    "PageFacts",
    "Segmentation",
    "close_open_title",
    "decode_html",
    "keep_text_after_end_tags",
    "normalise_space",
    "open_self_closed_html",
    "page_facts",
    "parse_html",
    "place_streamed_segments",
    "repair_markup",
    "segment",
    "thin_crowded_tags",
    "walk_blocks",
]

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
#: Elements that belong in ``<head>``; anything else there is page text libxml2 put in it.
_HEAD_TAGS = frozenset({"title", "meta", "link", "base", "script", "style", "noscript",
                        "template", None})
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


def _parser(html_elements: bool = False) -> Any:
    name = "html_parser" if html_elements else "parser"
    parser = getattr(_LOCAL, name, None)
    if parser is None:
        # lxml.html's parser makes HtmlElement nodes (what extruct needs), same options
        factory = lxml.html.HTMLParser if html_elements else etree.HTMLParser
        parser = factory(encoding="utf-8", remove_comments=True, remove_pis=True,
                         no_network=True, collect_ids=False, default_doctype=False)
        setattr(_LOCAL, name, parser)
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
    _facts: PageFacts | None = field(default=None, init=False, repr=False, compare=False)

    def facts(self) -> PageFacts:
        """The page's :class:`PageFacts` (read once; the features and the assembly share
        them)."""
        if self._facts is None:
            self._facts = page_facts(self.root)
        return self._facts

    @property
    def text_chars(self) -> int:
        return sum(len(b.text) for b in self.blocks)

    def __iter__(self) -> Iterator[Block]:
        return iter(self.blocks)

    def __len__(self) -> int:
        return len(self.blocks)


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace (including NBSP) into one space and strip the ends."""
    if _c_walk is not None:
        return _c_walk.squeeze_space(text)
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
    text, used, _ = _decode(data, http_charset)
    return text, used


def _strict_utf8(data: bytes) -> tuple[str, int] | None:
    """``data`` decoded as strict UTF-8 (a character cut off at the end is left out) and the
    number of bytes read; None when the bytes are not UTF-8."""
    try:
        return codecs.utf_8_decode(data, "strict", False)
    except UnicodeDecodeError:
        return None


def _decode(data: bytes, http_charset: str | None) -> tuple[str, str, int]:
    """``decode_html``, plus how many leading bytes of ``data`` the text is exactly the UTF-8
    of (strictly decoded UTF-8 has no surrogates: it encodes back to the same bytes), or -1."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(name, errors="replace"), name, -1
    declared = [_codec_name(http_charset)]
    match = _META_CHARSET.search(data[:META_CHARSET_SCAN_BYTES])
    if match:
        declared.append(_codec_name(match.group(1).decode("ascii", "ignore")))
    for label in declared:
        if label is None:
            continue
        name = "utf-8" if label == "cp1252" and _looks_like_utf8(data) else label
        if name == "utf-8":
            utf8 = _strict_utf8(data)
            if utf8 is not None:
                return utf8[0], name, utf8[1]
            continue
        text = _strict_decode(data, name)
        if text is not None:
            return text, name, -1
    utf8 = _strict_utf8(data)
    if utf8 is not None:
        return utf8[0], "utf-8", utf8[1]
    sniffed = _sniff(data)
    if sniffed:
        return data.decode(sniffed, errors="replace"), sniffed, -1
    return data.decode("utf-8", errors="replace"), "utf-8?", -1


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
    first = _first_crowded_tag(body)
    if first < 0:
        return body, 0
    thinned, count = _CROWDED_TAG.subn(_cut_tag, body[first:])
    return body[:first] + thinned, count


def _first_crowded_tag(body: bytes) -> int:
    """Where ``_CROWDED_TAG`` first matches in ``body`` (-1: nowhere), found without scanning
    every tag as the regular expression does: a match spans a whole aligned window of half
    the cap that holds no '<' or '>', and starts at the last '<' before that window."""
    window = MAX_TAG_BYTES // 2
    after_clean = False  # the window before was clean too: the same '<' was checked
    for start in range(0, len(body) - window + 1, window):
        end = start + window
        if body.find(b"<", start, end) >= 0 or body.find(b">", start, end) >= 0:
            after_clean = False
            continue
        if after_clean:
            continue
        after_clean = True
        tag = body.rfind(b"<", 0, start)
        if tag >= 0 and _CROWDED_TAG.match(body, tag):
            return tag
    return -1


_TITLE_START = re.compile(rb"<title\b[^>]*>", re.IGNORECASE)
_TITLE_END = re.compile(rb"</title[\s>]", re.IGNORECASE)
_TITLE_TEXT_END = re.compile(rb"[<\r\n]")


def close_open_title(body: bytes) -> tuple[bytes, bool]:
    """``body`` with its first ``<title>`` closed when the page never closes it, and whether
    it was. libxml2 reads a title as raw text up to ``</title>``: a page that never writes one
    (a broken capture, a template bug) would be all title and no body. The title ends at the
    end of its line, or at the next tag."""
    start = _TITLE_START.search(body)
    if start is None or _TITLE_END.search(body, start.end()) is not None:
        return body, False
    end = _TITLE_TEXT_END.search(body, start.end())
    cut = end.start() if end is not None else len(body)
    return body[:cut] + b"</title>" + body[cut:], True


#: The first ``<html>`` start tag (the page's own comes first, after the doctype).
_HTML_START = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
#: A ``<html .../>`` written self-closed.
_SELF_CLOSED = re.compile(rb"/\s*>$")


def open_self_closed_html(body: bytes) -> tuple[bytes, bool]:
    """``body`` with a self-closed ``<html .../>`` start tag opened (``<html ...>``), and
    whether it was. libxml2 reads such a page as an empty document; browsers ignore the
    slash."""
    start = _HTML_START.search(body)
    if start is None:
        return body, False
    slash = _SELF_CLOSED.search(start.group())
    if slash is None:
        return body, False
    cut = start.start() + slash.start()
    return body[:cut] + b">" + body[start.end():], True


#: ``</body>`` and ``</html>`` end tags.
_DOCUMENT_END = re.compile(rb"</(?:body|html)\s*>", re.IGNORECASE)


def keep_text_after_end_tags(body: bytes) -> tuple[bytes, bool]:
    """``body`` without its ``</body>`` and ``</html>`` end tags when markup follows the first
    of them, and whether it had to change. libxml2 drops everything after ``</html>`` (a second
    document pasted after the first, a template that closes the page early) and puts what
    follows ``</body>`` beside the body; browsers, as HTML5 says, read both into the body."""
    first = _DOCUMENT_END.search(body)
    if first is None:
        return body, False
    rest = _DOCUMENT_END.sub(b"", body[first.start():])
    if not rest.strip():  # the usual ending: nothing but the end tags
        return body, False
    return body[:first.start()] + rest, True


#: What React's streaming server rendering writes for each finished Suspense boundary or
#: postponed segment: its content in ``<div hidden id="S:n">`` at the end of the page, to
#: replace the ``<template id="B:n">`` / ``"P:n"`` placeholder where it belongs (a script does
#: it in the browser).
_STREAMED_SEGMENT_MARK = b' id="S:'


def place_streamed_segments(root: Any) -> int:
    """Move each hidden ``<div id="S:n">`` of React's streaming rendering (Next.js and other
    modern sites) to its ``<template id="B:n">`` (or ``"P:n"``) placeholder, visible, as the
    page's script does in a browser; returns how many moved. Without it the article of such a
    page sits in hidden elements, which segmentation skips. Changes ``root``: only for trees
    parsed here."""
    segments = {}
    for element in root.iter("div"):
        name = element.get("id")
        if name and name.startswith("S:") and element.get("hidden") is not None:
            segments[name[2:]] = element
            if len(segments) >= MAX_STREAMED_SEGMENTS:
                break
    if not segments:
        return 0
    moved = 0
    for template in list(root.iter("template")):
        name = template.get("id")
        # "B:n" holds a Suspense boundary's place, "P:n" a postponed segment's
        segment_div = (segments.pop(name[2:], None)
                       if name and name.startswith(("B:", "P:")) else None)
        parent = template.getparent()
        if (segment_div is None or parent is None
                or any(a is segment_div for a in template.iterancestors())):
            continue  # a placeholder inside its own segment: nowhere to move it
        tail = template.tail
        parent.replace(template, segment_div)  # moves the div (its tail with it)
        segment_div.tail = tail
        del segment_div.attrib["hidden"]
        moved += 1
    return moved


def repair_markup(body: bytes) -> tuple[bytes, list[str]]:
    """``body`` guarded and mended before libxml2 parses it, and the warnings of what was
    mended: start tags cut to ``MAX_TAG_BYTES`` (``crowded-tags``), an unclosed ``<title>``
    closed (``open-title``), a self-closed ``<html/>`` opened (``self-closed-html``), and early
    ``</body>`` / ``</html>`` end tags dropped (no warning: a script after ``</html>`` is common
    and harmless). The crawler's own parses use it too."""
    warnings: list[str] = []
    body, crowded = thin_crowded_tags(body)
    if crowded:
        warnings.append(WARN_CROWDED_TAGS)
    body, open_title = close_open_title(body)
    if open_title:
        warnings.append(WARN_OPEN_TITLE)
    body, self_closed = open_self_closed_html(body)
    if self_closed:
        warnings.append(WARN_SELF_CLOSED_HTML)
    body, _ = keep_text_after_end_tags(body)
    return body, warnings


def parse_html(html: str | bytes | bytearray | memoryview, *, encoding: str | None = None,
               html_elements: bool = False) -> tuple[Any, str | None, list[str]]:
    """Parse a page into an lxml root element: ``(root or None, encoding, warnings)``.
    ``html_elements`` makes ``lxml.html`` elements (same tree, same text) for callers that
    share the tree with code needing them; ``segment`` reads either kind."""
    warnings: list[str] = []
    used: str | None = None
    if isinstance(html, bytes | bytearray | memoryview):
        data = bytes(html)
        if len(data) > MAX_INPUT_BYTES:
            data = data[:MAX_INPUT_BYTES]
            warnings.append(WARN_INPUT_CAP)
        text, used, utf8_bytes = _decode(data, encoding)
        if used.endswith("?"):
            warnings.append(WARN_UNDECODABLE)
    else:
        text = str(html)
        utf8_bytes = -1
        if len(text) > MAX_INPUT_BYTES:
            text = text[:MAX_INPUT_BYTES]
            warnings.append(WARN_INPUT_CAP)
    # NULs and lone surrogates would make libxml2 stop early or refuse the text. (A NUL is
    # the only character whose UTF-8 holds a 0 byte; bytes.replace is the faster scan.)
    # Valid UTF-8 input already is the encoded text: no second copy.
    payload = (data[:utf8_bytes] if utf8_bytes >= 0 else
               text.encode("utf-8", errors="replace")).replace(b"\x00", b"")
    payload, repairs = repair_markup(payload)
    warnings.extend(repairs)
    if not payload.strip():
        warnings.append(WARN_EMPTY)
        return None, used, warnings
    try:
        parser = _parser(html_elements)
        root = etree.fromstring(payload, parser)
    except (etree.LxmlError, ValueError):
        root = None
    if root is None:
        warnings.append(WARN_UNPARSABLE)
    else:
        if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
            warnings.append(WARN_DEPTH_CAP)
        if _STREAMED_SEGMENT_MARK in payload:  # a cheap byte search rules out most pages
            place_streamed_segments(root)
    return root, used, warnings


#: Tokens of class / id values and of their words, by the value or word: the same ones recur
#: on every page of a site (and words across sites).
_VALUE_TOKENS: dict[str, tuple[str, ...]] = {}
_WORD_TOKENS: dict[str, tuple[str, ...]] = {}
#: Tokens by an element's ``TOKEN_ATTRIBUTES`` values.
_TOKENS_BY_VALUES: dict[tuple[str | None, ...], tuple[str, ...]] = {}


def _word_tokens(word: str) -> tuple[str, ...]:
    """Parts of one word (camelCase and punctuation split) and, for several, their join."""
    if word.isascii() and word.isalnum() and (word.islower() or word.isdigit()):
        tokens: tuple[str, ...] = (word,)  # the common case: nothing to split or lower
    else:
        # without upper or title case there is no camelCase to split and nothing to lower
        lowered = word if word.islower() else _CAMEL.sub("-", word).lower()
        parts = [p for p in _TOKEN_SPLIT.split(lowered) if p]
        tokens = (*parts, "-".join(parts)) if len(parts) > 1 else tuple(parts)
    if len(_WORD_TOKENS) >= SEGMENT_CACHE_ENTRIES:
        _WORD_TOKENS.clear()
    _WORD_TOKENS[word] = tokens
    return tokens


def _value_tokens(value: str) -> tuple[str, ...]:
    """Tokens of one attribute value's words, at least ``_MAX_TOKENS`` of them if it has
    that many (the caller keeps no more)."""
    tokens = _VALUE_TOKENS.get(value)
    if tokens is None:
        found: list[str] = []
        cached = _WORD_TOKENS.get
        for word in value.split():
            word = word[:80]
            found.extend(cached(word) or _word_tokens(word))
            if len(found) >= _MAX_TOKENS:
                break
        tokens = tuple(found)
        if len(value) <= SEGMENT_CACHED_VALUE_CHARS:
            if len(_VALUE_TOKENS) >= SEGMENT_CACHE_ENTRIES:
                _VALUE_TOKENS.clear()
            _VALUE_TOKENS[value] = tokens
    return tokens


def _split_tokens(values: tuple[str | None, ...]) -> tuple[str, ...]:
    tokens: list[str] = []
    for value in values:
        if value:
            tokens.extend(_value_tokens(value))
            if len(tokens) >= _MAX_TOKENS:
                break
    return tuple(tokens[:_MAX_TOKENS])


def tokens_of_values(values: tuple[str | None, ...]) -> tuple[str, ...]:
    """Tokens of an element's ``TOKEN_ATTRIBUTES`` values, through a process-wide cache
    (links and images differ by href / src only: their class values recur)."""
    tokens = _TOKENS_BY_VALUES.get(values)
    if tokens is None:
        tokens = _split_tokens(values)
        if sum(len(v) for v in values if v) <= SEGMENT_CACHED_VALUE_CHARS:
            if len(_TOKENS_BY_VALUES) >= SEGMENT_CACHE_ENTRIES:
                _TOKENS_BY_VALUES.clear()
            _TOKENS_BY_VALUES[values] = tokens
    return tokens


def block_text(parts: list[str]) -> tuple[str, bool]:
    """A block's text from the pieces the walk collected, whitespace normalised, and
    whether ``MAX_BLOCK_CHARS`` cut it."""
    raw = "".join(parts)
    if len(raw) > 4 * MAX_BLOCK_CHARS:
        raw = raw[:4 * MAX_BLOCK_CHARS]
    text = normalise_space(raw)
    if len(text) > MAX_BLOCK_CHARS:
        return text[:MAX_BLOCK_CHARS], True
    return text, False


def class_tokens(element: Any) -> tuple[str, ...]:
    """Lower-case word tokens of an element's class, id, itemprop and role attributes."""
    return _split_tokens(tuple(map(element.get, TOKEN_ATTRIBUTES)))


# --- the walk --------------------------------------------------------------------------------

# What the walk does with an element, by its lower-case local name.
_NOT_ELEMENT, _SKIP, _BREAK, _BLOCK, _LINK, _IMAGE, _INLINE = range(7)
#: ``element.tag`` (as lxml gives it) -> (lower-case local name, what the walk does with it).
_TAG_KINDS: dict[Any, tuple[str, int]] = {}


def _tag_kind(raw: Any) -> tuple[str, int]:
    kind = _TAG_KINDS.get(raw)
    if kind is not None:
        return kind
    tag = _tag_name(raw)
    if tag is None:
        kind = ("", _NOT_ELEMENT)  # comment, processing instruction, entity
    elif tag in SKIP_TAGS:
        kind = (tag, _SKIP)
    elif tag == "br":
        kind = (tag, _BREAK)
    elif tag in BLOCK_TAGS:
        kind = (tag, _BLOCK)
    else:
        kind = (tag, _LINK if tag == "a" else _IMAGE if tag == "img" else _INLINE)
    if len(_TAG_KINDS) < SEGMENT_CACHE_ENTRIES:
        _TAG_KINDS[raw] = kind
    return kind


class _Frame:
    """An element the walk descends into. A block frame collects text (an inline frame's
    ``block`` is the nearest block frame); what only blocks and their ancestors need
    (``tokens``, ``chain``, ``lineage``, ``path``) is filled in on demand."""

    __slots__ = ("block", "br_run", "chain", "child_counts", "depth", "element", "emitted",
                 "lineage", "link", "link_chars", "n_images", "n_inline", "n_links",
                 "occurrence", "parent", "parts", "path", "raw_tag", "serial", "tag", "tokens")

    #: Class / id tokens, ``(tag, tokens)`` of this frame and its ancestors (nearest first,
    #: with ``lineage``) and the XPath: None until a block needs them.
    tokens: tuple[str, ...] | None
    chain: tuple[tuple[str, tuple[str, ...]], ...] | None
    lineage: tuple[int, ...]
    path: str | None
    block: _Frame
    parts: list[str]

    def __init__(self, element: Any, tag: str, raw_tag: Any, parent: _Frame | None, serial: int,
                 occurrence: int, block: _Frame | None, depth: int, link: bool) -> None:
        """``block``: the nearest block frame for an inline frame, None for a block frame;
        ``depth`` and ``link`` (inside a link) come from the walk, which has them at hand."""
        self.element = element
        self.tag = tag
        self.raw_tag = raw_tag
        self.parent = parent
        self.serial = serial
        #: Earlier siblings with the same ``raw_tag`` (the XPath position, less one).
        self.occurrence = occurrence
        #: Element children seen so far, by ``raw_tag``.
        self.child_counts: dict[Any, int] = {}
        self.tokens = self.chain = self.path = None
        self.depth = depth
        self.link = link
        if block is None:
            self.block = self
            self.parts = []
            self.link_chars = self.n_links = self.n_images = self.n_inline = self.br_run = 0
            self.emitted = 0
        else:
            self.block = block


def _count_text(block: _Frame, text: str, link: bool) -> None:
    """After ``block.parts.append(text)`` where ``link or block.br_run``: text that is not
    blank ends a run of ``<br>`` and, inside a link, counts as link text."""
    if not text.isspace():
        block.br_run = 0
        if link:
            block.link_chars += len(" ".join(text.split())) + 1


def _frame_path(frame: _Frame) -> str:
    """The path ``getpath`` gives for the frame's element, from its parent's path and the
    walk's sibling counts (valid only when the walk saw every sibling)."""
    pending = []
    node: _Frame | None = frame
    while node is not None and node.path is None:
        pending.append(node)
        node = node.parent
    path = node.path if node is not None and node.path is not None else ""
    for node in reversed(pending):
        raw = node.raw_tag
        if node.parent is None or raw[0] == "{":
            path = _path(node.element)  # the root, or namespaced: libxml2 writes prefix:name or *
        elif node.parent.child_counts[raw] == 1:
            path = f"{path}/{raw}"
        else:
            path = f"{path}/{raw}[{node.occurrence + 1}]"
        node.path = path
    return path


class _Walker:
    """The walk in Python: the fallback of ``classifier/_walk.pyx``, which mirrors it step for
    step (a change to one must be made to the other; ``test_native_kernels`` compares them)."""

    def __init__(self, *, parsed_here: bool = False) -> None:
        self.blocks: list[Block] = []
        self.block_frames: list[_Frame] = []
        self.warnings: list[str] = []
        self.offset = 0
        #: Tokens by an element's attributes: a page repeats its class strings.
        self.tokens_by_attributes: dict[Any, tuple[str, ...]] = {}
        #: Whether ``element.items()`` holds every attribute ``element.get`` can see. Not so
        #: for any tree: a DTD may declare default attributes, which only ``get`` reports;
        #: the HTML parser ignores declarations (its trees are the ones parsed here).
        self.items_complete = parsed_here

    def warn(self, reason: str) -> None:
        if reason not in self.warnings:
            self.warnings.append(reason)

    def tokens_of(self, frame: _Frame) -> tuple[str, ...]:
        element = frame.element
        # All attributes make a key about twice as fast to read as six ``get`` calls.
        key = tuple(element.items()) if self.items_complete else tuple(
            map(element.get, TOKEN_ATTRIBUTES))
        tokens = self.tokens_by_attributes.get(key)
        if tokens is None:
            get = dict(key).get if self.items_complete else element.get
            tokens = self.tokens_by_attributes[key] = tokens_of_values(
                tuple(map(get, TOKEN_ATTRIBUTES)))
        frame.tokens = tokens
        return tokens

    def fill_chain(self, frame: _Frame) -> None:
        """Set ``chain`` and ``lineage`` (serials, nearest first, up to 4) on ``frame`` and
        on the ancestors that lack them."""
        pending = []
        node: _Frame | None = frame
        while node is not None and node.chain is None:
            pending.append(node)
            node = node.parent
        chain = node.chain if node is not None and node.chain is not None else ()
        lineage = node.lineage if node is not None else ()
        for node in reversed(pending):
            tokens = node.tokens if node.tokens is not None else self.tokens_of(node)
            chain = ((node.tag, tokens), *chain)
            lineage = (node.serial, *lineage[:3])
            node.chain = chain
            node.lineage = lineage

    def flush(self, frame: _Frame) -> None:
        """Make a block of the text the block frame collected (if any) and start afresh."""
        parts = frame.parts
        links, images, inline = frame.n_links, frame.n_images, frame.n_inline
        link_chars = frame.link_chars
        frame.link_chars = frame.n_links = frame.n_images = frame.n_inline = frame.br_run = 0
        if not parts:
            return
        frame.parts = []
        text, capped = block_text(parts)
        if not text:
            return
        if capped:
            self.warn(WARN_TEXT_CAP)
        blocks = self.blocks
        if len(blocks) >= MAX_BLOCKS:
            self.warn(WARN_BLOCK_CAP)
            return
        parent = frame.parent
        if parent is None:
            ancestors: tuple[tuple[str, tuple[str, ...]], ...] = ()
            lineage: tuple[int, ...] = ()
            container = -1
        else:
            if parent.chain is None:
                self.fill_chain(parent)
            ancestors = parent.chain  # type: ignore[assignment]  # just filled
            lineage = parent.lineage
            container = parent.serial
        tokens = frame.tokens if frame.tokens is not None else self.tokens_of(frame)
        frame.emitted += 1
        blocks.append(Block(
            len(blocks), text, frame.tag, "", frame.element, frame.depth, tokens, ancestors,
            min(link_chars, len(text)), links, images, inline, self.offset, container, lineage,
            frame.emitted > 1))
        self.block_frames.append(frame)
        self.offset += len(text)

    def line_break(self, block: _Frame) -> None:
        block.br_run += 1
        if block.br_run >= 2:
            # ``<br><br>`` separates paragraphs in older layouts.
            self.flush(block)
        else:
            block.parts.append("\n")

    def walk(self, start: Any) -> None:
        tag = _tag(start) or "html"
        root = _Frame(start, tag, start.tag, None, 0, 0, None, 0, tag == "a")
        if start.text:
            root.parts.append(start.text)
            _count_text(root, start.text, root.link)
        if isinstance(start.tag, str):
            stopped = self.walk_below(root)
        else:  # a comment, processing instruction or entity: no children
            stopped = self.close(root, stopped=False)
        # Paths from the walk's sibling counts, or from libxml2 where a cap stopped the walk.
        for block, frame in zip(self.blocks, self.block_frames, strict=True):
            block.path = _path(frame.element) if stopped else _frame_path(frame)

    def walk_below(self, root: _Frame) -> bool:
        """Walk the root frame's subtree in document order; True when a cap stopped it.

        One child iterator per open frame replaces recursion. Elements the walk does not
        descend into (skipped, hidden, too deep, ``br``, childless inline elements, empty
        childless blocks) are done at once, their tail included. Text goes to the block
        frame's ``parts``; ``_count_text`` runs only where it can change something.
        """
        flush, blocks = self.flush, self.blocks
        kinds = _TAG_KINDS
        hidden_style = _HIDDEN_STYLE.search
        top = block = root
        link = root.link
        depth = root.depth
        counts = root.child_counts
        open_children: list[Any] = []
        children = iter(root.element)
        nodes = 0
        while True:
            for element in children:
                if len(blocks) >= MAX_BLOCKS:
                    self.warn(WARN_BLOCK_CAP)
                    return self.close(top, stopped=True)
                raw = element.tag
                tag, what = kinds.get(raw) or _tag_kind(raw)
                if what != _NOT_ELEMENT:
                    occurrence = counts.get(raw, 0)
                    counts[raw] = occurrence + 1
                    if what != _SKIP:
                        nodes += 1
                        if nodes > MAX_NODES:
                            self.warn(WARN_NODE_CAP)
                            return self.close(top, stopped=True)
                        if depth >= MAX_DEPTH:
                            self.warn(WARN_DEPTH_CAP)
                        elif element.get("hidden") is not None or (
                                (style := element.get("style")) and hidden_style(style)):
                            pass  # hidden ("hidden" with no value reads ""): skipped whole
                        elif what == _BREAK:
                            self.line_break(block)
                        elif what == _BLOCK:
                            # Text before a child block is a block of its own: document order.
                            parts = block.parts
                            if len(parts) == 1 and parts[0].isspace():
                                # only the whitespace between tags: what ``flush`` would do
                                block.parts = []
                                block.link_chars = block.n_links = block.n_images = 0
                                block.n_inline = block.br_run = 0
                            elif parts:
                                flush(block)
                            else:
                                block.n_links = block.n_images = block.n_inline = 0
                            text = element.text
                            if len(element) or (text and not text.isspace()):
                                open_children.append(children)
                                children = iter(element)
                                top = block = _Frame(element, tag, raw, top, nodes, occurrence,
                                                     None, depth + 1, link)
                                link, depth, counts = top.link, top.depth, top.child_counts
                                if text:
                                    block.parts.append(text)
                                    if link:
                                        _count_text(block, text, link)
                                break
                        else:
                            block.n_inline += 1
                            if what == _LINK:
                                block.n_links += 1
                            elif what == _IMAGE:
                                block.n_images += 1
                            text = element.text
                            if len(element):
                                open_children.append(children)
                                children = iter(element)
                                top = _Frame(element, tag, raw, top, nodes, occurrence, block,
                                             depth + 1, link or what == _LINK)
                                link, depth, counts = top.link, top.depth, top.child_counts
                                if text:
                                    block.parts.append(text)
                                    if link or block.br_run:
                                        _count_text(block, text, link)
                                break
                            if text:
                                block.parts.append(text)
                                if what == _LINK or link or block.br_run:
                                    _count_text(block, text, what == _LINK or link)
                tail = element.tail
                if tail:
                    block.parts.append(tail)
                    if link or block.br_run:
                        _count_text(block, tail, link)
            else:  # the children of ``top`` are done: close it
                if top is root:
                    return self.close(top, stopped=False)
                done = top
                top = done.parent  # type: ignore[assignment]  # only the root has none
                children = open_children.pop()
                if done.block is done:
                    parts = done.parts
                    if parts and not (len(parts) == 1 and parts[0].isspace()):
                        flush(done)  # (a done frame's counters need no reset)
                    del done.block  # no self-reference: frames go without the cyclic GC
                block = top.block
                link, depth, counts = top.link, top.depth, top.child_counts
                tail = done.element.tail
                if tail:
                    block.parts.append(tail)
                    if link or block.br_run:
                        _count_text(block, tail, link)

    def close(self, top: _Frame, *, stopped: bool) -> bool:
        """Flush the frames still open, innermost first (all of them when a cap stopped the
        walk); returns ``stopped``."""
        frame: _Frame | None = top
        while frame is not None:
            if frame.block is frame:
                self.flush(frame)
                del frame.block
            frame = frame.parent
        return stopped


def _tag_name(tag: Any) -> str | None:
    if not isinstance(tag, str):
        return None  # comment, processing instruction, entity
    if "}" in tag:
        tag = tag.rsplit("}", 1)[1]
    return tag.lower()


def _tag(element: Any) -> str | None:
    return _tag_name(element.tag)


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
    if body is not None:
        return body
    # An unknown tag in <head> (a broken template) makes libxml2 keep the whole page there.
    for child in root:
        if _tag(child) == "head" and any(_tag(e) not in _HEAD_TAGS for e in child):
            return child
    return root


def segment(html_or_tree: Any, *, encoding: str | None = None) -> Segmentation:
    """Split a page (``str``, ``bytes`` or an lxml element / tree) into ordered blocks.

    ``encoding`` is the HTTP header charset, used only for ``bytes``. A tree passed in is
    read, never changed; the blocks' ``element`` attributes point into it.
    """
    warnings: list[str] = []
    used: str | None = None
    parsed_here = isinstance(html_or_tree, str | bytes | bytearray | memoryview)
    if parsed_here:
        root, used, warnings = parse_html(html_or_tree, encoding=encoding)
    elif hasattr(html_or_tree, "getroot"):
        root = html_or_tree.getroot()
    else:
        root = html_or_tree
    if root is None:
        if not warnings:
            warnings.append(WARN_EMPTY)
        return Segmentation((), None, used, tuple(warnings))
    blocks, walk_warnings = walk_blocks(_body(root), parsed_here=parsed_here)
    for reason in walk_warnings:
        if reason not in warnings:
            warnings.append(reason)
    if not blocks and WARN_EMPTY not in warnings:
        warnings.append(WARN_EMPTY)
    return Segmentation(tuple(blocks), root, used, tuple(warnings))


def walk_blocks(start: Any, *, parsed_here: bool = False,
                compiled: bool = True) -> tuple[list[Block], list[str]]:
    """The blocks of ``start``'s subtree and the caps that bounded the walk. The C walk
    (``classifier._walk``, when built) gives the same blocks several times faster;
    ``compiled=False`` forces the Python one."""
    if compiled and _c_walk is not None and _c_walk.usable(start):
        c_walker = _c_walk.Walker()
        c_walker.paths(c_walker.walk(start))
        return c_walker.blocks, c_walker.warnings
    walker = _Walker(parsed_here=parsed_here)
    walker.walk(start)
    return walker.blocks, walker.warnings


class PageFacts(NamedTuple):
    """What the features and the assembly read from a page's ``title`` / ``meta`` /
    ``script`` elements (found anywhere below the root, as ``iter`` finds them)."""

    #: ``text`` of the first ``title`` (None without one).
    title: str | None
    #: ``content`` of every ``meta property="og:title"`` / ``"og:site_name"`` ("" if absent).
    og_titles: list[str]
    site_names: list[str]
    #: ``content`` of the first ``meta http-equiv="content-language"`` (any case).
    content_language: str | None
    #: texts of the ``script type="application/ld+json"`` elements.
    ld_json: list[str]


def page_facts(root: Any) -> PageFacts:
    """The :class:`PageFacts` of the tree below ``root``, in one pass (in C when built)."""
    if root is None:
        return PageFacts(None, [], [], None, [])
    if _c_walk is not None and _c_walk.usable(root):
        return PageFacts(*_c_walk.page_facts(root))
    title: str | None = None
    language: str | None = None
    language_seen = False
    og_titles: list[str] = []
    site_names: list[str] = []
    ld_json: list[str] = []
    for element in root.iter("title", "meta", "script"):
        if element is root:
            continue
        if element.tag == "title":
            if title is None:
                title = element.text or ""
        elif element.tag == "meta":
            prop = element.get("property")
            if prop == "og:title":
                og_titles.append(element.get("content") or "")
            elif prop == "og:site_name":
                site_names.append(element.get("content") or "")
            if not language_seen and (element.get("http-equiv") or "").lower() == (
                    "content-language"):
                language, language_seen = element.get("content"), True
        elif element.get("type") == "application/ld+json":
            ld_json.append(element.text or "")
    return PageFacts(title, og_titles, site_names, language, ld_json)


# Last: the C walk reads this module's tables and helpers when it is imported.
_c_walk: Any = load_kernel("_walk")
