"""A small link-following spider for state / Redis tests (``scrapy runspider``).

``-a site=URL``: the home page and ``/s/<k>`` pages are listings (conditional requests),
``/a/<n>`` pages are articles, yielded as article items with a content hash.
"""

from __future__ import annotations

import hashlib
from typing import Any

import scrapy


class LinkSpider(scrapy.Spider):
    name = "links"
    custom_settings = {
        "ADDONS": {"crawler.distributed.NewscrawlStateAddon": 0},
        "ITEM_PIPELINES": {
            "crawler.pipelines.incremental.IncrementalPipeline": 800,
            "crawler.pipelines.storage.JsonlStoragePipeline": 900,
        },
        "TELNETCONSOLE_ENABLED": False,
        "ROBOTSTXT_OBEY": False,
        "LOG_LEVEL": "INFO",
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    }

    def __init__(self, site: str = "", **kw: Any) -> None:
        super().__init__(**kw)
        self.site = site

    async def start(self):
        yield scrapy.Request(self.site, callback=self.parse_listing,
                             meta={"newscrawl_kind": "listing"})

    def parse_listing(self, response):
        for href in response.css("a::attr(href)").getall():
            if href.startswith("/s/"):
                yield response.follow(href, self.parse_listing, meta={"newscrawl_kind": "listing"})
            elif href.startswith("/a/"):
                yield response.follow(href, self.parse_article, meta={"newscrawl_kind": "article"})

    def parse_article(self, response):
        body = " ".join(response.css("p::text").getall())
        yield {"url": response.url, "canonical_url": response.url,
               "title": response.css("h1::text").get(), "body": body,
               "content_hash": hashlib.sha256(body.encode()).hexdigest()}
