"""Generators of hostile sitemaps and feeds, shared by the tests and benchmarks/hostile_xml.py.

Everything is built here from a few lines of our own markup; nothing is copied from the web.
"""

from __future__ import annotations

import zlib

__all__ = ["CASES", "billion_laughs", "gzip_bomb", "many_urls_sitemap", "quadratic_blowup",
           "wrap", "xxe_file", "xxe_parameter", "xxe_url"]

_SITEMAP = ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            "<url><loc>{payload}</loc></url>"
            "<url><loc>https://news.example/ok</loc></url></urlset>")
_RSS = ('<rss version="2.0"><channel><title>t</title>'
        "<item><title>{payload}</title><link>https://news.example/{payload}</link></item>"
        "<item><title>fine</title><link>https://news.example/ok</link></item></channel></rss>")
_ATOM = ('<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
         '<entry><title>{payload}</title><link href="https://news.example/a"/>'
         "<summary>{payload}</summary></entry>"
         '<entry><title>fine</title><link href="https://news.example/ok"/></entry></feed>')
TEMPLATES = {"sitemap": _SITEMAP, "rss": _RSS, "atom": _ATOM}
_ROOTS = {"sitemap": "urlset", "rss": "rss", "atom": "feed"}


def wrap(kind: str, dtd: str, payload: str) -> bytes:
    """A document of ``kind`` (sitemap, rss, atom) with an internal DTD and a payload."""
    return (f'<?xml version="1.0"?>\n<!DOCTYPE {_ROOTS[kind]} [\n{dtd}\n]>\n'
            + TEMPLATES[kind].format(payload=payload)).encode()


def billion_laughs(kind: str, levels: int = 10) -> bytes:
    lines = ['<!ENTITY lol0 "lollollollollollollollollollol">']
    lines += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)]
    return wrap(kind, "\n".join(lines), f"&lol{levels - 1};")


def quadratic_blowup(kind: str, size: int = 100_000, refs: int = 20_000) -> bytes:
    return wrap(kind, f'<!ENTITY big "{"x" * size}">', "&big;" * refs)


def xxe_file(kind: str, path: str = "/etc/passwd") -> bytes:
    return wrap(kind, f'<!ENTITY xxe SYSTEM "file://{path}">', "&xxe;")


def xxe_url(kind: str, url: str) -> bytes:
    return wrap(kind, f'<!ENTITY xxe SYSTEM "{url}">', "&xxe;")


def xxe_parameter(kind: str, url: str) -> bytes:
    """An external DTD pulled in by a parameter entity (no general entity use needed)."""
    return wrap(kind, f'<!ENTITY % remote SYSTEM "{url}">\n%remote;', "plain")


def gzip_bomb(decompressed_bytes: int, prefix: bytes = b"") -> bytes:
    """``prefix`` then zeros, gzip-compressed, built in chunks (never held uncompressed)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [comp.compress(prefix)]
    chunk = bytes(1 << 20)
    left = decompressed_bytes - len(prefix)
    while left > 0:
        out.append(comp.compress(chunk[:min(left, len(chunk))]))
        left -= len(chunk)
    out.append(comp.flush())
    return b"".join(out)


def many_urls_sitemap(count: int) -> bytes:
    head = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    body = b"".join(b"<url><loc>https://n.example/%d</loc></url>" % i for i in range(count))
    return head + body + b"</urlset>"


#: name -> (builder of the bytes, kind of document) for the benchmark's table; the external
#: URL cases point at a port nothing listens on unless the caller says otherwise.
CASES = {
    "billion-laughs sitemap": lambda: billion_laughs("sitemap"),
    "billion-laughs rss": lambda: billion_laughs("rss"),
    "billion-laughs atom": lambda: billion_laughs("atom"),
    "quadratic blowup sitemap": lambda: quadratic_blowup("sitemap"),
    "xxe file:// sitemap": lambda: xxe_file("sitemap"),
    "xxe file:// rss": lambda: xxe_file("rss"),
    "xxe http:// atom": lambda: xxe_url("atom", "http://127.0.0.1:9/evil"),
    "xxe parameter entity rss": lambda: xxe_parameter("rss", "http://127.0.0.1:9/evil.dtd"),
    "gzip bomb 1 GB sitemap": lambda: gzip_bomb(1 << 30),
    "gzip bomb 1 GB xml-prefixed": lambda: gzip_bomb(
        1 << 30, b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>'),
    "10^6 urls sitemap": lambda: many_urls_sitemap(1_000_000),
}
