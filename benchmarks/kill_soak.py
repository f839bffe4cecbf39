"""Kill soak: SIGKILL crawls at random moments, re-run, and check the JSONL set is exact.

    python benchmarks/kill_soak.py [--kills 24] [--seeds 1,2,3] [--target demo|items]

``--target demo`` (default) serves the bundled demo site in this process, first runs one
clean reference crawl (its article set and duration), then for each seed: ``kills/seeds``
crawls into one output directory (JSONL + SQLite state + JOBDIR), each SIGKILLed at a random
moment (while articles are missing, three in four within 0.08 x the reference duration
after the run's first new article line, else anywhere in the run), then one crawl to the end. It checks
that the union of every JSONL line equals the reference set exactly, with no
(canonical_url, revision) written twice, and compares it with the demo manifest.
``--target items`` runs the network-free item spider of tests/state instead (no classifier
needed). Prints the figures; exit status 1 when an article is lost or written twice.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socketserver
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

ITEM_SPIDER = REPO / "tests" / "state" / "item_spider.py"
ITEM_COUNT = 300


def lines_of(out: Path) -> Counter[tuple[str, int]]:
    seen: Counter[tuple[str, int]] = Counter()
    for path in sorted((out / "articles").glob("*.jsonl")):
        for raw in path.read_bytes().split(b"\n"):
            if not raw.strip():
                continue
            item = json.loads(raw)  # a torn line here would itself be a failure
            seen[(item.get("canonical_url") or item["url"], int(item.get("revision", 1)))] += 1
    return seen


def crawl_command(target: str, out: Path, site_url: str | None,
                  settings: list[str]) -> tuple[list[str], Path]:
    """(command, cwd) of one crawl writing under ``out``."""
    if target == "items":
        return ([sys.executable, "-m", "scrapy", "runspider", str(ITEM_SPIDER),
                 "-a", f"count={ITEM_COUNT}", "-a", "delay=0.02",
                 "-s", f"NEWSCRAWL_OUTPUT_DIR={out / 'articles'}",
                 "-s", f"NEWSCRAWL_STATE_DIR={out / 'state'}", "-s", f"JOBDIR={out / 'job'}",
                 "-s", "LOG_LEVEL=WARNING"], out)
    from crawler.demo import runner

    out.mkdir(parents=True, exist_ok=True)
    return runner.scrapy_command(out, site=site_url, log_file=out / "crawl.log",
                                 settings=settings), REPO


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def _jsonl_bytes(out: Path) -> int:
    return sum(p.stat().st_size for p in (out / "articles").glob("*.jsonl"))


def run(target: str, out: Path, site_url: str | None, kill_after: float | None,
        settings: list[str], *, after_first_write: bool = False) -> bool:
    """One crawl; SIGKILL after ``kill_after`` s (counted from its first new article line
    with ``after_first_write``). Returns True if it was killed."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "articles").mkdir(exist_ok=True)
    before = _jsonl_bytes(out)
    cmd, cwd = crawl_command(target, out, site_url, settings)
    with (out / "crawl.out").open("ab") as console:
        proc = subprocess.Popen(cmd, cwd=cwd, env=_env(), stdout=console,
                                stderr=subprocess.STDOUT)
    if kill_after is None:
        proc.wait()
        return False
    if after_first_write:  # most kills should land while lines are being written
        while proc.poll() is None and _jsonl_bytes(out) == before:
            time.sleep(0.01)
    deadline = time.monotonic() + kill_after
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    if proc.poll() is not None:
        return False
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=24, help="kill -9 moments in total")
    parser.add_argument("--seeds", default="1,2,3", help="random seeds (comma-separated)")
    parser.add_argument("--target", choices=("demo", "items"), default="demo")
    parser.add_argument("--articles", type=int, default=72, help="demo site size")
    parser.add_argument("--out", type=Path, help="work directory (default: a temp dir)")
    parser.add_argument("-s", "--set", dest="settings", action="append", default=[],
                        metavar="NAME=VALUE", help="extra Scrapy setting for the demo crawls "
                        "(e.g. NEWSCRAWL_EXTRACT_WORKERS=-1)")
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",") if s]
    work = args.out or Path(tempfile.mkdtemp(prefix="kill-soak-"))
    server = None
    site_url = None
    manifest_paths: set[str] = set()
    # killed crawls reset their connections: keep the server's tracebacks out of the report
    socketserver.BaseServer.handle_error = lambda self, request, client_address: None  # type: ignore[method-assign]
    if args.target == "demo":
        from crawler.demo.server import DemoServer
        from crawler.demo.site import DemoSite

        site = DemoSite(articles=args.articles)
        server = DemoServer(site).start()
        site_url = server.url
        manifest_paths = {m["url_path"] for m in site.manifest()}
    try:
        started = time.monotonic()
        run(args.target, work / "reference", site_url, None, args.settings)
        ref_seconds = time.monotonic() - started
        reference = lines_of(work / "reference")
        expected = set(reference)
        print(f"reference crawl: {len(expected)} article lines in {ref_seconds:.1f} s")
        if not expected:
            print("the reference crawl wrote no article: nothing to soak")
            return 1
        failures = 0
        kills_total = 0
        per_seed = max(1, args.kills // len(seeds))
        for seed in seeds:
            rng = random.Random(seed)
            out = work / f"seed-{seed}"
            killed = 0
            partial = []
            attempts = 0
            mid_write = 0  # kills after which articles were still missing
            while killed < per_seed and attempts < 3 * per_seed:
                attempts += 1
                writing_left = sum(lines_of(out).values()) < len(expected)
                if writing_left and rng.random() < 0.75:  # once this run starts writing
                    landed = run(args.target, out, site_url,
                                 rng.uniform(0.0, 0.08) * ref_seconds, args.settings,
                                 after_first_write=True)
                    killed += landed
                    mid_write += landed and sum(lines_of(out).values()) < len(expected)
                else:  # anywhere in the run
                    killed += run(args.target, out, site_url,
                                  rng.uniform(0.3, 0.9) * ref_seconds, args.settings)
                partial.append(sum(lines_of(out).values()))
            run(args.target, out, site_url, None, args.settings)
            kills_total += killed
            lines = lines_of(out)
            dupes = sum(c - 1 for c in lines.values() if c > 1)
            missing = expected - set(lines)
            extra = set(lines) - expected
            verdict = "OK" if not (dupes or missing or extra) else "FAIL"
            failures += verdict != "OK"
            print(f"seed {seed}: {killed} of {attempts} runs killed mid-crawl ({mid_write} while "
                  f"articles were still unwritten); lines after each "
                  f"kill {partial}; final {sum(lines.values())} lines, {dupes} duplicates, "
                  f"{len(missing)} missing, {len(extra)} extra -> {verdict}")
            if manifest_paths:
                got = {urlsplit(url).path for url, _ in lines}
                print(f"  vs demo manifest: {len(got & manifest_paths)}/{len(manifest_paths)} "
                      f"articles, {len(got - manifest_paths)} not in the manifest")
        print(f"total: {kills_total} SIGKILLs landed mid-crawl over {len(seeds)} seeds; "
              f"{'all exact' if not failures else f'{failures} seed(s) FAILED'}")
        print(f"work directory: {work}")
        return 1 if failures else 0
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
