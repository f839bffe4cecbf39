"""Incremental re-crawls of the bundled demo site with the real ``news`` spider.

Second run over the unchanged site: <= 5% of the first run's 200 responses (304s carry no
body and are not counted) and no article line; one edited article: exactly one new line,
with ``revision`` 2 and ``previous_hash``.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from crawler.demo import runner
from crawler.demo.server import DemoServer
from crawler.demo.site import DemoSite

REPO_ROOT = Path(__file__).resolve().parents[2]
#: extraction in the crawl process: no worker pool to start three times
SETTINGS = ["NEWSCRAWL_EXTRACT_WORKERS=-1"]


def _crawl(server: DemoServer, out: Path) -> int:
    """One crawl; returns the 200 responses the server sent."""
    server.clear_log()
    subprocess.run(runner.scrapy_command(out, site=server.url, settings=SETTINGS,
                                         log_file=out / "crawl.log"),
                   cwd=REPO_ROOT, check=True, timeout=600,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return sum(1 for record in server.log if record.status == 200)


def _lines(out: Path) -> list[dict]:
    return [json.loads(raw) for path in sorted((out / "articles").glob("*.jsonl"))
            for raw in path.read_text("utf-8").splitlines() if raw]


@pytest.mark.slow
def test_demo_second_run_and_one_edit(tmp_path: Path) -> None:
    site = DemoSite()
    with DemoServer(site) as server:
        first = _crawl(server, tmp_path)
        written = _lines(tmp_path)
        assert written, "the first crawl wrote no article"
        assert {line["revision"] for line in written} == {1}

        second = _crawl(server, tmp_path)
        assert _lines(tmp_path) == written
        assert second <= 0.05 * first

        path = next(line["url"] for line in written if "/quill/" not in line["url"])
        url_path = "/" + path.split("/", 3)[3]
        old = next(line for line in written if line["url"] == path)
        site.edit_article(url_path, ["A paragraph written for this test replaces the story, "
                                     "long enough to be kept as the article body text.",
                                     "A second invented paragraph closes the edited story."])
        _crawl(server, tmp_path)
        new = _lines(tmp_path)[len(written):]
        assert len(new) == 1
        assert new[0]["canonical_url"] == old["canonical_url"]
        assert new[0]["revision"] == 2
        assert new[0]["previous_hash"] == old["content_hash"]
