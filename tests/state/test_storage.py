"""JSONL writer: whole lines, rotation, torn-tail repair, reconciliation into the store."""

from __future__ import annotations

import json
from pathlib import Path

from crawler.pipelines.storage import JsonlWriter, encode_line, jsonl_files, repair_torn_tail
from crawler.state import SqliteStateStore, reconcile_files


def _item(i: int, rev: int = 1) -> dict:
    return {"url": f"http://x.test/{i}", "canonical_url": f"http://x.test/{i}",
            "content_hash": f"h{i}-{rev}", "revision": rev, "body": "é" * 10}


def test_writer_writes_whole_lines_and_rotates_by_size(tmp_path: Path) -> None:
    writer = JsonlWriter(tmp_path, "news", rotate_bytes=300, rotate_daily=True)
    for i in range(10):
        writer.write(encode_line(_item(i)))
    writer.close()
    files = jsonl_files(tmp_path, "news")
    assert len(files) > 1
    lines = [json.loads(line) for f in files for line in f.read_text("utf-8").splitlines()]
    assert [d["url"] for d in lines] == [f"http://x.test/{i}" for i in range(10)]
    assert all(f.stat().st_size <= 300 or len(f.read_text().splitlines()) == 1 for f in files)


def test_writer_never_reuses_a_file(tmp_path: Path) -> None:
    for _ in range(2):
        writer = JsonlWriter(tmp_path, "news", rotate_bytes=0, rotate_daily=False)
        writer.write(encode_line(_item(0)))
        writer.close()
    assert len(jsonl_files(tmp_path, "news")) == 2


def test_repair_truncates_torn_tail(tmp_path: Path) -> None:
    path = tmp_path / "news-1.jsonl"
    good = encode_line(_item(1)) + encode_line(_item(2))
    path.write_bytes(good + b'{"url": "http://x.test/3", "bo')
    assert repair_torn_tail(path) == len(b'{"url": "http://x.test/3", "bo')
    assert path.read_bytes() == good
    assert repair_torn_tail(path) == 0


def test_repair_of_a_file_with_no_newline_empties_it(tmp_path: Path) -> None:
    path = tmp_path / "news-1.jsonl"
    path.write_bytes(b'{"half')
    assert repair_torn_tail(path) == 6
    assert path.read_bytes() == b""


def test_reconcile_records_lines_the_store_missed(tmp_path: Path) -> None:
    store = SqliteStateStore(tmp_path / "state")
    path = tmp_path / "news-1.jsonl"
    first = encode_line(_item(1))
    path.write_bytes(first)
    assert reconcile_files(store, [path]) == 1
    # a line written after the last mark (killed before the store update)
    path.write_bytes(first + encode_line(_item(2, rev=3)))
    assert reconcile_files(store, [path]) == 1
    state = store.get_article("http://x.test/2")
    assert state is not None and state.revision == 3 and state.content_hash == "h2-3"
    assert reconcile_files(store, [path]) == 0
    store.close()


def test_reconcile_never_moves_a_revision_back(tmp_path: Path) -> None:
    store = SqliteStateStore(tmp_path / "state")
    a = tmp_path / "news-a.jsonl"
    b = tmp_path / "news-b.jsonl"
    b.write_bytes(encode_line(_item(1, rev=2)))
    a.write_bytes(encode_line(_item(1, rev=1)))
    reconcile_files(store, [b, a])
    state = store.get_article("http://x.test/1")
    assert state is not None and state.revision == 2
    store.close()


def test_encode_line_survives_odd_values() -> None:
    from datetime import datetime, timezone

    line = encode_line({"body": "bad \udc80 surrogate", "when": datetime(2026, 1, 1, tzinfo=timezone.utc),
                        "tags": {"a"}, "raw": b"\xff"})
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    data = json.loads(line)
    assert data["when"] == "2026-01-01T00:00:00+00:00" and data["tags"] == ["a"]


def test_reconcile_skips_garbage_lines(tmp_path: Path) -> None:
    store = SqliteStateStore(tmp_path / "state")
    path = tmp_path / "news-1.jsonl"
    path.write_bytes(b"\xff\xfe not json\n" + encode_line(_item(4)) + b"[1, 2]\n")
    assert reconcile_files(store, [path]) == 1
    assert store.file_offset(path.name) == path.stat().st_size
    store.close()
