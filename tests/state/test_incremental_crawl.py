"""Incremental re-crawls of a local site (SQLite state): unchanged -> almost nothing fetched
and nothing written; one edited article -> exactly one new revision line."""

from __future__ import annotations

from pathlib import Path

from tests.distributed.crawling import fetched_ok, run_workers, written
from tests.distributed.site import Site, serve

ARTICLES = 120


def test_second_run_fetches_little_and_an_edit_gives_one_revision(tmp_path: Path) -> None:
    site = Site(ARTICLES)
    state = (f"NEWSCRAWL_STATE_DIR={tmp_path / 'state'}", f"JOBDIR={tmp_path / 'job'}")
    with serve(site) as url:
        assert run_workers(url, tmp_path, 1, *state) == [0]
        first = fetched_ok(site.requests)
        lines = written(tmp_path)
        assert sorted(d["url"] for d in lines) == sorted(f"{url}a/{i}" for i in range(ARTICLES))
        assert {d["revision"] for d in lines} == {1}

        site.requests.clear()
        assert run_workers(url, tmp_path, 1, *state) == [0]
        second = fetched_ok(site.requests)
        assert len(written(tmp_path)) == ARTICLES
        assert sum(second.values()) <= 0.05 * sum(first.values())

        old = next(d for d in lines if d["url"] == f"{url}a/7")
        site.editions[7] = 1
        assert run_workers(url, tmp_path, 1, *state) == [0]
        new_lines = written(tmp_path)[ARTICLES:]
        assert len(new_lines) == 1
        assert new_lines[0]["url"] == f"{url}a/7"
        assert new_lines[0]["revision"] == 2
        assert new_lines[0]["previous_hash"] == old["content_hash"]
