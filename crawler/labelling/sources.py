"""Read the page a tool works on: a local file (``.html`` or ``.html.gz``) or an http(s) URL.

A plain, bounded fetch is enough for labelling one page. It applies the crawler's address
policy (:mod:`crawler.middlewares.safety`: schemes, loopback / private / link-local / reserved
addresses refused unless ``NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES`` or ``NEWSCRAWL_ALLOWED_NETWORKS``
let them through) to the URL and to every redirect target.
"""

from __future__ import annotations

import gzip
import io
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit

from crawler.constants import TOOL_FETCH_TIMEOUT_S, TOOL_MAX_PAGE_BYTES, TOOL_USER_AGENT
from crawler.middlewares.safety import AddressPolicy, parse_ip_literal

__all__ = ["PageSource", "SourceError", "check_url", "is_url", "load_page"]


class SourceError(Exception):
    """The page could not be read; the message says which and why."""


@dataclass(frozen=True, slots=True)
class PageSource:
    """Raw bytes of a page, where they came from, and the HTTP charset if any."""

    body: bytes
    url: str | None
    http_charset: str | None = None


def is_url(target: str) -> bool:
    return urlsplit(target).scheme.lower() in ("http", "https")


def check_url(url: str, policy: AddressPolicy) -> None:
    """Raise :class:`SourceError` when ``policy`` forbids fetching ``url``."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or policy.scheme_problem(parts.scheme):
        raise SourceError(f"refusing {url!r}: scheme {parts.scheme!r} is not allowed")
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError as exc:
        raise SourceError(f"refusing {url!r}: {exc}") from exc
    literal = parse_ip_literal(host)
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise SourceError(f"cannot resolve host {host!r}: {exc}") from exc
        addresses = sorted({str(info[4][0]) for info in infos})
    for address in addresses:
        ip = parse_ip_literal(address)
        reason = policy.check_address(ip, port) if ip is not None else "unparsable"
        if reason:
            raise SourceError(
                f"refusing {url!r}: {host} is a {reason} address ({address}); set "
                "NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES or NEWSCRAWL_ALLOWED_NETWORKS to allow it")


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Apply the address and scheme rules to every redirect target too."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_url(newurl, self.policy)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _charset(headers: Message) -> str | None:
    return headers.get_content_charset()


def _fetch(url: str, *, policy: AddressPolicy, max_bytes: int, timeout: float) -> PageSource:
    check_url(url, policy)
    opener = urllib.request.build_opener(_CheckedRedirects(policy))
    request = urllib.request.Request(url, headers={"User-Agent": TOOL_USER_AGENT})
    try:
        with opener.open(request, timeout=timeout) as response:
            body = response.read(max_bytes + 1)
            final_url = response.geturl()
            charset = _charset(response.headers)
    except urllib.error.HTTPError as exc:
        raise SourceError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise SourceError(f"{url}: {exc}") from exc
    if len(body) > max_bytes:
        raise SourceError(f"{url}: the page is larger than {max_bytes} bytes")
    return PageSource(body=body, url=final_url, http_charset=charset)


def _read_file(path: Path, *, max_bytes: int) -> PageSource:
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise SourceError(f"{path}: {exc.strerror or exc}") from exc
    if len(raw) > max_bytes:
        raise SourceError(f"{path}: the page is larger than {max_bytes} bytes")
    if raw[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as unzipped:
                raw = unzipped.read(max_bytes + 1)
        except (OSError, EOFError) as exc:
            raise SourceError(f"{path}: broken gzip data: {exc}") from exc
    if len(raw) > max_bytes:
        raise SourceError(f"{path}: the page is larger than {max_bytes} bytes")
    return PageSource(body=raw, url=None)


def load_page(
    target: str,
    *,
    policy: AddressPolicy | None = None,
    max_bytes: int = TOOL_MAX_PAGE_BYTES,
    timeout: float = TOOL_FETCH_TIMEOUT_S,
) -> PageSource:
    """Read ``target`` (a URL or a file path); raise :class:`SourceError` with a clear reason.

    ``policy`` decides which addresses may be fetched (default: public addresses only).
    """
    if is_url(target):
        return _fetch(target, policy=policy or AddressPolicy(), max_bytes=max_bytes,
                      timeout=timeout)
    if "://" in target:
        raise SourceError(f"{target}: only http(s) URLs and local files are supported")
    return _read_file(Path(target), max_bytes=max_bytes)
