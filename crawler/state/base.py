"""The crawl-state interface shared by the SQLite and the Redis store.

The JSONL files are the source of truth for what was collected; the store is an index over
them (plus HTTP validators and sitemap lastmods) that a crawl can rebuild from their tails.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

__all__ = ["ArticleState", "CachedPage", "FetchInfo", "StateStore", "Validators", "WrittenArticle",
           "utc_now_iso"]


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class ArticleState:
    """What the store knows about one article (keyed by canonical URL)."""

    key: str
    content_hash: str
    revision: int
    first_seen: str
    last_seen: str


@dataclass(frozen=True, slots=True)
class Validators:
    """HTTP cache validators (``ETag`` / ``Last-Modified``) of a URL."""

    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class FetchInfo:
    """What fetching an article told us; recorded only once the article is durable (or
    dropped as unchanged / not an article), so that it can never hide an unwritten one."""

    #: The URL the article was requested at (before redirects): what later requests use.
    url: str
    #: Sitemap / feed lastmod (or news publication date) the request carried.
    lastmod: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class CachedPage:
    """A sitemap, feed or listing page kept with its validators: on a 304 the crawl
    re-reads this body, so discovery below an unchanged page still reaches changed ones."""

    etag: str | None
    last_modified: str | None
    content_type: str | None
    body: bytes
    #: Set when the body was stored still encoded (middleware above HttpCompression).
    content_encoding: str | None = None


@dataclass(frozen=True, slots=True)
class WrittenArticle:
    """One article line that is durably in a JSONL file."""

    key: str
    content_hash: str
    revision: int
    seen_at: str
    fetch: FetchInfo | None = None


class StateStore(abc.ABC):
    """Persistent crawl state. Implementations must be safe to call from two threads."""

    # --- articles ------------------------------------------------------------------------
    @abc.abstractmethod
    def get_article(self, key: str) -> ArticleState | None: ...

    @abc.abstractmethod
    def mark_written(self, articles: Iterable[WrittenArticle], file_name: str,
                     offset: int) -> None:
        """Record articles whose lines end at ``offset`` in ``file_name``, atomically."""

    @abc.abstractmethod
    def touch_article(self, key: str, seen_at: str) -> None:
        """An unchanged article was seen again: update its ``last_seen``."""

    @abc.abstractmethod
    def claim(self, key: str, revision: int) -> bool:
        """Reserve (key, revision) for this process; False when another holds it."""

    # --- JSONL reconciliation --------------------------------------------------------------
    @abc.abstractmethod
    def file_offset(self, file_name: str) -> int:
        """Bytes of ``file_name`` already recorded in the store (0 when unknown)."""

    # --- conditional requests -------------------------------------------------------------
    @abc.abstractmethod
    def get_validators(self, url: str) -> Validators | None:
        """Validators of an article URL (recorded with its fetch info)."""

    @abc.abstractmethod
    def get_lastmod(self, url: str) -> str | None: ...

    @abc.abstractmethod
    def record_fetches(self, fetches: Iterable[FetchInfo]) -> None:
        """Record lastmods / validators of articles that need no refetch while unchanged."""

    @abc.abstractmethod
    def get_page(self, url: str) -> CachedPage | None: ...

    @abc.abstractmethod
    def put_page(self, url: str, page: CachedPage) -> None: ...

    # --- lifecycle ------------------------------------------------------------------------
    @abc.abstractmethod
    def close(self) -> None: ...

    def counts(self) -> dict[str, int]:
        """Sizes of the store's tables, for logs and tests."""
        return {}
