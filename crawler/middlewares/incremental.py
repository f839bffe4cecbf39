"""Downloader middleware for incremental crawls: do not download what has not changed.

- robots.txt / sitemap / feed / listing requests go out with ``If-None-Match`` / ``If-Modified-Since``
  from the stored copy of the page; on a 304 the stored body is handed to the spider (the
  response carries the ``cached`` flag and meta ``newscrawl_not_modified``), so discovery
  below an unchanged page still reaches changed articles.
- article requests are skipped outright when their sitemap / feed lastmod (or Google News
  publication date) is not newer than the one the stored article was fetched at, and
  otherwise go out conditional on the article's stored validators; an article 304 is a
  counted skip.

Article lastmods and validators are recorded only once the article's line is durable
(``crawler.state.registry``), so a skip can never hide an article a killed run lost.
Best installed at 575: below HttpCompressionMiddleware (590) and the WARC recorder (580), so
it stores decoded bodies and WARC files record the real 304. Elsewhere it still works: a
stored ``Content-Encoding`` is replayed with the body for HttpCompressionMiddleware to decode.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.responsetypes import responsetypes

from crawler.constants import CONDITIONAL_KINDS, PAGE_CACHE_MAX_BYTES
from crawler.state.base import CachedPage, FetchInfo
from crawler.state.registry import CrawlState, crawl_state

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = ["FORCE_META", "LASTMOD_KEY_META", "NOT_MODIFIED_META", "IncrementalMiddleware",
           "is_newer", "parse_lastmod"]

#: Meta key: the URL an article's fetch info is recorded under (the pre-redirect URL).
LASTMOD_KEY_META = "newscrawl_lastmod_url"
#: Meta key: True on a request to fetch it unconditionally.
FORCE_META = "newscrawl_force"
#: Meta key: True when the response is the stored copy of a page the server answered 304.
NOT_MODIFIED_META = "newscrawl_not_modified"


def parse_lastmod(value: Any) -> datetime | None:
    """An aware UTC datetime from an ISO 8601 date or date-time; None when unparsable."""
    if not value:
        return None
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            from dateutil.parser import isoparse

            parsed = isoparse(text)
        except (ValueError, OverflowError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def is_newer(candidate: Any, stored: Any) -> bool:
    """True when ``candidate`` is later than ``stored`` or either cannot be compared."""
    new, old = parse_lastmod(candidate), parse_lastmod(stored)
    if new is None or old is None:
        return True
    return new > old


def _request_lastmod(request: Request) -> str | None:
    lastmod = request.meta.get("newscrawl_lastmod")
    if lastmod:
        return str(lastmod)
    news = request.meta.get("newscrawl_news")
    if isinstance(news, dict) and news.get("publication_date"):
        return str(news["publication_date"])
    return None


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _conditional(request: Request, etag: str | None, last_modified: str | None) -> bool:
    if not (etag or last_modified):
        return False
    if etag and b"If-None-Match" not in request.headers:
        request.headers[b"If-None-Match"] = etag
    if last_modified and b"If-Modified-Since" not in request.headers:
        request.headers[b"If-Modified-Since"] = last_modified
    return True


class IncrementalMiddleware:
    def __init__(self, crawler: Crawler, state: CrawlState) -> None:
        self.crawler = crawler
        self.state = state

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        if not crawler.settings.getbool("NEWSCRAWL_INCREMENTAL", True):
            raise NotConfigured("NEWSCRAWL_INCREMENTAL is off")
        state = crawl_state(crawler)
        if state is None:
            raise NotConfigured("no state store: set NEWSCRAWL_STATE_DIR or NEWSCRAWL_REDIS_URL")
        return cls(crawler, state)

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)

    def process_request(self, request: Request) -> None:
        if request.meta.get(FORCE_META):
            return
        kind = request.meta.get("newscrawl_kind")
        store = self.state.store
        if kind in CONDITIONAL_KINDS:
            page = store.get_page(request.url)
            if page is not None and _conditional(request, page.etag, page.last_modified):
                self._inc("newscrawl/incremental/conditional_requests")
        elif kind == "article":
            key = request.meta.setdefault(LASTMOD_KEY_META, request.url)
            lastmod = _request_lastmod(request)
            if lastmod is not None:
                stored = store.get_lastmod(key)
                if stored is not None and not is_newer(lastmod, stored):
                    self._inc("newscrawl/incremental/skipped_lastmod")
                    raise IgnoreRequest(f"not modified since {stored} (lastmod {lastmod})")
            validators = store.get_validators(key)
            if validators is not None and _conditional(request, validators.etag,
                                                       validators.last_modified):
                self._inc("newscrawl/incremental/conditional_requests")

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get(FORCE_META):
            return response
        kind = request.meta.get("newscrawl_kind")
        if kind in CONDITIONAL_KINDS:
            return self._page_response(request, response)
        if kind == "article":
            if response.status == 304:
                self._inc("newscrawl/incremental/not_modified")
                raise IgnoreRequest(f"304 Not Modified: {request.url}")
            if response.status == 200:
                fetch = FetchInfo(url=request.meta.get(LASTMOD_KEY_META, request.url),
                                  lastmod=_request_lastmod(request),
                                  etag=_header(response, b"ETag"),
                                  last_modified=_header(response, b"Last-Modified"))
                if fetch.lastmod or fetch.etag or fetch.last_modified:
                    self.state.put_fetch(response.url, fetch)
        return response

    def _page_response(self, request: Request, response: Response) -> Response:
        store = self.state.store
        if response.status == 304:
            page = store.get_page(request.url)
            if page is None:
                return response  # a 304 we did not ask for: let the spider see it as is
            self._inc("newscrawl/incremental/not_modified")
            request.meta[NOT_MODIFIED_META] = True
            headers = {k: v.encode("latin-1") for k, v in (
                (b"Content-Type", page.content_type), (b"Content-Encoding", page.content_encoding),
                (b"ETag", page.etag), (b"Last-Modified", page.last_modified)) if v}
            cls = responsetypes.from_args(headers=headers, url=request.url, body=page.body)
            return cls(url=request.url, status=200, headers=headers, body=page.body,
                       request=request, flags=["cached"])
        if response.status == 200:
            etag, modified = _header(response, b"ETag"), _header(response, b"Last-Modified")
            if (etag or modified) and len(response.body) <= PAGE_CACHE_MAX_BYTES:
                store.put_page(request.url, CachedPage(
                    etag, modified, _header(response, b"Content-Type"), response.body,
                    content_encoding=_header(response, b"Content-Encoding")))
        return response
