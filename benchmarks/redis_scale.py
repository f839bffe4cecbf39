"""Redis scale-out: N workers share one crawl of a big local site; count duplicates and losses.

    python benchmarks/redis_scale.py [--workers 2] [--articles 5000] [--target demo|links]

``--target demo`` (default) serves the bundled demo site with ``--articles`` articles in this
process and starts N ``scrapy crawl news`` workers (``NEWSCRAWL_REDIS_URL`` set, a fresh key
prefix, each worker its own JSONL files); ``--target links`` uses the link-only test site and
spider of tests/distributed (no classifier needed). When every worker has exited (idle
timeout), it prints: lines per worker, duplicates of (canonical_url, revision) across all
workers' files, articles fetched (200) more than once according to the server's log, losses
against the ground truth (demo: the site's manifest; links: every generated article), and
wall time. The keys of the run are deleted from Redis at the end. Exit status 1 on any
duplicate or loss.

A full crawl of the demo site must reach the held-out ``quill`` publisher, which has no
sitemap and a 20-entry feed: its articles are reachable only through section pages paged
by "next" links, one listing hop per page. The project default
(``NEWSCRAWL_MAX_LISTING_DEPTH=2``) bounds a routine news crawl to the newest pages, so
the demo crawls set it to what a user sets for a full-archive crawl: the deepest archive
page's hop count (``--max-listing-depth``; default: computed from the site, see
``full_crawl_depth``). ``--reference`` also runs one plain worker first and prints how
many articles it writes (informative; losses are always counted against the manifest).
"""

from __future__ import annotations

import argparse
import json
import os
import socketserver
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


def _lines(out: Path) -> Counter[tuple[str, int]]:
    """(canonical_url, revision) of every line written under ``out``."""
    lines: Counter[tuple[str, int]] = Counter()
    for path in sorted((out / "articles").glob("*.jsonl")):
        for raw in path.read_text("utf-8").splitlines():
            if raw:
                item = json.loads(raw)
                key = item.get("canonical_url") or item["url"]
                lines[(key, int(item.get("revision", 1)))] += 1
    return lines


def full_crawl_depth(manifest: list[dict[str, object]]) -> int:
    """Listing hops that reach every section page of the demo site from its portal page.

    portal ``/`` (0) -> publisher home (1) -> section page 1 (2) -> ... page N (N + 1);
    one hop more as margin.
    """
    from crawler.demo.constants import LISTING_PAGE_SIZE

    sizes = Counter((m["publisher"], m["section"]) for m in manifest)
    pages = max(-(-n // LISTING_PAGE_SIZE) for n in sizes.values())
    return pages + 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--target", choices=("demo", "links"), default="demo")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL",
                                                          "redis://127.0.0.1:6379/0"))
    parser.add_argument("--idle-timeout", type=float, default=10.0)
    parser.add_argument("--out", type=Path, help="work directory (default: a temp dir)")
    parser.add_argument("-s", "--set", dest="settings", action="append", default=[],
                        metavar="NAME=VALUE", help="extra Scrapy setting for the demo crawls")
    parser.add_argument("--max-listing-depth", type=int,
                        help="demo: NEWSCRAWL_MAX_LISTING_DEPTH of the crawls (default: "
                        "deep enough for every archive page, see full_crawl_depth)")
    parser.add_argument("--reference", action="store_true",
                        help="demo: first run one plain worker and print what it writes")
    args = parser.parse_args(argv)

    import redis

    # workers killed at the end reset connections: keep the server's tracebacks quiet
    socketserver.BaseServer.handle_error = lambda self, request, client_address: None  # type: ignore[method-assign]

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
            manifest = list(site.manifest())
            expected = {str(m["url_path"]) for m in manifest}
            depth = args.max_listing_depth or full_crawl_depth(manifest)
            # user -s settings come last: they win
            demo_settings = [f"NEWSCRAWL_MAX_LISTING_DEPTH={depth}", *args.settings]
            print(f"manifest: {len(expected)} articles; NEWSCRAWL_MAX_LISTING_DEPTH={depth}",
                  flush=True)
            if args.reference:
                ref = work / "reference"
                ref.mkdir(parents=True, exist_ok=True)
                t0 = time.monotonic()
                subprocess.run(runner.scrapy_command(ref, site=server.url,
                                                     log_file=ref / "crawl.log",
                                                     settings=demo_settings),
                               cwd=REPO, env=_env(), check=True)
                ref_got = {urlsplit(url).path for url, _ in _lines(ref)}
                print(f"single-worker reference: {len(ref_got)} articles, "
                      f"{len(expected - ref_got)} of the manifest missing, in "
                      f"{time.monotonic() - t0:.1f} s", flush=True)
                server.clear_log()
            cmds = [(runner.scrapy_command(work / f"w{i}", site=server.url,
                                           redis_url=args.redis, log_file=work / f"w{i}.log",
                                           settings=settings[1:] + demo_settings), REPO)
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
            worker_lines = _lines(work / f"w{i}")
            lines.update(worker_lines)
            per_worker.append(sum(worker_lines.values()))
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
        for path in sorted(got - expected)[:5]:
            print(f"  unexpected (not in the manifest): {path}")
        for path in sorted(lost)[:5]:
            print(f"  lost: {path}")
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
