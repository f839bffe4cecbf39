"""The generator: deterministic, varied, honest ground truth, lazy for big sites."""

from __future__ import annotations

import json
import tracemalloc
from collections import Counter
from datetime import datetime
from itertools import islice

from lxml import html

from crawler.demo import DemoSite
from crawler.demo.catalog import CUT_OFF, TRUNCATED, WRONG_CHARSET
from crawler.demo.templates.markers import BODY_END

BASE = "http://demo.test:8000"
NOT_BODY = ("Advertisement", "STORY CONTINUES BELOW THIS AD", "Read more:", "Subscribe",
            "free article", "Partner message", "Reader comments")


def _page_text_blocks(body: bytes, encoding: str = "utf-8") -> list[str]:
    doc = html.fromstring(body.decode(encoding))
    return [" ".join(el.text_content().split()) for el in doc.iter()
            if isinstance(el.tag, str) and el.tag not in ("html", "body", "head", "script")]


def test_same_seed_gives_same_site_and_bytes() -> None:
    first, second = DemoSite(seed=7, articles=40), DemoSite(seed=7, articles=40)
    assert list(first.manifest()) == list(second.manifest())
    for path in ["/daily/", "/robots.txt", "/daily/rss.xml", "/magazine/sitemap.xml.gz",
                 *list(first.article_paths())[:10]]:
        assert first.handle(path, BASE).body == second.handle(path, BASE).body, path


def test_other_seed_gives_other_articles() -> None:
    one = {e["body"] for e in DemoSite(seed=1, articles=40).manifest()}
    two = {e["body"] for e in DemoSite(seed=2, articles=40).manifest()}
    assert not one & two


def test_default_site_has_the_promised_mix(site: DemoSite) -> None:
    manifest = list(site.manifest())
    assert len(manifest) >= 60
    by_pub = Counter(e["publisher"] for e in manifest)
    assert set(by_pub) == {"daily", "courier", "magazine", "quill"}
    assert all(n >= 8 for n in by_pub.values()), by_pub
    assert {e["paywall"] for e in manifest} == {"free", "metered", "hard"}
    assert {e["paywall"] for e in manifest if e["publisher"] == "courier"} == {
        "free", "metered", "hard"}
    assert {e["held_out"] for e in manifest if e["publisher"] == "quill"} == {True}
    assert {e["broken"] for e in manifest} == {None, TRUNCATED, WRONG_CHARSET}
    assert len({e["section"] for e in manifest}) >= 8


def test_bodies_and_titles_differ_and_fit_windows_1252(site: DemoSite) -> None:
    manifest = list(site.manifest())
    assert len({e["body"] for e in manifest}) == len(manifest)
    assert len({e["title"] for e in manifest}) == len(manifest)
    assert len({e["url_path"] for e in manifest}) == len(manifest)
    for entry in manifest:
        (entry["body"] + entry["title"] + "".join(entry["authors"])).encode("cp1252")
        assert all(word not in entry["body"] for word in NOT_BODY)


def test_dates_carry_time_zones_and_newest_comes_first(site: DemoSite) -> None:
    manifest = list(site.manifest())
    offsets = {e["published"][-6:] for e in manifest}
    assert offsets == {"+00:00", "-05:00", "+01:00", "+05:30"}
    published = [datetime.fromisoformat(e["published"]) for e in manifest]
    assert published == sorted(published, reverse=True)
    for entry in manifest:
        assert datetime.fromisoformat(entry["modified"]) >= datetime.fromisoformat(
            entry["published"])


def test_manifest_body_is_exactly_what_the_page_shows(site: DemoSite) -> None:
    for entry in site.manifest():
        response = site.handle(entry["url_path"], BASE)
        encoding = "cp1252" if entry["broken"] == WRONG_CHARSET else "utf-8"
        blocks = set(_page_text_blocks(response.body, encoding))
        for paragraph in entry["body"].split("\n\n"):
            assert paragraph in blocks, (entry["url_path"], paragraph[:60])


