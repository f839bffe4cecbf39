"""A network-free spider for storage tests: yields ``-a count=N`` article items.

Run with ``scrapy runspider``; ``-a delay=S`` slows each item down (for kill tests),
``-a edit=K`` changes the body of item K (a new revision).
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import scrapy


class ItemSpider(scrapy.Spider):
    name = "items"
    custom_settings = {
        "ITEM_PIPELINES": {
            "crawler.pipelines.incremental.IncrementalPipeline": 800,
            "crawler.pipelines.storage.JsonlStoragePipeline": 900,
        },
        "LOG_LEVEL": "INFO",
        "TELNETCONSOLE_ENABLED": False,
    }

    def __init__(self, count: str = "10", delay: str = "0", edit: str = "", **kw: Any) -> None:
        super().__init__(**kw)
        self.count = int(count)
        self.delay = float(delay)
        self.edit = {int(x) for x in edit.split(",") if x}

    async def start(self):
        yield scrapy.Request("data:,start", callback=self.parse, dont_filter=True)

    async def parse(self, response):
        for i in range(self.count):
            if self.delay:
                await asyncio.sleep(self.delay)
            body = f"Body of article {i}." + (" Edited." if i in self.edit else "")
            yield {
                "url": f"http://example.test/a/{i}",
                "canonical_url": f"http://example.test/a/{i}",
                "site": "example",
                "title": f"Article {i}",
                "body": body,
                "content_hash": hashlib.sha1(body.encode()).hexdigest(),
            }
