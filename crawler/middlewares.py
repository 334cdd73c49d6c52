"""Scrapy's retries, with the wait a server asks for: ``Retry-After`` on a 429 or 503.

Scrapy retries those statuses (RETRY_HTTP_CODES) but ignores Retry-After, so a site that
asks for a minute gets its retry within a second. Here the site's download slot waits as
long as asked (at most NEWSARCHIVE_RETRY_AFTER_MAX seconds) before its next request, and
goes back to its own pace with the first answer that is not an error.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings

from crawler.stats import RETRY_AFTER

# The statuses whose Retry-After is a request to wait (RFC 9110 15.5.20 and RFC 6585 4).
WAIT_STATUSES = (429, 503)


def retry_after(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait, from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None  # malformed: Scrapy's own retry pace
    if when.tzinfo is None:  # HTTP dates are GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """RetryMiddleware that honours Retry-After (replaces it in DOWNLOADER_MIDDLEWARES)."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)  # from_crawler() then sets self.crawler
        self.max_wait = settings.getfloat("NEWSARCHIVE_RETRY_AFTER_MAX")
        # slot -> its delay and jitter before a server asked it to wait
        self.paces: dict[str, tuple[float, float]] = {}

    # Without Scrapy's deprecated spider argument.
    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        wait = retry_after(response.headers.get("Retry-After"))
        if slot is not None and response.status in WAIT_STATUSES and wait is not None:
            self.paces.setdefault(key, (slot.delay, slot.jitter))
            slot.delay = max(slot.delay, min(wait, self.max_wait))
            slot.jitter = 0.0  # as long as asked, not a random part of it
            slot.lastseen = time.monotonic()  # from this answer on (Scrapy's clock for the slot)
            self.crawler.stats.inc_value(RETRY_AFTER)
        elif slot is not None and key in self.paces and response.status < 400:
            slot.delay, slot.jitter = self.paces.pop(key)
        return super().process_response(request, response)
