"""A crawl shared by workers on any number of machines, through Redis (scrapy-redis).

With ``NEWSARCHIVE_REDIS_URL`` set (``newsarchive crawl --redis URL``), each site's request
queue and duplicate filter live in Redis: every worker that crawls the site takes its next
request from the same queue, and a URL one worker has queued is never queued again. Workers
hand what they extract to the loader (storage/handover.py), the archive's one writer.

scrapy-redis shares the queue; this module adds what a run needs beyond it:

- a run: the queue and the filter of a site belong to its current run, which ends when a
  worker finds nothing queued and no worker busy; then they are cleared, so that the next
  night's run starts afresh. A run whose workers all stopped (killed, or timed out) resumes;
- requests in flight: a request taken from the queue is kept, under its worker's name, until
  what came of it is handed over. A worker that stops answering (killed outright) is found by
  its heartbeat's expiry: its requests go back to the queue for the others, and the loader
  ends its run as ``interrupted``; one that stops gracefully puts them back itself;
- politeness shared: a site's requests are ``DOWNLOAD_DELAY`` apart, and no more than
  ``CONCURRENT_REQUESTS_PER_DOMAIN`` of them in flight, across all the workers, as on one
  machine, not on each (``SharedPace``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import warnings
from typing import Any
from urllib.parse import urlsplit

import redis
import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, ScrapyDeprecationWarning
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import create_looping_call
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from crawler.stats import REQUEUED
from storage.handover import worker_key

logger = logging.getLogger(__name__)
# scrapy-redis 0.9 says "Resuming crawl" through Spider.log, which Scrapy 2.13 deprecates: a
# worker joining a run would print the deprecation on every console.
warnings.filterwarnings("ignore", r"Spider\.log\(\) is deprecated", ScrapyDeprecationWarning, "scrapy_redis")

# How often a worker says it is alive, and how long its silence takes to mean it is not.
HEARTBEAT_SECONDS = 1.0
WORKER_TTL_SECONDS = 10
# The meta key of a request taken from the shared queue: its entry among those in flight.
IN_FLIGHT = "newsarchive_in_flight"

# Take the queue's first request (scrapy-redis' PriorityQueue: a sorted set by -priority), note
# it as in flight under the worker's entry, and mark the worker busy: all at once, so that no
# other worker can see the queue empty and this one idle while it holds the request.
TAKE = """
local taken = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
if not taken then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('HSET', KEYS[2], ARGV[1], taken)
redis.call('SET', KEYS[3], 'busy', 'EX', ARGV[2])
return taken
"""


# A site's turn, on Redis' clock (the one every machine shares): taken when fewer than the
# site's concurrency are in flight across the cluster (leases of workers that died expire) and
# the delay since the last turn has passed; else the milliseconds to wait (-1: until one ends).
TAKE_TURN = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ms)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then return -1 end
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
if free > ms then return free - ms end
redis.call('SET', KEYS[1], ms + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) + 60000)
redis.call('ZADD', KEYS[2], ms + tonumber(ARGV[4]), ARGV[3])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[4]))
return 0
"""
# The meta key of a request holding its site's turn: the turn's entry among those in flight.
TURN = "newsarchive_turn"
FULL_WAIT_SECONDS = 0.02  # how often a request waiting for one in flight to end asks again


