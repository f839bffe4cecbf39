"""The README's first command for real: serve the demo site and run `scrapy crawl news` on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.demo import DemoServer, DemoSite, runner


@pytest.mark.slow
def test_real_crawl_of_the_demo_site(tmp_path: Path) -> None:
    site = DemoSite()
    manifest = list(site.manifest())
    with DemoServer(site, layout="ports") as server:
        sites_file = runner.write_sites_file(tmp_path / "sites.yaml", server.publisher_urls)
        log_file = runner.log_path(tmp_path)
        result = runner.run_crawl(
            runner.scrapy_command(tmp_path, sites_file=sites_file, log_file=log_file),
            log_file=log_file, timeout=600)
        log = server.log
    assert result.ok, log_file.read_text()[-3000:]
    # polite: robots.txt read on every host, nothing it forbids fetched
    assert {r.publisher for r in log if r.path == "/robots.txt"} == {
        "daily", "courier", "magazine", "quill"}
    assert not [r.path for r in log if r.kind == "disallowed"]
    # discovery: every article of the manifest was fetched
    fetched = {r.path for r in log if r.status in (200, 304)}
    assert {m["url_path"] for m in manifest} <= fetched
    comparison = runner.compare(runner.read_articles(tmp_path / "articles"), manifest)
    assert not comparison.extra  # no listing, info, draft or broken page written
    assert not comparison.duplicates
    assert len(comparison.found) >= 0.9 * len(manifest)
