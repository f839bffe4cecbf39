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


@pytest.mark.parametrize(("route", "expected_via"), [
    ("sitemap", "sitemap"), ("news", "news_sitemap"), ("feed", "feed"), ("links", "links")])
def test_each_route_on_its_own(site: MiniSite, tmp_path: Path, route: str,
                               expected_via: str) -> None:
    items, _stats, _log = run_crawl(tmp_path, [f"site={site.base}/", f"routes={route}"],
                                    record_pages=True)
    assert _paths(items) == _expected(route)
    assert {i["discovered_via"] for i in items} == {expected_via}
    if route == "news":
        assert all(i["news"]["publication_date"] and i["news"]["title"] for i in items)
    if route == "sitemap":
        assert all(i["lastmod"] and i["lastmod"].endswith("+00:00") for i in items)


def test_sites_file_with_explicit_feed(site: MiniSite, tmp_path: Path) -> None:
    sites = tmp_path / "sites.yaml"
    sites.write_text(f"sites:\n  - name: mini\n    start_urls: ['{site.base}/']\n"
                     f"    feeds: ['{site.base}/feed.xml']\n")
    items, _stats, _log = run_crawl(tmp_path, [f"sites={sites}", "routes=feed"], record_pages=True)
    assert _paths(items) == _expected("feed")
    assert {i["site"] for i in items} == {"mini"}


def test_bad_arguments_fail_clearly(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="exactly one of"):
        run_crawl(tmp_path, [], record_pages=True)
