"""Limits: download size (also after decompression), per-page extraction time, request budget.

Assertions are on counted outcomes, never on durations.
"""

from __future__ import annotations

import asyncio
import gzip
import time
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


def hang_on_slow_pages(page: dict[str, Any], with_blocks: bool = False) -> dict[str, Any]:
    """The pipeline's work function, except that a ``/slow`` page keeps its worker busy far
    beyond the timeout: input guards bound every page we know how to build, so the timeout
    (the last resort) is tested with a worker that hangs."""
    from crawler.pipelines.extraction import build_article

    if page["url"].endswith("/slow"):
        time.sleep(600)
    return build_article(page, with_blocks)


@pytest.mark.slow
def test_extraction_timeout_skips_the_page_and_the_pool_recovers() -> None:
    """A page that keeps a worker busy far beyond the timeout is dropped, counted, and the
    next page is extracted by a fresh pool."""
    from crawler.pipelines.extraction import ExtractionPipeline

    # generous: the rebuilt pool's start-up counts against the next page's timeout, and on a
    # busy machine starting a worker takes seconds
    crawler = get_crawler(Spider, settings_dict={
        "NEWSCRAWL_EXTRACT_WORKERS": 1, "NEWSCRAWL_EXTRACT_TIMEOUT": 20})
    pipeline = ExtractionPipeline.from_crawler(crawler)
    pipeline.work = hang_on_slow_pages  # type: ignore[method-assign,assignment]
    page = b"<html><body><article><p>" + b"A normal sentence. " * 40 + b"</p></article>"

    async def scenario() -> tuple[str, Any]:
        await pipeline.open_spider()
        try:
            with pytest.raises(DropItem) as dropped:
                await pipeline.process_item(_page("http://n.example/slow", page))
            article = await pipeline.process_item(_page("http://n.example/fine", page))
        finally:
            pipeline.close_spider()
        return str(dropped.value), article

    reason, article = asyncio.run(scenario())
    assert reason.startswith("extract_timeout")
    assert crawler.stats.get_value("newscrawl/dropped/extract_timeout") == 1
    assert crawler.stats.get_value("newscrawl/extract/pool_restarts") == 1
    assert article["url"] == "http://n.example/fine"


# --- crowded start tags (libxml2 is quadratic in the attributes of one element) ---------------

def _text_after_parse(body: bytes) -> str:
    import lxml.html

    return lxml.html.document_fromstring(body).text_content()


def test_normal_pages_pass_unchanged(fixtures_dir) -> None:
    from crawler.limits import thin_crowded_tags
    from tests.hardening.pathological import SAMPLE_PAGE

    pages = [SAMPLE_PAGE.encode(), *(p.read_bytes() for p in sorted(
        fixtures_dir.glob("*/*.html"))[:20])]
    for page in pages:
        assert thin_crowded_tags(page) == (page, 0)


def test_a_tag_with_200k_attributes_is_cut_and_the_text_kept() -> None:
    from classifier.constants import MAX_TAG_BYTES
    from crawler.limits import thin_crowded_tags

    body = (b"<html><body><p>before</p><p " + b" ".join(b"a%d=1" % i for i in range(200_000))
            + b">inside</p><p>after</p></body></html>")
    thin, cut = thin_crowded_tags(body)
    assert cut == 1 and len(thin) < 2 * MAX_TAG_BYTES
    assert _text_after_parse(thin) == "beforeinsideafter"


@pytest.mark.parametrize("attribute", [
    b'src="data:image/png;base64,' + b"A" * 50_000 + b'"',
    b'title="' + b"word " * 10_000 + b'"',
    b"data-x='" + b'{"k": "v"} ' * 5_000 + b"'",
])
def test_long_attribute_values_are_cut_without_swallowing_the_page(attribute: bytes) -> None:
    from crawler.limits import thin_crowded_tags

    body = b"<html><body><img " + attribute + b"><p>after the tag</p></body></html>"
    thin, cut = thin_crowded_tags(body)
    assert cut == 1
    assert "after the tag" in _text_after_parse(thin)


def test_many_crowded_tags_are_each_cut() -> None:
    from classifier.constants import MAX_TAG_BYTES
    from crawler.limits import thin_crowded_tags

    tag = b"<p " + b" ".join(b"a%d=1" % i for i in range(5_000)) + b">t</p>"
    thin, cut = thin_crowded_tags(b"<html><body>" + tag * 50 + b"</body></html>")
    assert cut == 50 and len(thin) < 50 * (MAX_TAG_BYTES + 10) + 100
    assert _text_after_parse(thin) == "t" * 50


def test_spider_thins_crowded_tags_before_parsing_on_the_reactor_thread() -> None:
    from scrapy.http import HtmlResponse

    from classifier.constants import MAX_TAG_BYTES
    from crawler.spiders.news import NewsSpider

    body = (b"<html><body><p " + b" ".join(b"a%d=1" % i for i in range(200_000))
            + b">inside</p><a href='/news/x'>after</a></body></html>")
    spider = NewsSpider(site="https://n.example/")
    tree = spider._parse_tree(HtmlResponse("https://n.example/", body=body))
    paragraph = tree.find(".//p")
    assert paragraph is not None and len(paragraph.attrib) < MAX_TAG_BYTES // 4
    assert tree.text_content() == "insideafter"


def test_extract_cuts_crowded_tags_before_parsing_and_says_so(tiny_model) -> None:
    from classifier import extract

    body = (b"<html><body><article><p " + b" ".join(b"a%d=1" % i for i in range(200_000))
            + b">A first paragraph of the story, long enough to read.</p>"
            + b"<p>A second paragraph of the same story follows it here.</p>"
            + b"</article></body></html>")
    article = extract(body, "https://n.example/a", model=tiny_model)
    assert "crowded-tags" in article.warnings
    assert all("a199999" not in block.path for block in article.blocks)
    assert any("second paragraph" in block.text for block in article.blocks)
