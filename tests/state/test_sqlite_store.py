"""SQLite state store: articles, validators, lastmods, corruption recovery, JOBDIR guard."""

from __future__ import annotations

from pathlib import Path

from crawler.state import SqliteStateStore, Validators, WrittenArticle, guard_jobdir
from crawler.state.base import CachedPage, FetchInfo
from crawler.state.jobdir import mark_run_closed, mark_run_started


def test_articles_fetches_pages_round_trip(tmp_path: Path) -> None:
    store = SqliteStateStore(tmp_path)
    assert store.get_article("u") is None
    fetch = FetchInfo("u0", lastmod="2026-01-01", etag='"e1"')
    store.mark_written([WrittenArticle("u", "h1", 1, "2026-01-01T00:00:00+00:00", fetch)],
                       "f", 10)
    store.mark_written([WrittenArticle("u", "h2", 2, "2026-01-02T00:00:00+00:00")], "f", 20)
    state = store.get_article("u")
    assert state is not None
    assert (state.content_hash, state.revision) == ("h2", 2)
    assert state.first_seen.startswith("2026-01-01") and state.last_seen.startswith("2026-01-02")
    assert store.get_lastmod("u0") == "2026-01-01"
    assert store.get_validators("u0") == Validators('"e1"', None)
    assert store.get_validators("u") is None
    assert store.file_offset("f") == 20
    page = CachedPage('"abc"', None, "text/xml", b"<urlset/>" * 1000)
    store.put_page("s", page)
    assert store.get_page("s") == page
    store.close()
    reopened = SqliteStateStore(tmp_path)
    assert reopened.counts()["articles"] == 1
    reopened.close()


def test_claim_is_once_per_revision(tmp_path: Path) -> None:
    store = SqliteStateStore(tmp_path)
    assert store.claim("u", 1)
    assert not store.claim("u", 1)
    assert store.claim("u", 2)
    store.close()


def test_corrupt_database_is_moved_aside(tmp_path: Path) -> None:
    (tmp_path / "state.sqlite3").write_bytes(b"this is not a database" * 100)
    store = SqliteStateStore(tmp_path)
    assert store.recovered_from_corruption
    assert store.get_article("u") is None
    assert any(p.name.startswith("state.sqlite3.corrupt-") for p in tmp_path.iterdir())
    store.close()


def test_jobdir_kept_only_after_a_graceful_pause(tmp_path: Path) -> None:
    job = tmp_path / "job"
    assert guard_jobdir(job) == "empty"
    job.mkdir()
    (job / "requests.seen").write_text("abc\n")
    mark_run_started(job)  # then killed: no close marker
    assert guard_jobdir(job) == "cleared"
    assert not (job / "requests.seen").exists()
    (job / "requests.seen").write_text("abc\n")
    mark_run_closed(job, "shutdown")
    assert guard_jobdir(job) == "resume"
    mark_run_closed(job, "finished")
    assert guard_jobdir(job) == "cleared"
