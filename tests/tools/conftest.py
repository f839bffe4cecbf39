"""Fixtures for the retraining tools' tests: small self-written fixtures, a tiny model, and
a way to run ``scrapy <command>`` in-process."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from threadpoolctl import threadpool_limits

from tests.tools.pages import article_html, write_fixtures


@pytest.fixture(autouse=True)
def _one_thread() -> Iterator[None]:
    # The test machine is shared: OpenMP threads fighting over two cores make training crawl.
    with threadpool_limits(1):
        yield


@pytest.fixture()
def fixture_dir(tmp_path: Path) -> Path:
    """Two templates, three pages each, with all four labels."""
    root = tmp_path / "fixtures"
    write_fixtures(root, "gazette", 3)
    write_fixtures(root, "blogpress", 3)
    return root


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small model trained on both test templates (a few seconds)."""
    from classifier import train

    root = tmp_path_factory.mktemp("tiny-train")
    write_fixtures(root, "gazette", 3)
    write_fixtures(root, "blogpress", 3)
    out = root / "tiny.skops"
    with threadpool_limits(1):
        train(fixtures=[root], out=out, cv_folds=0, progress=False,
              params={"max_iter": 15, "min_samples_leaf": 2})
    return out


@pytest.fixture()
def tiny_corpus(tmp_path: Path) -> Path:
    """A gold corpus folder (gold.jsonl + pages/*.html.gz) made from the test pages."""
    from classifier import read_fixture

    root = tmp_path / "corpora" / "readability"  # a trainable corpus name
    (root / "pages").mkdir(parents=True)
    rows = []
    for number in range(3):
        html = article_html("gazette", 10 + number)
        scratch = tmp_path / f"scratch-{number}.html"
        scratch.write_text(html, encoding="utf-8")
        body = "\n\n".join(read_fixture(scratch).body.split("\n\n")[1:])  # no headline
        (root / "pages" / f"p{number}.html.gz").write_bytes(gzip.compress(html.encode()))
        rows.append({"id": f"p{number}", "url": f"http://gazette.test/{number}",
                     "title": None, "body": body})
    (root / "gold.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows),
                                     encoding="utf-8")
    return root


def run_scrapy(*argv: str) -> int:
    """Run ``scrapy ARGV...`` in this process; return its exit code."""
    from scrapy.cmdline import execute
    from scrapy.settings import Settings

    settings = Settings({"COMMANDS_MODULE": "crawler.commands"})
    with pytest.raises(SystemExit) as exit_info:
        execute(["scrapy", *argv], settings=settings)
    code = exit_info.value.code
    return code if isinstance(code, int) else (0 if code is None else 1)
