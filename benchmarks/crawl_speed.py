"""Crawl speed and memory of the news crawler against the local demo site.

    python benchmarks/crawl_speed.py                      # speed ratio + 20k-page memory run
    python benchmarks/crawl_speed.py --skip-memory        # speed only
    python benchmarks/crawl_speed.py --memory-pages 5000  # a smaller memory run

1. Speed: the real crawl (`news` spider, all pipelines) of the demo site, then a bare Scrapy
   spider that fetches exactly the URLs the real crawl fetched and does nothing; both with
   the same concurrency against the same server. Prints pages/s of each and the ratio
   (target >= 0.8).
2. Memory: a crawl of a demo site of about ``--memory-pages`` pages; peak RSS of the crawl
   process and of the whole process tree (crawl + extraction workers), sampled from /proc
   (target <= 500 MB for the crawl).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from crawler.demo import DemoServer, DemoSite  # noqa: E402

COMMON = {
    "NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES": True, "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "LOG_LEVEL": "WARNING", "HTTPCACHE_ENABLED": False,
}

# Runs one crawl in a fresh process and prints its stats as JSON on the last line.
RUNNER = r"""
import json, sys
from scrapy import Spider, Request
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

class BareSpider(Spider):
    name = "bare"
    custom_settings = {"ITEM_PIPELINES": {}, "ROBOTSTXT_OBEY": False,
                       "DOWNLOADER_MIDDLEWARES": {}}
    def __init__(self, urls_file, **kw):
        super().__init__(**kw)
        self.urls = open(urls_file).read().split()
    async def start(self):
        for url in self.urls:
            yield Request(url, callback=self.parse, dont_filter=True,
                          meta={"handle_httpstatus_all": True, "dont_redirect": True})
    def parse(self, response):
        return None

settings = get_project_settings()
settings.setdict(json.loads(sys.argv[1]), priority="cmdline")
process = CrawlerProcess(settings)
spider, kwargs = sys.argv[2], json.loads(sys.argv[3])
crawler = process.create_crawler(BareSpider if spider == "bare" else spider)
process.crawl(crawler, **kwargs)
process.start()
stats = {k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, (int, float, str))}
stats["wall_s"] = stats["elapsed_time_seconds"]  # spider open -> close, pipelines included
print(json.dumps(stats))
"""


class TreeRss:
    """Samples the RSS of a process and all its descendants (Linux /proc) in a thread."""

    def __init__(self, pid: int, every_s: float = 0.25) -> None:
        self.pid = pid
        self.every_s = every_s
        self.peak_total = 0
        self.peak_main = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _rss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/statm") as f:
                return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return 0

    @staticmethod
    def _children(pid: int) -> list[int]:
        out = []
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    out += [int(c) for c in f.read().split()]
        except OSError:
            pass
        return out

    def _run(self) -> None:
        while not self._stop.is_set():
            tree, todo = [], [self.pid]
            while todo:
                pid = todo.pop()
                tree.append(pid)
                todo += self._children(pid)
            main = self._rss(self.pid)
            self.peak_main = max(self.peak_main, main)
            self.peak_total = max(self.peak_total, sum(self._rss(p) for p in tree))
            self._stop.wait(self.every_s)

    def __enter__(self) -> TreeRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def crawl(spider: str, kwargs: dict[str, str], settings: dict[str, Any],
          rss: bool = False) -> tuple[dict[str, Any], TreeRss | None]:
    cmd = [sys.executable, "-c", RUNNER, json.dumps({**COMMON, **settings}), spider,
           json.dumps(kwargs)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    sampler = TreeRss(proc.pid) if rss else None
    if sampler:
        sampler.__enter__()
    out, err = proc.communicate()
    if sampler:
        sampler.__exit__()
    if proc.returncode != 0:
        sys.exit(f"{spider} crawl failed:\n{err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1]), sampler


def pages_per_s(stats: dict[str, Any]) -> float:
    return stats.get("response_received_count", 0) / max(stats["wall_s"], 1e-9)


def speed(articles: int, workers: int, tmp: Path) -> None:
    site = DemoSite(articles=articles)
    with DemoServer(site) as server:
        real, _ = crawl("news", {"site": server.url},
                        {"NEWSCRAWL_EXTRACT_WORKERS": workers,
                         "FEEDS": {str(tmp / "real.jsonl"): {"format": "jsonlines"}}})
        fetched = [r.path for r in server.log if r.method == "GET"]
        urls_file = tmp / "urls.txt"
        urls_file.write_text("\n".join(server.url.rstrip("/") + p for p in fetched))
        server.clear_log()
        bare, _ = crawl("bare", {"urls_file": str(urls_file)}, {})
    real_rate, bare_rate = pages_per_s(real), pages_per_s(bare)
    written = len((tmp / "real.jsonl").read_text().splitlines())
    print(f"speed: demo site, {articles} articles, {len(fetched)} requests")
    print(f"  news crawl : {real['response_received_count']} pages in {real['wall_s']:.2f} s"
          f" = {real_rate:.1f} pages/s ({written} articles written)")
    print(f"  bare spider: {bare['response_received_count']} pages in {bare['wall_s']:.2f} s"
          f" = {bare_rate:.1f} pages/s")
    print(f"  ratio      : {real_rate / bare_rate:.2f} (target >= 0.8)")


def memory(pages: int, workers: int, tmp: Path) -> None:
    site = DemoSite(articles=pages)
    with DemoServer(site) as server:
        stats, sampler = crawl("news", {"site": server.url},
                               {"NEWSCRAWL_EXTRACT_WORKERS": workers,
                                "FEEDS": {str(tmp / "mem.jsonl"): {"format": "jsonlines"}}},
                               rss=True)
    assert sampler is not None
    mb = 1024 * 1024
    print(f"memory: demo site with {pages} articles: {stats['response_received_count']} pages"
          f" in {stats['wall_s']:.0f} s, {stats.get('item_scraped_count', 0)} articles")
    print(f"  peak RSS crawl process : {sampler.peak_main / mb:.0f} MB (target <= 500 MB);"
          f" Scrapy memusage/max {stats.get('memusage/max', 0) / mb:.0f} MB")
    print(f"  peak RSS with workers  : {sampler.peak_total / mb:.0f} MB ({workers or os.cpu_count()} workers)")
    drops = {k.rsplit("/", 1)[-1]: v for k, v in stats.items() if k.startswith("newscrawl/dropped/")}
    print(f"  dropped: {drops}; pool restarts: {stats.get('newscrawl/extract/pool_restarts', 0)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=300, help="demo size for the speed run")
    parser.add_argument("--memory-pages", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=0, help="NEWSCRAWL_EXTRACT_WORKERS")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_speed:
            speed(args.articles, args.workers, Path(tmp))
        if not args.skip_memory:
            memory(args.memory_pages, args.workers, Path(tmp))


if __name__ == "__main__":
    main()
