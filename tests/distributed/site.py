"""A generated link-only news site served on port 0 (for crawl tests and benchmarks).

``/`` lists the section pages ``/s/<k>``; each section lists its articles ``/a/<n>``.
Pages send ETag / Last-Modified and answer conditional requests with 304.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PER_SECTION = 50


def article_html(n: int, edition: int = 0) -> str:
    extra = f"<p>Update number {edition} to this story.</p>" if edition else ""
    return (f"<html><head><title>Story {n}</title></head><body><h1>Story {n}</h1>"
            f"<p>This is the invented text of story number {n}. It says very little.</p>"
            f"{extra}</body></html>")


class Site:
    def __init__(self, articles: int) -> None:
        self.articles = articles
        self.editions: dict[int, int] = {}
        self.requests: list[tuple[str, int]] = []
        self.lock = threading.Lock()

    def page(self, path: str) -> str | None:
        sections = (self.articles + PER_SECTION - 1) // PER_SECTION
        if path == "/":
            links = "".join(f'<a href="/s/{k}">section {k}</a> ' for k in range(sections))
            return f"<html><body>{links}</body></html>"
        kind, _, num = path.strip("/").partition("/")
        if not num.isdigit():
            return None
        n = int(num)
        if kind == "s" and n < sections:
            first = n * PER_SECTION
            # an edited story shows up on its section page (as "updated" on real sites)
            links = "".join(f'<a href="/a/{i}">story {i}{" (updated)" * bool(self.editions.get(i))}</a> '
                            for i in range(first, min(first + PER_SECTION, self.articles)))
            return f"<html><body>{links}</body></html>"
        if kind == "a" and n < self.articles:
            return article_html(n, self.editions.get(n, 0))
        return None


@contextmanager
def serve(site: Site) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = site.page(self.path)
            if body is None:
                self.send_error(404)
                with site.lock:
                    site.requests.append((self.path, 404))
                return
            data = body.encode()
            etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
            status = 304 if self.headers.get("If-None-Match") == etag else 200
            with site.lock:
                site.requests.append((self.path, status))
            self.send_response(status)
            self.send_header("ETag", etag)
            if status == 200:
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if status == 200:
                self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
