"""End to end: crawl the bundled demo site (served on port 0) with every pipeline on."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawler.demo import DemoServer, DemoSite
from crawler.warc import iter_archived
from tests.crawler.crawlrun import run_crawl

#: Word-bag F1 an extracted body must reach against the manifest body: on average over the
#: crawl, and on each page of the templates the model was trained for (the held-out
#: template, Quillpost, is only held to the average).
MEAN_BODY_F1 = 0.90
MIN_BODY_F1_SEEN_TEMPLATES = 0.80


def word_f1(pred: str, gold: str) -> float:
    p, g = Counter(pred.split()), Counter(gold.split())
    if not p or not g:
        return float(p == g)
    common = sum((p & g).values())
    return 2 * common / (sum(p.values()) + sum(g.values()))


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture(scope="module")
def full_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    site = DemoSite()
    tmp = tmp_path_factory.mktemp("demo")
    with DemoServer(site) as server:
        items, stats, log = run_crawl(tmp, [f"site={server.url}"], {
            "NEWSCRAWL_WARC_ENABLED": True, "NEWSCRAWL_WARC_DIR": str(tmp / "warc")})
        yield {"items": items, "stats": stats, "log": log, "server": server, "tmp": tmp,
               "manifest": {m["url_path"]: m for m in site.manifest()}}


def test_exactly_the_manifest_articles_are_written(full_crawl: dict[str, Any]) -> None:
    written = [_path(i["url"]) for i in full_crawl["items"]]
    assert len(written) == len(set(written)), "an article was written twice"
    manifest = full_crawl["manifest"]
    missing = sorted(set(manifest) - set(written))
    extra = sorted(set(written) - set(manifest))  # listings, sections, broken pages
    assert (missing, extra) == ([], [])


def test_robots_txt_is_respected(full_crawl: dict[str, Any]) -> None:
    assert full_crawl["server"].fetched_paths(kind="disallowed") == []
    assert full_crawl["stats"].get("robotstxt/forbidden", 0) > 0


def test_bodies_match_the_manifest(full_crawl: dict[str, Any]) -> None:
    manifest = full_crawl["manifest"]
    scores = {_path(i["url"]): word_f1(i["body"], manifest[_path(i["url"])]["body"])
              for i in full_crawl["items"] if _path(i["url"]) in manifest}
    assert scores
    assert sum(scores.values()) / len(scores) >= MEAN_BODY_F1
    seen = {p: f1 for p, f1 in scores.items() if not manifest[p]["held_out"]}
    worst = min(seen, key=seen.__getitem__)
    assert seen[worst] >= MIN_BODY_F1_SEEN_TEMPLATES, worst
    # Outside the deliberately unfamiliar template, the body is the manifest's word for word
    # and paragraph for paragraph: no byline, "Read more:" teaser or share line in it.
    different = [_path(i["url"]) for i in full_crawl["items"] if _path(i["url"]) in seen
                 and i["body"] != manifest[_path(i["url"])]["body"]]
    assert different == []


def test_paywall_statuses(full_crawl: dict[str, Any]) -> None:
    manifest = full_crawl["manifest"]
    wrong = {_path(i["url"]): (i["paywall"]["status"], manifest[_path(i["url"])]["paywall"])
             for i in full_crawl["items"] if _path(i["url"]) in manifest
             and i["paywall"]["status"] != manifest[_path(i["url"])]["paywall"]}
    assert wrong == {}
    assert all(i["paywall"]["evidence"] for i in full_crawl["items"])


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def test_metadata_matches_the_manifest(full_crawl: dict[str, Any]) -> None:
    manifest = full_crawl["manifest"]
    for item in full_crawl["items"]:
        gold = manifest.get(_path(item["url"]))
        if gold is None:
            continue
        assert item["title"] == gold["title"], item["url"]
        assert item["authors"] == gold["authors"], item["url"]
        assert _instant(item["published"]) == _instant(gold["published"]), item["url"]
        assert item["published"][-6] in "+-" or item["published"].endswith("Z")
        assert item["language"] == "en" and item["content_hash"] and item["model"]
        assert item["canonical_url"].endswith(gold["url_path"])


def test_warc_archive_holds_every_written_article(full_crawl: dict[str, Any]) -> None:
    archived = {}
    for path in sorted((full_crawl["tmp"] / "warc").glob("*.warc.gz")):
        for record in iter_archived(path):
            archived[record["url"]] = record
    assert full_crawl["stats"]["newscrawl/warc/records"] == len(archived)
    for item in full_crawl["items"]:
        record = archived[item["url"]]
        assert record["status"] == 200 and record["meta"]["newscrawl_kind"] == "article"
        assert record["body"].lstrip()[:1] == b"<"


@pytest.mark.parametrize(("route", "via"), [
    ("sitemap", "sitemap"), ("news", "news_sitemap"), ("feed", "feed"), ("links", "links")])
def test_each_discovery_route_on_its_own(tmp_path: Path, route: str, via: str) -> None:
    """Discovery only (pages recorded, not extracted): the route finds every article the
    manifest says it reaches, and no article only other routes reach."""
    site = DemoSite(routes={route})
    manifest = {m["url_path"]: m for m in site.manifest()}
    expected = {p for p, m in manifest.items() if route in m["routes"]}
    with DemoServer(site) as server:
        pages, _stats, _log = run_crawl(tmp_path, [f"site={server.url}", f"routes={route}"],
                                        record_pages=True)
        assert server.fetched_paths(kind="disallowed") == []
    found = {_path(p["url"]) for p in pages}
    assert expected <= found, sorted(expected - found)
    assert not (found - expected) & set(manifest)
    assert {p["discovered_via"] for p in pages if _path(p["url"]) in expected} == {via}
    if route == "news":
        assert all(p["news"]["publication_date"] for p in pages if _path(p["url"]) in expected)
