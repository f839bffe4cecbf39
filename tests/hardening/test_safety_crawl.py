"""A real crawl fed links, feed entries, sitemap entries and redirects to disallowed addresses.

Only the test server's own 127.0.0.1:port is allowed. The crawl runs in a subprocess
(tests/hardening/crawl_probe.py) whose DNS is faked and whose every TCP connection is recorded
(and kept on this machine even if the middleware failed). The test asserts that nothing was
attempted: no connection but to the test server, none seen by a second loopback listener, and
each refusal counted by reason.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.hardening import hostile_docs as hd
from tests.hardening.listeners import accepted_connections, loopback_listener

REPO = Path(__file__).resolve().parents[2]
FAKE_DNS = {
    "metadata.evil.test": ["169.254.169.254"],
    "intranet.evil.test": ["10.0.0.1"],
    "sneaky.evil.test": ["127.0.0.1"],
}


def bad_urls(guard: int) -> list[str]:
    return [
        f"http://127.0.0.1:{guard}/other-port", "http://10.0.0.1/private",
        "http://169.254.169.254/latest/meta-data/", f"http://[::1]:{guard}/v6-loopback",
        "http://[::ffff:10.0.0.1]/mapped", "http://2130706433/decimal", "http://0x7f.1/hex",
        "http://0.0.0.0/unspecified", "http://224.0.0.1/multicast",
        "file:///etc/passwd", "ftp://127.0.0.1/pub", "data:text/html,hi",
        "http://metadata.evil.test/", "http://intranet.evil.test/",
        f"http://sneaky.evil.test:{guard}/",
    ]


class Site:
    """The test server's pages; every request path it serves is recorded."""

    def __init__(self, guard: int) -> None:
        self.guard = guard
        self.paths: list[str] = []
        self.port = 0
        self.bomb = hd.gzip_bomb(200 * 1024 * 1024)

    def page(self, path: str) -> tuple[int, dict[str, str], bytes]:
        base = f"http://127.0.0.1:{self.port}"
        bad = bad_urls(self.guard)
        redirects = {
            "/redirect-private": "http://10.0.0.1/x",
            "/redirect-loopback": f"http://127.0.0.1:{self.guard}/x",
            "/redirect-metadata": "http://169.254.169.254/latest/meta-data/",
            "/redirect-name": "http://intranet.evil.test/",
            "/redirect-file": "file:///etc/passwd",
        }
        if path in redirects:
            return 302, {"Location": redirects[path]}, b""
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, (
                "User-agent: *\nAllow: /\nSitemap: http://10.0.0.1/sitemap.xml\n"
                f"Sitemap: {base}/sitemap.xml\nSitemap: {base}/sitemap-a.xml\n"
                f"Sitemap: {base}/sitemap-bomb.xml.gz\n").encode()
        if path == "/sitemap-bomb.xml.gz":  # 200 MB of zeros, 200 KB on the wire
            return 200, {"Content-Type": "application/x-gzip"}, self.bomb
        if path == "/feed.xml":
            items = "".join(f"<item><title>t</title><link>{u}</link></item>"
                            for u in [*bad, f"{base}/news/2026/ok-story"])
            return 200, {"Content-Type": "application/rss+xml"}, (
                f'<rss version="2.0"><channel><title>f</title>{items}</channel></rss>').encode()
        if path == "/sitemap.xml":
            locs = "".join(f"<url><loc>{u}</loc></url>" for u in [*bad, *(
                f"{base}{p}" for p in redirects)])
            return 200, {"Content-Type": "application/xml"}, (
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"{locs}</urlset>").encode()
        if path in ("/sitemap-a.xml", "/sitemap-b.xml"):  # an index loop: a -> b -> a
            other = "/sitemap-b.xml" if path == "/sitemap-a.xml" else "/sitemap-a.xml"
            return 200, {"Content-Type": "application/xml"}, (
                '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{base}{other}</loc></sitemap>"
                f"<sitemap><loc>{base}{path}</loc></sitemap></sitemapindex>").encode()
        if path == "/meta-refresh":
            return 200, {"Content-Type": "text/html"}, (
                b'<html><head><meta http-equiv="refresh" content="0;url=http://10.0.0.1/">'
                b"</head><body>moved</body></html>")
        if path in ("/", "/index.html"):
            links = "".join(f'<li><a href="{u}">x</a></li>' for u in [
                *bad, *redirects, "/meta-refresh", "/news/2026/ok-story"])
            return 200, {"Content-Type": "text/html"}, (
                '<html><head><link rel="alternate" type="application/rss+xml" '
                f'href="/feed.xml"></head><body><ul>{links}</ul>'
                f'<img src="http://169.254.169.254/pixel.gif"></body></html>').encode()
        if path == "/news/2026/ok-story":
            return 200, {"Content-Type": "text/html"}, (
                b"<html><body><article><h1>A story</h1><p>" + b"Words of the story. " * 30
                + b"</p></article></body></html>")
        return 404, {"Content-Type": "text/plain"}, b"not found"


@pytest.fixture
def guard() -> Iterator[socket.socket]:
    """A second loopback listener: any connection to it means a refusal failed."""
    with loopback_listener() as sock:
        yield sock


