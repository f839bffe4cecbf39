"""Safe, bounded XML parsing for sitemaps and feeds.

Sitemaps and feeds come from the open web: entities are never expanded, DTDs and
external resources never loaded, huge trees refused, gzip bombs cut off.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from lxml import etree

from crawler.constants import GUNZIP_STEP_BYTES, MAX_GUNZIP_BYTES, MAX_XML_BYTES

__all__ = ["XmlError", "child_text", "gunzip_capped", "iter_elements", "local_name", "maybe_gunzip"]

GZIP_MAGIC = b"\x1f\x8b"
#: libxml2 errors that mean "entity expansion attack" (newer versions report the amplification
#: check as ERR_RESOURCE_LIMIT with "entity" in the message)
_ENTITY_ATTACK_ERRORS = frozenset({"ERR_ENTITY_LOOP", "ERR_ENTITY_AMPLIFICATION"})


class XmlError(ValueError):
    """The document is not usable XML, or is over a size limit."""


def gunzip_capped(data: bytes, max_bytes: int = MAX_GUNZIP_BYTES) -> bytes:
    """Decompress gzip ``data``, refusing output beyond ``max_bytes`` (gzip bombs).

    A first pass only counts the output size in small steps, so a bomb is refused with
    about one step of memory instead of ``max_bytes``; real sitemaps are small, and
    decompressing them twice costs little.
    """
    _check_gunzip_size(data, max_bytes)
    try:  # a decompressobj keeps what a truncated file yields, as a browser would
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data)
    except zlib.error as exc:
        raise XmlError(f"corrupt gzip data: {exc}") from exc


def _check_gunzip_size(data: bytes, max_bytes: int) -> None:
    decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
    total = 0
    pending = data
    try:
        while pending:
            total += len(decomp.decompress(pending, GUNZIP_STEP_BYTES))
            if total > max_bytes:
                raise XmlError(f"gzip data decompresses beyond {max_bytes} bytes")
            pending = decomp.unconsumed_tail
            if decomp.eof:
                break
    except zlib.error as exc:
        raise XmlError(f"corrupt gzip data: {exc}") from exc


def maybe_gunzip(data: bytes, max_bytes: int = MAX_GUNZIP_BYTES) -> bytes:
    """``data`` decompressed when it is gzip (by magic number), else unchanged."""
    if data[:2] == GZIP_MAGIC:
        return gunzip_capped(data, max_bytes)
    return data


def local_name(tag: object) -> str:
    """The tag name without its namespace (``{ns}loc`` -> ``loc``); '' for comments/PIs."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def _parser_events(data: bytes) -> Iterator[tuple[str, etree._Element]]:
    # XMLPullParser takes the same hardening options as XMLParser; feeding it the bytes
    # lets us clear elements as we go, so memory stays flat on 10^6-entry sitemaps.
    parser = etree.XMLPullParser(
        events=("end",),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )
    chunk = 64 * 1024
    for start in range(0, len(data), chunk):
        try:
            parser.feed(data[start:start + chunk])
        except etree.XMLSyntaxError as exc:
            raise XmlError(f"not XML: {exc}") from exc
        yield from parser.read_events()
    try:
        parser.close()
    except etree.XMLSyntaxError as exc:
        raise XmlError(f"not XML: {exc}") from exc
    _refuse_entity_expansion(parser)
    yield from parser.read_events()


def _refuse_entity_expansion(parser: etree.XMLPullParser) -> None:
    """Raise when libxml2 stopped at an entity-expansion attack (billion laughs, quadratic
    blow-up). In recover mode it just stops there, and the document would pass for one
    with no entries; it is a hostile document, not an empty one. Checked once, at the end:
    entries read before the stop are thrown away with the document."""
    for error in parser.feed_error_log:
        if error.type_name in _ENTITY_ATTACK_ERRORS or (
                error.type_name == "ERR_RESOURCE_LIMIT" and "entity" in error.message.lower()):
            raise XmlError(f"entity expansion refused: {error.message.strip()}")


def iter_elements(data: bytes, names: frozenset[str]) -> Iterator[etree._Element]:
    """Yield each complete element whose local name is in ``names``, then free it.

    The caller reads the element (children included) during the yield; afterwards it is
    cleared. Raises :class:`XmlError` for oversized or non-XML input.
    """
    if len(data) > MAX_XML_BYTES:
        raise XmlError(f"document over {MAX_XML_BYTES} bytes")
    data = data.lstrip()
    if not data.startswith(b"<"):
        raise XmlError("not XML: does not start with '<'")
    for _event, elem in _parser_events(data):
        if local_name(elem.tag) in names:
            yield elem
            elem.clear(keep_tail=False)
            # drop already-processed siblings so the root does not keep growing
            parent = elem.getparent()
            if parent is not None:
                while elem.getprevious() is not None:
                    del parent[0]


def child_text(elem: etree._Element, name: str) -> str | None:
    """Stripped text of the first direct or nested child with local name ``name``."""
    for child in elem.iter():
        if child is not elem and local_name(child.tag) == name:
            text = "".join(child.itertext()).strip()
            return text or None
    return None
