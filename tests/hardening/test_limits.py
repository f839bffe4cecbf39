"""Limits: download size (also after decompression), per-page extraction time, request budget.

Assertions are on counted outcomes, never on durations.
"""

from __future__ import annotations

import asyncio
import gzip
from typing import Any

import pytest
from scrapy import Request, Spider
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import DropItem, IgnoreRequest
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler import settings as project
from tests.hardening import hostile_docs as hd


def test_project_caps_download_size() -> None:
    assert 0 < project.DOWNLOAD_WARNSIZE < project.DOWNLOAD_MAXSIZE <= 64 * 1024 * 1024


def compression_mw() -> HttpCompressionMiddleware:
    crawler = get_crawler(Spider, settings_dict={
        "DOWNLOAD_MAXSIZE": project.DOWNLOAD_MAXSIZE,
        "DOWNLOAD_WARNSIZE": project.DOWNLOAD_WARNSIZE})
    crawler.spider = crawler._create_spider("limits")
    return HttpCompressionMiddleware.from_crawler(crawler)


def test_gzip_bomb_response_is_cut_at_the_download_cap() -> None:
    bomb = hd.gzip_bomb(4 * project.DOWNLOAD_MAXSIZE)
    response = Response("http://n.example/sitemap.xml", body=bomb,
                        headers={"Content-Encoding": "gzip"})
    with pytest.raises(IgnoreRequest):
        compression_mw().process_response(Request(response.url), response)


def test_compressed_page_under_the_cap_is_decoded() -> None:
    body = b"<html><body><p>fine</p></body></html>"
    response = Response("http://n.example/a", body=gzip.compress(body),
                        headers={"Content-Encoding": "gzip"})
    result = compression_mw().process_response(Request(response.url), response)
    assert isinstance(result, Response) and result.body == body


def _page(url: str, body: bytes) -> dict[str, Any]:
    return {"url": url, "status": 200, "headers": {}, "body": body, "encoding": None,
            "site": "n.example", "discovered_via": "links", "meta": {}}


@pytest.mark.slow
def test_extraction_timeout_skips_the_page_and_the_pool_recovers() -> None:
    """A page that keeps a worker busy far beyond the timeout is dropped, counted, and the
    next page is extracted by a fresh pool."""
    from crawler.pipelines.extraction import ExtractionPipeline

    crawler = get_crawler(Spider, settings_dict={
        "NEWSCRAWL_EXTRACT_WORKERS": 1, "NEWSCRAWL_EXTRACT_TIMEOUT": 5})
    pipeline = ExtractionPipeline.from_crawler(crawler)
    # libxml2 checks attribute names pairwise: 200k distinct attributes on one element take
    # minutes, far beyond the timeout (see docs/hardening.md)
    slow = b"<html><body><p " + b" ".join(b"a%d=1" % i for i in range(200_000)) + b">t</p>"
    fine = b"<html><body><article><p>" + b"A normal sentence. " * 40 + b"</p></article>"

    async def scenario() -> tuple[str, Any]:
        await pipeline.open_spider()
        try:
            with pytest.raises(DropItem) as dropped:
                await pipeline.process_item(_page("http://n.example/slow", slow))
            article = await pipeline.process_item(_page("http://n.example/fine", fine))
        finally:
            pipeline.close_spider()
        return str(dropped.value), article

    reason, article = asyncio.run(scenario())
    assert reason.startswith("extract_timeout")
    assert crawler.stats.get_value("newscrawl/dropped/extract_timeout") == 1
    assert crawler.stats.get_value("newscrawl/extract/pool_restarts") == 1
    assert article["url"] == "http://n.example/fine"
