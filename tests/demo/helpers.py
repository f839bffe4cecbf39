"""Small HTTP and parsing helpers for the demo-site tests (no redirects followed)."""

from __future__ import annotations

import gzip
import http.client
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree, html

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
              "news": "http://www.google.com/schemas/sitemap-news/0.9"}


@dataclass
class Fetched:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> Fetched:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, target or "/", headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        return Fetched(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    finally:
        conn.close()


def links(url: str, body: bytes) -> list[str]:
    """Absolute targets of the <a href> links of an HTML page."""
    doc = html.fromstring(body)
    return [urljoin(url, a.get("href")).split("#")[0] for a in doc.iter("a") if a.get("href")]


def sitemap_locs(body: bytes) -> list[str]:
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    root = etree.fromstring(body)
    return [loc.text or "" for loc in root.iterfind(".//sm:loc", SITEMAP_NS)]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
