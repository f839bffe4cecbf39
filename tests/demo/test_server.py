"""The demo server: every article served and linked, robots/sitemaps/feeds well-formed, 304s."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from urllib.robotparser import RobotFileParser

import pytest
from lxml import etree, html

from crawler.demo import DemoServer, DemoSite
from tests.demo.helpers import SITEMAP_NS, fetch, links, path_of, sitemap_locs


def _section_pages(server: DemoServer, site: DemoSite) -> dict[str, bytes]:
    """Every home and section page (following pagination), by URL."""
    pages: dict[str, bytes] = {}
    queue = [server.publisher_url(p.key) for p in site.publishers]
    while queue:
        url = queue.pop()
        if url in pages:
            continue
        got = fetch(url)
        assert got.status == 200, url
        pages[url] = got.body
        doc = html.fromstring(got.body)
        nav = doc.xpath('//nav[contains(@class,"primary-nav") or contains(@class,"pagination")]'
                        '//a/@href | //table[@class="section-nav"]//a/@href | //p[@class="pager"]'
                        '//a/@href | //ul[@id="primary-menu"]//a/@href | //nav[contains(@class,'
                        '"posts-navigation")]//a/@href | //a[@class="q-r1" or @class="q-2m"]/@href')
        for href in nav:
            target = server.url.rstrip("/") + href if href.startswith("/") else href
            if "/category/" in target or "/s/" in target or target.count("/") <= 5:
                queue.append(target)
    return pages


def _sitemap_urls(server: DemoServer) -> list[str]:
    robots = fetch(server.url + "robots.txt").body.decode()
    queue = [line.split(": ", 1)[1] for line in robots.splitlines() if line.startswith("Sitemap:")]
    found: list[str] = []
    while queue:
        url = queue.pop()
        got = fetch(url)
        assert got.status == 200, url
        body = gzip.decompress(got.body) if got.body[:2] == b"\x1f\x8b" else got.body
        root = etree.fromstring(body)
        locs = sitemap_locs(body)
        if root.tag.endswith("sitemapindex"):
            queue += locs
        else:
            found += locs
    return found


def test_every_manifest_article_is_served_and_linked(site: DemoSite, server: DemoServer) -> None:
    manifest = list(site.manifest())
    linked = {path_of(u) for url, body in _section_pages(server, site).items()
              for u in links(url, body)}
    in_sitemaps = {path_of(u) for u in _sitemap_urls(server)}
    for entry in manifest:
        got = fetch(server.url.rstrip("/") + entry["url_path"])
        assert got.status == 200, entry["url_path"]
        assert got.content_type.startswith("text/html")
        assert entry["url_path"] in linked  # every article can be found by links alone
        assert ("sitemap" in entry["routes"]) == (entry["url_path"] in in_sitemaps)


def test_robots_txt_names_sitemaps_and_forbids_drafts(site: DemoSite, server: DemoServer) -> None:
    text = fetch(server.url + "robots.txt").body.decode()
    robots = RobotFileParser()
    robots.parse(text.splitlines())
    assert sorted(path_of(u) for u in robots.site_maps() or []) == [
        "/courier/sitemap.xml", "/daily/news-sitemap.xml", "/daily/sitemap-index.xml",
        "/magazine/sitemap.xml.gz"]
    home = fetch(server.publisher_url("daily"))
    drafts = [u for u in links(server.publisher_url("daily"), home.body) if "/preview/" in u]
    assert drafts
    for url in drafts:
        assert not robots.can_fetch("newscrawl", url)
        draft = html.fromstring(fetch(url).body)  # looks like an article: a real trap
        assert draft.xpath('//meta[@property="og:type"]/@content') == ["article"]
    article = next(site.manifest(base=server.url.rstrip("/")))["url"]
    assert robots.can_fetch("newscrawl", article)
    courier = next(e for e in site.manifest(base=server.url.rstrip("/"))
                   if e["publisher"] == "courier")
    prints = [u for u in links(courier["url"], fetch(courier["url"]).body) if "/print/" in u]
    assert prints and not robots.can_fetch("newscrawl", prints[0])


def test_ports_layout_gives_each_publisher_its_own_robots(site: DemoSite) -> None:
    with DemoServer(site, layout="ports") as server:
        hosts = {key: server.host_url(key) for key in ("daily", "courier", "magazine", "quill")}
        assert len(set(hosts.values())) == 4
        daily = fetch(hosts["daily"] + "robots.txt").body.decode()
        assert "/daily/sitemap-index.xml" in daily and "/courier/" not in daily
        assert "Sitemap:" not in fetch(hosts["quill"] + "robots.txt").body.decode()
        root = fetch(hosts["courier"])
        assert root.status == 301 and root.headers["location"] == "/courier/"
        assert fetch(hosts["courier"] + "daily/").status == 404
        entry = next(site.manifest(publisher="magazine"))
        assert fetch(hosts["magazine"].rstrip("/") + entry["url_path"]).status == 200


def test_sitemaps_are_well_formed(site: DemoSite, server: DemoServer) -> None:
    index = fetch(server.url + "daily/sitemap-index.xml")
    assert index.content_type == "application/xml; charset=utf-8"
    chunks = sitemap_locs(index.body)
    assert any(c.endswith(".xml.gz") for c in chunks)
    gz = fetch(next(c for c in chunks if c.endswith(".gz")))
    assert gz.content_type == "application/gzip" and gz.body[:2] == b"\x1f\x8b"
    root = etree.fromstring(gzip.decompress(gz.body))
    assert root.findall("sm:url/sm:lastmod", SITEMAP_NS)
    news = etree.fromstring(fetch(server.url + "daily/news-sitemap.xml").body)
    entries = news.findall("sm:url", SITEMAP_NS)
    assert entries
    for url in entries:
        date = url.findtext("news:news/news:publication_date", namespaces=SITEMAP_NS)
        assert date and datetime.fromisoformat(date).tzinfo is not None
        assert url.findtext("news:news/news:title", namespaces=SITEMAP_NS)
    news_paths = {path_of(u.findtext("sm:loc", namespaces=SITEMAP_NS) or "") for u in entries}
    assert {e["url_path"] for e in site.manifest() if "news" in e["routes"]} <= news_paths
    assert all(p.startswith("/daily/") for p in news_paths)
    for url in _sitemap_urls(server):
        status = fetch(url, method="HEAD").status
        assert status == 200, url


def test_feeds_are_well_formed_and_autodiscoverable(site: DemoSite, server: DemoServer) -> None:
    base = server.url.rstrip("/")
    expected = {
        "daily": ("application/rss+xml", "//item/link/text()"),
        "courier": ("application/rss+xml", "//item/link/text()"),
        "magazine": ("application/atom+xml", "//a:entry/a:link/@href"),
        "quill": ("application/feed+json", None),
    }
    for key, (mime, xpath) in expected.items():
        home = html.fromstring(fetch(server.publisher_url(key)).body)
        feed_paths = home.xpath(f'//link[@rel="alternate"][@type="{mime}"]/@href')
        assert len(feed_paths) == 1, key
        got = fetch(base + feed_paths[0])
        assert got.content_type == f"{mime}; charset=utf-8"
        if xpath is None:
            urls = [item["url"] for item in json.loads(got.body)["items"]]
        else:
            root = etree.fromstring(got.body)
            urls = root.xpath(xpath, namespaces={"a": "http://www.w3.org/2005/Atom"})
        assert len(urls) == min(20, site.catalog.publisher_count(key))
        manifest_feed = {e["url_path"] for e in site.manifest(publisher=key) if "feed" in e["routes"]}
        assert {path_of(u) for u in urls} >= manifest_feed


@pytest.mark.parametrize("path", ["daily/rss.xml", "daily/sitemap-index.xml",
                                  "magazine/sitemap.xml.gz", "quill/feed.json", "daily/"])
def test_conditional_get_answers_304(server: DemoServer, path: str) -> None:
    url = server.url + path
    first = fetch(url)
    etag, last_modified = first.headers["etag"], first.headers["last-modified"]
    assert fetch(url, {"If-None-Match": etag}).status == 304
    assert fetch(url, {"If-None-Match": '"something-else"'}).status == 200
    assert fetch(url, {"If-Modified-Since": last_modified}).status == 304
    earlier = datetime.now(timezone.utc) - timedelta(days=3650)
    assert fetch(url, {"If-Modified-Since": format_datetime(earlier, usegmt=True)}).status == 200
    not_modified = fetch(url, {"If-None-Match": etag})
    assert not_modified.body == b"" and not_modified.headers["etag"] == etag


def test_article_conditional_get(site: DemoSite, server: DemoServer) -> None:
    entry = next(site.manifest(base=server.url.rstrip("/")))
    first = fetch(entry["url"])
    assert fetch(entry["url"], {"If-None-Match": first.headers["etag"]}).status == 304
    modified = datetime.fromisoformat(entry["modified"])
    assert first.headers["last-modified"] == format_datetime(
        modified.astimezone(timezone.utc), usegmt=True)


def test_redirects_404_and_binary_files(site: DemoSite, server: DemoServer) -> None:
    base = server.url.rstrip("/")
    daily = next(e for e in site.manifest() if e["publisher"] == "daily")
    moved = fetch(f"{base}/daily/story.php?id={daily['id']}")
    assert moved.status == 301 and moved.headers["location"] == daily["url_path"]
    magazine = next(e for e in site.manifest() if e["publisher"] == "magazine")
    slashless = fetch(base + magazine["url_path"].rstrip("/"))
    assert slashless.status == 301 and slashless.headers["location"] == magazine["url_path"]
    home = fetch(server.publisher_url("daily"))
    targets = links(server.publisher_url("daily"), home.body)
    assert any(fetch(u).status == 404 for u in targets if "withdrawn" in u)
    assert fetch(base + "/no/such/page").status == 404
    courier_home = links(server.publisher_url("courier"), fetch(server.publisher_url("courier")).body)
    pdf = fetch(next(u for u in courier_home if u.endswith(".pdf")))
    assert pdf.content_type == "application/pdf" and pdf.body.startswith(b"%PDF-1.4")
    image = fetch(next(u for u in targets if u.endswith(".png")))
    assert image.content_type == "image/png" and image.body.startswith(b"\x89PNG")
    garbage = fetch(next(u for u in courier_home if "e-edition" in u))
    assert garbage.content_type == "text/html" and b"\x00" in garbage.body


def test_request_log_records_paths_statuses_and_kinds(server: DemoServer) -> None:
    server.clear_log()
    fetch(server.url + "robots.txt")
    fetch(server.url + "daily/preview/draft-1", {"User-Agent": "test-agent"})
    fetch(server.url + "nothing-here")
    log = server.log
    assert [(r.path, r.status, r.kind) for r in log] == [
        ("/robots.txt", 200, "robots"), ("/daily/preview/draft-1", 200, "disallowed"),
        ("/nothing-here", 404, "not-found")]
    assert log[1].user_agent == "test-agent"
    assert server.fetched_paths(kind="disallowed") == ["/daily/preview/draft-1"]


def test_edit_changes_page_etag_lastmod_feed_and_manifest() -> None:
    site = DemoSite(articles=36)
    with DemoServer(site) as server:
        base = server.url.rstrip("/")
        entry = next(site.manifest(publisher="daily"))
        url = base + entry["url_path"]
        before = fetch(url)
        feed_before = fetch(base + "/daily/rss.xml")
        when = datetime(2026, 11, 21, 8, 30, tzinfo=timezone.utc)
        new = site.edit_article(entry["url_path"], "A corrected first paragraph.\n\n"
                                "## New section\n\nAnd a second one.", modified=when)
        assert new["body"] == "A corrected first paragraph.\n\nNew section\n\nAnd a second one."
        assert new["modified"] == when.isoformat()
        after = fetch(url, {"If-None-Match": before.headers["etag"]})
        assert after.status == 200 and after.headers["etag"] != before.headers["etag"]
        assert b"A corrected first paragraph." in after.body
        assert after.headers["last-modified"] == format_datetime(when, usegmt=True)
        feed = fetch(base + "/daily/rss.xml", {"If-None-Match": feed_before.headers["etag"]})
        assert feed.status == 200  # the entry's description changed
        chunk = fetch(base + "/daily/sitemaps/articles-1.xml.gz")
        root = etree.fromstring(gzip.decompress(chunk.body))
        lastmods = {u.findtext("sm:loc", namespaces=SITEMAP_NS): u.findtext(
            "sm:lastmod", namespaces=SITEMAP_NS) for u in root.findall("sm:url", SITEMAP_NS)}
        assert lastmods[url] == when.isoformat()
        assert next(site.manifest(publisher="daily"))["body"] == new["body"]
        other = next(e for e in site.manifest(base=base) if e["url_path"] != entry["url_path"])
        assert fetch(other["url"]).status == 200


def test_added_articles_show_up_everywhere() -> None:
    site = DemoSite(articles=24)
    with DemoServer(site) as server:
        base = server.url.rstrip("/")
        home_before = fetch(base + "/daily/")
        added = site.add_articles(12)
        assert len(added) == 12
        newest_daily = next(e for e in added if e["publisher"] == "daily")
        assert fetch(base + newest_daily["url_path"]).status == 200
        home = fetch(base + "/daily/", {"If-None-Match": home_before.headers["etag"]})
        assert home.status == 200 and newest_daily["url_path"].encode() in home.body
        assert newest_daily["url_path"] in {path_of(u) for u in _sitemap_urls(server)}
        assert next(site.manifest())["published"] >= newest_daily["published"]


def test_routes_can_be_switched_off() -> None:
    site = DemoSite(articles=24, routes={"links"})
    with DemoServer(site) as server:
        assert "Sitemap:" not in fetch(server.url + "robots.txt").body.decode()
        assert fetch(server.url + "daily/rss.xml").status == 404
        assert fetch(server.url + "daily/sitemap-index.xml").status == 404
        assert b'rel="alternate"' not in fetch(server.url + "daily/").body
        assert {tuple(e["routes"]) for e in site.manifest()} == {("links",)}
