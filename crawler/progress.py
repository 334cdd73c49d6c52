"""A progress line for interactive backfills: pages, articles read and stored, time, rate, and
the time left where a source announces a total. Off unless NEWSARCHIVE_PROGRESS (the CLI sets it
on a TTY)."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.stats import EXTRACTED, NEW, UPDATED

INTERVAL = 1.0  # seconds between refreshes


def progress_line(site: str, stats: dict[str, Any], total: int | None, elapsed: float) -> str:
    """``icesco: 1,240 pages, 1,190 articles read (1,150 stored) of ~5,000; 6m20s, 3.1/s, ~20m left``

    Articles are read (extracted) a page at a time and stored a batch at a time: both are shown,
    so that the line moves from the first article on."""
    read = stats.get(EXTRACTED, 0)
    stored = stats.get(NEW, 0) + stats.get(UPDATED, 0)
    pages = stats.get("response_received_count", 0)
    rate = read / elapsed if elapsed > 0 else 0.0
    line = f"{site}: {pages:,} pages, {read:,} articles read ({stored:,} stored)"
    if total:
        line += f" of ~{total:,}"
    line += f"; {duration(elapsed)}, {rate:.1f}/s"
    if total and rate and read < total:
        line += f", ~{duration((total - read) / rate)} left"
    return line


def duration(seconds: float) -> str:
    """``45s``, ``6m20s``, ``2h05m``"""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


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
