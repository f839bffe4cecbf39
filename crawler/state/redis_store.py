"""Crawl state in Redis, shared by every worker of a distributed crawl.

Keys (``<prefix>`` from ``NEWSCRAWL_REDIS_PREFIX``): hashes ``<prefix>:state:articles``
(canonical URL -> JSON ``{h, r, f, l}``: hash, revision, first / last seen),
``<prefix>:state:fetches`` (article URL -> JSON lastmod / validators), ``<prefix>:state:pages``
(sitemap / feed / listing URL -> zlib'd JSON with validators and body),
``<prefix>:state:files`` (JSONL file -> bytes recorded) and short-lived claim keys
``<prefix>:claim:...``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from collections.abc import Iterable
from typing import Any

import redis

from crawler.constants import REDIS_CLAIM_TTL_S, REDIS_KEY_PREFIX
from crawler.state.base import (
    ArticleState,
    CachedPage,
    FetchInfo,
    StateStore,
    Validators,
    WrittenArticle,
)

__all__ = ["RedisStateStore"]

# Record an article unless the stored revision is newer (lines may be replayed).
_MARK = """
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local first = ARGV[4]
if cur then
  local d = cjson.decode(cur)
  if tonumber(d.r) > tonumber(ARGV[3]) then return 0 end
  first = d.f
end
redis.call('HSET', KEYS[1], ARGV[1],
  cjson.encode({h = ARGV[2], r = tonumber(ARGV[3]), f = first, l = ARGV[4]}))
return 1
"""
# Offsets only grow.
_OFFSET = """
local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if tonumber(ARGV[2]) > cur then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 1
"""


def _fetch_json(fetch: FetchInfo) -> str:
    return json.dumps({"lastmod": fetch.lastmod, "etag": fetch.etag,
                       "last_modified": fetch.last_modified})


class RedisStateStore(StateStore):
    def __init__(self, client: redis.Redis, prefix: str = REDIS_KEY_PREFIX, *,
                 claim_ttl_s: int = REDIS_CLAIM_TTL_S) -> None:
        self.client = client
        # page bodies are bytes: a second connection that does not decode replies
        self.bytes_client = redis.Redis(connection_pool=redis.ConnectionPool(
            **{**client.connection_pool.connection_kwargs, "decode_responses": False}))
        self.prefix = prefix
        self.claim_ttl_s = claim_ttl_s
        self.k_articles = f"{prefix}:state:articles"
        self.k_fetches = f"{prefix}:state:fetches"
        self.k_pages = f"{prefix}:state:pages"
        self.k_files = f"{prefix}:state:files"
        self._mark = client.register_script(_MARK)
        self._offset = client.register_script(_OFFSET)

    @classmethod
    def from_settings(cls, settings: Any) -> RedisStateStore:
        client = redis.Redis.from_url(settings.get("NEWSCRAWL_REDIS_URL"),
                                      decode_responses=True)
        client.ping()  # fail at start, with the URL in the message, not mid-crawl
        return cls(client, settings.get("NEWSCRAWL_REDIS_PREFIX") or REDIS_KEY_PREFIX)

    def get_article(self, key: str) -> ArticleState | None:
        raw = self.client.hget(self.k_articles, key)
        if not raw:
            return None
        data = json.loads(str(raw))
        return ArticleState(key, data["h"], int(data["r"]), data["f"], data["l"])

    def mark_written(self, articles: Iterable[WrittenArticle], file_name: str,
                     offset: int) -> None:
        pipe = self.client.pipeline(transaction=True)
        for art in articles:
            self._mark(keys=[self.k_articles],
                       args=[art.key, art.content_hash, art.revision, art.seen_at], client=pipe)
            if art.fetch is not None:
                pipe.hset(self.k_fetches, art.fetch.url, _fetch_json(art.fetch))
            pipe.delete(self._claim_key(art.key, art.revision))  # durable now: no claim needed
        self._offset(keys=[self.k_files], args=[file_name, offset], client=pipe)
        pipe.execute()

    def touch_article(self, key: str, seen_at: str) -> None:
        state = self.get_article(key)
        if state is not None:
            self._mark(keys=[self.k_articles],
                       args=[key, state.content_hash, state.revision, seen_at])

    def _claim_key(self, key: str, revision: int) -> str:
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()
        return f"{self.prefix}:claim:{digest}:{revision}"

    def claim(self, key: str, revision: int) -> bool:
        return bool(self.client.set(self._claim_key(key, revision), "1", nx=True,
                                    ex=self.claim_ttl_s))

    def file_offset(self, file_name: str) -> int:
        raw = self.client.hget(self.k_files, file_name)
        return int(str(raw)) if raw else 0

    def _fetch(self, url: str) -> dict[str, Any] | None:
        raw = self.client.hget(self.k_fetches, url)
        return json.loads(str(raw)) if raw else None

    def get_validators(self, url: str) -> Validators | None:
        data = self._fetch(url)
        if not data or not (data.get("etag") or data.get("last_modified")):
            return None
        return Validators(data.get("etag"), data.get("last_modified"))

    def get_lastmod(self, url: str) -> str | None:
        data = self._fetch(url)
        return data.get("lastmod") if data else None

    def record_fetches(self, fetches: Iterable[FetchInfo]) -> None:
        mapping: dict[Any, Any] = {f.url: _fetch_json(f) for f in fetches}
        if mapping:
            self.client.hset(self.k_fetches, mapping=mapping)

    def get_page(self, url: str) -> CachedPage | None:
        raw = self.bytes_client.hget(self.k_pages, url)
        if not raw:
            return None
        try:
            data = json.loads(zlib.decompress(bytes(raw)))  # type: ignore[arg-type]
            return CachedPage(data["etag"], data["last_modified"], data["content_type"],
                              base64.b64decode(data["body"]), data.get("content_encoding"))
        except (zlib.error, ValueError, KeyError):
            return None

    def put_page(self, url: str, page: CachedPage) -> None:
        data = json.dumps({"etag": page.etag, "last_modified": page.last_modified,
                           "content_type": page.content_type,
                           "content_encoding": page.content_encoding,
                           "body": base64.b64encode(page.body).decode("ascii")})
        self.bytes_client.hset(self.k_pages, url, zlib.compress(data.encode("utf-8"), 6))

    def close(self) -> None:
        self.client.close()
        self.bytes_client.close()

    def counts(self) -> dict[str, int]:
        return {name: int(self.client.hlen(key)) for name, key in (
            ("articles", self.k_articles), ("fetches", self.k_fetches),
            ("pages", self.k_pages), ("files", self.k_files))}
