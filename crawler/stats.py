"""The names of the crawl's own counters in Scrapy's stats (all under ``archive/``), written once.

The spider counts what discovery found and what it asked for, the pipeline what storing did
(an ``Outcome`` of storage/records.py, or why a URL stored nothing); the runner's summary,
the progress line, ``newsarchive add`` and the ``crawls`` row read them.
"""

from __future__ import annotations

from storage.records import Outcome

PREFIX = "archive/"


def key(name: str) -> str:
    """The stat of one of the crawl's counters: ``archive/NAME``."""
    return PREFIX + name


def outcome_key(outcome: str) -> str:
    """URLs of the run that stored nothing, and why (not_article, http_error, timeout, ...)."""
    return key(f"outcome/{outcome}")


def route_key(route: str, counter: str) -> str:
    """Per discovery route (sitemap, feed, api, listing, hreflang): ``requests`` made, article
    URLs ``found``, ``new`` ones fetched."""
    return key(f"route/{route}/{counter}")


ROUTES = key("route/")

# Articles read from their pages, before they are stored (a batch at a time).
EXTRACTED = key("extracted")
# What storing did (storage.records.Outcome), counted per article.
NEW = key(Outcome.NEW)
UPDATED = key(Outcome.UPDATED)
UNCHANGED = key(Outcome.UNCHANGED)
ALIASES = key(Outcome.ALIAS)
NEAR_DUPLICATES = key(Outcome.DUPLICATE)
GONE = key(Outcome.GONE)
NOT_ARTICLE = outcome_key("not_article")

ERRORS = key("errors")  # pages that failed (fetch or extraction): the run exits 1
SKIPPED_KNOWN = key("skipped_known")  # archived URLs discovery offered, not fetched again
HANDED_OVER = key("handed_over")  # a worker of a distributed crawl: articles sent to the loader
REQUEUED = key("requeued")
RETRY_AFTER = key("retry_after")
