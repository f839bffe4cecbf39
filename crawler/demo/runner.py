"""Run ``scrapy crawl news`` against the demo site in a subprocess and report on the result."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from crawler.demo import constants as C

__all__ = [
    "Comparison", "CrawlResult", "compare", "parse_stats", "read_articles", "run_crawl",
    "scrapy_command", "site_name", "write_sites_file",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
#: Local demo server: no politeness delays (``--polite`` keeps the project's defaults).
FAST_SETTINGS = {"AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0",
                 "CONCURRENT_REQUESTS_PER_DOMAIN": "16"}


def site_name(url: str) -> str:
    """A site name from a demo URL: its first path segment, else host and port."""
    parts = urlsplit(url)
    segment = parts.path.strip("/").split("/")[0]
    return segment or f"{parts.hostname}-{parts.port or 80}".replace(".", "-")


def write_sites_file(path: Path, sites: dict[str, str]) -> Path:
    """A YAML sites file (``crawler/sites.py`` format): one entry per name -> start URL."""
    doc = {"sites": [{"name": name, "start_urls": [url]} for name, url in sites.items()]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def scrapy_command(out: Path, *, site: str | None = None, sites_file: Path | None = None,
                   redis_url: str | None = None, polite: bool = False,
                   log_file: Path | None = None, settings: Iterable[str] = ()) -> list[str]:
    """The ``scrapy crawl news`` command line with the output and state under ``out``."""
    if (site is None) == (sites_file is None):
        raise ValueError("give exactly one of site and sites_file")
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news"]
    cmd += ["-a", f"site={site}"] if site else ["-a", f"sites={sites_file}"]
    values = {
        "NEWSCRAWL_OUTPUT_DIR": str(out / "articles"),
        "NEWSCRAWL_STATE_DIR": str(out / "state"),
        "JOBDIR": str(out / "job"),
        "NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES": "True",  # the demo server is on loopback
    }
    if redis_url:
        values["NEWSCRAWL_REDIS_URL"] = redis_url
    if not polite:
        values.update(FAST_SETTINGS)
    if log_file is not None:
        values["LOG_FILE"] = str(log_file)
    for item in settings:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"setting must be KEY=VALUE, got {item!r}")
        values[key] = value
    for key, value in values.items():
        cmd += ["-s", f"{key}={value}"]
    return cmd


@dataclass
class CrawlResult:
    returncode: int
    seconds: float
    log_file: Path | None
    stats: dict[str, Any] = field(default_factory=dict)
    timed_out: bool = False

    @property
    def finish_reason(self) -> str | None:
        reason = self.stats.get("finish_reason")
        return str(reason) if reason is not None else None

    @property
    def ok(self) -> bool:
        return (self.returncode == 0 and not self.timed_out
                and self.finish_reason in (None, "finished"))


def run_crawl(cmd: list[str], *, log_file: Path | None, timeout: float = C.CRAWL_TIMEOUT_S,
              quiet: bool = True) -> CrawlResult:
    """Run the crawl from the repository's Scrapy project; stop it cleanly on timeout."""
    env = dict(os.environ, SCRAPY_SETTINGS_MODULE=os.environ.get(
        "SCRAPY_SETTINGS_MODULE", "crawler.settings"))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    started = time.monotonic()
    output = subprocess.DEVNULL if quiet and log_file is not None else None
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=output, stderr=output)
    timed_out = False
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        proc.terminate()  # Scrapy closes the spider and flushes on SIGTERM
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        proc.wait()
        raise
    stats = parse_stats(log_file.read_text("utf-8", "replace")) if log_file and log_file.exists() \
        else {}
    return CrawlResult(proc.returncode, time.monotonic() - started, log_file, stats, timed_out)


_STAT_LINE = re.compile(r"^[ {]'(?P<key>[^']+)':\s*(?P<value>.*?)[,}]*$")


def parse_stats(log_text: str) -> dict[str, Any]:
    """The last "Dumping Scrapy stats" block of a Scrapy log (numbers and strings only)."""
    start = log_text.rfind("Dumping Scrapy stats:")
    if start < 0:
        return {}
    stats: dict[str, Any] = {}
    for line in log_text[start:].splitlines()[1:]:
        match = _STAT_LINE.match(line)
        if not match:
            if line.startswith(("{", " ")):
                continue  # a wrapped value
            break
        key, raw = match.group("key"), match.group("value").strip()
        if re.fullmatch(r"-?\d+", raw):
            stats[key] = int(raw)
        elif re.fullmatch(r"-?\d+\.\d*(e-?\d+)?", raw):
            stats[key] = float(raw)
        elif len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
            stats[key] = raw[1:-1]
        else:
            stats[key] = raw
    return stats


def read_articles(directory: Path) -> Iterator[dict[str, Any]]:
    """Every article object in the JSONL files under ``directory`` (``.jsonl`` / ``.jsonl.gz``)."""
    files = sorted(p for p in directory.rglob("*") if p.is_file()
                   and (p.name.endswith(".jsonl") or p.name.endswith(".jsonl.gz")))
    for path in files:
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                line = line.strip()
                if not line:
                    continue
                try:
                    item = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a torn last line: the storage pipeline repairs it on start
                if isinstance(item, dict):
                    yield item