def worker_name() -> str:
    """This process, as other workers and the loader know it."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Distributed:
    """Scrapy add-on: with ``NEWSARCHIVE_REDIS_URL`` set, the crawl is shared through Redis."""

    def update_settings(self, settings: BaseSettings) -> None:
        url = settings.get("NEWSARCHIVE_REDIS_URL")
        if not url:
            return  # one machine: Scrapy's own scheduler and filter, the archive written in place
        settings.set("REDIS_URL", url, priority="addon")
        settings.set("SCHEDULER", f"{__name__}.SharedScheduler", priority="addon")
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority="addon")
        settings.set_in_component_priority_dict("DOWNLOADER_MIDDLEWARES", SharedPace, 990)


class SharedPace:
    """Downloader middleware of a distributed crawl: a site is crawled by all the workers as by
    one machine. Each request waits for the site's turn: ``DOWNLOAD_DELAY`` after the last
    request any worker made to it, and fewer than ``CONCURRENT_REQUESTS_PER_DOMAIN`` of them in
    flight; it holds the turn until its response (or failure) comes back. Each worker's own
    delay and AutoThrottle still apply on top. Installed last before the downloader, so that a
    retry or a redirect, which are new requests, take turns of their own.

    A worker killed while holding a turn cannot give it back: the turn's lease ends it, after
    the longest a request may legitimately take (the worker's own wait, then its download)."""

    def __init__(self, redis_url: str, delay: float, concurrency: int, lease: float) -> None:
        self.delay_ms, self.concurrency, self.lease_ms = int(delay * 1000), concurrency, int(lease * 1000)
        self.redis = redis.Redis.from_url(redis_url)
        self.take_turn = self.redis.register_script(TAKE_TURN)
        self.worker, self.turns = worker_name(), 0

    @classmethod
    def from_crawler(cls, crawler: scrapy.crawler.Crawler) -> SharedPace:
        settings = crawler.settings
        delay = settings.getfloat("DOWNLOAD_DELAY")
        own_wait = max(
            1.5 * delay,
            settings.getfloat("AUTOTHROTTLE_MAX_DELAY") * settings.getbool("AUTOTHROTTLE_ENABLED"),
        )
        return cls(
            settings["NEWSARCHIVE_REDIS_URL"],
            delay,
            settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
            lease=own_wait + settings.getfloat("DOWNLOAD_TIMEOUT") + 10,
        )

    def _keys(self, request: scrapy.Request) -> list[str]:
        site = f"newsarchive:pace:{urlsplit(request.url).netloc}"
        return [site, f"{site}:in_flight"]

    async def process_request(self, request: scrapy.Request) -> None:
        self.turns += 1
        entry = request.meta[TURN] = f"{self.worker}#{self.turns}"
        keys = self._keys(request)
        args: list[int | str] = [self.delay_ms, self.concurrency, entry, self.lease_ms]
        while (wait := int(self.take_turn(keys=keys, args=args))) != 0:
            await asyncio.sleep(FULL_WAIT_SECONDS if wait < 0 else wait / 1000)

    def process_response(
        self, request: scrapy.Request, response: scrapy.http.Response
    ) -> scrapy.http.Response:
        self._end_turn(request)
        return response

    def process_exception(self, request: scrapy.Request, exception: Exception) -> None:
        self._end_turn(request)

    def _end_turn(self, request: scrapy.Request) -> None:
        # a response from a middleware before this one (the HTTP cache's) took no turn
        if entry := request.meta.pop(TURN, None):
            self.redis.zrem(self._keys(request)[1], entry)


class SharedScheduler(Scheduler):
    """scrapy-redis' scheduler, with a site's run and its requests in flight (module docstring)."""

    @classmethod
    def from_crawler(cls, crawler: scrapy.crawler.Crawler) -> SharedScheduler:
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(scheduler.item_done, signal=signal)
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider: scrapy.Spider) -> None:
        prefix = f"newsarchive:{spider.site.key}"  # type: ignore[attr-defined]  # the news spider's
        self.queue_key = f"{prefix}:requests"
        self.in_flight_key = f"{prefix}:in_flight"
        self.workers_key = worker_key(spider.site.key)  # type: ignore[attr-defined]
        self.worker = worker_name()
        self.df = RFPDupeFilter(
            self.server, key=f"{prefix}:seen", debug=spider.settings.getbool("DUPEFILTER_DEBUG")
        )
        super().open(spider)
        self.taken = 0  # requests this worker took, which number its entries
        self.mine: set[str] = set()  # its entries in flight
        self._take = self.server.register_script(TAKE)
        self._say("busy")  # its start requests are on their way
        self.heartbeat = create_looping_call(self.beat)
        self.heartbeat.start(HEARTBEAT_SECONDS, now=False)
        self.requeue_dead()

    def enqueue_request(self, request: scrapy.Request) -> bool:
        # scrapy-redis' own, but for the stats call, whose spider argument Scrapy 2.19 deprecates.
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.queue.push(request)
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> scrapy.Request | None:
        entry = f"{self.worker}#{self.taken + 1}"
        keys = [self.queue.key, self.in_flight_key, self.workers_key + self.worker]
        taken = self._take(keys=keys, args=[entry, WORKER_TTL_SECONDS])
        if taken is None:
            return None
        self.taken += 1
        self.mine.add(entry)
        request = self.queue._decode_request(taken)
        request.meta[IN_FLIGHT] = entry  # carried over to its retries and redirects
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def item_done(self, item: Any, response: Any, **kwargs: Any) -> None:
        """What came of a request is handed over: it is no longer in flight."""
        request = getattr(response, "request", None)  # a Response, or an errback's Failure
        entry = request.meta.get(IN_FLIGHT) if request is not None else None
        if entry:
            self.server.hdel(self.in_flight_key, entry)
            self.mine.discard(entry)

    def beat(self) -> None:
        engine = self.crawler.engine
        try:
            idle = engine.spider_is_idle()
        except RuntimeError:  # the engine is not running yet, or any more
            return
        self._say("idle" if idle else "busy")
        # Scrapy's engine asks its scheduler for requests after each response and otherwise
        # every 5 s: a worker with nothing in flight would leave what others queue waiting.
        engine._slot.nextcall.schedule()

    def _say(self, state: str) -> None:
        self.server.set(self.workers_key + self.worker, state, ex=WORKER_TTL_SECONDS)

    def spider_idle(self, spider: scrapy.Spider) -> None:
        """Nothing to do here: the run is over only if nothing is queued and no worker is busy
        (another's page may yet list a thousand articles)."""
        self.requeue_dead()
        if len(self.queue) or self._others_busy():
            raise DontCloseSpider

    def requeue_dead(self) -> int:
        """Put back in the queue the requests in flight of workers whose heartbeat stopped."""
        alive = set(self._workers())
        back = 0
        for entry, taken in self.server.hscan_iter(self.in_flight_key):
            owner = entry.decode().rpartition("#")[0]
            if owner not in alive and self._put_back(entry, taken):
                back += 1
        if back:
            logger.warning("Put back %d requests in flight of workers that stopped answering", back)
            self.stats.inc_value(REQUEUED, back)
        return back

    def close(self, reason: str) -> None:
        self.heartbeat.stop()
        if reason == "finished":
            # Nothing queued and no worker busy: the run is over; the next starts afresh.
            self.server.delete(self.queue.key, self.df.key, self.in_flight_key)
        else:
            # Stopped early (a signal, a time limit): what this worker held goes to the others,
            # or to the next run, which resumes this one.
            for entry in self.mine:
                if taken := self.server.hget(self.in_flight_key, entry):
                    self._put_back(entry, taken)
        self.server.delete(self.workers_key + self.worker)

    def _put_back(self, entry: bytes | str, taken: bytes) -> bool:
        if not self.server.hdel(self.in_flight_key, entry):
            return False  # another worker put it back first
        self.queue.push(self.queue._decode_request(taken))
        return True

    def _workers(self) -> dict[str, str]:
        """The live workers of this site's run, and whether each is busy or idle."""
        states = {}
        for key in self.server.scan_iter(match=self.workers_key + "*"):
            if (state := self.server.get(key)) is not None:
                states[key.decode().removeprefix(self.workers_key)] = state.decode()
        return states

    def _others_busy(self) -> bool:
        return any(state == "busy" for name, state in self._workers().items() if name != self.worker)
