"""Page loading for label / explain: files, gzip, size cap, and the address policy."""

from __future__ import annotations

import gzip
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.labelling.sources import SourceError, load_page
from crawler.middlewares.safety import AddressPolicy, parse_allowed_networks


@pytest.fixture()
def redirecting_server() -> Iterator[tuple[int, int]]:
    """Two local servers: the first redirects /go to the second, which serves a page."""
    servers = []

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<html><body><p>hello</p></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=iso-8859-1")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    target = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    target_port = target.server_address[1]

    class Redirect(Page):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{target_port}/page")
            self.send_header("Content-Length", "0")
            self.end_headers()

    first = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    servers = [first, target]
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    try:
        yield first.server_address[1], target_port
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def test_redirects_are_checked_against_the_policy(redirecting_server: tuple[int, int]) -> None:
    first, second = redirecting_server
    url = f"http://127.0.0.1:{first}/go"
    with pytest.raises(SourceError, match="loopback"):
        load_page(url)  # default policy: public addresses only
    only_first = AddressPolicy(allowed_networks=parse_allowed_networks(f"127.0.0.1:{first}"))
    with pytest.raises(SourceError, match="loopback"):
        load_page(url, policy=only_first)  # the redirect target is not allowed
    both = AddressPolicy(allowed_networks=parse_allowed_networks(
        f"127.0.0.1:{first},127.0.0.1:{second}"))
    page = load_page(url, policy=both)
    assert page.url == f"http://127.0.0.1:{second}/page"
    assert page.http_charset == "iso-8859-1" and b"hello" in page.body


def test_files_gzip_size_cap_and_schemes(tmp_path: Path) -> None:
    plain = tmp_path / "p.html"
    plain.write_bytes(b"<p>plain</p>")
    packed = tmp_path / "p.html.gz"
    packed.write_bytes(gzip.compress(b"<p>packed</p>"))
    assert load_page(str(plain)).body == b"<p>plain</p>"
    assert load_page(str(packed)).body == b"<p>packed</p>"
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"x" * 100_000))
    with pytest.raises(SourceError, match="larger than"):
        load_page(str(bomb), max_bytes=1_000)
    with pytest.raises(SourceError):
        load_page(str(tmp_path / "missing.html"))
    with pytest.raises(SourceError, match="only http"):
        load_page("ftp://example.test/page.html")
