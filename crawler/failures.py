"""Why a request failed for good (after Scrapy's retries), as an outcome of the archive's."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Request
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.items import NotStored

# Failures that mean no answer came at all: many in a row, and the site is unreachable.
UNANSWERED = frozenset({"timeout", "dns", "refused", "truncated", "failed"})
# What a failed request's error says of it, most specific first (scrapy.exceptions).
FAILURE_OUTCOMES = (
    (HttpError, "http_error"),
    (DownloadTimeoutError, "timeout"),
    (DownloadCancelledError, "too_large"),  # DOWNLOAD_MAXSIZE, or a decompression bomb
    (CannotResolveHostError, "dns"),
    (DownloadConnectionRefusedError, "refused"),
    (ResponseDataLossError, "truncated"),
    (IgnoreRequest, "ignored"),  # off-site, too many redirects, robots.txt (below)
)


def failed_fetch(failure: Failure) -> NotStored:
    """The outcome of a request that failed for good: why, and the status if there was one."""
    outcome = next((name for kind, name in FAILURE_OUTCOMES if failure.check(kind)), "failed")
    reason = failure.getErrorMessage()
    if outcome == "ignored" and "robots.txt" in reason:
        outcome = "robots"
    elif outcome == "ignored" and "DOWNLOAD_MAXSIZE" in reason:  # a compression bomb
        outcome = "too_large"
    response = getattr(failure.value, "response", None)
    return NotStored(failed_request(failure).url, outcome, response.status if response else None, reason)


def failed_request(failure: Failure) -> Request:
    """The request of an errback's failure (Scrapy sets it on the failure)."""
    return failure.request  # type: ignore[attr-defined]
