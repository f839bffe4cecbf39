"""Address / scheme filtering and the per-domain budget, without a reactor or a network."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.middlewares.safety import (
    AddressPolicy,
    HostResolver,
    SafetyMiddleware,
    address_problem,
    parse_allowed_networks,
    parse_ip_literal,
    policy_from_settings,
)


class FakeStats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.values[key] = self.values.get(key, start) + count


class FakeResolver(HostResolver):
    """Answers from a table and records every name asked; never touches DNS."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        super().__init__()
        self.table = table
        self.asked: list[str] = []

    async def resolve(self, host: str, port: int) -> tuple[str, ...]:
        self.asked.append(host)
        return tuple(self.table.get(host, ()))


HOSTS = {
    "news.example": ["93.184.216.34"],
    "dual.example": ["93.184.216.34", "2606:2800:220:1::1"],
    "metadata.evil.example": ["169.254.169.254"],
    "rebind.evil.example": ["93.184.216.34", "127.0.0.1"],  # one bad answer is enough
    "intranet.evil.example": ["10.1.2.3"],
    "v6local.evil.example": ["::1"],
    "mapped.evil.example": ["::ffff:192.168.0.1"],
}


def make_mw(policy: AddressPolicy | None = None, budget: int = 0):
    stats = FakeStats()
    mw = SafetyMiddleware(policy or AddressPolicy(), stats,  # type: ignore[arg-type]
                          domain_budget=budget, resolver=FakeResolver(HOSTS))
    return mw, stats


def fetch(mw: SafetyMiddleware, url: str) -> str | None:
    """None when the request passes, else the refusal message."""
    try:
        asyncio.run(mw.process_request(Request(url)))
    except IgnoreRequest as exc:
        return str(exc)
    return None


@pytest.mark.parametrize(("host", "expected"), [
    ("127.0.0.1", "127.0.0.1"),
    ("2130706433", "127.0.0.1"),          # decimal
    ("0x7f000001", "127.0.0.1"),          # hex
    ("0177.0.0.1", "127.0.0.1"),          # octal
    ("0x7f.1", "127.0.0.1"),              # mixed, two parts
    ("127.1", "127.0.0.1"),
    ("10.1.2", "10.1.0.2"),               # three parts: the last fills two bytes
    ("169.254.169.254", "169.254.169.254"),
    ("[::1]", "::1"),
    ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
    ("fe80::1%eth0", "fe80::1"),
    ("8.8.8.8", "8.8.8.8"),
])
def test_ip_spellings_are_read_like_the_resolver_reads_them(host: str, expected: str) -> None:
    assert parse_ip_literal(host) == ipaddress.ip_address(expected)


@pytest.mark.parametrize("host", ["example.com", "1.2.3.4.5", "256.1.1.1", "1.2.3.4x", "", "0xg"])
def test_host_names_are_not_addresses(host: str) -> None:
    assert parse_ip_literal(host) is None


