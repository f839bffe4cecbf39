"""``scrapy schedule``: run each site of a sites file on its interval or cron expression.

Each run is ``python -m crawler.scheduling.child`` (the ``news`` spider on a one-site sites
file) with its own log and stats JSON; see docs/scheduling.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.utils.log import configure_logging

from crawler.scheduling import ScheduleError, Scheduler
from crawler.sites import SiteConfig, SitesFileError, load_sites

logger = logging.getLogger(__name__)


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_LEVEL": "INFO"}

    def syntax(self) -> str:
        return "--sites FILE [--once] [--spider NAME] [--dir DIR]"

    def short_desc(self) -> str:
        return "Run each site's crawl on its interval / cron expression, one process per run"

    def long_desc(self) -> str:
        return (
            "Reads the sites file (TOML or YAML; per-site 'interval' such as '15m' or 'cron' "
            "such as '*/15 * * * *') and runs every due site as its own crawl process, never "
            "two runs of one site at once. Next-run times, last results, per-run logs and "
            "stats live in NEWSCRAWL_SCHEDULE_DIR (default NEWSCRAWL_STATE_DIR/schedule). "
            "SIGTERM stops the running crawls gracefully and exits. --once runs what is due "
            "and exits."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--sites", required=True, metavar="FILE", help="sites file")
        parser.add_argument("--once", action="store_true", help="run what is due, then exit")
        parser.add_argument("--spider", default="news", help="spider to run (default news)")
        parser.add_argument("--dir", metavar="DIR",
                            help="schedule directory (default NEWSCRAWL_SCHEDULE_DIR)")
        parser.add_argument("--status", action="store_true",
                            help="print the schedule state as JSON and exit")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        settings = self.settings
        configure_logging(settings)
        directory = opts.dir or settings.get("NEWSCRAWL_SCHEDULE_DIR") or (
            Path(settings["NEWSCRAWL_STATE_DIR"]) / "schedule"
            if settings.get("NEWSCRAWL_STATE_DIR") else None)
        if not directory:
            raise UsageError("set NEWSCRAWL_STATE_DIR (or NEWSCRAWL_SCHEDULE_DIR, or --dir)")
        try:
            sites = load_sites(opts.sites)
        except SitesFileError as exc:
            raise UsageError(str(exc)) from exc
        # Settings given on our command line (-s) go to every crawl.
        cmdline = SETTINGS_PRIORITIES["cmdline"]
        forwarded = [f"{name}={_setting_text(value)}" for name, value in settings.items()
                     if settings.getpriority(name) == cmdline and name != "JOBDIR"
                     and not name.startswith("LOG")]
        job_root = Path(directory) / "jobs"

        def child_argv(site: SiteConfig, sites_file: Path, stats: Path) -> list[str]:
            argv = [sys.executable, "-m", "crawler.scheduling.child", "--spider", opts.spider,
                    "--stats", str(stats), "-a", f"sites={sites_file}",
                    "-s", f"JOBDIR={job_root / site.name}"]
            for pair in forwarded:
                argv += ["-s", pair]
            return argv

        try:
            scheduler = Scheduler(sites, directory, child_argv=child_argv)
        except ScheduleError as exc:
            raise UsageError(str(exc)) from exc
        if opts.status:
            print(json.dumps(scheduler.state, indent=1, sort_keys=True))
            return
        scheduler.install_signal_handlers()
        self.exitcode = scheduler.run(once=opts.once)


def _setting_text(value: object) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)
