"""Real SIGKILLs in the middle of a crawl: the re-run loses nothing and writes nothing twice."""

from __future__ import annotations

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
