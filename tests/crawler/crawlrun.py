"""Run ``scrapy crawl news`` in a subprocess and collect items and stats (test helper)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

REPO = Path(__file__).resolve().parents[2]
CRAWL_TIMEOUT_S = 240
# CrawlerProcess directly: `scrapy crawl` would also import every custom command
_RUNNER = """
import json, sys
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings
settings = get_project_settings()
settings.setdict(json.loads(sys.argv[1]), priority="cmdline")
process = CrawlerProcess(settings)
process.crawl("news", **dict(a.split("=", 1) for a in json.loads(sys.argv[2])))
process.start()
sys.exit(1 if process.bootstrap_failed else 0)
"""


class PageRecorderPipeline:
    """Stands in for extraction: keeps the page item's discovery facts, drops the body."""

    def process_item(self, item: Any) -> Any:
        if isinstance(item, dict) and isinstance(item.get("body"), bytes):
            meta = item.get("meta") or {}
            return {"url": item["url"], "discovered_via": item["discovered_via"],
                    "site": item["site"], "news": meta.get("newscrawl_news"),
                    "lastmod": meta.get("newscrawl_lastmod"), "kind": meta.get("newscrawl_kind")}
        return item


class StatsDumper:
    """Writes the crawl stats as JSON to ``TEST_STATS_FILE`` when the spider closes."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.path = crawler.settings.get("TEST_STATS_FILE")
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatsDumper:
        return cls(crawler)

    def closed(self) -> None:
        if self.path and self.crawler.stats is not None:
            stats = {k: v for k, v in self.crawler.stats.get_stats().items()
                     if isinstance(v, int | float | str)}
            Path(self.path).write_text(json.dumps(stats))


def run_crawl(tmp: Path, args: list[str], settings: dict[str, Any] | None = None,
              *, record_pages: bool = False) -> tuple[list[dict[str, Any]], dict[str, Any], str]:
    """Crawl; return (items, stats, log tail). Loopback is allowed, throttling off."""
    out = tmp / "items.jsonl"
    stats_file = tmp / "stats.json"
    opts: dict[str, Any] = {
        "NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES": True, "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0, "LOG_LEVEL": "INFO", "TEST_STATS_FILE": str(stats_file),
        "EXTENSIONS": json.dumps({"tests.crawler.crawlrun.StatsDumper": 900}),
        "NEWSCRAWL_EXTRACT_WORKERS": 2, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    }
    if record_pages:
        opts["ITEM_PIPELINES"] = json.dumps({"tests.crawler.crawlrun.PageRecorderPipeline": 100})
    opts.update(settings or {})
    opts["FEEDS"] = json.dumps({str(out): {"format": "jsonlines", "overwrite": True}})
    cmd = [sys.executable, "-c", _RUNNER, json.dumps(opts), json.dumps(args)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=CRAWL_TIMEOUT_S, check=False)
    log = proc.stderr[-6000:]
    assert proc.returncode == 0, log
    items = [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    return items, stats, log
