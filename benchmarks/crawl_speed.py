"""Crawl speed and memory of the news crawler against the local demo site.

    python benchmarks/crawl_speed.py                      # both speed configurations + memory run
    python benchmarks/crawl_speed.py --skip-memory        # speed only
    python benchmarks/crawl_speed.py --skip-polite        # unthrottled speed only
    python benchmarks/crawl_speed.py --memory-pages 5000  # a smaller memory run

1. Speed, in two configurations, each against one demo server started for it:
   (a) ``polite``: the project's shipped politeness settings (AutoThrottle, per-domain
       concurrency, download delay: what ``scrapy crawl news`` runs with), on a small site;
   (b) ``unthrottled``: no delays, 32 requests at once (16 per domain): CPU bound.
   In each, the real crawl (``news`` spider, every pipeline, JSONL output and state store as
   in ``python -m crawler.demo``) runs first; then a bare Scrapy spider fetches exactly the
   URLs the real crawl fetched and does nothing, with the same settings. Printed per spider:
   pages/s (responses / spider open-to-close time), CPU seconds per page (crawl process plus
   its extraction workers, sampled from /proc) and the ratio of the two rates (target >= 0.8).
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

#: Both configurations: a local server, quiet logs.
BASE = {"NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES": True, "LOG_LEVEL": "WARNING",
        "HTTPCACHE_ENABLED": False}
#: (b) unthrottled, as ``python -m crawler.demo`` crawls the local demo site.
UNTHROTTLED = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS": 32,
               "CONCURRENT_REQUESTS_PER_DOMAIN": 16}
COMMON = {**BASE, **UNTHROTTLED}  # the memory run

# Runs one crawl in a fresh process and prints its stats as JSON on the last line; CPU time
# of the process and its descendants (extraction workers) is sampled from /proc, from spider
# open (the worker pool is warm by then) to the end.
RUNNER = r"""
import json, os, sys, threading, time
from scrapy import Spider, Request, signals
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

TICKS = os.sysconf("SC_CLK_TCK")

class TreeCpu(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.last = {}  # pid -> (cpu seconds, seen at spider open)
        self.at_open = None
        self.stop = threading.Event()
    def sample(self):
        todo, seen = [os.getpid()], {}
        while todo:
            pid = todo.pop()
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                seen[pid] = (int(fields[11]) + int(fields[12])) / TICKS
                for tid in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{tid}/children") as f:
                        todo += [int(c) for c in f.read().split()]
            except (OSError, ValueError, IndexError):
                continue
        for pid, cpu in seen.items():
            self.last[pid] = cpu
        return seen
    def run(self):
        while not self.stop.wait(0.05):
            self.sample()
    def opened(self, **kw):
        self.at_open = dict(self.sample())
    def used(self):
        self.sample()
        me = os.getpid()
        base = self.at_open or {}
        main = self.last.get(me, 0) - base.get(me, 0)
        others = sum(c - base.get(p, 0) for p, c in self.last.items() if p != me)
        return main, others

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

t_start = time.time()
settings = get_project_settings()
settings.setdict(json.loads(sys.argv[1]), priority="cmdline")
process = CrawlerProcess(settings)
spider, kwargs = sys.argv[2], json.loads(sys.argv[3])
crawler = process.create_crawler(BareSpider if spider == "bare" else spider)
cpu = TreeCpu()
opened_at = []
crawler.signals.connect(cpu.opened, signals.spider_opened)
crawler.signals.connect(lambda **kw: opened_at.append(time.time()), signals.spider_opened,
                        weak=False)
cpu.start()
process.crawl(crawler, **kwargs)
process.start()
cpu.stop.set()
main_cpu, worker_cpu = cpu.used()
stats = {k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, (int, float, str))}
stats["wall_s"] = stats["elapsed_time_seconds"]  # spider open -> close, pipelines included
stats["startup_s"] = (opened_at[0] if opened_at else time.time()) - t_start
stats["cpu_main_s"], stats["cpu_workers_s"] = main_cpu, worker_cpu
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
    cmd = [sys.executable, "-c", RUNNER, json.dumps(settings), spider, json.dumps(kwargs)]
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
    return stats.get("downloader/response_count", 0) / max(stats["wall_s"], 1e-9)


def cpu_per_page(stats: dict[str, Any]) -> float:
    return (stats["cpu_main_s"] + stats["cpu_workers_s"]) / max(
        stats.get("downloader/response_count", 0), 1)