def test_hard_paywall_pages_hold_back_the_rest(site: DemoSite) -> None:
    hard = [e for e in site.manifest() if e["paywall"] == "hard"]
    assert hard
    for entry in hard:
        spec = site.find_article(entry["url_path"])
        assert spec is not None
        full = site.catalog.body(spec)
        hidden = [p.text for p in full if p.kind == "p"][2:]
        page = site.handle(entry["url_path"], BASE).body.decode()
        assert hidden and not any(text in page for text in hidden)
        assert len(entry["body"].split("\n\n")) == 2


def test_article_metadata_matches_manifest(site: DemoSite) -> None:
    for entry in site.manifest():
        if entry["broken"]:
            continue
        doc = html.fromstring(site.handle(entry["url_path"], BASE).body)
        data = json.loads(doc.xpath('//script[@type="application/ld+json"]')[0].text)
        assert data["@type"] == "NewsArticle"
        assert data["headline"] == entry["title"]
        assert data["datePublished"] == entry["published"]
        assert data["dateModified"] == entry["modified"]
        assert [a["name"] for a in data["author"]] == entry["authors"]
        assert data["isAccessibleForFree"] is (entry["paywall"] == "free")
        if entry["paywall"] != "free":
            assert doc.cssselect(data["hasPart"]["cssSelector"])
        assert doc.xpath('//meta[@property="og:type"]/@content') == ["article"]
        assert doc.xpath('//link[@rel="canonical"]/@href') == [BASE + entry["url_path"]]


def test_broken_pages_are_broken_the_documented_way(site: DemoSite) -> None:
    kinds = {}
    for article_id in site.catalog.iter_ids():
        spec = site.catalog.get(article_id)
        if spec.broken:
            kinds[spec.broken] = spec
    assert set(kinds) == {TRUNCATED, WRONG_CHARSET, CUT_OFF}
    wrong = site.handle(kinds[WRONG_CHARSET].url_path, BASE)
    assert wrong.content_type == "text/html"
    assert b'<meta charset="utf-8"' in wrong.body
    try:
        wrong.body.decode("utf-8")
        raise AssertionError("the wrong-charset page must not be valid UTF-8")
    except UnicodeDecodeError:
        pass
    truncated = site.handle(kinds[TRUNCATED].url_path, BASE).body.decode()
    assert "</html>" not in truncated and BODY_END not in truncated
    cut = kinds[CUT_OFF]
    assert cut.url_path not in {e["url_path"] for e in site.manifest()}
    page = site.handle(cut.url_path, BASE).body.decode()
    first = site.catalog.body(cut)[0].text
    assert first not in page and cut.title in page  # title in <head> only, no story


def test_big_site_is_rendered_lazily() -> None:
    tracemalloc.start()
    try:
        big = DemoSite(articles=20_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000  # no per-article objects are built up front
    newest = next(big.manifest())
    assert newest["id"] == 19_999
    assert big.handle(newest["url_path"], BASE).status == 200
    oldest = big.catalog.get(big.catalog.id_of("courier", 0))
    assert oldest.section.slug == "local"
    assert big.handle(oldest.url_path, BASE).status == 200
    # the last page of a section lists its oldest articles
    section = big.handle("/courier/local/page/84/", BASE)
    assert section.status == 200 and oldest.url_path.encode() in section.body
    assert big.handle("/courier/local/page/85/", BASE).status == 404
    entries = list(islice(big.manifest(), 200))  # a generator: nothing else is built
    assert [e["id"] for e in entries] == sorted((e["id"] for e in entries), reverse=True)
    cut_offs = sum(1 for i in big.catalog.iter_ids("magazine")
                   if big.catalog.get(i).broken == CUT_OFF)
    assert 20_000 // 12 * 3 // 40 <= cut_offs <= 20_000 // 12 * 3 // 40 + 1
    info = big.catalog.spec.cache_info()
    assert info.currsize <= (info.maxsize or 0) < 20_000
