"""One scheduled crawl, as its own process: ``python -m crawler.scheduling.child``.

Runs the spider with the project settings plus ``-s`` overrides and writes the crawl's
stats as JSON. Exit status: 0 finished, 3 closed for another reason (e.g. ``shutdown``
after SIGTERM), 1 failed to start.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

__all__ = ["main"]


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True, default=str), encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.scheduling.child")
    parser.add_argument("--spider", default="news")
    parser.add_argument("--stats", required=True, type=Path, help="stats JSON to write")
    parser.add_argument("-a", dest="spider_args", action="append", default=[],
                        metavar="NAME=VALUE")
    parser.add_argument("-s", dest="settings", action="append", default=[],
                        metavar="NAME=VALUE")
    args = parser.parse_args(argv)

    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    for pair in args.settings:
        name, _, value = pair.partition("=")
        settings.set(name, value, priority="cmdline")
    spider_kwargs = dict(pair.partition("=")[::2] for pair in args.spider_args)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(args.spider)
    process.crawl(crawler, **spider_kwargs)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats is not None else {}
    _write_json(args.stats, stats)
    return 0 if stats.get("finish_reason") == "finished" else 3


if __name__ == "__main__":
    sys.exit(main())