@pytest.mark.parametrize(("address", "reason"), [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
    ("10.0.0.1", "private"), ("172.16.5.4", "private"), ("192.168.1.1", "private"),
    ("fd00::1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("224.0.0.1", "multicast"), ("ff02::1", "multicast"),
    ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("240.0.0.1", "reserved"), ("100.64.0.1", "reserved"),
    ("::ffff:169.254.169.254", "link-local"),   # IPv4-mapped
    ("2002:a00:1::", "private"),                # 6to4 of 10.0.0.1
    ("64:ff9b::7f00:1", "loopback"),            # NAT64 of 127.0.0.1
    ("8.8.8.8", None), ("2606:4700:4700::1111", None), ("::ffff:8.8.8.8", None),
])
def test_address_problem(address: str, reason: str | None) -> None:
    assert address_problem(ipaddress.ip_address(address)) == reason


def test_allowed_networks_parse_ports_and_ipv6() -> None:
    nets = parse_allowed_networks("127.0.0.1:8080, [::1]:81, 10.0.0.0/8, fd00::/8")
    assert [(str(n.network), n.port) for n in nets] == [
        ("127.0.0.1/32", 8080), ("::1/128", 81), ("10.0.0.0/8", None), ("fd00::/8", None)]
    with pytest.raises(ValueError):
        parse_allowed_networks(["127.0.0.1:99999"])
    with pytest.raises(ValueError):
        parse_allowed_networks(["not-a-network"])


@pytest.mark.parametrize(("url", "reason"), [
    ("file:///etc/passwd", "scheme"),
    ("ftp://ftp.example.com/x", "scheme"),
    ("data:text/html,hello", "scheme"),
    ("s3://bucket/key", "scheme"),
    ("http://127.0.0.1:6379/", "loopback"),
    ("http://2130706433/", "loopback"),
    ("http://0x7f.1/", "loopback"),
    ("http://[::1]/", "loopback"),
    ("http://[::ffff:127.0.0.1]:8080/", "loopback"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://10.0.0.1/", "private"),
    ("http://0.0.0.0:8000/", "unspecified"),
    ("http://metadata.evil.example/", "link-local"),
    ("http://rebind.evil.example/", "loopback"),
    ("http://intranet.evil.example/", "private"),
    ("http://v6local.evil.example/", "loopback"),
    ("http://mapped.evil.example/", "private"),
    ("http://does-not-resolve.example/", "unresolvable"),
    # URL parsers disagree on the host of a URL with credentials: refused outright
    ("http://user@news.example/", "bad-url"),
    ("http://10.0.0.1:80@news.example/", "bad-url"),
    ("http:///no-host", "bad-url"),
])
def test_refusals_are_counted_by_reason(url: str, reason: str) -> None:
    mw, stats = make_mw()
    assert fetch(mw, url) == f"newscrawl safety: {reason}"
    assert stats.values == {f"newscrawl/safety/refused/{reason}": 1}


@pytest.mark.parametrize("url", ["http://news.example/a", "https://dual.example/b",
                                 "http://8.8.8.8/", "https://[2606:4700:4700::1111]/"])
def test_public_addresses_pass(url: str) -> None:
    mw, stats = make_mw()
    assert fetch(mw, url) is None
    assert stats.values == {}


def test_literal_addresses_are_never_resolved() -> None:
    mw, _ = make_mw()
    fetch(mw, "http://10.0.0.1/")
    fetch(mw, "http://8.8.8.8/")
    assert isinstance(mw.resolver, FakeResolver) and mw.resolver.asked == []


def test_allowlist_admits_only_the_listed_port() -> None:
    policy = AddressPolicy(allowed_networks=parse_allowed_networks(["127.0.0.1:8080"]))
    mw, stats = make_mw(policy)
    assert fetch(mw, "http://127.0.0.1:8080/page") is None
    assert fetch(mw, "http://127.0.0.1:6379/") == "newscrawl safety: loopback"
    assert fetch(mw, "http://[::1]:8080/") == "newscrawl safety: loopback"
    assert fetch(mw, "http://10.0.0.1:8080/") == "newscrawl safety: private"
    assert stats.values == {"newscrawl/safety/refused/loopback": 2,
                            "newscrawl/safety/refused/private": 1}


def test_allow_private_keeps_the_scheme_check() -> None:
    mw, stats = make_mw(AddressPolicy(allow_private=True))
    assert fetch(mw, "http://127.0.0.1:6379/") is None
    assert fetch(mw, "http://10.0.0.1/") is None
    assert fetch(mw, "file:///etc/passwd") == "newscrawl safety: scheme"
    assert stats.values == {"newscrawl/safety/refused/scheme": 1}


def test_domain_budget_counts_registered_domains() -> None:
    mw, stats = make_mw(AddressPolicy(allow_private=True), budget=2)
    assert fetch(mw, "http://www.paper.co.uk/1") is None
    assert fetch(mw, "http://live.paper.co.uk/2") is None
    assert fetch(mw, "http://paper.co.uk/3") == "newscrawl safety: budget"
    assert fetch(mw, "http://otherpaper.co.uk/1") is None
    assert stats.values == {"newscrawl/safety/refused/budget": 1}


def test_refused_requests_are_not_charged_to_the_budget() -> None:
    mw, _ = make_mw(budget=1)
    assert fetch(mw, "http://10.0.0.1/") is not None
    assert fetch(mw, "http://news.example/") is None


def test_host_resolver_cache_is_bounded_and_expires() -> None:
    resolver = HostResolver(cache_size=2, ttl=60)
    for name in ("a", "b", "c"):
        resolver.remember(name, ["8.8.8.8"])
    assert resolver.cached("a") is None and resolver.cached("c") == ("8.8.8.8",)
    expired = HostResolver(ttl=-1)
    expired.remember("a", ["8.8.8.8"])
    assert expired.cached("a") is None


def test_settings_build_the_policy_and_disable_the_middleware() -> None:
    policy = policy_from_settings(Settings({
        "NEWSCRAWL_ALLOWED_NETWORKS": "127.0.0.1:8080",
        "NEWSCRAWL_ALLOWED_SCHEMES": ["https"],
    }))
    assert policy.scheme_problem("http") == "scheme" and policy.scheme_problem("HTTPS") is None
    assert policy.check_address(ipaddress.ip_address("127.0.0.1"), 8080) is None
    with pytest.raises(NotConfigured):
        SafetyMiddleware.from_crawler(get_crawler(settings_dict={
            "NEWSCRAWL_SAFETY_ENABLED": False}))
    mw = SafetyMiddleware.from_crawler(get_crawler(settings_dict={"NEWSCRAWL_DOMAIN_BUDGET": 7}))
    assert mw.domain_budget == 7 and not mw.policy.allow_private


# --- spider middleware: refused requests never reach the scheduler --------------------------

def spider_mw(settings: dict | None = None):
    from scrapy import Spider

    from crawler.middlewares.safety import SafetySpiderMiddleware

    crawler = get_crawler(Spider, settings_dict=settings or {})
    return SafetySpiderMiddleware.from_crawler(crawler), crawler.stats


def test_spider_middleware_drops_bad_schemes_and_literal_addresses() -> None:
    mw, stats = spider_mw()
    output = [Request("http://news.example/a"), {"item": 1}, Request("file:///etc/passwd"),
              Request("http://10.0.0.1/"), Request("http://[::1]:8080/"),
              Request("http://2130706433/"), Request("http://intranet.evil.example/")]
    kept = list(mw.process_spider_output(None, output))
    assert [getattr(o, "url", o) for o in kept] == [
        "http://news.example/a", {"item": 1}, "http://intranet.evil.example/"]  # DNS: later
    assert stats.get_value("newscrawl/safety/refused/scheme") == 1
    assert stats.get_value("newscrawl/safety/refused/private") == 1
    assert stats.get_value("newscrawl/safety/refused/loopback") == 2


def test_spider_middleware_caps_distinct_urls_per_domain() -> None:
    mw, stats = spider_mw({"NEWSCRAWL_DOMAIN_BUDGET": 2})
    urls = ["http://a.paper.co.uk/1", "http://b.paper.co.uk/2", "http://a.paper.co.uk/1",
            "http://paper.co.uk/3", "http://otherpaper.co.uk/1"]
    kept = [r.url for r in mw.process_spider_output(None, [Request(u) for u in urls])]
    # a duplicate of a counted URL passes (the dupefilter drops it); a new one over the cap not
    assert kept == ["http://a.paper.co.uk/1", "http://b.paper.co.uk/2",
                    "http://a.paper.co.uk/1", "http://otherpaper.co.uk/1"]
    assert stats.get_value("newscrawl/safety/refused/budget") == 1


def test_spider_middleware_respects_allow_private() -> None:
    mw, stats = spider_mw({"NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES": True})
    kept = list(mw.process_spider_output(None, [Request("http://127.0.0.1:8000/")]))
    assert len(kept) == 1 and not stats.get_stats()


# --- resolver: the connection-time re-check (DNS rebinding) ----------------------------------

def safe_resolver(settings: dict | None = None):
    from scrapy import Spider

    from crawler.middlewares.safety import SafeResolver

    class NoReactor:  # the check itself never touches the reactor
        pass

    return SafeResolver.from_crawler(get_crawler(Spider, settings_dict=settings or {}),
                                     NoReactor())


def test_resolver_fails_lookups_that_answer_a_disallowed_address() -> None:
    from twisted.internet.error import DNSLookupError

    resolver = safe_resolver()
    assert resolver._check("93.184.216.34", "news.example") == "93.184.216.34"
    for address in ("127.0.0.1", "10.0.0.1", "169.254.169.254", "::1", "not-an-ip"):
        with pytest.raises(DNSLookupError):
            resolver._check(address, "rebind.evil.example")


def test_resolver_honours_allowed_networks_and_allow_private() -> None:
    from twisted.internet.error import DNSLookupError

    resolver = safe_resolver({"NEWSCRAWL_ALLOWED_NETWORKS": "127.0.0.1:8080"})
    assert resolver._check("127.0.0.1", "localhost") == "127.0.0.1"  # port is checked earlier
    with pytest.raises(DNSLookupError):
        resolver._check("127.0.0.2", "localhost")
    assert safe_resolver({"NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES": True})._check(
        "10.0.0.1", "intranet") == "10.0.0.1"
    assert safe_resolver({"NEWSCRAWL_SAFETY_ENABLED": False})._check(
        "10.0.0.1", "intranet") == "10.0.0.1"
