"""The one generic spider: finds a site's articles and hands their pages to the pipeline.

Discovery, for each configured site: robots.txt -> sitemaps, configured sitemaps and feeds,
feeds announced by the start pages, and the start pages' listings followed through their
pagination. Only links that look like the site's articles are fetched, and only those the
archive does not hold yet: a nightly run over an unchanged site fetches listings, feeds and
sitemaps, and no article page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler import discovery
from crawler.items import FetchedPage
from crawler.sites import Site, load_sites, select_sites
from storage.loader import Archive
from storage.urls import canonicalize

MODES = ("crawl", "backfill")


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, site: Site, known_urls: set[str], mode: str = "crawl", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.site = site
        self.mode = mode
        self.known_urls = known_urls
        self.allowed_domains = list(site.allowed_domains)

    @classmethod
    def from_crawler(cls, crawler, site: Site | str, mode: str = "crawl", **kwargs: Any):  # type: ignore[override]
        settings = crawler.settings
        if isinstance(site, str):  # `scrapy crawl news -a site=NAME`
            path = settings["NEWSARCHIVE_SITES"]
            site = select_sites(load_sites(path), [site], path)[0]
        with Archive(settings["NEWSARCHIVE_DB"]) as archive:
            known = archive.known_urls(site.key)
        spider = super().from_crawler(crawler, site=site, known_urls=known, mode=mode, **kwargs)
        spider.max_listing_pages = settings.getint("NEWSARCHIVE_MAX_LISTING_PAGES")
        spider.max_sitemap_depth = settings.getint("NEWSARCHIVE_MAX_SITEMAP_DEPTH")
        spider.sitemap_maxsize = settings.getint("NEWSARCHIVE_SITEMAP_MAXSIZE")
        return spider

    # -- entry points ----------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        hosts = dict.fromkeys(f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in self.site.start_urls)
        for host in hosts:
            yield scrapy.Request(f"{host}/robots.txt", self.parse_robots, errback=self.no_robots)
        for url in self.site.sitemaps:
            yield self._sitemap_request(url, depth=1)
        for url in self.site.feeds:
            yield self._request(url, self.parse_feed)
        for url in self.site.start_urls:
            yield self._request(url, self.parse_listing, meta={"listing_page": 1})

    # -- callbacks -------------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterable[scrapy.Request]:
        for url in discovery.sitemaps_in_robots(response):
            yield self._sitemap_request(url, depth=1)

    def parse_sitemap(self, response: Response) -> Iterable[scrapy.Request]:
        try:
            children, pages = discovery.parse_sitemap(response, self.sitemap_maxsize)
        except discovery.InvalidSitemap as error:
            self._count("invalid_sitemap")
            self.logger.warning("Ignoring invalid sitemap %s: %s", response.url, error)
            return
        depth = response.meta["sitemap_depth"] + 1
        if children and depth > self.max_sitemap_depth:
            self._count("sitemap_too_deep")
            self.logger.warning("Not following sitemaps nested deeper than %d at %s", depth - 1, response.url)
            children = []
        for child in children:
            yield self._sitemap_request(child.url, depth)
        for link in pages:
            if request := self._article_request(link):
                yield request

    def parse_feed(self, response: Response) -> Iterable[scrapy.Request]:
        try:
            links = discovery.parse_feed(response)
        except discovery.InvalidFeed as error:
            self._count("invalid_feed")
            self.logger.warning("Ignoring invalid feed %s: %s", response.url, error)
            return
        for link in links:
            if request := self._article_request(link):
                yield request

    def parse_listing(self, response: Response) -> Iterable[scrapy.Request]:
        if not isinstance(response, TextResponse):
            self._count("not_html")
            return
        for url in discovery.feed_links(response):
            yield self._request(url, self.parse_feed)
        new, listings = 0, discovery.next_pages(response)
        for url in discovery.page_links(response):
            if self.site.is_listing_url(url):
                listings.append(url)
            elif request := self._article_request(discovery.Link(url)):
                new += 1
                yield request
        page = response.meta["listing_page"]
        if self.mode == "crawl" and new == 0:
            # Listings are newest first: a page with nothing new means the rest is archived.
            self._count("listing_stopped")
            return
        if page >= self.max_listing_pages:
            self._count("listing_page_cap")
            self.logger.warning("Stopping pagination at page %d of %s", page, response.url)
            return
        for url in dict.fromkeys(listings):
            yield self._request(url, self.parse_listing, meta={"listing_page": page + 1})

    def parse_article(self, response: Response, hints: dict[str, str]) -> Iterable[FetchedPage]:
        if not isinstance(response, TextResponse) or not _is_html(response):
            self._count("not_html")
            self.logger.debug("Not an HTML page: %s", response.url)
            return
        yield FetchedPage(
            site=self.site.key,
            url=response.url,
            status=response.status,
            headers={
                k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()
            },
            body=response.body,
            text=response.text,
            fetched_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
            hints=hints,
        )

    def no_robots(self, failure: Failure) -> None:
        """No robots.txt is no error: the site simply announces no sitemap there."""
        self.logger.debug("No robots.txt at %s: %s", failure.request.url, failure.getErrorMessage())

    def on_error(self, failure: Failure) -> None:
        """A request that failed for good (after retries): logged with its URL and counted."""
        self._count("errors")
        self.logger.warning("Failed %s: %s", failure.request.url, failure.getErrorMessage())

    # -- requests --------------------------------------------------------------------

    def _article_request(self, link: discovery.Link) -> scrapy.Request | None:
        """A request for an article page, unless the URL is no article or is archived already."""
        if not self.site.is_article_url(link.url):
            return None
        url = canonicalize(link.url)
        if url in self.known_urls:
            self._count("skipped_known")
            return None
        return self._request(url, self.parse_article, cb_kwargs={"hints": link.hints})

    def _sitemap_request(self, url: str, depth: int) -> scrapy.Request:
        return self._request(
            url,
            self.parse_sitemap,
            meta={"sitemap_depth": depth, "download_maxsize": self.sitemap_maxsize},
        )

    def _request(self, url: str, callback, **kwargs: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=self.on_error, **kwargs)

    def _count(self, key: str) -> None:
        self.crawler.stats.inc_value(f"archive/{key}")


def _is_html(response: TextResponse) -> bool:
    content_type = response.headers.get("Content-Type", b"text/html").decode("latin-1").lower()
    return "html" in content_type
