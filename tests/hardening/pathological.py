"""Pathological pages built from our own markup, shared by the tests and benchmarks/fuzz_soak.py.

Each builder returns ``bytes`` and the cap reasons (``Article.warnings`` /
``Segmentation.warnings``) of which at least one must be reported when the page is processed;
an empty set means no cap has to apply.
"""

from __future__ import annotations

import random

__all__ = ["PATHOLOGICAL", "SAMPLE_PAGE", "mutate"]

SAMPLE_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Harbour bridge reopens after repairs</title>
</head><body data-label="navigation">
<nav><ul><li><a href="/">Home</a></li><li><a href="/local">Local</a></li>
<li><a href="/sport">Sport</a></li></ul></nav>
<div class="ad-slot">Advertisement</div>
<article data-label="content"><h1>Harbour bridge reopens after repairs</h1>
<p class="byline">By A. Writer, Harbour Desk</p>
<p>The old swing bridge over the harbour opened to traffic again on Monday after eight months
of repairs to its rusted gears, the town council said.</p>
<p>Engineers replaced the central pivot and repainted the steel frame in its original green.
Cyclists were the first across, ringing their bells as the barrier lifted.</p>
<p>“We kept the old character and made it safe for another fifty years,” said the works
manager, Júlia Nowak. Café owners on the quay said trade had halved during the closure.</p>
</article>
<aside class="paywall">Subscribe for £1 a week to keep reading.</aside>
<footer>© Harbour Gazette</footer></body></html>
"""

CAPS_INPUT = frozenset({"input-cap"})
CAPS_DEPTH = frozenset({"depth-cap", "node-cap", "unparsable"})
CAPS_MANY = frozenset({"node-cap", "block-cap"})
CAPS_TEXT = frozenset({"input-cap", "text-cap"})


def deep_nesting(levels: int = 100_000, tag: str = "div") -> bytes:
    return (f"<html><body>{f'<{tag}>' * levels}deep text{f'</{tag}>' * levels}"
            "</body></html>").encode()


def huge_text_node(size: int = 10 * 1024 * 1024) -> bytes:
    return b"<html><body><p>" + b"word " * (size // 5) + b"</p></body></html>"


def many_siblings(count: int = 100_000, tag: str = "p") -> bytes:
    return (b"<html><body>" + b"".join(b"<%s>item %d</%s>" % (tag.encode(), i, tag.encode())
                                       for i in range(count)) + b"</body></html>")


def binary_garbage(size: int = 200_000, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(size)


#: name -> (page bytes builder, the cap reasons of which one must be reported)
PATHOLOGICAL = {
    "deep-nesting-100k-div": (lambda: deep_nesting(), CAPS_DEPTH),
    "deep-nesting-100k-span": (lambda: deep_nesting(tag="span"), CAPS_DEPTH),
    "deep-nesting-100k-table": (lambda: deep_nesting(tag="table"), CAPS_DEPTH),
    "text-node-10MB": (lambda: huge_text_node(), CAPS_INPUT),
    "text-node-3MB": (lambda: huge_text_node(3 * 1024 * 1024), CAPS_TEXT),
    "siblings-100k-p": (lambda: many_siblings(), CAPS_MANY),
    "siblings-100k-span": (lambda: many_siblings(tag="span"), frozenset()),
    "siblings-100k-li": (lambda: b"<ul>" + many_siblings(tag="li") + b"</ul>", CAPS_MANY),
    "binary-garbage": (lambda: binary_garbage(), frozenset()),
    "nul-laden": (lambda: SAMPLE_PAGE.encode().replace(b" ", b"\x00"), frozenset()),
    "all-nul": (lambda: b"\x00" * 100_000, frozenset()),
    "utf16-bom": (lambda: SAMPLE_PAGE.encode("utf-16"), frozenset()),
    "utf16-no-bom": (lambda: SAMPLE_PAGE.encode("utf-16-le"), frozenset()),
    "utf32-bom": (lambda: SAMPLE_PAGE.encode("utf-32"), frozenset()),
    "empty": (lambda: b"", frozenset({"empty"})),
    "whitespace": (lambda: b" \n\t " * 100, frozenset({"empty"})),
    "unclosed-tags": (lambda: b"<html><body>" + b"<div><p><b><i>x" * 20_000, frozenset()),
    "attributes-1MB": (lambda: b'<html><body><p class="' + b"c " * 500_000 + b'">t</p>',
                       frozenset()),
    "many-attributes-10k": (lambda: b"<p " + b" ".join(b"a%d=1" % i for i in range(10_000)) + b">t",
                        frozenset()),
    "comment-bomb": (lambda: b"<html><body>" + b"<!--" * 100_000 + b"<p>t</p>", frozenset()),
    "entity-storm": (lambda: b"<p>" + b"&amp;&#x1F600;&#0;&#xD800;&bogus;" * 100_000,
                     frozenset()),
    "br-storm": (lambda: b"<p>" + b"a<br>" * 200_000, frozenset()),
    "misdeclared-utf16-meta": (
        lambda: b'<meta charset="utf-16"><p>caf\xc3\xa9</p>', frozenset()),
    "misdeclared-bogus-charset": (
        lambda: b'<meta charset="x-no-such-charset"><p>caf\xe9</p>', frozenset()),
    "script-only-10MB": (lambda: b"<script>" + b"x" * (10 * 1024 * 1024) + b"</script>",
                         CAPS_INPUT),
    "svg-bomb": (lambda: b"<svg>" + b"<g>" * 50_000 + b"</svg><p>after</p>", frozenset()),
}


def mutate(data: bytes, rng: random.Random, rounds: int = 3) -> bytes:
    """A few random byte-level mutations: flip, insert NUL/markup, cut, duplicate a slice."""
    buf = bytearray(data)
    tokens = (b"<", b">", b"</div>", b"<p>", b"\x00", b"&", b"&#", b"<!--", b"]]>", b"\xff\xfe",
              b"\xef\xbb\xbf", b"<meta charset=koi8-r>", b"<table>", b'"', b"\xc3", b"\xe2\x80")
    for _ in range(rng.randint(1, rounds)):
        if not buf:
            buf.extend(rng.choice(tokens))
            continue
        op = rng.randrange(6)
        pos = rng.randrange(len(buf))
        if op == 0:
            buf[pos] ^= 1 << rng.randrange(8)
        elif op == 1:
            buf[pos:pos] = rng.choice(tokens)
        elif op == 2:
            del buf[pos:]
        elif op == 3:
            end = min(len(buf), pos + rng.randint(1, 4096))
            buf[pos:pos] = buf[pos:end] * rng.randint(1, 8)
        elif op == 4:
            del buf[pos:pos + rng.randint(1, 256)]
        else:
            buf[pos:pos + 1] = bytes([rng.randrange(256)])
    return bytes(buf)
