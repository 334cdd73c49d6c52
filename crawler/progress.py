"""A progress line for interactive backfills: pages, articles stored, rate, and the total
where a source announces it. Off unless NEWSARCHIVE_PROGRESS (the CLI sets it on a TTY)."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.stats import NEW, UPDATED

INTERVAL = 1.0  # seconds between refreshes


def progress_line(site: str, stats: dict[str, Any], total: int | None, elapsed: float) -> str:
    """``icesco: 1,240 pages, 1,180 articles stored of ~5,000, 3.1/s``"""
    stored = stats.get(NEW, 0) + stats.get(UPDATED, 0)
    pages = stats.get("response_received_count", 0)
    of = f" of ~{total:,}" if total else ""
    rate = stored / elapsed if elapsed > 0 else 0.0
    return f"{site}: {pages:,} pages, {stored:,} articles stored{of}, {rate:.1f}/s"


class Progress:
    def __init__(self, crawler: Any, stream: TextIO = sys.stderr) -> None:
        self.crawler = crawler
        self.stream = stream
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.show)

    @classmethod
    def from_crawler(cls, crawler: Any) -> Progress:
        if not crawler.settings.getbool("NEWSARCHIVE_PROGRESS"):
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def opened(self) -> None:
        self.started = time.monotonic()
        self.loop.start(INTERVAL, now=False)

    def closed(self) -> None:
        if self.loop.running:
            self.loop.stop()
        self.show()
        self.stream.write("\n")

    def show(self) -> None:
        spider = self.crawler.spider
        # The API announces its post count; sitemaps list every article they know.
        total = getattr(spider, "api_total", None) or len(spider.frontier.route_urls.get("sitemap", ()))
        line = progress_line(
            spider.site.key, self.crawler.stats.get_stats(), total, time.monotonic() - self.started
        )
        self.stream.write("\r" + line)
        self.stream.flush()
