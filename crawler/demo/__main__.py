"""``python -m crawler.demo``: serve, crawl and check the bundled demo news site.

    python -m crawler.demo --out DIR                 serve, crawl, summarise, compare (exit 0 = ok)
    python -m crawler.demo serve --port 8000         serve until killed
    python -m crawler.demo manifest                  the ground truth, one JSON line per article
    python -m crawler.demo crawl --site URL --out DIR [--redis URL]
    python -m crawler.demo fixtures --out DIR [--publisher quill]   gold-labelled fixtures
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path
from types import FrameType

from crawler.demo import constants as C
from crawler.demo import runner
from crawler.demo.labels import write_fixtures
from crawler.demo.server import LAYOUTS, DemoServer
from crawler.demo.site import ALL_ROUTES, DemoSite

COMMANDS = ("serve", "crawl", "manifest", "fixtures")


def _site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--articles", type=int, default=C.DEFAULT_ARTICLES,
                        help=f"articles in the site, all publishers (default {C.DEFAULT_ARTICLES})")
    parser.add_argument("--seed", type=int, default=C.DEFAULT_SEED,
                        help=f"generator seed (default {C.DEFAULT_SEED})")
    parser.add_argument("--routes", default=",".join(sorted(ALL_ROUTES)),
                        help="discovery routes the site offers: sitemap,news,feed,links")


def _crawl_options(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    parser.add_argument("--out", type=Path, required=required,
                        help="directory for articles/ (JSONL), state/, job/ and logs/")
    parser.add_argument("--redis", metavar="URL", help="run as a distributed worker on this Redis")
    parser.add_argument("--polite", action="store_true",
                        help="keep the project's politeness delays (off for the local demo)")
    parser.add_argument("-s", "--set", dest="settings", action="append", default=[],
                        metavar="NAME=VALUE", help="extra Scrapy setting (repeatable)")
    parser.add_argument("--timeout", type=float, default=C.CRAWL_TIMEOUT_S,
                        help="seconds before the crawl is stopped")
    parser.add_argument("--verbose", action="store_true", help="show Scrapy's log on the console")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m crawler.demo",
        description="The bundled offline demo news site. Without a command: serve it, crawl it "
                    "with `scrapy crawl news`, print a summary and compare with the manifest.")
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="serve the demo site until killed")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000,
                       help="port (0: any free one); the 'ports' layout uses PORT..PORT+3")
    serve.add_argument("--layout", choices=LAYOUTS, default="shared",
                       help="shared: one host, publishers under path prefixes; ports: one host "
                            "(port) per publisher, each with its own robots.txt")
    serve.add_argument("--sites-file", type=Path,
                       help="also write a sites file (YAML) naming each publisher's start URL")
    _site_options(serve)
    manifest = sub.add_parser("manifest", help="print the ground truth as JSON lines")
    manifest.add_argument("--base", help="also give absolute URLs on this base, e.g. "
                                         "http://127.0.0.1:8000")
    manifest.add_argument("--publisher", help="only this publisher (daily, courier, magazine, quill)")
    _site_options(manifest)
    fixtures = sub.add_parser("fixtures", help="write gold-labelled fixtures of article pages")
    fixtures.add_argument("--out", type=Path, required=True,
                          help="writes DIR/demo-<publisher>/<publisher>-<id>.html")
    fixtures.add_argument("--publisher", help="only this publisher (e.g. quill, the held-out one)")
    fixtures.add_argument("--limit", type=int, help="at most this many pages")
    fixtures.add_argument("--base", default="http://127.0.0.1:8000",
                          help="URL base written into the pages (default http://127.0.0.1:8000)")
    _site_options(fixtures)
    crawl = sub.add_parser("crawl", help="run `scrapy crawl news` against a running demo site")
    crawl.add_argument("--site", action="append", default=[], metavar="URL",
                       help="start URL (repeatable: one sites-file entry each)")
    crawl.add_argument("--sites", type=Path, metavar="FILE", help="a sites file instead")
    _crawl_options(crawl)
    # the default command (no sub-command): serve + crawl + report
    _crawl_options(parser, required=False)
    parser.add_argument("--layout", choices=LAYOUTS, default="ports",
                        help="how the publishers are hosted for the crawl (default: ports)")
    parser.add_argument("--strict", action="store_true",
                        help="also fail when an article is missing, extra or duplicated")
    parser.add_argument("--port", type=int, default=0,
                        help="first port (default: the ports an earlier run on --out used, "
                             "else free ones; stable URLs let re-runs be incremental)")
    parser.add_argument("--edit", type=int, default=0, metavar="N",
                        help="before crawling, correct the N newest articles (the same "
                             "correction every time: shows incremental re-crawls)")
    _site_options(parser)
    return parser


def _site(args: argparse.Namespace) -> DemoSite:
    routes = [r.strip() for r in args.routes.split(",") if r.strip()]
    return DemoSite(seed=args.seed, articles=args.articles, routes=routes)


def _stop_on_sigterm() -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, handler)


def cmd_serve(args: argparse.Namespace) -> int:
    server = DemoServer(_site(args), host=args.host, port=args.port, layout=args.layout).start()
    print(f"Demo news site ({args.articles} articles, seed {args.seed}, layout {args.layout}):")
    for key, url in server.publisher_urls.items():
        print(f"  {key:<9} {url}")
    if args.layout == "shared":
        print(f"  robots.txt {server.url}robots.txt")
    if args.sites_file:
        runner.write_sites_file(args.sites_file, server.publisher_urls)
        print(f"Sites file: {args.sites_file}")
    print("Serving until interrupted (Ctrl-C).", flush=True)
    _stop_on_sigterm()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def cmd_manifest(args: argparse.Namespace) -> int:
    site = _site(args)
    for entry in site.manifest(base=args.base, publisher=args.publisher):
        sys.stdout.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return 0


def cmd_fixtures(args: argparse.Namespace) -> int:
    paths = list(write_fixtures(_site(args), args.out, base=args.base,
                                publisher=args.publisher, limit=args.limit))
    print(f"Wrote {len(paths)} labelled fixtures under {args.out}")
    return 0


def _crawl(args: argparse.Namespace, *, site_url: str | None, sites: dict[str, str] | None,
           sites_file: Path | None = None) -> runner.CrawlResult:
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    if sites:
        sites_file = runner.write_sites_file(out / "sites.yaml", sites)
    log_file = None if args.verbose else runner.log_path(out)
    cmd = runner.scrapy_command(out, site=site_url, sites_file=sites_file, redis_url=args.redis,
                                polite=args.polite, log_file=log_file, settings=args.settings)
    print("Running: scrapy " + " ".join(cmd[3:]), flush=True)  # cmd: python -m scrapy ...
    return runner.run_crawl(cmd, log_file=log_file, timeout=args.timeout, quiet=not args.verbose)


def cmd_crawl(args: argparse.Namespace) -> int:
    if bool(args.site) == bool(args.sites):
        print("give --site URL (repeatable) or --sites FILE", file=sys.stderr)
        return 2
    if len(args.site) == 1:
        result = _crawl(args, site_url=args.site[0], sites=None)
    elif args.site:
        result = _crawl(args, site_url=None, sites={runner.site_name(u): u for u in args.site})
    else:
        result = _crawl(args, site_url=None, sites=None, sites_file=args.sites)
    articles = list(runner.read_articles(args.out / "articles"))
    print(f"Crawl {'finished' if result.ok else 'FAILED'} in {result.seconds:.1f} s; "
          f"{len(articles)} article lines in {args.out / 'articles'}")
    if result.log_file:
        print(f"Crawl log: {result.log_file}")
    return 0 if result.ok else 1


SERVER_FILE = "demo-server.json"


def _saved_ports(out: Path, layout: str) -> dict[str, int]:
    try:
        saved = json.loads((out / SERVER_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(saved, dict) or saved.get("layout") != layout:
        return {}
    ports = saved.get("ports")
    return {str(k): int(v) for k, v in ports.items()} if isinstance(ports, dict) else {}


def _start_server(site: DemoSite, args: argparse.Namespace) -> DemoServer:
    """Reuse the ports of the last run on ``--out`` (same URLs: the crawl state stays valid)."""
    saved = {} if args.port else _saved_ports(args.out, args.layout)
    server = DemoServer(site, port=args.port, layout=args.layout, ports=saved)
    try:
        server.start()
    except OSError as exc:
        if not saved:
            raise
        print(f"warning: the ports of the last run are taken ({exc}); using new ones, so this "
              "crawl will see new URLs", file=sys.stderr)
        server = DemoServer(site, layout=args.layout).start()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / SERVER_FILE).write_text(json.dumps(
        {"layout": args.layout, "ports": server.bound_ports}), encoding="utf-8")
    return server


CORRECTION = ("Update: this story was corrected after publication. An earlier version gave "
              "the wrong day for the meeting and misstated the number of people affected.")


def _apply_edits(site: DemoSite, count: int) -> None:
    """Correct the first paragraph of the newest articles (inside the body, as newsrooms do)."""
    for entry in list(islice(site.manifest(), count)):
        when = datetime.fromisoformat(entry["modified"]) + timedelta(days=1)
        first, sep, rest = entry["body"].partition("\n\n")
        site.edit_article(entry["url_path"], f"{first} {CORRECTION}{sep}{rest}", when)
        print(f"Edited {entry['url_path']} (dateModified {when.isoformat()})")


def cmd_demo(args: argparse.Namespace) -> int:
    site = _site(args)
    _apply_edits(site, args.edit)
    _stop_on_sigterm()
    with _start_server(site, args) as server:
        print(f"Serving the demo site ({site.catalog.count} articles, seed {site.seed}) at "
              + ", ".join(server.publisher_urls.values()), flush=True)
        if args.layout == "ports":
            result = _crawl(args, site_url=None, sites=server.publisher_urls)
        else:
            result = _crawl(args, site_url=server.url, sites=None)
        manifest = list(site.manifest())
    articles_dir = args.out / "articles"
    comparison = runner.compare(runner.read_articles(articles_dir), manifest)
    for line in runner.summary_lines(result, comparison, articles_dir, len(manifest)):
        print(line)
    written = len(comparison.found) + len(comparison.extra)
    if not result.ok or written == 0:
        if result.log_file and result.log_file.exists():
            tail = result.log_file.read_text("utf-8", "replace").splitlines()[-15:]
            print("Last lines of the crawl log:", *tail, sep="\n  ", file=sys.stderr)
        return 1
    if args.strict and (comparison.missing or comparison.extra or comparison.duplicates):
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "serve":
        return cmd_serve(args)
    if args.command == "manifest":
        return cmd_manifest(args)
    if args.command == "crawl":
        return cmd_crawl(args)
    if args.command == "fixtures":
        return cmd_fixtures(args)
    if args.out is None:
        parser.error("--out DIR is required (or give a command: serve, crawl, manifest)")
    return cmd_demo(args)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # Ctrl-C / SIGTERM: the crawl was stopped cleanly
        sys.exit(130)