def paywall_status(item: dict[str, Any]) -> str | None:
    value = item.get("paywall")
    if isinstance(value, dict):
        value = value.get("status")
    return value if isinstance(value, str) else None


def _tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def body_similarity(found: str, expected: str) -> float:
    """Bag-of-words F1 between two bodies (1.0 = same words)."""
    a, b = _tokens(found), _tokens(expected)
    if not a or not b:
        return float(a == b)
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


@dataclass
class Comparison:
    found: list[str]
    missing: list[str]
    extra: list[str]
    duplicates: list[str]
    exact_bodies: int
    mean_similarity: float
    paywall_right: int
    by_publisher: dict[str, Counter[str]]


def _item_paths(item: dict[str, Any]) -> list[str]:
    paths = []
    for key in ("canonical_url", "url"):
        value = item.get(key)
        if isinstance(value, str) and value:
            parts = urlsplit(value)
            paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def compare(items: Iterable[dict[str, Any]], manifest: Iterable[dict[str, Any]]) -> Comparison:
    """Match written articles to the manifest by URL path; latest revision of each wins."""
    expected = {m["url_path"]: m for m in manifest}
    latest: dict[str, dict[str, Any]] = {}
    extra: list[str] = []
    seen: Counter[str] = Counter()
    for item in items:
        paths = _item_paths(item)
        path = next((p for p in paths if p in expected), None)
        if path is None:
            extra.append(paths[0] if paths else "(no url)")
            continue
        if not item.get("revision") or item.get("revision") == 1:
            seen[path] += 1
        latest[path] = item
    similarities = [body_similarity(str(latest[p].get("body") or ""), expected[p]["body"])
                    for p in latest]
    by_publisher: dict[str, Counter[str]] = {}
    for path, item in latest.items():
        counts = by_publisher.setdefault(expected[path]["publisher"], Counter())
        counts[paywall_status(item) or "unknown"] += 1
    return Comparison(
        found=sorted(latest),
        missing=sorted(set(expected) - set(latest)),
        extra=sorted(extra),
        duplicates=sorted(p for p, n in seen.items() if n > 1),
        exact_bodies=sum(1 for p in latest if (latest[p].get("body") or "").strip()
                         == expected[p]["body"]),
        mean_similarity=sum(similarities) / len(similarities) if similarities else 0.0,
        paywall_right=sum(1 for p in latest if paywall_status(latest[p]) == expected[p]["paywall"]),
        by_publisher=by_publisher,
    )


def summary_lines(result: CrawlResult, comparison: Comparison, articles_dir: Path,
                  expected_total: int) -> list[str]:
    lines = [f"Crawl {'finished' if result.ok else 'FAILED'} in {result.seconds:.1f} s "
             f"(exit code {result.returncode}, finish reason: {result.finish_reason or 'unknown'}"
             f"{', timed out' if result.timed_out else ''})"]
    written = len(comparison.found) + len(comparison.extra)
    this_run = result.stats.get("newscrawl/articles/written")
    lines.append(f"Articles in {articles_dir}/*.jsonl: {written} (all runs on this directory)"
                 + (f"; written by this run: {this_run}" if this_run is not None else ""))
    if comparison.by_publisher:
        lines.append(f"  {'publisher':<10} {'free':>5} {'metered':>8} {'hard':>5} {'unknown':>8}")
        for pub, counts in sorted(comparison.by_publisher.items()):
            lines.append(f"  {pub:<10} {counts['free']:>5} {counts['metered']:>8} "
                         f"{counts['hard']:>5} {counts['unknown']:>8}")
    stats = result.stats
    dropped = {k: v for k, v in stats.items() if k.startswith("newscrawl/dropped")}
    if dropped:
        lines.append("Dropped pages (crawl stats):")
        lines += [f"  {k:<48} {v}" for k, v in sorted(dropped.items())]
    requests = stats.get("downloader/request_count")
    if requests is not None:
        lines.append(f"Requests: {requests}; responses by status: " + ", ".join(
            f"{k.rsplit('/', 1)[-1]}={v}" for k, v in sorted(stats.items())
            if k.startswith("downloader/response_status_count/")))
    lines.append(
        f"Against the manifest: found {len(comparison.found)} of {expected_total}, missing "
        f"{len(comparison.missing)}, extra {len(comparison.extra)}, duplicates "
        f"{len(comparison.duplicates)}; bodies exact {comparison.exact_bodies}, mean word F1 "
        f"{comparison.mean_similarity:.3f}; paywall status right {comparison.paywall_right}/"
        f"{len(comparison.found)}")
    for label, paths in (("missing", comparison.missing), ("extra", comparison.extra)):
        for path in paths[:5]:
            lines.append(f"  {label}: {path}")
        if len(paths) > 5:
            lines.append(f"  ... and {len(paths) - 5} more {label}")
    if result.log_file:
        lines.append(f"Crawl log: {result.log_file}")
    return lines


def log_path(out: Path) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    path = out / "logs" / f"crawl-{stamp}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
