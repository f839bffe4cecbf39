"""robots.txt: the ``Sitemap:`` lines (obeying rules is Scrapy's RobotsTxtMiddleware's job)."""

from __future__ import annotations

from crawler.discovery.urls import clean_url

__all__ = ["sitemaps_from_robots"]

#: robots.txt bigger than this is cut (Google reads 500 KiB).
MAX_ROBOTS_BYTES = 512 * 1024


def sitemaps_from_robots(data: bytes, base_url: str) -> list[str]:
    """The URLs of the ``Sitemap:`` lines, in order, without duplicates."""
    found: list[str] = []
    text = data[:MAX_ROBOTS_BYTES].decode("utf-8", "replace")
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() == "sitemap":
            url = clean_url(value.split("#", 1)[0].strip(), base_url)
            if url and url not in found:
                found.append(url)
    return found
