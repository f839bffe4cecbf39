"""Scale-out on Redis: N worker processes (any machines) share one crawl.

Enable the add-on once in the project settings::

    ADDONS = {"crawler.distributed.NewscrawlStateAddon": 0}

It always puts ``IncrementalMiddleware`` in the downloader chain (it disables itself without a
state store) and, when ``NEWSCRAWL_REDIS_URL`` is set, moves the scheduler queue and the
dupefilter to Redis through scrapy-redis (kept on close: other workers still use them) and
turns on ``DistributedWorker``. The seen-store follows the same setting
(``crawler.state.registry.open_store``). Each worker writes its own JSONL files.

``DistributedWorker`` keeps an idle worker alive until the shared frontier has stayed empty
for ``NEWSCRAWL_IDLE_TIMEOUT`` seconds, keeps a heartbeat key so workers can see each other,
and lets the last worker out drop the crawl's dupefilter, so the next crawl starts afresh.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

from crawler.constants import IDLE_TIMEOUT_S, REDIS_KEY_PREFIX, WORKER_HEARTBEAT_TTL_S

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

__all__ = ["DistributedWorker", "NewscrawlStateAddon", "apply_redis_settings", "redis_keys"]

logger = logging.getLogger(__name__)

#: Below HttpCompressionMiddleware (590) and the WARC recorder (580) in response order: it
#: keeps decoded page bodies and the WARC file records the real 304, not the replay.
INCREMENTAL_MIDDLEWARE_PRIORITY = 575


def redis_keys(prefix: str, spider: str) -> dict[str, str]:
    """The Redis keys of one distributed crawl."""
    base = f"{prefix}:{spider}"
    return {"requests": f"{base}:requests", "dupefilter": f"{base}:dupefilter",
            "workers": f"{base}:workers"}


def apply_redis_settings(settings: BaseSettings, priority: str = "addon") -> bool:
    """Point Scrapy at scrapy-redis when ``NEWSCRAWL_REDIS_URL`` is set; True if it did."""
    url = settings.get("NEWSCRAWL_REDIS_URL")
    if not url:
        return False
    prefix = settings.get("NEWSCRAWL_REDIS_PREFIX") or REDIS_KEY_PREFIX
    keys = redis_keys(prefix, "%(spider)s")
    settings.set("SCHEDULER", "scrapy_redis.scheduler.Scheduler", priority)
    settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority)
    settings.set("SCHEDULER_QUEUE_CLASS", "scrapy_redis.queue.PriorityQueue", priority)
    settings.set("SCHEDULER_QUEUE_KEY", keys["requests"], priority)
    settings.set("SCHEDULER_DUPEFILTER_KEY", keys["dupefilter"], priority)
    # Other workers still need the queue and the fingerprints when this one closes.
    settings.set("SCHEDULER_PERSIST", True, priority)
    settings.set("SCHEDULER_IDLE_BEFORE_CLOSE", 0, priority)
    settings.set("REDIS_URL", url, priority)
    settings.setdefault_in_component_priority_dict("EXTENSIONS", DistributedWorker, 500)
    return True


class NewscrawlStateAddon:
    """Scrapy add-on: incremental middleware always, Redis scale-out when configured."""

    def update_settings(self, settings: BaseSettings) -> None:
        from crawler.middlewares.incremental import IncrementalMiddleware

        settings.setdefault_in_component_priority_dict(
            "DOWNLOADER_MIDDLEWARES", IncrementalMiddleware, INCREMENTAL_MIDDLEWARE_PRIORITY)
        apply_redis_settings(settings)


class DistributedWorker:
    """Idle timeout, heartbeat and clean hand-over of one Redis worker."""

    def __init__(self, crawler: Crawler, client: Any, *, prefix: str, idle_timeout: float,
                 heartbeat_ttl: int = WORKER_HEARTBEAT_TTL_S) -> None:
        self.crawler = crawler
        self.client = client
        self.prefix = prefix
        self.idle_timeout = idle_timeout
        self.heartbeat_ttl = heartbeat_ttl
        self.worker_id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.keys: dict[str, str] = {}
        self._idle_since: float | None = None
        self._activity_seen: int = -1
        self._heartbeat: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DistributedWorker:
        url = crawler.settings.get("NEWSCRAWL_REDIS_URL")
        if not url:
            raise NotConfigured("NEWSCRAWL_REDIS_URL is not set")
        import redis

        ext = cls(crawler, redis.Redis.from_url(url, decode_responses=True),
                  prefix=crawler.settings.get("NEWSCRAWL_REDIS_PREFIX") or REDIS_KEY_PREFIX,
                  idle_timeout=crawler.settings.getfloat("NEWSCRAWL_IDLE_TIMEOUT",
                                                         IDLE_TIMEOUT_S))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def _worker_key(self) -> str:
        return f"{self.keys['workers']}:{self.worker_id}"

    def _beat(self) -> None:
        self.client.set(self._worker_key(), str(time.time()), ex=self.heartbeat_ttl)

    def spider_opened(self) -> None:
        assert self.crawler.spider is not None
        self.keys = redis_keys(self.prefix, self.crawler.spider.name)
        self._beat()
        from twisted.internet import task

        # A busy worker gets no idle signals; keep its heartbeat alive regardless.
        self._heartbeat = task.LoopingCall(self._beat)
        self._heartbeat.start(max(1.0, self.heartbeat_ttl / 3), now=False)
        logger.info("Distributed worker %s joined (%d queued)", self.worker_id,
                    self._queue_len())

    def _queue_len(self) -> int:
        key = self.keys["requests"]
        kind = self.client.type(key)
        if kind == "zset":  # scrapy-redis PriorityQueue (our default)
            return int(self.client.zcard(key))
        if kind == "list":  # FifoQueue / LifoQueue
            return int(self.client.llen(key))
        return 0

    def _activity(self) -> int:
        stats = self.crawler.stats
        if stats is None:
            return 0
        return int(stats.get_value("downloader/response_count", 0) or 0) + int(
            stats.get_value("scheduler/dequeued/redis", 0) or 0)

    def spider_idle(self) -> None:
        """Stay open until the shared frontier has been empty for ``idle_timeout``."""
        self._beat()
        now = time.monotonic()
        activity = self._activity()
        if self._queue_len() or activity != self._activity_seen:
            self._idle_since = None  # work came in since the last look
        self._activity_seen = activity
        if self._idle_since is None:
            self._idle_since = now
        if now - self._idle_since < self.idle_timeout:
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("newscrawl/distributed/idle_waits")
            raise DontCloseSpider
        logger.info("Shared frontier empty for %.0fs: worker %s leaves", self.idle_timeout,
                    self.worker_id)

    def spider_closed(self, reason: str) -> None:
        if self._heartbeat is not None and self._heartbeat.running:
            self._heartbeat.stop()
        try:
            self.client.delete(self._worker_key())
            others = list(self.client.scan_iter(match=f"{self.keys['workers']}:*", count=100))
            if reason == "finished" and not others and not self._queue_len():
                # The crawl is over: forget its fingerprints so the next crawl can refetch
                # (the state store decides what is new).
                self.client.delete(self.keys["dupefilter"])
                logger.info("Last worker out: cleared %s", self.keys["dupefilter"])
        finally:
            self.client.close()
