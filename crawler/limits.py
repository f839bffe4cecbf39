"""Input guards the crawler applies before handing hostile bytes to a parser.

libxml2's HTML parser compares each attribute of an element with the ones before it, so one
start tag with 50,000 distinct attributes (450 KB) costs seconds and 200,000 cost minutes: a
page built that way would stall the reactor thread where the spider parses listing pages. Real
start tags are short (a long ``data:`` URI or a JSON ``data-`` attribute is the rare exception,
and no text is lost by cutting them), so every start tag is cut to a bounded length first.
"""

from __future__ import annotations

import re

__all__ = ["MAX_TAG_BYTES", "thin_crowded_tags"]

#: Longest start tag kept whole. The parse cost of a crowded page grows with page size x this
#: cap: at 8 KB one tag parses in a few ms, a 16 MB page of nothing but such tags in seconds.
MAX_TAG_BYTES = 8 * 1024

# A '<', a letter, then a run without '<' or '>' longer than the cap. Each run is scanned once
# (it ends at the next '<', where the next attempt starts), so the search is linear.
_CROWDED = re.compile(rb"<[A-Za-z][^<>]{%d,}" % MAX_TAG_BYTES)


def _cut(match: re.Match[bytes]) -> bytes:
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
    """``body`` with every start tag longer than :data:`MAX_TAG_BYTES` cut to that length,
    and the number of tags cut (count it: it is a sign of a hostile or broken page)."""
    if len(body) <= MAX_TAG_BYTES:
        return body, 0
    return _CROWDED.subn(_cut, body)
