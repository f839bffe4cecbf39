"""Real SIGKILLs in the middle of a crawl: the re-run loses nothing and writes nothing twice."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest

from tests.state.killing import run_and_kill, run_to_end, written_lines

COUNT = 40


@pytest.mark.parametrize("seed", [3])
def test_kill_nine_then_rerun_gives_exactly_the_article_set(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    killed = 0
    for _ in range(3):
        killed += run_and_kill(tmp_path, rng.uniform(0.8, 2.5), "-a", f"count={COUNT}",
                               "-a", "delay=0.03")
    run_to_end(tmp_path, "-a", f"count={COUNT}")
    assert killed >= 1
    lines = written_lines(tmp_path / "articles")
    assert set(lines) == {(f"http://example.test/a/{i}", 1) for i in range(COUNT)}
    assert max(lines.values()) == 1
    # an edit after the soak gives exactly one new revision line
    run_to_end(tmp_path, "-a", f"count={COUNT}", "-a", "edit=7")
    lines = written_lines(tmp_path / "articles")
    assert lines[("http://example.test/a/7", 2)] == 1
    assert sum(lines.values()) == COUNT + 1


def test_line_written_but_not_marked_and_torn_tail(tmp_path: Path) -> None:
    """The two crash windows, made by hand: a line fsynced but never recorded in the state
    store (killed between the two), then half a line (killed mid-write)."""
    run_to_end(tmp_path, "-a", "count=5")
    body = "Body of article 5."
    unmarked = {"url": "http://example.test/a/5", "canonical_url": "http://example.test/a/5",
                "body": body, "revision": 1,
                "content_hash": hashlib.sha1(body.encode()).hexdigest()}
    (path,) = (tmp_path / "articles").glob("*.jsonl")
    with path.open("ab") as fh:
        fh.write(json.dumps(unmarked).encode() + b"\n" + b'{"url": "http://example.test/a/6", "bo')
    run_to_end(tmp_path, "-a", "count=8")
    assert not path.read_bytes().endswith(b'"bo')
    lines = written_lines(tmp_path / "articles")
    assert set(lines) == {(f"http://example.test/a/{i}", 1) for i in range(8)}
    assert max(lines.values()) == 1
