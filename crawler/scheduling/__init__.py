"""Recurring crawls: ``scrapy schedule`` runs each site's crawl as its own process when due."""

from crawler.scheduling.runner import ChildArgv, Scheduler, site_entry
from crawler.scheduling.timing import ScheduleError, next_run_after, parse_interval

__all__ = ["ChildArgv", "ScheduleError", "Scheduler", "next_run_after", "parse_interval",
           "site_entry"]
