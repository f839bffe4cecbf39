"""Run the link spider as real processes (one per worker) against a local site."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SPIDER = Path(__file__).with_name("link_spider.py")


def worker_command(url: str, out: Path, *settings: str) -> list[str]:
    argv = [sys.executable, "-m", "scrapy", "runspider", str(SPIDER), "-a", f"site={url}",
            "-s", f"NEWSCRAWL_OUTPUT_DIR={out / 'articles'}", "-s", "LOG_LEVEL=INFO"]
    for pair in settings:
        argv += ["-s", pair]
    return argv


def start_worker(url: str, out: Path, *settings: str, log_name: str = "worker.log"
                 ) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    out.mkdir(parents=True, exist_ok=True)
    with (out / log_name).open("ab") as log:
        return subprocess.Popen(worker_command(url, out, *settings), cwd=out, env=env,
                                stdout=log, stderr=subprocess.STDOUT)


def run_workers(url: str, out: Path, workers: int, *settings: str,
                timeout: float = 300) -> list[int]:
    procs = [start_worker(url, out, *settings, log_name=f"worker{i}.log")
             for i in range(workers)]
    codes = []
    for proc in procs:
        try:
            codes.append(proc.wait(timeout=timeout))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            codes.append(-9)
    return codes


def written(out: Path) -> list[dict]:
    lines = []
    for path in sorted((out / "articles").glob("*.jsonl")):
        lines += [json.loads(raw) for raw in path.read_text("utf-8").splitlines() if raw]
    return lines


def fetched_ok(requests: list[tuple[str, int]]) -> Counter[str]:
    """Paths answered 200 with a body (304s and errors excluded)."""
    return Counter(path for path, status in requests if status == 200)
