"""IncrementalMiddleware and IncrementalPipeline against a real SQLite store (no network)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import DropItem, IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from crawler.middlewares.incremental import IncrementalMiddleware, is_newer
from crawler.pipelines.incremental import IncrementalPipeline
from crawler.state import WrittenArticle, crawl_state
from crawler.state.base import FetchInfo


def _crawler(tmp_path: Path, **settings: object):
    return get_crawler(settings_dict={"NEWSCRAWL_STATE_DIR": str(tmp_path / "state"),
                                      "NEWSCRAWL_OUTPUT_DIR": str(tmp_path / "out"), **settings})


def test_disabled_without_a_state_store() -> None:
    with pytest.raises(NotConfigured):
        IncrementalMiddleware.from_crawler(get_crawler())
    with pytest.raises(NotConfigured):
        IncrementalPipeline.from_crawler(get_crawler())


def test_is_newer_handles_dates_and_garbage() -> None:
    assert is_newer("2026-01-02", "2026-01-01T23:00:00+00:00")
    assert not is_newer("2026-01-01T10:00:00+02:00", "2026-01-01T08:00:00Z")
    assert is_newer("yesterday-ish", "2026-01-01")  # cannot compare: fetch


def test_listing_304_replays_the_stored_page(tmp_path: Path) -> None:
    crawler = _crawler(tmp_path)
    mw = IncrementalMiddleware.from_crawler(crawler)
    url = "http://x.test/section"
    first = Request(url, meta={"newscrawl_kind": "listing"})
    mw.process_request(first)
    assert b"If-None-Match" not in first.headers
    body = b"<html><body><a href='/a/1'>one</a></body></html>"
    mw.process_response(first, HtmlResponse(url, body=body, request=first, headers={
        "ETag": '"v1"', "Content-Type": "text/html; charset=utf-8"}))

    again = Request(url, meta={"newscrawl_kind": "listing"})
    mw.process_request(again)
    assert again.headers[b"If-None-Match"] == b'"v1"'
    replay = mw.process_response(again, Response(url, status=304, request=again))
    assert replay.status == 200 and replay.body == body and "cached" in replay.flags
    assert isinstance(replay, HtmlResponse)
    assert again.meta["newscrawl_not_modified"] is True
    assert crawler.stats.get_value("newscrawl/incremental/not_modified") == 1


def test_article_fetch_info_is_recorded_only_when_written(tmp_path: Path) -> None:
    crawler = _crawler(tmp_path)
    mw = IncrementalMiddleware.from_crawler(crawler)
    state = crawl_state(crawler)
    assert state is not None
    url = "http://x.test/a/1"
    meta = {"newscrawl_kind": "article", "newscrawl_lastmod": "2026-01-01T00:00:00Z"}
    req = Request(url, meta=dict(meta))
    mw.process_request(req)
    mw.process_response(req, HtmlResponse(url, body=b"<p>x</p>", request=req,
                                          headers={"ETag": '"a1"'}))
    # fetched but not written yet (e.g. killed now): the next request is not skipped
    nxt = Request(url, meta=dict(meta))
    mw.process_request(nxt)
    assert b"If-None-Match" not in nxt.headers
    # the storage pipeline writes it and records the fetch info
    fetch = state.take_fetch(url)
    assert fetch == FetchInfo(url, "2026-01-01T00:00:00Z", '"a1"', None)
    state.store.mark_written([WrittenArticle(url, "h", 1, "2026-01-01T00:00:00Z", fetch)],
                             "f.jsonl", 10)
    with pytest.raises(IgnoreRequest):
        mw.process_request(Request(url, meta=dict(meta)))
    newer = Request(url, meta={**meta, "newscrawl_lastmod": "2026-01-02"})
    mw.process_request(newer)
    assert newer.headers[b"If-None-Match"] == b'"a1"'
    with pytest.raises(IgnoreRequest):
        mw.process_response(newer, Response(url, status=304, request=newer))
    assert crawler.stats.get_value("newscrawl/incremental/skipped_lastmod") == 1


def test_pipeline_new_changed_unchanged(tmp_path: Path) -> None:
    crawler = _crawler(tmp_path)
    pipe = IncrementalPipeline.from_crawler(crawler)
    store = pipe.state.store
    item = {"url": "http://x.test/a", "canonical_url": "http://x.test/a", "content_hash": "h1"}
    out = pipe.process_item(dict(item))
    assert out["revision"] == 1 and "previous_hash" not in out
    with pytest.raises(DropItem):  # same revision again in this run: claimed
        pipe.process_item(dict(item))
    store.mark_written([WrittenArticle("http://x.test/a", "h1", 1, "t")], "f", 1)
    with pytest.raises(DropItem):
        pipe.process_item(dict(item))
    changed = pipe.process_item({**item, "content_hash": "h2"})
    assert changed["revision"] == 2 and changed["previous_hash"] == "h1"
    assert crawler.stats.get_value("newscrawl/incremental/unchanged") == 1
    assert crawler.stats.get_value("newscrawl/incremental/new") == 1
    assert crawler.stats.get_value("newscrawl/incremental/changed") == 1


def test_pipeline_marks_itself_without_jsonl_storage(tmp_path: Path) -> None:
    crawler = get_crawler(settings_dict={"NEWSCRAWL_STATE_DIR": str(tmp_path)})
    pipe = IncrementalPipeline.from_crawler(crawler)
    pipe.process_item({"url": "u", "canonical_url": "u", "content_hash": "h"})
    state = pipe.state.store.get_article("u")
    assert state is not None and state.revision == 1
