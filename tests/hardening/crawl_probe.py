"""Run a crawl in this (sub)process with DNS faked and every TCP connection recorded.

``python -m tests.hardening.crawl_probe CONFIG.json`` where the config holds ``settings``,
``spider`` (``probe`` or ``news``), ``spider_args``, ``dns`` (fake host name -> addresses),
``guard_port`` and ``out`` (where the JSON report goes). Two guards keep a broken safety
middleware from ever sending traffic off this machine: names outside ``dns`` never resolve,
and any connection that is not to 127.0.0.1 is recorded and redirected to ``guard_port``.
"""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings
from scrapy.utils.reactor import install_reactor


class HostileProbeSpider(Spider):
    """Follows every URL it sees (links, feed items, sitemap locs) with no offsite filter."""

    name = "probe"

    def __init__(self, start: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = [u for u in start.split(",") if u]
        self.failures: list[str] = []

    async def start(self):
        for url in self.start_urls:
            yield Request(url, callback=self.parse, errback=self.failed)

    def parse(self, response):
        if not hasattr(response, "xpath"):
            return
        found = response.xpath("//@href | //@src | //link/text() | //loc/text()").getall()
        for raw in found:
            try:
                yield Request(response.urljoin(raw.strip()), callback=self.parse,
                              errback=self.failed)
            except ValueError:
                continue

    def failed(self, failure):
        self.failures.append(f"{failure.request.url} {failure.type.__name__}")


def main(config_path: str) -> int:
    config = json.loads(Path(config_path).read_text())
    dns: dict[str, list[str]] = config["dns"]
    guard_port: int = config["guard_port"]
    lookups: list[str] = []
    connects: list[list[Any]] = []
    real_getaddrinfo = socket.getaddrinfo

    def fake_getaddrinfo(host: Any, port: Any, family: int = 0, type: int = 0,
                         proto: int = 0, flags: int = 0) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        lookups.append(name)
        if name in dns:
            return [info for address in dns[name]
                    for info in real_getaddrinfo(address, port, family, type, proto, flags)]
        try:  # numeric addresses only: never a DNS query
            return real_getaddrinfo(name, port, family, type, proto,
                                    flags | socket.AI_NUMERICHOST)
        except socket.gaierror:
            raise socket.gaierror(socket.EAI_NONAME, f"fake DNS: no {name}") from None

    def fake_gethostbyname(name: str) -> str:
        return str(fake_getaddrinfo(name, 0, socket.AF_INET)[0][4][0])

    socket.getaddrinfo = fake_getaddrinfo
    socket.gethostbyname = fake_gethostbyname

    settings = get_project_settings()
    settings.setdict(config["settings"], priority="cmdline")
    install_reactor(settings["TWISTED_REACTOR"])
    process = CrawlerProcess(settings)

    from twisted.internet import reactor
    real_connect = reactor.connectTCP

    def guarded_connect(host, port, *args, **kwargs):
        connects.append([host, port])
        if host != "127.0.0.1" or port not in config["allowed_ports"]:
            host, port = "127.0.0.1", guard_port  # never off this machine
        return real_connect(host, port, *args, **kwargs)

    reactor.connectTCP = guarded_connect  # type: ignore[method-assign,assignment]

    spider_cls: Any = HostileProbeSpider if config["spider"] == "probe" else config["spider"]
    crawler = process.create_crawler(spider_cls)
    report: dict[str, Any] = {}

    def closed(spider: Spider) -> None:
        assert crawler.stats is not None
        report["stats"] = {k: v for k, v in crawler.stats.get_stats().items()
                           if isinstance(v, int | float | str)}
        report["failures"] = getattr(spider, "failures", [])

    crawler.signals.connect(closed, signal=signals.spider_closed)
    process.crawl(crawler, **config["spider_args"])
    process.start()
    report.update(lookups=lookups, connects=connects)
    Path(config["out"]).write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
