"""The plain records the crawler and the archive exchange, and the interface of the archive's writer."""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from storage.fingerprint import shingles, sketch


@dataclass(frozen=True)
class Article:
    """One extracted article, as the crawler saw it at ``url``."""

    site: str
    url: str  # the URL the page was fetched from (after redirects)
    text: str  # plain text, one paragraph per line
    title: str | None = None
    canonical_url: str | None = None  # what the page says its URL is, when on the same site
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601: a date, or a date-time with its offset when known
    published_raw: str | None = None  # the string it was read from, as written
    published_source: str | None = None  # where: json-ld, meta, time, wp-api, feed, sitemap, ...
    modified: str | None = None
    language: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    image: str | None = None
    markdown: str | None = None  # the body with its headings, lists and emphasis, for reading
    translations: dict[str, str] = field(default_factory=dict)  # language -> URL (hreflang)
    # Which extraction path found the body: newsarchive (trafilatura after the project's own
    # rules), trafilatura (plain, the fallback), selector (the site's body selector).
    extracted_by: str | None = None
    # Dedupe rule 3's MinHash sketch of ``text`` (storage/fingerprint.py), computed where the
    # article is made: in a crawl by the extraction processes, in parallel, not by the archive's
    # one writer.
    sketch: tuple[int | None, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sketch", sketch(shingles(self.text)))


@dataclass
class Capture:
    """One fetched page, raw, so extraction can be re-run without re-crawling."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: str  # ISO 8601, UTC
    hints: dict[str, str] = field(default_factory=dict)  # what discovery knew of the URL
    # ``body`` packed for the archive (see pack), when done beforehand: in a crawl, by the
    # extraction process, in parallel, rather than by the archive's one writer.
    packed: bytes | None = field(default=None, repr=False, compare=False)


def pack(body: bytes) -> bytes:
    """A page's raw bytes as the archive keeps them (``pages.body``)."""
    return zlib.compress(body)


def unpack(packed: bytes) -> bytes:
    """The raw bytes of a page the archive keeps."""
    return zlib.decompress(packed)


class Outcome(StrEnum):
    """What storing one article did."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ALIAS = "alias"
    DUPLICATE = "duplicate"  # new, and a near-duplicate of an earlier article
    GONE = "gone"  # the site answers 404/410 for an archived article (kept here)


# The columns of ``crawls`` that count a run's outcomes, and the outcomes each adds up.
OUTCOME_COLUMNS = {
    "new": (Outcome.NEW, Outcome.DUPLICATE),  # a near-duplicate is a new article too, with duplicate_of set
    "updated": (Outcome.UPDATED,),
    "unchanged": (Outcome.UNCHANGED,),
    "aliases": (Outcome.ALIAS,),
    "duplicates": (Outcome.DUPLICATE,),
    "gone": (Outcome.GONE,),
    "not_articles": ("not_article",),
}


def outcome_columns(outcomes: Mapping[str, int]) -> dict[str, int]:
    """A run's counts of each outcome, as the columns of ``crawls``."""
    return {column: sum(outcomes.get(name, 0) for name in names) for column, names in OUTCOME_COLUMNS.items()}


@dataclass(frozen=True)
class StoredCapture:
    """The newest capture of an archived article, or of a page extraction refused, for
    re-extraction."""

    article_id: int | None  # None: a page that discovery took for an article's and extraction refused
    page_id: int
    site: str
    url: str
    headers: dict[str, str]
    body: bytes
    hints: dict[str, str]


@dataclass(frozen=True)
class Known:
    """What the archive knows of an article URL: when it was last seen, and its validators."""

    last_seen: str
    canonical: bool = True  # the article's own URL, not an alias or a variant it was fetched at
    gone_at: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    article: bool = True  # else a page fetched for an article's that holds none (non_articles)
    published: str | None = None  # the article's publication date, for the revisit policy
    sitemap: str | None = None  # the sitemap that listed it when it was last fetched


def validators(headers: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(ETag, Last-Modified) of a response's headers, whatever their case."""
    lower = {key.lower(): value for key, value in headers.items()}
    return lower.get("etag"), lower.get("last-modified")


def utcnow() -> str:
    """The current time as ISO 8601 UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


# How a writer names a run: the Archive's crawl id, or the handover's run name.
Run = TypeVar("Run")


class ArchiveWriter(Protocol[Run]):
    """What a crawl writes to the archive: ``storage.archive.Archive`` itself, or, on a worker
    of a distributed crawl, ``storage.handover.Handover``, which hands each operation to the
    archive's one writer through Redis."""

    def start_crawl(self, site: str, mode: str, scrapy_version: str | None = None) -> Run:
        """Record the start of a run of ``site``; returns how the run is named hereafter."""
        ...

    def revisit(self, capture: Capture, run: Run) -> int | None:
        """When ``capture`` has its URL's last bytes: record the visit, return the article's id."""
        ...

    def store_many(self, batch: Iterable[tuple[Article, Capture]], run: Run) -> Counter[str]:
        """Store articles with their captures; returns how many had each outcome."""
        ...

    def refuse(self, capture: Capture, site: str, run: Run) -> None:
        """Keep the capture of a page extraction refused (outcome ``not_article``)."""
        ...

    def touch(self, url: str, seen: str, run: Run) -> object:
        """The page at ``url`` answered 304: seen, unchanged."""
        ...

    def mark_gone(self, url: str, seen: str, status: int, run: Run) -> object:
        """The page at ``url`` answered 404/410: the article is gone from the site."""
        ...

    def record_outcome(
        self, run: Run, url: str, outcome: str, status: int | None = None, reason: str | None = None
    ) -> None:
        """Why a URL of the run stored nothing."""
        ...

    def finish_crawl(self, run: Run, status: str, reason: str, counts: Mapping[str, Any]) -> None:
        """Record the end of a run with its counts."""
        ...

    def close(self) -> None: ...
