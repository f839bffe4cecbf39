"""SQLite crawl state (the default): one WAL-mode database file in ``NEWSCRAWL_STATE_DIR``."""

from __future__ import annotations

import logging
import sqlite3
import threading
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from crawler.constants import STATE_DB_NAME, STATE_DB_TIMEOUT_S
from crawler.state.base import (
    ArticleState,
    CachedPage,
    FetchInfo,
    StateStore,
    Validators,
    WrittenArticle,
    utc_now_iso,
)

__all__ = ["SqliteStateStore"]

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    key TEXT PRIMARY KEY, content_hash TEXT NOT NULL, revision INTEGER NOT NULL,
    first_seen TEXT NOT NULL, last_seen TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fetches (
    url TEXT PRIMARY KEY, lastmod TEXT, etag TEXT, last_modified TEXT, updated TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, content_type TEXT,
    content_encoding TEXT, body BLOB NOT NULL, updated TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, offset INTEGER NOT NULL);
"""


class SqliteStateStore(StateStore):
    """Crawl state in ``<directory>/state.sqlite3``.

    A corrupt database file is moved aside (logged) and a fresh one started: the JSONL
    reconciliation then rebuilds the article index from the files themselves.
    """

    def __init__(self, directory: str | Path, *, file_name: str = STATE_DB_NAME) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / file_name
        self._lock = threading.Lock()
        self._claims: set[tuple[str, int]] = set()
        self.recovered_from_corruption = False
        try:
            self._conn = self._open()
        except sqlite3.DatabaseError as exc:
            self._conn = self._recover(exc)

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=STATE_DB_TIMEOUT_S, check_same_thread=False,
                               isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            # NORMAL is durable across a process crash (SIGKILL) in WAL mode; the JSONL
            # reconciliation covers what a power loss could take.
            conn.execute("PRAGMA synchronous=NORMAL")
            row = conn.execute("PRAGMA quick_check").fetchone()
            if row is None or row[0] != "ok":
                raise sqlite3.DatabaseError(f"quick_check: {row[0] if row else 'no answer'}")
            conn.executescript(_SCHEMA)
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def _recover(self, exc: Exception) -> sqlite3.Connection:
        aside = self.path.with_name(f"{self.path.name}.corrupt-{utc_now_iso().replace(':', '')}")
        logger.error("State store %s is unreadable (%s); moved to %s and starting a fresh "
                     "one, rebuilt from the JSONL files", self.path, exc, aside)
        for suffix in ("", "-wal", "-shm"):
            part = Path(f"{self.path}{suffix}")
            if part.exists():
                part.rename(Path(f"{aside}{suffix}"))
        self.recovered_from_corruption = True
        return self._open()

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    # --- articles ------------------------------------------------------------------------
    def get_article(self, key: str) -> ArticleState | None:
        rows = self._query("SELECT key, content_hash, revision, first_seen, last_seen "
                           "FROM articles WHERE key = ?", (key,))
        return ArticleState(*rows[0]) if rows else None

    def mark_written(self, articles: Iterable[WrittenArticle], file_name: str,
                     offset: int) -> None:
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                for art in articles:
                    self._claims.discard((art.key, art.revision))  # durable: claim done
                    # Never move an article back to an older revision (reconciliation may
                    # replay lines the store already holds).
                    conn.execute(
                        "INSERT INTO articles (key, content_hash, revision, first_seen, last_seen)"
                        " VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET"
                        " content_hash = excluded.content_hash, revision = excluded.revision,"
                        " last_seen = excluded.last_seen"
                        " WHERE excluded.revision >= articles.revision",
                        (art.key, art.content_hash, art.revision, art.seen_at, art.seen_at))
                    if art.fetch is not None:
                        self._record_fetch(art.fetch, art.seen_at)
                conn.execute(
                    "INSERT INTO files (name, offset) VALUES (?, ?) ON CONFLICT(name) DO UPDATE"
                    " SET offset = max(offset, excluded.offset)", (file_name, offset))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def touch_article(self, key: str, seen_at: str) -> None:
        with self._lock:
            self._conn.execute("UPDATE articles SET last_seen = ? WHERE key = ?", (seen_at, key))

    def claim(self, key: str, revision: int) -> bool:
        with self._lock:
            if (key, revision) in self._claims:
                return False
            self._claims.add((key, revision))
            return True

    def file_offset(self, file_name: str) -> int:
        rows = self._query("SELECT offset FROM files WHERE name = ?", (file_name,))
        return int(rows[0][0]) if rows else 0

    # --- conditional requests -------------------------------------------------------------
    def _record_fetch(self, fetch: FetchInfo, now: str) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO fetches (url, lastmod, etag, last_modified, updated)"
            " VALUES (?, ?, ?, ?, ?)", (fetch.url, fetch.lastmod, fetch.etag,
                                        fetch.last_modified, now))

    def record_fetches(self, fetches: Iterable[FetchInfo]) -> None:
        now = utc_now_iso()
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            for fetch in fetches:
                self._record_fetch(fetch, now)
            self._conn.execute("COMMIT")

    def get_validators(self, url: str) -> Validators | None:
        rows = self._query("SELECT etag, last_modified FROM fetches WHERE url = ?", (url,))
        if not rows or not (rows[0][0] or rows[0][1]):
            return None
        return Validators(*rows[0])

    def get_lastmod(self, url: str) -> str | None:
        rows = self._query("SELECT lastmod FROM fetches WHERE url = ?", (url,))
        return str(rows[0][0]) if rows and rows[0][0] else None

    def get_page(self, url: str) -> CachedPage | None:
        rows = self._query("SELECT etag, last_modified, content_type, content_encoding, body"
                           " FROM pages WHERE url = ?", (url,))
        if not rows:
            return None
        etag, modified, ctype, encoding, body = rows[0]
        try:
            return CachedPage(etag, modified, ctype, zlib.decompress(body), encoding)
        except zlib.error:
            return None  # a damaged entry only costs a full refetch

    def put_page(self, url: str, page: CachedPage) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO pages (url, etag, last_modified, content_type,"
                " content_encoding, body, updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (url, page.etag, page.last_modified, page.content_type, page.content_encoding,
                 zlib.compress(page.body, 6), utc_now_iso()))

    # --- lifecycle ------------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def counts(self) -> dict[str, int]:
        return {table: int(self._query(f"SELECT count(*) FROM {table}")[0][0])
                for table in ("articles", "fetches", "pages", "files")}
