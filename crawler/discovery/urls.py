"""URL hygiene shared by every discovery route."""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlsplit

from crawler.constants import MAX_URL_LENGTH

__all__ = ["clean_url", "registered_host", "same_site"]


def clean_url(raw: str, base_url: str | None = None) -> str | None:
    """An absolute http(s) URL without fragment, or None for anything else."""
    raw = (raw or "").strip()
    if not raw or len(raw) > MAX_URL_LENGTH:
        return None
    url = urljoin(base_url, raw) if base_url else raw
    url = urldefrag(url)[0]
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if any(c in url for c in " \t\r\n<>\"") or "&" in parts.netloc:
        return None
    return url


def registered_host(url: str) -> str:
    """Lower-case host name without a leading ``www.``."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def same_site(url: str, domains: frozenset[str] | set[str]) -> bool:
    """Whether ``url``'s host is one of ``domains`` or a subdomain of one."""
    host = registered_host(url)
    return any(host == d or host.endswith("." + d) for d in domains)
