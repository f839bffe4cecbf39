"""Thresholds and limits of the crawler, in one place.

Settings (``NEWSCRAWL_*``) override some of them per crawl; the defaults live here.
"""

from __future__ import annotations

# --- XML / feed parsing: bounded work on hostile input -------------------------------
#: Largest decompressed size of one gzipped sitemap (the sitemaps.org limit is 50 MB).
MAX_GUNZIP_BYTES = 50 * 1024 * 1024
# Output counted per step when checking a gzip body's size: the memory a bomb costs.
GUNZIP_STEP_BYTES = 1024 * 1024
#: Largest XML / JSON document (sitemap, feed) we parse at all.
MAX_XML_BYTES = 50 * 1024 * 1024
#: URLs taken from one sitemap (the sitemaps.org limit is 50,000).
MAX_URLS_PER_SITEMAP = 50_000
#: Entries taken from one feed.
MAX_FEED_ENTRIES = 5_000
#: How deep sitemap indexes may nest (index -> index -> sitemap).
MAX_SITEMAP_DEPTH = 3
#: Sitemaps fetched per site in total (guards against index loops and fan-out).
MAX_SITEMAPS_PER_SITE = 1_000
#: Longest URL we accept from a sitemap, feed or link.
MAX_URL_LENGTH = 2_048

# --- Discovery -------------------------------------------------------------------------
#: Sitemap locations probed when robots.txt names none.
USUAL_SITEMAP_PATHS: tuple[str, ...] = (
    "/sitemap.xml",
    "/sitemap_index.xml",
    "/sitemap-index.xml",
    "/news-sitemap.xml",
    "/sitemap-news.xml",
    "/sitemap_news.xml",
)
#: The discovery routes; a crawl may enable a subset (``-a routes=sitemap,feed``).
ROUTES: tuple[str, ...] = ("sitemap", "news", "feed", "links")
#: Link hops from the start page through listing pages.
MAX_LISTING_DEPTH = 2
#: Listing pages up to this many hops from a start page are searched for feed links.
FEED_DISCOVERY_DEPTH = 1
#: Links taken from one listing page.
MAX_LINKS_PER_PAGE = 500
#: File extensions that are never article pages.
NON_HTML_EXTENSIONS: frozenset[str] = frozenset({
    "pdf", "jpg", "jpeg", "png", "gif", "webp", "svg", "ico", "bmp", "tif", "tiff",
    "mp3", "mp4", "m4a", "wav", "ogg", "webm", "avi", "mov", "zip", "gz", "tgz", "rar",
    "7z", "exe", "dmg", "css", "js", "json", "xml", "rss", "atom", "txt", "csv", "doc",
    "docx", "xls", "xlsx", "ppt", "pptx", "woff", "woff2", "ttf", "eot",
})

# --- Scheduling priority: discovery first, then articles newest first ------------------
PRIORITY_ROBOTS = 50_000
PRIORITY_SITEMAP = 40_000
PRIORITY_FEED = 40_000
PRIORITY_LISTING = 30_000
#: Articles get up to this many points for recency (one per hour of age saved).
RECENCY_WINDOW_HOURS = 24 * 365
#: Articles with no date sit in the middle of the window.
PRIORITY_UNDATED_ARTICLE = RECENCY_WINDOW_HOURS // 2

# --- Extraction, validation ------------------------------------------------------------
#: Seconds one page may spend in the extraction worker before it is skipped.
EXTRACT_TIMEOUT_S = 60.0
#: Seconds a fresh worker may take to start and load the model.
EXTRACT_WARM_UP_TIMEOUT_S = 300.0
#: Times one page is resubmitted after pools were replaced under it (another page hung).
EXTRACT_MAX_SUBMITS = 6
#: Shortest body (characters) of an undeclared page we keep as an article: info and
#: section pages carry a few short lines the classifier may call content.
MIN_BODY_CHARS = 400
#: Shortest body of a page that declares itself an article (og:type, JSON-LD) or is
#: paywalled: a teaser above a paywall is short.
MIN_BODY_CHARS_DECLARED = 80
#: Content mass: share of the page's text the classifier labelled content, below which
#: an undeclared page is a listing, not an article.
MIN_CONTENT_SHARE = 0.15
#: A page whose first bytes hold more than this share of control bytes is binary, not HTML.
MAX_CONTROL_BYTE_SHARE = 0.01
HTML_SNIFF_BYTES = 4096
#: Biggest response body handed to extraction (larger ones are dropped, counted).
MAX_PAGE_BYTES = 10 * 1024 * 1024
#: Pages in flight per extraction worker: one running and one waiting in the pool's queue,
#: so that a worker never idles while the reactor hands it the next page.
EXTRACT_PAGES_PER_WORKER = 2

# --- Paywall -----------------------------------------------------------------------------
#: A body shorter than this that ends in an ellipsis next to a subscribe prompt is a teaser.
TRUNCATED_BODY_CHARS = 1_200
#: Evidence strings are cut to this length.
EVIDENCE_CHARS = 160

# --- Metadata ----------------------------------------------------------------------------
#: An author "name" longer than this many words is a sentence, not a name.
MAX_AUTHOR_WORDS = 5
MAX_AUTHOR_CHARS = 80
#: Languages free-text dates are tried in (besides the page's own).
DATE_LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "it", "nl", "pt", "sv", "da", "pl")
#: Text used for language detection (characters), and the least worth detecting on.
LANGUAGE_SAMPLE_CHARS = 1_500
MIN_LANGUAGE_SAMPLE_CHARS = 20
#: Below this detector confidence the page's own ``lang`` wins when they disagree.
LANGUAGE_CONFIDENCE = 0.95

