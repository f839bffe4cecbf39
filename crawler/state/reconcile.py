"""Bring the state store up to date with the JSONL files' tails.

A crawl killed between the fsync of an article line and the store update leaves lines the
store does not know; replaying them on start means the next run neither loses nor rewrites
them. The store remembers per file how many bytes it has recorded, so only tails are read.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path

from crawler.state.base import FetchInfo, StateStore, WrittenArticle, utc_now_iso

__all__ = ["article_key", "reconcile_files", "written_article"]

logger = logging.getLogger(__name__)

#: Articles recorded per store transaction while replaying a long file.
_BATCH = 500


def article_key(item: dict) -> str | None:
    """The key an article is tracked by: its canonical URL, else its URL."""
    key = item.get("canonical_url") or item.get("url")
    return str(key) if key else None


def written_article(item: dict, fetch: FetchInfo | None = None) -> WrittenArticle | None:
    key = article_key(item)
    content_hash = item.get("content_hash")
    if key is None or not content_hash:
        return None
    revision = item.get("revision") or 1
    seen_at = str(item.get("fetched_at") or utc_now_iso())
    return WrittenArticle(key=key, content_hash=str(content_hash), revision=int(revision),
                          seen_at=seen_at, fetch=fetch)


def reconcile_files(store: StateStore, paths: Iterable[Path]) -> int:
    """Record every complete line past the store's offset; returns the lines replayed."""
    replayed = 0
    for path in sorted(paths):
        try:
            size = path.stat().st_size
        except OSError:
            continue
        offset = store.file_offset(path.name)
        if offset >= size:
            continue
        batch: list[WrittenArticle] = []
        position = offset
        with path.open("rb") as fh:
            fh.seek(offset)
            for raw in fh:
                if not raw.endswith(b"\n"):
                    break  # a torn tail is the storage pipeline's to repair, not ours
                position += len(raw)
                try:
                    item = json.loads(raw)
                except ValueError:
                    logger.warning("Unreadable JSONL line at byte %d of %s; skipped",
                                   position - len(raw), path)
                    continue
                art = written_article(item) if isinstance(item, dict) else None
                if art is not None:
                    batch.append(art)
                    replayed += 1
                if len(batch) >= _BATCH:
                    store.mark_written(batch, path.name, position)
                    batch = []
        store.mark_written(batch, path.name, position)
    if replayed:
        logger.info("Reconciled %d article line(s) from JSONL tails into the state store",
                    replayed)
    return replayed
