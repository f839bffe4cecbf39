"""Discovery: robots.txt, sitemaps, feeds and link classification (no Scrapy imports)."""

from crawler.discovery.feeds import Feed, FeedEntry, discover_feeds, parse_feed
from crawler.discovery.links import (
    ARTICLE,
    ASSET,
    LISTING,
    UNKNOWN,
    PageSignals,
    classify_url,
    extract_links,
    page_signals,
)
from crawler.discovery.robots import sitemaps_from_robots
from crawler.discovery.sitemaps import Sitemap, SitemapEntry, parse_sitemap
from crawler.discovery.urls import clean_url, registered_host, same_site
from crawler.discovery.xmlsafe import XmlError, gunzip_capped

__all__ = [
    "ARTICLE",
    "ASSET",
    "LISTING",
    "UNKNOWN",
    "Feed",
    "FeedEntry",
    "PageSignals",
    "Sitemap",
    "SitemapEntry",
    "XmlError",
    "classify_url",
    "clean_url",
    "discover_feeds",
    "extract_links",
    "gunzip_capped",
    "page_signals",
    "parse_feed",
    "parse_sitemap",
    "registered_host",
    "same_site",
    "sitemaps_from_robots",
]
