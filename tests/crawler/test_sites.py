"""The sites file (TOML and YAML)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.sites import SitesFileError, load_sites, site_from_url

TOML = """
[[site]]
name = "gazette"
start_urls = ["https://www.gazette.example/"]
feeds = ["https://www.gazette.example/rss.xml"]
article_patterns = ['/\\d{4}/\\d{2}/']
interval = "30m"
owner = "desk-a"

[[site]]
start_urls = "https://herald.example/news/"
allowed_domains = ["herald.example", "cdn.herald.example"]
cron = "*/15 * * * *"
"""

YAML = """
sites:
  - name: gazette
    start_urls: [https://gazette.example/]
    sitemaps: [https://gazette.example/sitemap.xml]
    interval: 600
"""


def test_toml(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(TOML)
    first, second = load_sites(path)
    assert first.name == "gazette" and first.allowed_domains == ("gazette.example",)
    assert first.feeds == ("https://www.gazette.example/rss.xml",)
    assert first.compiled_patterns()[0].search("https://gazette.example/2024/05/x")
    assert first.interval == "30m" and first.extra == {"owner": "desk-a"}
    assert second.name == "herald.example" and second.cron == "*/15 * * * *"
    assert second.allowed_domains == ("herald.example", "cdn.herald.example")


def test_yaml(tmp_path: Path) -> None:
    path = tmp_path / "sites.yaml"
    path.write_text(YAML)
    (site,) = load_sites(path)
    assert site.sitemaps == ("https://gazette.example/sitemap.xml",) and site.interval == "600"


@pytest.mark.parametrize(("text", "message"), [
    ("[[site]]\nname = 'x'\n", "start_urls"),
    ("[[site]]\nstart_urls = ['ftp://x.example/']\n", "start_urls"),
    ("[[site]]\nstart_urls = ['https://x.example/']\narticle_patterns = ['(']\n", "bad article pattern"),
    ("[[site]]\nstart_urls = ['https://x.example/']\nfeeds = ['file:///etc/passwd']\n", "feeds"),
    ("title = 'no sites'\n", "no sites"),
    ("[[site]\n", "cannot parse"),
    ("[[site]]\nstart_urls = ['https://x.example/']\n[[site]]\nstart_urls = ['https://x.example/a']\n",
     "duplicate"),
])
def test_errors_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(text)
    with pytest.raises(SitesFileError, match=message):
        load_sites(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SitesFileError, match="cannot read"):
        load_sites(tmp_path / "nope.toml")


def test_site_from_url() -> None:
    site = site_from_url("https://www.n.example/home")
    assert (site.name, site.start_urls, site.allowed_domains) == (
        "n.example", ("https://www.n.example/home",), ("n.example",))
    with pytest.raises(SitesFileError):
        site_from_url("not a url")
