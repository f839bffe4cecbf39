"""A tiny generated news site for crawler tests, served on 127.0.0.1 port 0 in a thread.

Six articles (two only in the sitemap, two only in the news sitemap, one only in the feed,
one only linked from a section page), a home page, a section page, robots.txt disallowing
/private/, a gzipped sitemap index, a PDF and a 404. All text is written here.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORDS = ["harbour", "council", "weather", "market", "river", "school", "bridge", "festival", "library", "garden", "railway", "orchestra", "museum", "ferry", "village", "mayor", "budget", "election", "storm", "bakery"]


def _paragraphs(seed: int, n: int = 5) -> list[str]:
    out = []
    for p in range(n):
        words = [WORDS[(seed * 7 + p * 3 + i * 5) % len(WORDS)] for i in range(40)]
        out.append(" ".join(words).capitalize() + ".")
    return out


ARTICLES = {
    "/news/2024/05/harbour-council-approves-new-ferry-plan": ("sitemap", "2024-05-03T08:00:00Z", "free"),
    "/news/2024/05/school-garden-wins-regional-prize-today": ("sitemap", "2024-05-02T08:00:00Z", "free"),
    "/news/2024/05/storm-closes-railway-bridge-for-repairs": ("news", "2024-05-05T09:30:00Z", "hard"),
    "/news/2024/05/mayor-presents-budget-for-next-year": ("news", "2024-05-04T10:00:00Z", "metered"),
    "/news/2024/05/bakery-festival-draws-record-crowds-again": ("feed", "2024-05-01T07:00:00Z", "free"),
    "/local/village-library-extends-opening-hours-this-summer": ("links", None, "free"),
    "/private/orchestra-plans-secret-concert-in-museum": ("links", None, "free"),
}


def article_html(path: str, seed: int, paywall: str) -> str:
    title = path.rsplit("/", 1)[-1].replace("-", " ").capitalize()
    paras = _paragraphs(seed)
    wall = ""
    ld_free = "true"
    if paywall != "free":
        paras = paras[:2]
        paras[-1] = paras[-1][:-1] + "..."
        ld_free = "false"
        wall = ('<div class="paywall"><p>You have 2 free articles left this month. Subscribe '
                'to keep reading.</p></div>' if paywall == "metered" else
                '<div class="paywall"><p>This story is for subscribers only. Subscribe now.</p></div>')
    body = "".join(f"<p>{p}</p>" for p in paras)
    return f"""<!doctype html><html lang="en"><head><title>{title} | Mini Gazette</title>
<meta property="og:type" content="article"><meta property="og:title" content="{title}">
<link rel="canonical" href="{path}">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "{title}", "datePublished": "2024-05-0{seed % 5 + 1}T08:00:00+02:00",
"author": [{{"@type": "Person", "name": "By Ada Writer"}}], "isAccessibleForFree": {ld_free}
{', "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": false, "cssSelector": ".paywall"}' if paywall != "free" else ""}}}</script>
</head><body><nav><a href="/">Home</a> <a href="/local/">Local</a></nav>
<article><h1>{title}</h1><p class="byline">By Ada Writer</p>{body}{wall}</article>
<aside><h3>Most read</h3><a href="/">Other story</a></aside></body></html>"""


def home_html() -> str:
    return """<!doctype html><html lang="en"><head><title>Mini Gazette</title>
<meta property="og:type" content="website">
<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head>
<body><nav><a href="/">Home</a> <a href="/local/">Local</a> <a href="/about">About</a></nav>
<h1>Mini Gazette</h1><ul><li><a href="/local/">Local news</a></li>
<li><a href="/files/report.pdf">Annual report (PDF)</a></li></ul></body></html>"""


def section_html() -> str:
    links = "".join(f'<li><a href="{p}">{p.rsplit("/", 1)[-1]}</a></li>'
                    for p, (via, _d, _w) in ARTICLES.items() if via == "links")
    return f"""<!doctype html><html lang="en"><head><title>Local | Mini Gazette</title>
<meta property="og:type" content="website"></head><body><nav><a href="/">Home</a></nav>
<h1>Local</h1><ul>{links}<li><a href="/missing-page-that-is-gone">Gone</a></li></ul></body></html>"""


def _urlset(base: str, paths: list[str], news: bool) -> bytes:
    ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news else ""
    entries = []
    for p in paths:
        _via, date, _w = ARTICLES[p]
        extra = (f"<news:news><news:publication><news:name>Mini Gazette</news:name>"
                 f"<news:language>en</news:language></news:publication>"
                 f"<news:publication_date>{date}</news:publication_date>"
                 f"<news:title>{p.rsplit('/', 1)[-1]}</news:title></news:news>") if news else (
                     f"<lastmod>{date}</lastmod>")
        entries.append(f"<url><loc>{base}{p}</loc>{extra}</url>")
    return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9"{ns}>{"".join(entries)}</urlset>').encode()


def routes(base: str) -> dict[str, tuple[str, bytes]]:
    by = {via: [p for p, (v, _d, _w) in ARTICLES.items() if v == via]
          for via in ("sitemap", "news", "feed")}
    pages: dict[str, tuple[str, bytes]] = {
        "/": ("text/html; charset=utf-8", home_html().encode()),
        "/local/": ("text/html; charset=utf-8", section_html().encode()),
        "/robots.txt": ("text/plain", f"User-agent: *\nDisallow: /private/\n"
                                      f"Sitemap: {base}/sitemap_index.xml\n".encode()),
        "/sitemap_index.xml": ("application/xml", (
            f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{base}/sitemap-articles.xml.gz</loc></sitemap>"
            f"<sitemap><loc>{base}/news-sitemap.xml</loc></sitemap>"
            f"<sitemap><loc>{base}/sitemap_index.xml</loc></sitemap></sitemapindex>").encode()),
        "/sitemap-articles.xml.gz": ("application/gzip",
                                     gzip.compress(_urlset(base, by["sitemap"], False))),
        "/news-sitemap.xml": ("application/xml", _urlset(base, by["news"], True)),
        "/feed.xml": ("application/rss+xml", (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Mini Gazette</title>'
            + "".join(f"<item><title>t</title><link>{base}{p}</link>"
                      f"<pubDate>Wed, 01 May 2024 07:00:00 GMT</pubDate></item>" for p in by["feed"])
            + "</channel></rss>").encode()),
        "/files/report.pdf": ("application/pdf", b"%PDF-1.4\n% not a real pdf\n"),
        "/about": ("text/html", b"<html><body><p>About us.</p></body></html>"),
    }
    for seed, (path, (_via, _date, wall)) in enumerate(ARTICLES.items()):
        pages[path] = ("text/html; charset=utf-8", article_html(path, seed, wall).encode())
    return pages


class MiniSite:
    """The running site: ``base`` URL and ``requested`` paths, in order."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.requested: list[str] = []


@contextmanager
def serve() -> Iterator[MiniSite]:
    """Serve the mini site on 127.0.0.1, port 0, in a thread."""
    state: dict[str, dict[str, tuple[str, bytes]]] = {}
    log: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            log.append(self.path)
            page = state["pages"].get(self.path)
            if page is None:
                self.send_response(404)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(b"<html><body>Not found</body></html>")
                return
            self.send_response(200)
            self.send_header("Content-Type", page[0])
            self.send_header("Content-Length", str(len(page[1])))
            self.end_headers()
            self.wfile.write(page[1])

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    state["pages"] = routes(base)
    site = MiniSite(base)
    site.requested = log
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    import time

    with serve() as running:
        print(running.base, flush=True)
        time.sleep(3600)
