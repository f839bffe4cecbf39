"""Sizes, limits and fixed dates of the demo site, in one place."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

#: Seed of the default demo site (the manifest and every page follow from it).
DEFAULT_SEED = 2026
#: Articles of the default demo site (all publishers together).
DEFAULT_ARTICLES = 72
#: Biggest site the generator makes (one publisher then has 50,000 URLs: one sitemap file).
MAX_ARTICLES = 200_000

#: Publication time of the newest article of a freshly built site; older ones go back
#: from here. Articles added at runtime (``DemoSite.add_articles``) come after it.
ANCHOR_TIME = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
#: Mean gap between two consecutive articles (across all publishers).
ARTICLE_INTERVAL = timedelta(minutes=37)
#: Random extra delay of an article inside its slot (smaller than the gap: order is kept).
ARTICLE_JITTER_S = 25 * 60

#: Teasers per listing page, entries per feed, URLs per sitemap file.
LISTING_PAGE_SIZE = 20
FEED_SIZE = 20
SITEMAP_CHUNK = 500
#: Google News sitemaps list articles of the last two days only (and at most 1,000).
NEWS_SITEMAP_WINDOW = timedelta(days=2)
NEWS_SITEMAP_MAX = 1_000

#: Paragraphs a hard-paywalled page shows before its subscribe wall.
HARD_TEASER_PARAGRAPHS = 2
#: Rendered pages kept in the server's small cache (the site is rendered on request).
RENDER_CACHE_SIZE = 256
#: Requests remembered by a server's request log (oldest are forgotten first).
REQUEST_LOG_MAX = 200_000

#: Seconds ``python -m crawler.demo`` lets one crawl run before it gives up.
CRAWL_TIMEOUT_S = 900.0
