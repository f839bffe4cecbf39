"""Discovery routes end to end on a tiny local site (no classifier: pages are recorded)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.crawler.crawlrun import run_crawl
from tests.crawler.minisite import ARTICLES, MiniSite, serve


@pytest.fixture(scope="module")
def site() -> Iterator[MiniSite]:
    with serve() as running:
        yield running


def _paths(items: list[dict]) -> set[str]:
    return {urlsplit(i["url"]).path for i in items}


def _expected(*routes: str) -> set[str]:
    return {p for p, (via, _d, _w) in ARTICLES.items() if via in routes and "/private/" not in p}


def test_all_routes_find_every_allowed_article_once(site: MiniSite, tmp_path: Path) -> None:
    items, stats, _log = run_crawl(tmp_path, [f"site={site.base}/"], record_pages=True)
    assert sorted(_paths(items)) == sorted(_expected("sitemap", "news", "feed", "links"))
    assert len(items) == len(_paths(items))
    # robots.txt: the disallowed article was never fetched
    assert not any(p.startswith("/private/") for p in site.requested)
    assert stats["robotstxt/forbidden"] >= 1
    assert "/files/report.pdf" not in site.requested  # assets are not fetched


def test_news_route_carries_google_news_fields(site: MiniSite, tmp_path: Path) -> None:
    items, _stats, _log = run_crawl(tmp_path, [f"site={site.base}/", "routes=news"],
                                    record_pages=True)
    assert _paths(items) == _expected("news")
    assert {i["discovered_via"] for i in items} == {"news_sitemap"}
    assert all(i["news"]["publication_date"] and i["news"]["title"] for i in items)


def test_sites_file_with_explicit_feed(site: MiniSite, tmp_path: Path) -> None:
    sites = tmp_path / "sites.yaml"
    sites.write_text(f"sites:\n  - name: mini\n    start_urls: ['{site.base}/']\n"
                     f"    feeds: ['{site.base}/feed.xml']\n")
    items, _stats, _log = run_crawl(tmp_path, [f"sites={sites}", "routes=feed"], record_pages=True)
    assert _paths(items) == _expected("feed")
    assert {i["site"] for i in items} == {"mini"}


@pytest.mark.parametrize(("args", "message"), [
    ([], "exactly one of"),
    (["site=http://127.0.0.1:9/", "routes=sitemap,carrier-pigeon"], "unknown discovery route"),
    (["sites=/nonexistent/sites.toml"], "cannot read"),
])
def test_bad_arguments_fail_clearly(tmp_path: Path, args: list[str], message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        run_crawl(tmp_path, args, record_pages=True)