# --- WARC ----------------------------------------------------------------------------------
#: A WARC file is closed and a new one started beyond this size.
WARC_MAX_BYTES = 1024 * 1024 * 1024

# --- Retraining tools (scrapy label / explain / train / evaluate / reextract) ---------------
#: Biggest page ``scrapy label`` / ``scrapy explain`` read from a file or URL.
TOOL_MAX_PAGE_BYTES = MAX_PAGE_BYTES
#: Seconds a tool's single-page fetch may take.
TOOL_FETCH_TIMEOUT_S = 30.0
TOOL_USER_AGENT = "newscrawl-tools/0.1 (label; explain)"
#: Port of ``scrapy label --serve`` when none is given (it always binds 127.0.0.1).
LABEL_SERVER_PORT = 8765
#: Largest save request (JSON of block paths and labels) the labelling server accepts.
LABEL_SERVER_MAX_POST_BYTES = 4 * 1024 * 1024
#: Features shown per block in the explain report.
EXPLAIN_TOP_FEATURES = 3
#: Re-scored (block, feature) pairs per page when explaining (bounds the work on huge pages).
EXPLAIN_MAX_ROWS = 400_000
#: Rows re-scored per batch (bounds memory: the model walks every row and tree at once).
EXPLAIN_BATCH_ROWS = 5_000
#: Smallest change of a block's score for a feature to be listed as one of its reasons.
EXPLAIN_MIN_EFFECT = 0.01
#: Viewport width and time limit of the explain report's PNG screenshot.
SCREENSHOT_WIDTH_PX = 1600
SCREENSHOT_TIMEOUT_S = 60.0
#: Tallest page shown in the screenshot (Chromium cannot paint much more in one image).
SCREENSHOT_MAX_HEIGHT_PX = 15_000
#: Points on each precision-recall curve of ``scrapy evaluate`` (thresholds are subsampled).
PR_CURVE_MAX_POINTS = 200

# --- Durable storage, crawl state, scheduling, Redis (owned by the state/storage area) -----
#: A JSONL file is closed and a new one started beyond this size (0: never by size).
JSONL_ROTATE_BYTES = 256 * 1024 * 1024
#: Start a new JSONL file when the UTC date changes.
JSONL_ROTATE_DAILY = True
#: File name of the SQLite state store inside ``NEWSCRAWL_STATE_DIR``.
STATE_DB_NAME = "state.sqlite3"
#: SQLite waits this long for a lock held by another process before failing.
STATE_DB_TIMEOUT_S = 30.0
#: Request kinds whose pages are kept with their validators and re-read on a 304.
CONDITIONAL_KINDS: frozenset[str] = frozenset({"robots", "sitemap", "feed", "listing"})
#: Seconds a distributed worker waits on an empty shared frontier before it exits.
IDLE_TIMEOUT_S = 30.0
#: Key prefix of everything the crawl keeps in Redis.
REDIS_KEY_PREFIX = "newscrawl"
#: A worker's heartbeat key lives this long without refresh (a killed worker drops out).
WORKER_HEARTBEAT_TTL_S = 30
#: A claim on (canonical URL, revision) by one Redis worker expires after this long, so a
#: worker killed between claim and write does not block the article forever.
REDIS_CLAIM_TTL_S = 120
#: Scheduler: how often the loop wakes up to look for due sites, and how long a child
#: crawl gets to exit after SIGTERM before it is killed.
SCHEDULE_TICK_S = 1.0
SCHEDULE_TERM_GRACE_S = 30.0
#: Default interval of a site in the sites file that names neither ``interval`` nor ``cron``.
SCHEDULE_DEFAULT_INTERVAL_S = 3600.0
#: Sitemap / feed / listing bodies larger than this are not kept for 304 replays (such a page
#: is then always fetched in full).
PAGE_CACHE_MAX_BYTES = 20 * 1024 * 1024
#: Drop reasons (the text before ":" in a DropItem message) that a later run may not repeat:
#: such pages are fetched again next run even when the server says nothing changed.
TRANSIENT_DROP_REASONS: frozenset[str] = frozenset({
    "extract_crashed", "extract_timeout", "extract_failed", "model_error", "storage error",
})

# --- Safety: addresses, schemes, budgets (owned by the hardening area) ----------------------
#: URL schemes fetched unless ``NEWSCRAWL_ALLOWED_SCHEMES`` says otherwise.
SAFE_SCHEMES: tuple[str, ...] = ("http", "https")
#: Requests per registered domain per crawl (``NEWSCRAWL_DOMAIN_BUDGET``); 0 means no budget.
DOMAIN_BUDGET = 0
#: Suggested ``DOWNLOAD_MAXSIZE`` / ``DOWNLOAD_WARNSIZE``: Scrapy applies the cap to the
#: decompressed body too (HttpCompressionMiddleware), which stops gzip bombs.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
#: Host names checked by the safety middleware are cached (LRU, failures too) this long.
SAFETY_DNS_CACHE_SIZE = 10_000
SAFETY_DNS_CACHE_TTL_S = 300.0
#: Upper bound on one look-up by the safety middleware (Scrapy's DNS_TIMEOUT if smaller).
SAFETY_DNS_TIMEOUT_S = 10.0
#: Refusals are logged at WARNING once per (reason, host), up to this many pairs, then at
#: DEBUG, so a page with a million bad links cannot flood the log or memory.
SAFETY_LOGGED_REFUSALS_MAX = 1_000

# --- Retraining (``scrapy train --base``) -------------------------------------------------
#: A base-fixture template whose block macro F1 drops by more than this under the retrained
#: model is reported as worse (one flipped block of a small template costs about 0.02).
REGRESSION_MIN_DROP = 0.0
#: Broken blocks listed by the regression check (the least confident first); all are counted.
REGRESSION_MAX_LISTED = 10
