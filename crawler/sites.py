"""The sites file: which sites to crawl and how (TOML or YAML).

Example (TOML)::

    [[site]]
    name = "example"
    start_urls = ["https://example.com/"]
    allowed_domains = ["example.com"]          # default: the start URLs' hosts
    feeds = ["https://example.com/rss.xml"]    # optional
    sitemaps = ["https://example.com/sitemap.xml"]  # optional; default: robots.txt + usual paths
    article_patterns = ["/\\\\d{4}/\\\\d{2}/"]      # optional regexes (search) over the URL
    interval = "30m"                           # optional, for `scrapy schedule`
    cron = "*/15 * * * *"                      # optional, for `scrapy schedule`

YAML: the same keys under a top-level ``sites:`` (or ``site:``) list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomllib
import yaml

from crawler.discovery.urls import clean_url, registered_host

__all__ = ["SiteConfig", "SitesFileError", "load_sites", "site_from_url"]


class SitesFileError(ValueError):
    """The sites file is missing, unparsable or has an invalid entry (message says which)."""


@dataclass(frozen=True)
class SiteConfig:
    name: str
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    article_patterns: tuple[str, ...] = ()
    interval: str | None = None
    cron: str | None = None
    #: any further keys, carried unchanged (for the scheduler and other tools)
    extra: dict[str, Any] = field(default_factory=dict)

    def compiled_patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in self.article_patterns)


def _name_for(url: str) -> str:
    return registered_host(url) or "site"


def site_from_url(url: str, name: str | None = None) -> SiteConfig:
    """A site with one start URL, everything else discovered."""
    clean = clean_url(url)
    if clean is None:
        raise SitesFileError(f"not an http(s) URL: {url!r}")
    return SiteConfig(name=name or _name_for(clean), start_urls=(clean,),
                      allowed_domains=(registered_host(clean),))


def _str_list(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SitesFileError(f"{where}: '{key}' must be a string or a list of strings")
    return tuple(value)


_KNOWN = {"name", "start_urls", "url", "allowed_domains", "feeds", "sitemaps",
          "article_patterns", "interval", "cron"}


def _site_from_entry(entry: object, where: str) -> SiteConfig:
    if not isinstance(entry, dict):
        raise SitesFileError(f"{where}: each site must be a table / mapping")
    starts = _str_list(entry, "start_urls", where) + _str_list(entry, "url", where)
    urls = tuple(u for u in (clean_url(s) for s in starts) if u)
    if not urls or len(urls) != len(starts):
        raise SitesFileError(f"{where}: needs 'start_urls' with absolute http(s) URLs")
    for key in ("feeds", "sitemaps"):
        for url in _str_list(entry, key, where):
            if clean_url(url) is None:
                raise SitesFileError(f"{where}: '{key}' entry {url!r} is not an http(s) URL")
    patterns = _str_list(entry, "article_patterns", where)
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise SitesFileError(f"{where}: bad article pattern {pattern!r}: {exc}") from exc
    domains = _str_list(entry, "allowed_domains", where) or tuple(
        dict.fromkeys(registered_host(u) for u in urls))
    name = entry.get("name") or _name_for(urls[0])
    for key in ("interval", "cron"):
        if entry.get(key) is not None and not isinstance(entry[key], str | int):
            raise SitesFileError(f"{where}: '{key}' must be a string")
    return SiteConfig(
        name=str(name), start_urls=urls,
        allowed_domains=tuple(d.lower().removeprefix("www.") for d in domains),
        feeds=_str_list(entry, "feeds", where), sitemaps=_str_list(entry, "sitemaps", where),
        article_patterns=patterns,
        interval=None if entry.get("interval") is None else str(entry["interval"]),
        cron=entry.get("cron"),
        extra={k: v for k, v in entry.items() if k not in _KNOWN},
    )


def load_sites(path: str | Path) -> list[SiteConfig]:
    """Read a TOML (``[[site]]`` tables) or YAML (``sites:`` list) sites file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SitesFileError(f"{path}: cannot read: {exc}") from exc
    try:
        if path.suffix.lower() == ".toml":
            doc: Any = tomllib.loads(text)
        else:
            doc = yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise SitesFileError(f"{path}: cannot parse: {exc}") from exc
    entries = None
    if isinstance(doc, dict):
        entries = doc.get("site", doc.get("sites"))
    elif isinstance(doc, list):
        entries = doc
    if not isinstance(entries, list) or not entries:
        raise SitesFileError(f"{path}: no sites (expected [[site]] tables or a 'sites:' list)")
    sites = [_site_from_entry(e, f"{path} site #{i + 1}") for i, e in enumerate(entries)]
    names = [s.name for s in sites]
    if len(set(names)) != len(names):
        raise SitesFileError(f"{path}: duplicate site names")
    return sites
