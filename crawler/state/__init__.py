"""Persistent crawl state: which articles were written (and at which revision), HTTP
validators of sitemaps / feeds / listings, and the lastmods articles were fetched at.

SQLite in ``NEWSCRAWL_STATE_DIR`` by default; Redis when ``NEWSCRAWL_REDIS_URL`` is set.
"""

from crawler.state.base import ArticleState, StateStore, Validators, WrittenArticle
from crawler.state.jobdir import guard_jobdir
from crawler.state.reconcile import article_key, reconcile_files
from crawler.state.registry import CrawlState, crawl_state, open_store
from crawler.state.sqlite import SqliteStateStore

__all__ = [
    "ArticleState",
    "CrawlState",
    "SqliteStateStore",
    "StateStore",
    "Validators",
    "WrittenArticle",
    "article_key",
    "crawl_state",
    "guard_jobdir",
    "open_store",
    "reconcile_files",
]
