"""Address and scheme filtering and per-domain request budgets (server-side request forgery guard).

A hostile page, feed or sitemap can link to ``http://169.254.169.254/`` (cloud metadata),
``http://127.0.0.1:6379/`` (our own Redis), ``file:///etc/passwd`` or redirect there. The
:class:`SafetyMiddleware` refuses such requests *before* any connection is made:

* schemes other than ``NEWSCRAWL_ALLOWED_SCHEMES`` (http, https);
* literal addresses that are loopback, private, link-local, multicast, reserved or unspecified,
  in every spelling the resolver would accept (``2130706433``, ``0x7f.1``, ``0177.0.0.1``,
  ``[::ffff:127.0.0.1]``, 6to4 and NAT64 forms);
* host names that resolve (``getaddrinfo``, off the reactor thread, cached) to such addresses;
* requests beyond the per-domain budget ``NEWSCRAWL_DOMAIN_BUDGET``.

:class:`SafetySpiderMiddleware` applies the checks that need no DNS (scheme, literal address)
and the budget to the spider's output, so refused requests never fill the scheduler's queue:
with a budget, the queue holds at most that many distinct URLs per domain.

Redirects are new requests and pass through the middleware again, so they are checked the same
way. :class:`SafeResolver` (``TWISTED_DNS_RESOLVER``) repeats the address check at connection
time, so a host that changes its answer between the check and the connection (DNS rebinding) is
refused too. ``NEWSCRAWL_ALLOWED_NETWORKS`` lets chosen networks (optionally one port) through;
``NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES`` lets every address through (schemes are still checked).
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import SplitResult, urlsplit

import tldextract
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.resolver import CachingThreadedResolver
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.error import DNSLookupError

from crawler import constants

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings
    from scrapy.statscollectors import StatsCollector
    from twisted.internet.defer import Deferred

__all__ = [
    "REFUSAL_REASONS",
    "AddressPolicy",
    "AllowedNetwork",
    "HostResolver",
    "SafeResolver",
    "SafetyMiddleware",
    "SafetySpiderMiddleware",
    "address_problem",
    "parse_allowed_networks",
    "parse_ip_literal",
    "policy_from_settings",
]

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: Every reason a request can be refused for; each one is a stats key
#: ``newscrawl/safety/refused/<reason>``.
REFUSAL_REASONS: tuple[str, ...] = (
    "scheme", "bad-url", "unspecified", "loopback", "link-local", "multicast", "private",
    "reserved", "unresolvable", "budget",
)

_DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}
# IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64, RFC 6052 / 8215).
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))


# --------------------------------------------------------------------------- addresses

def _inet_aton_part(text: str) -> int | None:
    """One dotted part as the C resolver reads it: 0x.. hex, 0.. octal, else decimal."""
    try:
        if text[:2].lower() == "0x":
            return int(text[2:], 16) if text[2:] else 0
        if len(text) > 1 and text.startswith("0"):
            return int(text[1:], 8)
        return int(text, 10) if text.isdigit() else None
    except ValueError:
        return None


def _parse_inet_aton(host: str) -> ipaddress.IPv4Address | None:
    """IPv4 in the legacy forms ``inet_aton``/``getaddrinfo`` accept: ``127.1``, ``2130706433``,
    ``0x7f.0.0.1``, ``0177.0.0.01`` (one to four parts, the last one filling the rest)."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or any(not p or not p.isalnum() for p in parts):
        return None
    values = [_inet_aton_part(p) for p in parts]
    if any(v is None for v in values):
        return None
    *head, last = [v for v in values if v is not None]
    if any(v > 0xFF for v in head) or last >= 1 << (8 * (4 - len(head))):
        return None
    number = last
    for position, value in enumerate(head):  # leading parts are single bytes, high first
        number |= value << (8 * (3 - position))
    return ipaddress.IPv4Address(number)


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address ``host`` spells, or None when it is a host name to resolve.

    Accepts ``[v6]`` brackets, zone ids (``fe80::1%eth0``) and the legacy IPv4 spellings.
    """
    host = host.strip().rstrip(".").lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        return ipaddress.ip_address(host.split("%", 1)[0] if ":" in host else host)
    except ValueError:
        pass
    return _parse_inet_aton(host) if host and host[0].isdigit() else None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address tunnels to (mapped, 6to4, NAT64), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in net for net in _NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_problem(ip: IPAddress) -> str | None:
    """Why a connection to ``ip`` must be refused (a refusal reason), or None if it is public."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            return address_problem(inner)
    checks = (
        ("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved), ("private", ip.is_private),
    )
    for reason, hit in checks:
        if hit:
            return reason
    # Shared address space (100.64/10), IETF protocol assignments and the like.
    return None if ip.is_global else "reserved"


@dataclass(frozen=True, slots=True)
class AllowedNetwork:
    """A network let through despite being non-public; ``port`` None means any port."""

    network: IPNetwork
    port: int | None = None

    def admits(self, ip: IPAddress, port: int | None) -> bool:
        # ``port`` None: the caller cannot know the port (the resolver); the network decides.
        if self.port is not None and port is not None and port != self.port:
            return False
        if ip.version != self.network.version and isinstance(ip, ipaddress.IPv6Address):
            ip = ip.ipv4_mapped or ip
        return ip.version == self.network.version and ip in self.network


def parse_allowed_networks(entries: Iterable[str] | str) -> tuple[AllowedNetwork, ...]:
    """Parse ``NEWSCRAWL_ALLOWED_NETWORKS``: ``10.0.0.0/8``, ``127.0.0.1:8080``, ``[::1]:8080``,
    ``::1``, ``[fd00::/8]`` (a comma-separated string or a list). Raises ValueError on junk."""
    if isinstance(entries, str):
        entries = entries.split(",")
    parsed = []
    for raw in entries:
        entry = raw.strip()
        if not entry:
            continue
        port: int | None = None
        if entry.startswith("["):
            net, _, rest = entry[1:].partition("]")
            if rest:
                if not rest.startswith(":"):
                    raise ValueError(f"bad allowed network {raw!r}")
                port = int(rest[1:])
        elif entry.count(":") == 1:
            net, _, port_text = entry.partition(":")
            port = int(port_text)
        else:
            net = entry
        if port is not None and not 0 < port < 65536:
            raise ValueError(f"bad port in allowed network {raw!r}")
        parsed.append(AllowedNetwork(ipaddress.ip_network(net, strict=False), port))
    return tuple(parsed)


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """What may be fetched: schemes, and which non-public addresses are let through."""

    allowed_schemes: tuple[str, ...] = constants.SAFE_SCHEMES
    allowed_networks: tuple[AllowedNetwork, ...] = ()
    allow_private: bool = False

    def scheme_problem(self, scheme: str) -> str | None:
        return None if scheme.lower() in self.allowed_schemes else "scheme"

    def check_address(self, ip: IPAddress, port: int | None) -> str | None:
        """The refusal reason for connecting to ``ip``:``port``, or None when allowed."""
        if self.allow_private:
            return None
        reason = address_problem(ip)
        if reason is None:
            return None
        if any(net.admits(ip, port) for net in self.allowed_networks):
            return None
        return reason


def policy_from_settings(settings: BaseSettings) -> AddressPolicy:
    schemes = settings.getlist("NEWSCRAWL_ALLOWED_SCHEMES") or list(constants.SAFE_SCHEMES)
    return AddressPolicy(
        allowed_schemes=tuple(s.strip().lower() for s in schemes),
        allowed_networks=parse_allowed_networks(settings.getlist("NEWSCRAWL_ALLOWED_NETWORKS")),
        allow_private=settings.getbool("NEWSCRAWL_ALLOW_PRIVATE_ADDRESSES"),
    )


# --------------------------------------------------------------------------- resolution

def _getaddrinfo(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


class HostResolver:
    """Resolves host names off the reactor thread, with a small TTL'd LRU cache.

    ``lookup`` is the blocking function (``getaddrinfo`` by default); a failed or timed-out
    look-up is cached as an empty answer too, so a flood of links to a dead host costs one try.
    """

    def __init__(self, lookup: Callable[[str, int], list[str]] = _getaddrinfo, *,
                 timeout: float = constants.SAFETY_DNS_TIMEOUT_S, cache_size: int = constants.SAFETY_DNS_CACHE_SIZE,
                 ttl: float = constants.SAFETY_DNS_CACHE_TTL_S) -> None:
        self.lookup = lookup
        self.timeout = timeout
        self.cache_size = cache_size
        self.ttl = ttl
        self._cache: OrderedDict[str, tuple[float, tuple[str, ...]]] = OrderedDict()

    def cached(self, host: str) -> tuple[str, ...] | None:
        hit = self._cache.get(host)
        if hit is None or hit[0] < time.monotonic():
            return None
        self._cache.move_to_end(host)
        return hit[1]

    def remember(self, host: str, addresses: Sequence[str]) -> None:
        self._cache[host] = (time.monotonic() + self.ttl, tuple(addresses))
        self._cache.move_to_end(host)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    async def resolve(self, host: str, port: int) -> tuple[str, ...]:
        hit = self.cached(host)
        if hit is not None:
            return hit
        from twisted.internet import reactor
        from twisted.internet.threads import deferToThread

        deferred: Deferred[list[str]] = deferToThread(self.lookup, host, port)
        deferred.addTimeout(self.timeout, reactor)
        try:
            answer: list[str] = await maybe_deferred_to_future(deferred)
            addresses = tuple(answer)
        except Exception as exc:  # any failure means "cannot be checked": refuse
            logger.debug("Could not resolve %s: %r", host, exc)
            addresses = ()
        self.remember(host, addresses)
        return addresses


# --------------------------------------------------------------------------- middleware

def _budget_key(extract: tldextract.TLDExtract, host: str) -> str:
    if parse_ip_literal(host) is not None:
        return host
    return extract(host).top_domain_under_public_suffix or host


def _port_of(parts: SplitResult) -> int | None:
    try:
        return parts.port or _DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:  # a port out of range or not a number
        return None


def _url_problem(policy: AddressPolicy, url: str) -> tuple[str | None, str, int | None]:
    """``(refusal reason or None, host, port)`` from the URL alone, before any address check.

    Credentials in the authority (``http://a@b/``) are refused: no news site needs them, and
    URL parsers disagree on which host such a URL names (the stdlib and Twisted do).
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return "bad-url", "", None
    if policy.scheme_problem(parts.scheme):
        return "scheme", host, None
    port = _port_of(parts)
    if not host or port is None or "@" in parts.netloc:
        return "bad-url", host, None
    return None, host, port


class SafetyMiddleware:
    """Downloader middleware: refuses disallowed schemes and addresses, enforces the budget.

    Put it before every built-in downloader middleware (priority 40: before robots.txt, so a
    robots.txt is never fetched from a disallowed host either).
    """

    def __init__(self, policy: AddressPolicy, stats: StatsCollector, *, domain_budget: int = 0,
                 resolver: HostResolver | None = None) -> None:
        self.policy = policy
        self.stats = stats
        self.domain_budget = domain_budget
        self.resolver = resolver or HostResolver()
        self._requests_per_domain: dict[str, int] = {}
        self._logged: set[tuple[str, str]] = set()
        self._tld = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SafetyMiddleware:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_SAFETY_ENABLED", True):
            raise NotConfigured("NEWSCRAWL_SAFETY_ENABLED is off")
        try:
            policy = policy_from_settings(settings)
        except ValueError as exc:
            raise ValueError(f"NEWSCRAWL_ALLOWED_NETWORKS: {exc}") from exc
        timeout = min(settings.getfloat("DNS_TIMEOUT", constants.SAFETY_DNS_TIMEOUT_S), constants.SAFETY_DNS_TIMEOUT_S)
        assert crawler.stats is not None
        return cls(policy, crawler.stats,
                   domain_budget=settings.getint("NEWSCRAWL_DOMAIN_BUDGET",
                                                 constants.DOMAIN_BUDGET),
                   resolver=HostResolver(timeout=timeout))

    async def process_request(self, request: Request) -> None:
        reason, host, port = _url_problem(self.policy, request.url)
        if reason or port is None:
            self._refuse(request, reason or "bad-url", host)
        reason = await self._address_reason(host, port)
        if reason:
            self._refuse(request, reason, host)
        if self.domain_budget > 0:
            key = _budget_key(self._tld, host)
            used = self._requests_per_domain.get(key, 0)
            if used >= self.domain_budget:
                self._refuse(request, "budget", key)
            self._requests_per_domain[key] = used + 1
        return None

    async def _address_reason(self, host: str, port: int) -> str | None:
        if self.policy.allow_private:
            return None
        literal = parse_ip_literal(host)
        if literal is not None:
            return self.policy.check_address(literal, port)
        addresses = await self.resolver.resolve(host, port)
        if not addresses:
            return "unresolvable"
        for text in addresses:
            ip = parse_ip_literal(text)
            reason = "unresolvable" if ip is None else self.policy.check_address(ip, port)
            if reason:  # one bad answer is enough: the connector may pick any of them
                return reason
        return None

    def _refuse(self, request: Request, reason: str, host: str) -> NoReturn:
        self.stats.inc_value(f"newscrawl/safety/refused/{reason}")
        key = (reason, host)
        if key not in self._logged and len(self._logged) < constants.SAFETY_LOGGED_REFUSALS_MAX:
            self._logged.add(key)
            logger.warning("Refused %s: %s", request.url[:300], reason)
        else:
            logger.debug("Refused %s: %s", request.url[:300], reason)
        raise IgnoreRequest(f"newscrawl safety: {reason}")


class SafetySpiderMiddleware(BaseSpiderMiddleware):
    """Spider middleware: drops what :class:`SafetyMiddleware` would refuse without DNS, and
    caps the distinct URLs scheduled per registered domain at ``NEWSCRAWL_DOMAIN_BUDGET``.

    Only request fingerprints up to the budget are kept per domain, so memory is bounded by
    the budget, and the scheduler's queue never holds more than that per domain.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_SAFETY_ENABLED", True):
            raise NotConfigured("NEWSCRAWL_SAFETY_ENABLED is off")
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.policy = policy_from_settings(settings)
        self.domain_budget = settings.getint("NEWSCRAWL_DOMAIN_BUDGET", constants.DOMAIN_BUDGET)
        self._scheduled: dict[str, set[bytes]] = {}
        self._tld = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        reason, key = self._reason(request)
        if reason is None:
            return request
        self.stats.inc_value(f"newscrawl/safety/refused/{reason}")
        logger.debug("Dropped %s from the spider's output: %s (%s)", request.url[:300], reason,
                     key)
        return None

    def _reason(self, request: Request) -> tuple[str | None, str]:
        reason, host, port = _url_problem(self.policy, request.url)
        if reason:
            return reason, host
        literal = parse_ip_literal(host)
        if literal is not None:
            reason = self.policy.check_address(literal, port)
            if reason:
                return reason, host
        if self.domain_budget > 0 and not request.dont_filter:
            key = _budget_key(self._tld, host)
            seen = self._scheduled.setdefault(key, set())
            fingerprint = self.crawler.request_fingerprinter.fingerprint(request)
            if fingerprint not in seen:
                if len(seen) >= self.domain_budget:
                    return "budget", key
                seen.add(fingerprint)
        return None, host


class SafeResolver(CachingThreadedResolver):
    """``TWISTED_DNS_RESOLVER`` that fails look-ups answering a disallowed address.

    The middleware checks a host before the request is sent; this resolver checks again when
    the connection is made, which closes the gap a DNS-rebinding host would use. Port-specific
    entries of ``NEWSCRAWL_ALLOWED_NETWORKS`` admit their network here (the port is not known
    to a resolver; the middleware has checked it).
    """

    policy: AddressPolicy

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> SafeResolver:
        resolver = super().from_crawler(crawler, reactor)
        policy = policy_from_settings(crawler.settings)
        if not crawler.settings.getbool("NEWSCRAWL_SAFETY_ENABLED", True):
            policy = AddressPolicy(allow_private=True)
        resolver.policy = policy
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        deferred = super().getHostByName(name, timeout)
        deferred.addCallback(self._check, name)
        return deferred

    def _check(self, address: str, name: str) -> str:
        ip = parse_ip_literal(address)
        if ip is None:
            raise DNSLookupError(f"{name} resolved to an unparsable address {address!r}")
        reason = self.policy.check_address(ip, None)
        if reason:
            raise DNSLookupError(f"{name} resolves to a {reason} address; refused (newscrawl)")
        return address
