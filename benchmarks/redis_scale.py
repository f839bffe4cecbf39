"""Redis scale-out: N workers share one crawl of a big local site; count duplicates and losses.

    python benchmarks/redis_scale.py [--workers 2] [--articles 5000] [--target demo|links]

``--target demo`` (default) serves the bundled demo site with ``--articles`` articles in this
process and starts N ``scrapy crawl news`` workers (``NEWSCRAWL_REDIS_URL`` set, a fresh key
prefix, each worker its own JSONL files); ``--target links`` uses the link-only test site and
spider of tests/distributed (no classifier needed). When every worker has exited (idle
timeout), it prints: lines per worker, duplicates of (canonical_url, revision) across all
workers' files, articles fetched (200) more than once according to the server's log, losses
against the expected set (demo manifest / every generated article), and wall time. The keys
of the run are deleted from Redis at the end. Exit status 1 on any duplicate or loss.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--target", choices=("demo", "links"), default="demo")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL",
                                                          "redis://127.0.0.1:6379/0"))
    parser.add_argument("--idle-timeout", type=float, default=10.0)
    parser.add_argument("--out", type=Path, help="work directory (default: a temp dir)")
    args = parser.parse_args(argv)

    import redis

    client = redis.Redis.from_url(args.redis)
    client.ping()
    prefix = f"newscrawl-bench-{uuid.uuid4().hex[:8]}"
    work = args.out or Path(tempfile.mkdtemp(prefix="redis-scale-"))
    settings = [f"NEWSCRAWL_REDIS_URL={args.redis}", f"NEWSCRAWL_REDIS_PREFIX={prefix}",
                f"NEWSCRAWL_IDLE_TIMEOUT={args.idle_timeout}"]

    server = link_server = None
    try:
        if args.target == "demo":
            from crawler.demo import runner
            from crawler.demo.server import DemoServer
            from crawler.demo.site import DemoSite

            site = DemoSite(articles=args.articles)
            server = DemoServer(site).start()
            expected = {m["url_path"] for m in site.manifest()}
            cmds = [(runner.scrapy_command(work / f"w{i}", site=server.url,
                                           redis_url=args.redis, log_file=work / f"w{i}.log",
                                           settings=settings[1:]), REPO)
                    for i in range(args.workers)]
        else:
            from tests.distributed.crawling import worker_command
            from tests.distributed.site import Site, serve

            link_site = Site(args.articles)
            link_server = serve(link_site)
            url = link_server.__enter__()
            expected = {f"/a/{i}" for i in range(args.articles)}
            cmds = [(worker_command(url, work / f"w{i}", *settings), work)
                    for i in range(args.workers)]

        started = time.monotonic()
        procs = []
        for i, (cmd, cwd) in enumerate(cmds):
            (work / f"w{i}").mkdir(parents=True, exist_ok=True)
            log = (work / f"w{i}.out").open("ab")
            procs.append(subprocess.Popen(cmd, cwd=cwd, env=_env(), stdout=log,
                                          stderr=subprocess.STDOUT))
        codes = [p.wait() for p in procs]
        seconds = time.monotonic() - started

        per_worker = []
        lines: Counter[tuple[str, int]] = Counter()
        for i in range(args.workers):
            count = 0
            for path in sorted((work / f"w{i}" / "articles").glob("*.jsonl")):
                for raw in path.read_text("utf-8").splitlines():
                    if raw:
                        item = json.loads(raw)
                        key = item.get("canonical_url") or item["url"]
                        lines[(key, int(item.get("revision", 1)))] += 1
                        count += 1
            per_worker.append(count)
        dupes = sum(c - 1 for c in lines.values() if c > 1)
        got = {urlsplit(url).path for url, _ in lines}
        lost = expected - got
        if server is not None:
            fetched = Counter(server.fetched_paths(kind="article", status=200))
        else:
            fetched = Counter(p for p, s in link_site.requests if s == 200 and p.startswith("/a/"))
        fetched_twice = sum(1 for c in fetched.values() if c > 1)
        print(f"{args.workers} workers on a {args.articles}-article {args.target} site: "
              f"exit codes {codes}, {seconds:.1f} s wall (incl. {args.idle_timeout:.0f} s idle "
              f"timeout)")
        print(f"lines per worker {per_worker}; {len(lines)} distinct articles; {dupes} "
              f"duplicate lines; {fetched_twice} articles fetched twice; {len(lost)} of "
              f"{len(expected)} expected articles lost; {len(got - expected)} unexpected")
        print(f"work directory: {work}")
        return 1 if dupes or lost or fetched_twice else 0
    finally:
        if server is not None:
            server.stop()
        if link_server is not None:
            link_server.__exit__(None, None, None)
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()


if __name__ == "__main__":
    sys.exit(main())
