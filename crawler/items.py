"""The two item shapes: the spider's page item and the pipelines' article item.

Both are plain dicts (so ``-O out.jsonl`` and every pipeline work on them unchanged).
The article schema is documented in docs/crawler.md.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "ARTICLE_FIELDS",
    "MODEL_ERROR_PREFIX",
    "PAGE_FIELDS",
    "PRIVATE_KEY",
    "content_hash",
    "is_page_item",
    "make_page_item",
    "utc_now_iso",
]

#: Keys of the page item the spider yields for every article candidate.
PAGE_FIELDS = ("url", "status", "headers", "body", "encoding", "site", "discovered_via", "meta")

#: Keys of the article item, in output order (``blocks`` only with NEWSCRAWL_ITEM_BLOCKS).
ARTICLE_FIELDS = (
    "url", "canonical_url", "site", "title", "authors", "published", "modified", "language",
    "description", "image", "section", "keywords", "body", "paywall", "blocks", "fetched_at",
    "content_hash", "model", "discovered_via",
)

#: Page facts the extraction pipeline passes to validation; validation removes the key.
PRIVATE_KEY = "_newscrawl_page"
#: How ``classifier.extract`` warnings start when the model could not be loaded.
MODEL_ERROR_PREFIX = "model-error"


def utc_now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def content_hash(body: str) -> str:
    """Fingerprint of an article body: SHA-256 of its NFC text with whitespace collapsed."""
    norm = " ".join(unicodedata.normalize("NFC", body).split())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def make_page_item(*, url: str, status: int, headers: dict[str, str], body: bytes,
                   encoding: str | None, site: str, discovered_via: str,
                   meta: dict[str, Any]) -> dict[str, Any]:
    return {"url": url, "status": status, "headers": headers, "body": body,
            "encoding": encoding, "site": site, "discovered_via": discovered_via,
            "meta": meta}


def is_page_item(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("body"), bytes) and "meta" in item
