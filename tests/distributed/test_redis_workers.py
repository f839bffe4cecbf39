"""Two Redis workers share one crawl: every article fetched and written exactly once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.distributed.conftest import REDIS_URL
from tests.distributed.crawling import fetched_ok, run_workers, written
from tests.distributed.site import Site, serve

ARTICLES = 200

pytestmark = pytest.mark.redis


def test_two_workers_write_each_article_once(tmp_path: Path, redis_prefix: str) -> None:
    site = Site(ARTICLES)
    settings = (f"NEWSCRAWL_REDIS_URL={REDIS_URL}", f"NEWSCRAWL_REDIS_PREFIX={redis_prefix}",
                "NEWSCRAWL_IDLE_TIMEOUT=2")
    with serve(site) as url:
        assert run_workers(url, tmp_path, 2, *settings) == [0, 0]
        lines = written(tmp_path)
        per_url = Counter(d["url"] for d in lines)
        assert set(per_url) == {f"{url}a/{i}" for i in range(ARTICLES)}
        assert max(per_url.values()) == 1
        fetched = fetched_ok(site.requests)
        assert all(fetched[f"/a/{i}"] == 1 for i in range(ARTICLES))

        # the shared seen-store makes the next crawl write nothing
        site.requests.clear()
        assert run_workers(url, tmp_path, 2, *settings) == [0, 0]
        assert len(written(tmp_path)) == ARTICLES