@pytest.fixture
def site(guard: socket.socket) -> Iterator[Site]:
    state = Site(guard.getsockname()[1])

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.paths.append(self.path)
            status, headers, body = state.page(self.path)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def run_probe(tmp_path: Path, site: Site, spider: str, spider_args: dict[str, str],
              extra: dict[str, Any] | None = None) -> dict[str, Any]:
    settings = {
        "NEWSCRAWL_ALLOWED_NETWORKS": f"127.0.0.1:{site.port}",
        "NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES": False,
        "DOWNLOAD_TIMEOUT": 10, "DNS_TIMEOUT": 5, "RETRY_ENABLED": False,
        "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "LOG_LEVEL": "INFO",
        "ROBOTSTXT_OBEY": True, "NEWSCRAWL_STATE_DIR": str(tmp_path / "state"),
        "NEWSCRAWL_OUTPUT_DIR": str(tmp_path / "out"), "NEWSCRAWL_EXTRACT_WORKERS": -1,
        "CLOSESPIDER_TIMEOUT": 60,
    }
    settings.update(extra or {})
    out = tmp_path / "report.json"
    config = {"settings": settings, "spider": spider, "spider_args": spider_args,
              "dns": FAKE_DNS, "guard_port": site.guard, "allowed_ports": [site.port],
              "out": str(out)}
    config_path = tmp_path / "config.json"
    config_path.write_text(json.dumps(config))
    proc = subprocess.run([sys.executable, "-m", "tests.hardening.crawl_probe", str(config_path)],
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                          capture_output=True, text=True, timeout=150, check=False)
    assert proc.returncode == 0 and out.exists(), proc.stderr[-4000:]
    report = json.loads(out.read_text())
    report["log"] = proc.stderr
    return report


def refused(stats: dict[str, Any], reason: str) -> int:
    return int(stats.get(f"newscrawl/safety/refused/{reason}", 0))


def assert_nothing_disallowed_was_attempted(report: dict[str, Any], site: Site,
                                            guard: socket.socket) -> None:
    assert report["connects"], "the crawl made no connection at all"
    assert {(host, port) for host, port in report["connects"]} == {("127.0.0.1", site.port)}
    assert accepted_connections(guard) == 0
    assert not [p for p in site.paths if p.startswith("/x")]


def test_probe_crawl_refuses_every_disallowed_target(tmp_path: Path, site: Site,
                                                     guard: socket.socket) -> None:
    base = f"http://127.0.0.1:{site.port}"
    report = run_probe(tmp_path, site, "probe", {
        "start": f"{base}/,{base}/feed.xml,{base}/sitemap.xml,http://10.0.0.1/start"})
    assert_nothing_disallowed_was_attempted(report, site, guard)
    stats = report["stats"]
    for reason in ("loopback", "private", "link-local", "scheme", "unspecified", "multicast"):
        assert refused(stats, reason) >= 1, (reason, stats)
    # every redirect reached us and its target was refused
    assert {"/redirect-private", "/redirect-loopback", "/redirect-metadata", "/redirect-name",
            "/redirect-file", "/meta-refresh", "/news/2026/ok-story"} <= set(site.paths)
    # host names were checked through (fake) DNS, and only the middleware's checks and the
    # allowed server are what the crawl talked to
    assert {"metadata.evil.test", "intranet.evil.test", "sneaky.evil.test"} <= set(
        report["lookups"])
    assert "newscrawl safety" in report["log"] or refused(stats, "loopback") > 0


def test_news_spider_crawl_refuses_every_disallowed_target(tmp_path: Path, site: Site,
                                                           guard: socket.socket) -> None:
    base = f"http://127.0.0.1:{site.port}"
    report = run_probe(tmp_path, site, "news", {"site": f"{base}/"})
    assert_nothing_disallowed_was_attempted(report, site, guard)
    stats = report["stats"]
    # Other hosts are dropped by the spider's offsite filter before they are scheduled; the
    # same host on another port (link and redirect) is the safety middleware's to refuse.
    assert refused(stats, "loopback") >= 1
    assert "/redirect-loopback" in site.paths
    assert "/robots.txt" in site.paths and "/sitemap.xml" in site.paths
    # the gzip bomb sitemap was fetched, refused and counted; the crawl went on
    assert "/sitemap-bomb.xml.gz" in site.paths
    assert stats.get("newscrawl/skipped/bad_sitemap", 0) >= 1
    # the sitemap index loop a -> b -> a ends: each fetched once
    assert site.paths.count("/sitemap-a.xml") == 1
    assert site.paths.count("/sitemap-b.xml") == 1


@pytest.mark.slow
def test_domain_budget_stops_a_crawl(tmp_path: Path, site: Site, guard: socket.socket) -> None:
    base = f"http://127.0.0.1:{site.port}"
    report = run_probe(tmp_path, site, "probe", {"start": f"{base}/"},
                       {"NEWSCRAWL_DOMAIN_BUDGET": 3, "ROBOTSTXT_OBEY": False})
    assert len(site.paths) == 3
    assert refused(report["stats"], "budget") >= 1
    assert_nothing_disallowed_was_attempted(report, site, guard)
