"""Helpers to run the item spider as a real process and kill it with SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SPIDER = Path(__file__).with_name("item_spider.py")


def spider_command(out: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "scrapy", "runspider", str(SPIDER), *args,
            "-s", f"NEWSCRAWL_OUTPUT_DIR={out / 'articles'}",
            "-s", f"NEWSCRAWL_STATE_DIR={out / 'state'}",
            "-s", f"JOBDIR={out / 'job'}", "-s", "LOG_LEVEL=WARNING"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


def run_to_end(out: Path, *args: str, timeout: float = 120) -> None:
    subprocess.run(spider_command(out, *args), cwd=out, env=_env(), check=True,
                   timeout=timeout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_and_kill(out: Path, after_s: float, *args: str) -> bool:
    """Start a crawl, SIGKILL it after ``after_s`` seconds; False if it ended first."""
    proc = subprocess.Popen(spider_command(out, *args), cwd=out, env=_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + after_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return True


def written_lines(articles: Path) -> Counter[tuple[str, int]]:
    """(canonical_url, revision) of every complete line; a torn tail is ignored here."""
    seen: Counter[tuple[str, int]] = Counter()
    for path in sorted(articles.glob("*.jsonl")):
        for raw in path.read_bytes().split(b"\n"):
            if raw.strip():
                try:
                    item = json.loads(raw)
                except ValueError:
                    continue
                seen[(item["canonical_url"], item.get("revision", 1))] += 1
    return seen