def _line(name: str, stats: dict[str, Any]) -> str:
    pages = stats.get("downloader/response_count", 0)
    split = (f"; crawl process {1000 * stats['cpu_main_s'] / max(pages, 1):.1f} + workers "
             f"{1000 * stats['cpu_workers_s'] / max(pages, 1):.1f}" if stats["cpu_workers_s"] else "")
    return (f"  {name:11s}: {pages} pages in {stats['wall_s']:.2f} s = {pages_per_s(stats):6.1f}"
            f" pages/s; CPU {1000 * cpu_per_page(stats):.1f} ms/page{split}"
            f" (start-up before spider open {stats['startup_s']:.1f} s)")


def speed(label: str, settings: dict[str, Any], articles: int, workers: int, rounds: int,
          tmp: Path) -> None:
    """``rounds`` x (real crawl, then the bare spider on the URLs it fetched)."""
    site = DemoSite(articles=articles)
    print(f"speed ({label}): demo site, {articles} articles; settings over the project's: "
          f"{json.dumps({k: v for k, v in settings.items() if k not in BASE})}")
    ratios, reals, bares = [], [], []
    for round_no in range(rounds):
        out = tmp / f"{label}-{round_no}"
        with DemoServer(site) as server:
            real, _ = crawl("news", {"site": server.url},
                            {**settings, "NEWSCRAWL_EXTRACT_WORKERS": workers,
                             "NEWSCRAWL_OUTPUT_DIR": str(out / "articles"),
                             "NEWSCRAWL_STATE_DIR": str(out / "state")})
            fetched = [r.path for r in server.log if r.method == "GET"]
            urls_file = out / "urls.txt"
            urls_file.write_text("\n".join(server.url.rstrip("/") + p for p in fetched))
            server.clear_log()
            bare, _ = crawl("bare", {"urls_file": str(urls_file)}, settings)
        ratio = pages_per_s(real) / max(pages_per_s(bare), 1e-9)
        ratios.append(ratio)
        reals.append(real)
        bares.append(bare)
        print(f" round {round_no + 1}: {len(fetched)} URLs, "
              f"{real.get('newscrawl/articles/written', 0)} articles written")
        print(_line("news crawl", real))
        print(_line("bare spider", bare))
        print(f"  ratio      : {ratio:.2f} (target >= 0.8)")
    if rounds > 1:
        best_real = max(reals, key=pages_per_s)
        best_bare = max(bares, key=pages_per_s)
        print(f" best of {rounds}: news {pages_per_s(best_real):.1f} pages/s, "
              f"bare {pages_per_s(best_bare):.1f} pages/s, ratio of the bests "
              f"{pages_per_s(best_real) / pages_per_s(best_bare):.2f}; per-round ratios "
              f"{', '.join(f'{r:.2f}' for r in ratios)}; CPU ms/page news "
              f"{1000 * min(map(cpu_per_page, reals)):.1f}, bare {1000 * min(map(cpu_per_page, bares)):.1f}"
              " (lowest)")


def machine() -> str:
    cores = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"machine: {cores} CPU cores ({usable} usable by this process); load average {load}"


def memory(pages: int, workers: int, tmp: Path) -> None:
    site = DemoSite(articles=pages)
    with DemoServer(site) as server:
        stats, sampler = crawl("news", {"site": server.url},
                               {**COMMON, "NEWSCRAWL_EXTRACT_WORKERS": workers,
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
    parser.add_argument("--articles", type=int, default=300,
                        help="demo size for the unthrottled speed run")
    parser.add_argument("--polite-articles", type=int, default=40,
                        help="demo size for the run with the shipped politeness settings")
    parser.add_argument("--rounds", type=int, default=2,
                        help="unthrottled rounds (real + bare each); the polite run does one")
    parser.add_argument("--memory-pages", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=0, help="NEWSCRAWL_EXTRACT_WORKERS")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-polite", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_speed:
            if not args.skip_polite:
                speed("polite", dict(BASE), args.polite_articles, args.workers, 1, Path(tmp))
            speed("unthrottled", {**BASE, **UNTHROTTLED}, args.articles, args.workers,
                  args.rounds, Path(tmp))
        if not args.skip_memory:
            memory(args.memory_pages, args.workers, Path(tmp))
        print(machine().replace("machine:", "at the end:"))


if __name__ == "__main__":
    main()
