"""The bundled offline demo news site: generator, server, ground truth and crawl runner.

``python -m crawler.demo --out DIR`` serves the site, crawls it with ``scrapy crawl news``
and compares what was written with the manifest (see ``crawler/demo/README.md``).
"""

from __future__ import annotations

from crawler.demo.response import Response
from crawler.demo.server import DemoServer, RequestRecord
from crawler.demo.site import ALL_ROUTES, DemoSite

__all__ = ["ALL_ROUTES", "DemoServer", "DemoSite", "RequestRecord", "Response"]
