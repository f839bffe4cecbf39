"""``scrapy label URL|FILE -o FIXTURE``: pre-labelled fixtures from files and local URLs."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from classifier import extract, load_model, read_fixture
from tests.tools.conftest import run_scrapy
from tests.tools.pages import article_html


@pytest.fixture()
def page_server(tmp_path: Path) -> Iterator[str]:
    """A local HTTP server on port 0 serving one article page."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "story.html").write_text(article_html("gazette", 4), encoding="utf-8")

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(site), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/story.html"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_label_file_writes_prelabelled_fixture(tmp_path: Path, tiny_model: Path) -> None:
    page = tmp_path / "incoming.html"
    html = article_html("blogpress", 7).replace(' data-label="content"', "").replace(
        ' data-label="ad"', "").replace(' data-label="paywall"', "")
    page.write_text(html, encoding="utf-8")
    out = tmp_path / "mysite" / "first.html"
    code = run_scrapy("label", str(page), "-o", str(out), "--model", str(tiny_model),
                      "--url", "http://mysite.test/first")
    assert code == 0
    fixture = read_fixture(out)
    predicted = extract(html, model=load_model(tiny_model))
    assert list(fixture.labels) == [b.label for b in predicted.blocks]
    assert {"content", "navigation"} <= set(fixture.labels)
    assert fixture.template == "mysite" and fixture.source == "scrapy-label"
    assert fixture.url == "http://mysite.test/first"
    # an existing fixture is not overwritten without --force
    before = out.read_bytes()
    assert run_scrapy("label", str(page), "-o", str(out), "--model", str(tiny_model)) == 2
    assert out.read_bytes() == before


def test_label_url_respects_private_address_setting(tmp_path: Path, tiny_model: Path,
                                                    page_server: str) -> None:
    refused = tmp_path / "refused.html"
    assert run_scrapy("label", page_server, "-o", str(refused), "--model", str(tiny_model)) == 1
    assert not refused.exists()
    out = tmp_path / "fetched" / "story.html"
    code = run_scrapy("label", page_server, "-o", str(out), "--model", str(tiny_model),
                      "-s", "NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES=1", "--template", "gazette")
    assert code == 0
    fixture = read_fixture(out)
    assert fixture.url == page_server and fixture.template == "gazette"
    assert "content" in fixture.labels


def test_label_reports_unreadable_input(tmp_path: Path, tiny_model: Path) -> None:
    out = tmp_path / "x.html"
    assert run_scrapy("label", str(tmp_path / "missing.html"), "-o", str(out),
                      "--model", str(tiny_model)) == 1
    broken = tmp_path / "broken.skops"
    broken.write_bytes(b"not a model")
    page = tmp_path / "p.html"
    page.write_text(article_html("gazette", 1), encoding="utf-8")
    assert run_scrapy("label", str(page), "-o", str(out), "--model", str(broken)) == 2
    assert not out.exists()
