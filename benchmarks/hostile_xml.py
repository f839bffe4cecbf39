"""Peak memory of each hostile sitemap / feed case, each parsed in a fresh subprocess.

    python benchmarks/hostile_xml.py            # every case
    python benchmarks/hostile_xml.py --only bomb

The parent writes each payload to a temporary file (so building it costs the child nothing);
the child imports the parser, reads the file, then parses it while a thread samples its RSS
from /proc every millisecond. Printed per case: the outcome, the time, the peak RSS over the
child's baseline (target < 100 MB), the whole child's peak RSS and the tracemalloc peak
(Python allocations only, with ``--tracemalloc``; libxml2 and zlib allocate outside it).
The peak is the kernel's VmHWM after resetting it just before the parse (exact), else the
sampled RSS. A case whose parse raises
anything but the documented XmlError counts as a failure. The last cases feed a gzip bomb
(Content-Encoding) to Scrapy's HttpCompressionMiddleware under the crawler's DOWNLOAD_MAXSIZE.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

LIMIT_MB = 100.0

_CHILD = r"""
import json, os, sys, threading, time, tracemalloc
sys.path.insert(0, sys.argv[3])
PAGE = os.sysconf("SC_PAGE_SIZE")
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE
kind, path, use_tracemalloc = sys.argv[1], sys.argv[2], sys.argv[4] == "1"
from crawler.discovery.feeds import parse_feed
from crawler.discovery.sitemaps import parse_sitemap
from crawler.discovery.xmlsafe import XmlError
data = open(path, "rb").read()
if kind == "http-gzip":
    from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
    from scrapy.http import Request, Response
    from scrapy.utils.test import get_crawler
    from crawler import settings as project
    crawler = get_crawler(settings_dict={"DOWNLOAD_MAXSIZE": project.DOWNLOAD_MAXSIZE,
                                         "DOWNLOAD_WARNSIZE": project.DOWNLOAD_WARNSIZE})
    crawler.spider = crawler._create_spider("bench")
    mw = HttpCompressionMiddleware.from_crawler(crawler)
    response = Response("http://n.example/sitemap.xml", body=data,
                        headers={"Content-Encoding": "gzip", "Content-Type": "application/xml"})
    def run():
        return mw.process_response(Request(response.url), response)
else:
    fn = parse_sitemap if kind == "sitemap" else parse_feed
    def run():
        return fn(data)
def hwm():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) * 1024 for l in f if l.startswith("VmHWM"))
try:  # reset the kernel's peak-RSS mark, so VmHWM afterwards is the parse's exact peak
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    exact = True
except OSError:
    exact = False
base = rss(); peak = [base]; done = False
def sample():
    while not done:
        peak[0] = max(peak[0], rss()); time.sleep(0.001)
t = threading.Thread(target=sample); t.start()
if use_tracemalloc:
    tracemalloc.start()
start = time.perf_counter()
try:
    result = run()
    if hasattr(result, "urls"):
        outcome = f"bounded: {len(result.urls)} urls, {len(result.sitemaps)} sitemaps, truncated={result.truncated}"
    elif hasattr(result, "entries"):
        outcome = f"bounded: {len(result.entries)} entries, truncated={result.truncated}"
    else:
        outcome = f"result {type(result).__name__} of {len(getattr(result, 'body', b''))} bytes"
    ok = True
except XmlError as exc:
    outcome, ok = f"refused: {exc}"[:70], True
except Exception as exc:
    outcome = f"{type(exc).__name__}: {exc}"[:70]
    ok = type(exc).__name__ in ("IgnoreRequest", "_DecompressionMaxSizeExceeded")
    outcome = ("refused: " if ok else "CRASH ") + outcome
elapsed = time.perf_counter() - start
_, py_peak = tracemalloc.get_traced_memory() if use_tracemalloc else (0, 0)
done = True; t.join()
peak_total = max(peak[0], hwm()) if exact else peak[0]
print(json.dumps({"outcome": outcome, "ok": ok, "seconds": elapsed,
                  "delta_mb": (peak_total - base) / 2**20, "peak_mb": peak_total / 2**20,
                  "exact": exact, "tracemalloc_mb": py_peak / 2**20}))
"""


def cases() -> dict[str, tuple[str, bytes]]:
    from tests.hardening import hostile_docs as hd

    out: dict[str, tuple[str, bytes]] = {}
    for name, build in hd.CASES.items():
        kind = "sitemap" if ("sitemap" in name or "gzip" in name) else "feed"
        out[name] = (kind, build())
    out["billion-laughs json feed (nesting)"] = ("feed", b"[" * 5_000_000 + b"]" * 5_000_000)
    out["http gzip bomb 1 GB (Content-Encoding)"] = ("http-gzip", hd.gzip_bomb(1 << 30))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="", help="run only cases whose name contains this")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also report the Python allocation peak (makes parsing slower)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (kind, data) in cases().items():
            if args.only not in name:
                continue
            path = Path(tmp) / "payload"
            path.write_bytes(data)
            proc = subprocess.run([sys.executable, "-c", _CHILD, kind, str(path), str(REPO),
                                   "1" if args.tracemalloc else "0"],
                                  capture_output=True, text=True, timeout=600, check=False)
            try:
                row = json.loads(proc.stdout.strip().splitlines()[-1])
            except (IndexError, ValueError):
                row = {"outcome": "CHILD FAILED " + proc.stderr[-200:], "ok": False,
                       "seconds": 0, "delta_mb": 0, "peak_mb": 0,
                       "tracemalloc_mb": 0}
            row.update(name=name, input_kb=len(data) / 1024)
            rows.append(row)
            print(f"{name:40} {row['input_kb']:>9.0f} KB {row['seconds']:6.2f} s "
                  f"+{row['delta_mb']:6.1f} MB (peak {row['peak_mb']:6.1f}, "
                  f"py {row['tracemalloc_mb']:6.1f})  {row['outcome']}", flush=True)
    bad = [r for r in rows if not r["ok"] or r["delta_mb"] >= LIMIT_MB]
    print(f"\n{len(rows)} cases; {len(bad)} over {LIMIT_MB:.0f} MB or crashed; "
          f"largest increment {max((r['delta_mb'] for r in rows), default=0):.1f} MB")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
