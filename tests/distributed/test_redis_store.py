"""The Redis state store behaves like the SQLite one."""

from __future__ import annotations

import pytest
import redis

from crawler.state.base import CachedPage, FetchInfo, Validators, WrittenArticle
from crawler.state.redis_store import RedisStateStore
from tests.distributed.conftest import REDIS_URL

pytestmark = pytest.mark.redis


def test_round_trip_claims_and_revisions(redis_prefix: str) -> None:
    store = RedisStateStore(redis.Redis.from_url(REDIS_URL, decode_responses=True),
                            redis_prefix)
    assert store.get_article("u") is None
    assert store.claim("u", 1)
    assert not store.claim("u", 1)  # another worker holds it
    fetch = FetchInfo("u0", lastmod="2026-01-01", etag='"e"')
    store.mark_written([WrittenArticle("u", "h2", 2, "t2", fetch)], "w1.jsonl", 50)
    store.mark_written([WrittenArticle("u", "h1", 1, "t1")], "w1.jsonl", 20)  # a replay
    state = store.get_article("u")
    assert state is not None and (state.content_hash, state.revision) == ("h2", 2)
    assert store.file_offset("w1.jsonl") == 50
    assert store.get_lastmod("u0") == "2026-01-01"
    assert store.get_validators("u0") == Validators('"e"', None)
    page = CachedPage('"p"', None, "application/xml", bytes(range(256)) * 10, "gzip")
    store.put_page("s", page)
    assert store.get_page("s") == page
    assert store.claim("u", 3)
    store.close()
