"""Where article URLs come from: robots.txt, sitemaps, feeds, listing pages.

Pure parsers over Scrapy responses (no requests are made here), so each is testable on a
fixture body. The spider decides what to fetch.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin

import feedparser
from scrapy.http import Response, TextResponse, XmlResponse
from scrapy.utils._compression import _DecompressionMaxSizeExceeded
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml")


@dataclass(frozen=True)
class Link:
    """A URL found by discovery, with what the source said about it."""

    url: str
    hints: dict[str, str] = field(default_factory=dict)


class InvalidFeed(ValueError):
    """A response at a feed URL that no feed parser can read."""


class InvalidSitemap(ValueError):
    """A response at a sitemap URL that is not a sitemap (an HTML error page, a bomb, junk)."""


def sitemaps_in_robots(response: Response) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt."""
    return list(sitemap_urls_from_robots(response.body, base_url=response.url))


def parse_sitemap(response: Response, max_size: int) -> tuple[list[Link], list[Link]]:
    """(child sitemaps, page URLs) of a sitemap or sitemap index, plain or gzipped.

    Parsing is Scrapy's (entities never resolved); gzip is inflated up to ``max_size``.
    """
    body = _sitemap_body(response, max_size)
    sitemap = Sitemap(body)
    entries = [Link(entry["loc"].strip(), _sitemap_hints(entry)) for entry in sitemap if entry.get("loc")]
    if sitemap.type == "sitemapindex":
        return entries, []
    if sitemap.type == "urlset":
        return [], entries
    raise InvalidSitemap(f"root element is <{sitemap.type}>, not <urlset> or <sitemapindex>")


def _sitemap_body(response: Response, max_size: int) -> bytes:
    if gzip_magic_number(response):
        try:
            return gunzip(response.body, max_size=max_size)
        except _DecompressionMaxSizeExceeded:
            raise InvalidSitemap(f"more than {max_size} bytes once decompressed") from None
        except (OSError, EOFError, zlib.error) as error:  # truncated or corrupt gzip
            raise InvalidSitemap(f"broken gzip: {error}") from None
    if isinstance(response, XmlResponse) or response.body.lstrip()[:5] == b"<?xml":
        return response.body
    raise InvalidSitemap(f"not XML ({response.headers.get('Content-Type', b'?').decode(errors='replace')})")


def _sitemap_hints(entry: dict) -> dict[str, str]:
    hints = {}
    if lastmod := (entry.get("lastmod") or "").strip():
        hints["modified"] = lastmod
    return hints


def feed_links(response: TextResponse) -> list[str]:
    """Feeds a page announces with ``<link rel="alternate" type="application/rss+xml">``."""
    hrefs = []
    for link in response.xpath("//link[@href][contains(concat(' ', @rel, ' '), ' alternate ')]"):
        if (link.attrib.get("type") or "").split(";")[0].strip().lower() in FEED_TYPES:
            hrefs.append(response.urljoin(link.attrib["href"]))
    return hrefs


def parse_feed(response: Response) -> list[Link]:
    """The entries of an RSS or Atom feed, with their dates and titles as hints."""
    parsed = feedparser.parse(
        response.body, response_headers={"content-location": response.url}, sanitize_html=False
    )
    if parsed.bozo and not parsed.entries:
        raise InvalidFeed(str(parsed.get("bozo_exception", "not a feed")))
    links = []
    for entry in parsed.entries:
        if not (href := entry.get("link")):
            continue
        # dict.get, not entry.get: feedparser answers "updated" with "published" when absent.
        hints = {
            key: dict.get(entry, source)
            for key, source in (("published", "published"), ("modified", "updated"), ("title", "title"))
            if dict.get(entry, source)
        }
        links.append(Link(urljoin(response.url, href), hints))
    return links


def page_links(response: TextResponse) -> Iterator[str]:
    """Every http(s) link of an HTML page, absolute, in document order."""
    for href in response.xpath("//a/@href").getall():
        url = response.urljoin(href.strip())
        if url.startswith(("http://", "https://")):
            yield url


def next_pages(response: TextResponse) -> list[str]:
    """The next (older) page of a paginated listing, as the page marks it."""
    hrefs = response.xpath(
        "//link[@rel='next']/@href | //a[@rel='next']/@href"
        " | //a[contains(concat(' ', normalize-space(@class), ' '), ' next ')]/@href"
    ).getall()
    return list(dict.fromkeys(response.urljoin(h.strip()) for h in hrefs if h.strip()))
