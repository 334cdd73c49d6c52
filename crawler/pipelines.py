"""From fetched page to archive: extract the article, store it in batches, record the run."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import redis
import scrapy
from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

from crawler import stats
from crawler.dates import in_window
from crawler.distributed import worker_name
from crawler.extract import extract_page
from crawler.extraction_pool import extraction_pool, failure_reason
from crawler.items import ApiPosts, FetchedPage, NotStored
from crawler.paths import archive_file
from crawler.spiders.news import NewsSpider
from crawler.wp_content import articles_from_posts
from storage.archive import Archive
from storage.handover import Handover
from storage.records import ArchiveWriter, Article, Capture, Outcome, outcome_columns

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Scrapy's finish reasons for a run stopped before its end, which the next run completes:
# a signal (SIGTERM, SIGINT), or the time or memory limit of crawler/settings.py.
INTERRUPTED_REASONS = frozenset({"shutdown", "closespider_timeout", "memusage_exceeded"})
# The finish reason of a run that stopped because SQLite could not write the archive.
ARCHIVE_UNWRITABLE = "archive_unwritable"
# A run that ended because it had nothing left to do, without one answer from the site
# (refused, timed out, unresolvable): it failed, though Scrapy says "finished".
NO_ANSWER = "no_answer"


def run_end(reason: str, requests: int, responses: int) -> tuple[str, str]:
    """The status and reason a run's row records, from Scrapy's finish reason and the number
    of requests it made and responses the site gave."""
    if reason == "finished":
        return ("failed", NO_ANSWER) if requests and not responses else ("finished", reason)
    return ("interrupted" if reason in INTERRUPTED_REASONS else "failed"), reason


def storage_failure(error: BaseException) -> bool:
    """Whether the archive could not be written: SQLite's disk is full, or failing; or, for a
    worker of a distributed crawl, the Redis it hands articles over to is unreachable."""
    if isinstance(error, redis.RedisError):
        return True
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF  # the primary code of an extended one
    return isinstance(error, sqlite3.OperationalError) and code in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR)


# What writing the archive (or handing it over) may raise; storage_failure tells which stop the run.
WRITE_ERRORS = (sqlite3.OperationalError, redis.RedisError)


class ArchivePipeline:
    """Extracts each fetched page and stores the articles in ``NEWSARCHIVE_DB``.

    Extraction runs in a pool of processes (``NEWSARCHIVE_EXTRACT_PROCESSES``, default one per
    core) while the reactor goes on downloading; Scrapy's scraper holds at most
    ``SCRAPER_SLOT_MAX_ACTIVE_SIZE`` bytes of responses whose items are in progress and stops
    taking new ones beyond, so the pages waiting for a worker stay bounded. Articles are
    written ``NEWSARCHIVE_BATCH_SIZE`` at a time, one transaction per batch, by a thread of its
    own that makes every write of the run (SQLite has one writer; the reactor's thread, which
    Scrapy's work per page keeps busy, waits for none of them). The run itself is a row of
    ``crawls``, opened with the spider and closed with its counts. In a distributed crawl
    (``NEWSARCHIVE_REDIS_URL``), the same operations are handed over to the loader instead
    (storage/handover.py).
    """

    def __init__(self, crawler: scrapy.crawler.Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_path = archive_file(crawler.settings.get("NEWSARCHIVE_DB"))
        self.batch_size = crawler.settings.getint("NEWSARCHIVE_BATCH_SIZE")
        self.extract_timeout = crawler.settings.getfloat("NEWSARCHIVE_EXTRACT_TIMEOUT") or None
        self.window = (crawler.settings.get("NEWSARCHIVE_SINCE"), crawler.settings.get("NEWSARCHIVE_UNTIL"))
        self.batch: list[tuple[Article, Capture]] = []
        self.archive: ArchiveWriter[Any]  # set with the spider
        self.crawl_id: Any = None  # how the writer names the run: an id, or a worker's run name
        self.unwritable = False  # the disk is full: nothing more is stored in this run
        self.shared = bool(crawler.settings.get("NEWSARCHIVE_REDIS_URL"))
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="archive-writer")

    @classmethod
    def from_crawler(cls, crawler: scrapy.crawler.Crawler) -> ArchivePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    @property
    def spider(self) -> NewsSpider:
        spider = self.crawler.spider
        assert isinstance(spider, NewsSpider)  # the project's one spider
        return spider

    def open_spider(self) -> None:
        spider = self.spider
        settings = self.crawler.settings
        if self.shared:  # a worker of a distributed crawl: the loader writes the archive
            self.archive = Handover(settings["NEWSARCHIVE_REDIS_URL"], worker_name())
            self.batch_size = 1  # each article handed over at once: a worker killed holds none back
            self.stats.set_value(stats.HANDED_OVER, 0)
        else:
            threshold = settings.get("NEWSARCHIVE_NEAR_DUPLICATE")  # None: the archive's default
            # opened by the thread that writes it: an SQLite connection stays in its thread
            self.archive = self.now(Archive, self.db_path, float(threshold) if threshold else None)
        self.pool = extraction_pool(
            settings.getint("NEWSARCHIVE_EXTRACT_PROCESSES"), settings.getint("NEWSARCHIVE_EXTRACT_MEMORY_MB")
        )
        self.crawl_id = self.now(self.archive.start_crawl, spider.site.key, spider.mode, scrapy.__version__)

    async def write(self, operation: Callable[..., T], *args: Any) -> T:
        """``operation(*args)`` on the archive's writer thread, awaited."""
        return await asyncio.wrap_future(self.writer.submit(operation, *args))

    def now(self, operation: Callable[..., T], *args: Any) -> T:
        """``operation(*args)`` on the archive's writer thread, waited for (the run's start and end)."""
        return self.writer.submit(operation, *args).result()

    async def process_item(self, item: FetchedPage | NotStored) -> FetchedPage | NotStored:
        if not self.unwritable:
            with self.stopping_if_unwritable():
                await self.archive_item(item)
        return item

    async def archive_item(self, item: FetchedPage | NotStored) -> None:
        if isinstance(item, NotStored):  # logged and counted by the spider
            await self.record(item.url, item.outcome, item.status, item.reason)
            return
        if isinstance(item, ApiPosts):
            await self.archive_posts(item)
            return
        if item.status == 304:  # asked "changed since?": no
            await self.write(self.archive.touch, item.url, item.fetched_at, self.crawl_id)
            self.stats.inc_value(stats.UNCHANGED)
            return
        if item.status in (404, 410):  # an archived article the site no longer has
            await self.write(self.archive.mark_gone, item.url, item.fetched_at, item.status, self.crawl_id)
            self.stats.inc_value(stats.GONE)
            logger.info("Gone (%d): %s", item.status, item.url)
            return
        capture = Capture(item.url, item.status, item.headers, item.body, item.fetched_at, item.hints)
        if await self.write(self.archive.revisit, capture, self.crawl_id) is not None:
            # The same bytes as the last capture of this URL: the same article, not read again.
            self.stats.inc_value(stats.UNCHANGED)
            return
        selectors = self.spider.site.selectors
        job = self.pool.schedule(
            extract_page,
            (item.body, item.headers.get("Content-Type"), item.url, item.site, item.hints, selectors),
            timeout=self.extract_timeout,
        )
        try:
            article, packed = await asyncio.wrap_future(job)
        except Exception as error:  # this page's extraction failed; the crawl goes on
            reason = failure_reason(error)
            self.stats.inc_value(stats.ERRORS)
            logger.warning("Extraction failed (%s) for %s: %r", reason, item.url, error)
            await self.record(item.url, reason, item.status, repr(error))
            return
        capture.packed = packed
        if article is None:
            # An outcome, not an error: tag pages, stubs and indexes match article patterns too.
            # The capture is kept: a later `newsarchive reextract` may find the article in it.
            logger.debug("Not an article: %s", item.url)
            await self.write(self.archive.refuse, capture, item.site, self.crawl_id)
            self.stats.inc_value(stats.NOT_ARTICLE)
            return
        await self.keep(article, capture)

    async def archive_posts(self, item: ApiPosts) -> None:
        """The posts of a page of the WordPress API, as articles; each one's capture is the
        page (its bytes stored once, the others revisits of it)."""
        job = self.pool.schedule(
            articles_from_posts, (item.body, item.site, item.posts), timeout=self.extract_timeout
        )
        try:
            results, packed = await asyncio.wrap_future(job)
        except Exception as error:  # this page's extraction failed: its posts are not stored
            reason = failure_reason(error)
            self.stats.inc_value(stats.ERRORS)
            logger.warning("Extraction failed (%s) for %s: %r", reason, item.url, error)
            for url, _ in item.posts:
                await self.record(url, reason, item.status, f"{item.url}: {error!r}")
            return
        for (url, hints), (article, failure) in zip(item.posts, results, strict=True):
            if article is None:  # a page the size of a book, or no article in the content
                self.stats.inc_value(stats.ERRORS, int(failure is not None))
                await self.record(
                    url, failure or "not_article", item.status, f"the API's content, in {item.url}"
                )
                continue
            capture = Capture(
                item.url, item.status, item.headers, item.body, item.fetched_at, {**hints, "post_url": url}
            )
            capture.packed = packed
            await self.keep(article, capture)

    async def keep(self, article: Article, capture: Capture) -> None:
        """An extracted article, stored with the next batch (unless outside the backfill's window)."""
        if not in_window(article.published, *self.window):
            logger.debug("Outside the window (%s): %s", article.published, article.url)
            await self.record(article.url, "outside_window", capture.status, f"published {article.published}")
            return
        self.stats.inc_value(stats.EXTRACTED)
        self.batch.append((article, capture))
        if len(self.batch) >= self.batch_size:
            batch, self.batch = self.batch, []
            self.count_stored(await self.write(self.archive.store_many, batch, self.crawl_id))

    async def record(
        self, url: str, outcome: str, status: int | None = None, reason: str | None = None
    ) -> None:
        """A URL of this run that stored nothing, and why: in the archive and the run's stats."""
        await self.write(self.archive.record_outcome, self.crawl_id, url, outcome, status, reason)
        self.stats.inc_value(stats.outcome_key(outcome))

    def count_stored(self, outcomes: Counter[str]) -> None:
        for outcome, count in outcomes.items():
            self.stats.inc_value(stats.key(outcome), count)

    def close_spider(self) -> None:
        if not self.unwritable and self.batch:
            with self.stopping_if_unwritable():
                batch, self.batch = self.batch, []
                self.count_stored(self.now(self.archive.store_many, batch, self.crawl_id))

    @contextlib.contextmanager
    def stopping_if_unwritable(self) -> Iterator[None]:
        """A full (or failing) disk, or a worker's Redis gone, stops the run: the transaction in
        progress is rolled back, what earlier ones stored stays intact, and the next run fetches
        the rest."""
        try:
            yield
        except WRITE_ERRORS as error:
            if not storage_failure(error):
                raise
            self.unwritable = True
            self.batch.clear()
            logger.critical(
                "The archive %s cannot be written (%s): stopping. What is stored is intact; "
                "free some space (or bring Redis back) and run again to fetch the rest.",
                self.crawler.settings.get("NEWSARCHIVE_REDIS_URL") or self.db_path,
                error,
            )
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=ARCHIVE_UNWRITABLE))

    def spider_closed(self, spider: scrapy.Spider, reason: str) -> None:
        # Else the unanswered were still waiting their turn; or, in a distributed crawl, were
        # answered to another worker.
        if reason == "finished" and not self.shared:
            reason_dropped = "filtered on the way: redirected off-site or in a loop"
            for url in sorted(self.spider.frontier.unanswered()):
                self.now(self.archive.record_outcome, self.crawl_id, url, "dropped", None, reason_dropped)
                self.stats.inc_value(stats.outcome_key("dropped"))
        values = self.stats.get_stats()
        outcomes: dict[str, int] = {name: values.get(stats.key(name), 0) for name in Outcome}
        outcomes["not_article"] = values.get(stats.NOT_ARTICLE, 0)
        counts = {
            "requests": values.get("downloader/request_count", 0),
            **outcome_columns(outcomes),
            "errors": values.get(stats.ERRORS, 0),
            "routes": json.dumps(route_stats(values)),
            "swept": int(self.spider.frontier.swept),
        }
        status, reason = run_end(
            reason, values.get("downloader/request_count", 0), values.get("downloader/response_count", 0)
        )
        self.stats.set_value("finish_reason", reason)  # what the summary and the exit code say too
        try:
            self.now(self.archive.finish_crawl, self.crawl_id, status, reason, counts)
        except WRITE_ERRORS as error:
            if not storage_failure(error):
                raise
            logger.error("The end of run %s could not be recorded: %s", self.crawl_id, error)
        finally:
            self.now(self.archive.close)
            self.writer.shutdown()


def route_stats(values: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Per discovery route: requests made, article URLs found, and new ones fetched."""
    routes: dict[str, dict[str, int]] = {}
    for key, value in values.items():
        if key.startswith(stats.ROUTES):
            route, counter = key.removeprefix(stats.ROUTES).split("/")
            routes.setdefault(route, {"requests": 0, "found": 0, "new": 0})[counter] = value
    return dict(sorted(routes.items()))
