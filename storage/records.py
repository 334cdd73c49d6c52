"""The plain records the crawler hands to the archive."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

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
    # article is made: in a crawl by the extraction workers, in parallel, not by the archive's
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
    # extraction worker, in parallel, rather than by the archive's one writer.
    packed: bytes | None = field(default=None, repr=False, compare=False)


def pack(body: bytes) -> bytes:
    """A page's raw bytes as the archive keeps them (``pages.body``)."""
    return zlib.compress(body)


def unpack(packed: bytes) -> bytes:
    """The raw bytes of a page the archive keeps."""
    return zlib.decompress(packed)
