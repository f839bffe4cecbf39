"""Scrapy settings of the newscrawl project (polite by default).

Every project setting starts with ``NEWSCRAWL_`` and is documented in docs/settings.md.
Override any of them with ``-s NAME=value`` or in a custom settings module.
"""

from __future__ import annotations

from crawler import constants

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"

# --- Politeness ------------------------------------------------------------------------
USER_AGENT = "newscrawl/0.1 (+https://github.com/newscrawl/newscrawl; news archiving bot)"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
# Items and requests a response yields are handled 16 at a time, not Scrapy's 100: one task
# per slot per response, so this saves CPU in the crawl process (see docs/benchmarks.md).
CONCURRENT_ITEMS = 16
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = constants.DOWNLOAD_MAXSIZE
DOWNLOAD_WARNSIZE = constants.DOWNLOAD_WARNSIZE
RETRY_TIMES = 2
# HTTP cache is off; turn it on with -s HTTPCACHE_ENABLED=1 (stored under .scrapy/httpcache)
HTTPCACHE_ENABLED = False
HTTPCACHE_EXPIRATION_SECS = 3600
HTTPCACHE_DIR = "httpcache"

# --- Scheduling: priorities (newest articles first), breadth-first by domain --------------
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
# Re-checks every resolved address at connection time (DNS rebinding); see docs/hardening.md.
TWISTED_DNS_RESOLVER = "crawler.middlewares.safety.SafeResolver"

# --- Components ----------------------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    # before OffsiteMiddleware (50) and RobotsTxtMiddleware (100): nothing reaches a
    # refused address, not even a robots.txt request
    "crawler.middlewares.safety.SafetyMiddleware": 40,
    "crawler.warc.WarcMiddleware": 580,  # below HttpCompression (590): sees decoded bodies
    "crawler.middlewares.incremental.IncrementalMiddleware": 575,  # below WARC: sees 304s
}
SPIDER_MIDDLEWARES = {
    # refused URLs and those over the per-domain budget never reach the scheduler's queue
    "crawler.middlewares.safety.SafetySpiderMiddleware": 850,
}
# Incremental middleware, and Redis scale-out when NEWSCRAWL_REDIS_URL is set (docs/scheduling.md)
ADDONS = {"crawler.distributed.NewscrawlStateAddon": 0}
ITEM_PIPELINES = {
    "crawler.pipelines.extraction.ExtractionPipeline": 100,
    "crawler.pipelines.validation.ValidationPipeline": 200,
    "crawler.pipelines.dedup.DedupPipeline": 300,
    "crawler.pipelines.incremental.IncrementalPipeline": 800,
    "crawler.pipelines.storage.JsonlStoragePipeline": 900,
}

# Scrapy parses the source of a callback to warn about ``return value`` in generators; its
# cache misses often (bound methods), which cost an AST parse per response
WARN_ON_GENERATOR_RETURN_VALUE = False

FEED_EXPORT_ENCODING = "utf-8"
LOG_FORMATTER = "crawler.pipelines.NewscrawlLogFormatter"  # one line per dropped item
LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False  # no open port by default

# --- newscrawl -------------------------------------------------------------------------------
#: Discovery routes to use (comma-separated subset of sitemap,news,feed,links).
NEWSCRAWL_ROUTES = ",".join(constants.ROUTES)
NEWSCRAWL_MAX_LISTING_DEPTH = constants.MAX_LISTING_DEPTH
NEWSCRAWL_MAX_LINKS_PER_PAGE = constants.MAX_LINKS_PER_PAGE
NEWSCRAWL_MAX_URLS_PER_SITEMAP = constants.MAX_URLS_PER_SITEMAP
#: Extraction worker processes; 0 = one per CPU core; -1 = a thread in the crawl process.
NEWSCRAWL_EXTRACT_WORKERS = 0
NEWSCRAWL_EXTRACT_TIMEOUT = constants.EXTRACT_TIMEOUT_S
NEWSCRAWL_ITEM_BLOCKS = False
NEWSCRAWL_WARC_ENABLED = False
