"""The one generic spider: finds a site's articles and hands their pages to the pipeline.

Discovery, from nothing but the start URLs (configuration adds to it):

- the start pages: their article links, the feeds and WordPress REST API they announce,
  their other-language versions (hreflang), and their pagination;
- robots.txt -> sitemaps (indexes, gzip, news sitemaps), else the usual sitemap locations;
- feeds (RSS/Atom) and the WordPress REST API, whose dates and authors ride along as hints;
- article pages' hreflang alternates: their translations;
- a listing that a script fills: the JSON endpoints its scripts name, read page after page.

Once discovery is done, a nightly run asks archived articles again by the revisit policy
(``Frontier.revisits``): the edits and deletions that no source reported.

Where a WordPress site's API gives its posts' content (``NEWSARCHIVE_CONTENT = "api"``, the
default), each page of the API is handed to the pipeline as the articles of its posts
(crawler/wp_content.py); while the API is read, what the other routes would fetch (article
pages, listing pages after the first, feeds) waits, and is fetched afterwards only where the
API did not give it: a post with no content, every post if the API failed.

What to fetch of each URL found is the frontier's decision (crawler/frontier.py): only URLs
that look like the site's articles, and only those the archive does not hold yet or that
changed. The spider turns its answers into requests, and counts them. Listings stop at the
first page that brings nothing new, which ends endless pagination, calendars and other traps
as well.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler import discovery, stats
from crawler.failures import UNANSWERED, failed_fetch, failed_request
from crawler.frontier import Frontier, Offer, Verdict, requested_url, sweep_due
from crawler.items import ApiPosts, FetchedPage, NotStored
from crawler.paths import archive_file, sites_file
from crawler.sites import Site, load_sites, select_sites
from storage.archive import NOT_HTML, Archive
from storage.handover import read_known
from storage.records import Known
from storage.urls import canonicalize

# Where a site keeps its sitemap when robots.txt does not say.
SITEMAP_LOCATIONS = ("/sitemap.xml", "/sitemap_index.xml", "/wp-sitemap.xml")
# A refetch asks "changed since?"; these answers are outcomes, not errors.
REFETCH_STATUSES = [304, 404, 410]
# With one request at a time per site, priorities order the crawl: the start pages first (they
# announce feeds and the API), then robots.txt, the API, sitemaps and feeds, so that by the time
# listings are paginated, the articles they link to are known and the listing can stop early.
PRIORITY = {
    "start": 40,
    "robots": 30,
    "api": 25,
    "sitemap": 20,
    "feed": 20,
    "script": 15,
    "json": 15,
    "listing": 10,
    "article": 0,
}
PROBE_LISTING_PAGES = 3  # `newsarchive add` looks at this many pages of each listing


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(
        self,
        site: Site,
        known_urls: dict[str, Known],
        mode: str = "crawl",
        modified_after: str | None = None,
        window: tuple[str | None, str | None] = (None, None),
        sweep: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.modified_after = modified_after if mode == "crawl" else None
        # raises on an unknown mode
        self.frontier = Frontier(site, known_urls, mode, window, self.modified_after, sweep)
        self.site = site
        self.mode = mode
        self.allowed_domains = list(site.allowed_domains)
        self.consecutive_failures = 0  # requests in a row that got no answer at all
        self.revisited = False  # the revisit policy's requests are made (once discovery is done)
        self.api_roots: set[str] = set()
        self.robots_seen: set[str] = set()
        # Content from the API: what waits for the API to be read, since a post it stores needs
        # no request (see _after_api).
        self.api_pending = 0  # pages of the API requested and not yet answered
        self.api_failed = False  # one of them failed: the page route is the fallback
        self.waiting: list[Callable[[], Iterable[scrapy.Request]]] = []
        self.parked: set[str] = set()  # article URLs whose request waits for the API
        self.from_api: set[str] = set()  # article URLs the API gave (stored, or refused: protected)
        self.wp_links: dict[str, str] = {}  # post id -> canonical URL, for Polylang's translations
        # What `newsarchive add` reports and writes.
        self.found_sitemaps: list[str] = []  # announced by robots.txt
        self.guessed_sitemaps: list[str] = []  # found at a usual location
        self.found_feeds: list[str] = []
        self.found_json: list[str] = []  # JSON endpoints that a listing's scripts name
        # Per listing filled by a script: its scripts and endpoints not answered yet, and the
        # articles they brought (none: it is rendered in a browser).
        self.scripted_pending: Counter[str] = Counter()
        self.scripted_found: Counter[str] = Counter()
        self.found_languages: set[str] = set()
        self.api_total: int | None = None

    @classmethod
    def from_crawler(cls, crawler, site: Site | str, mode: str = "crawl", **kwargs: Any):
        settings = crawler.settings
        if isinstance(site, str):  # `scrapy crawl news -a site=NAME`
            path = sites_file(settings.get("NEWSARCHIVE_SITES"))
            site = select_sites(load_sites(path), [site], path)[0]
        known: dict[str, Known] = {}
        modified_after = last_sweep = None
        if mode != "probe" and settings.get("NEWSARCHIVE_REDIS_URL"):  # as the loader published it
            known, modified_after, last_sweep = read_known(settings["NEWSARCHIVE_REDIS_URL"], site.key)
        elif mode != "probe":
            with Archive(archive_file(settings.get("NEWSARCHIVE_DB"))) as archive:
                known = archive.known_urls(site.key)
                modified_after = archive.last_finished_crawl_start(site.key)
                last_sweep = archive.last_sweep(site.key)
        window = (settings.get("NEWSARCHIVE_SINCE"), settings.get("NEWSARCHIVE_UNTIL"))
        sweep_days = settings.getfloat("NEWSARCHIVE_DELETION_SWEEP_DAYS")
        sweep = mode == "backfill" or sweep_due(last_sweep, sweep_days, datetime.now(UTC))
        spider = super().from_crawler(
            crawler,
            site=site,
            known_urls=known,
            mode=mode,
            modified_after=modified_after,
            window=window,
            sweep=sweep,
            **kwargs,
        )
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(spider.response_received, signal=signals.response_received)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        return spider

    # The crawl's limits, as this run's settings (crawler/settings.py) say.
    @property
    def max_listing_pages(self) -> int:
        return (
            PROBE_LISTING_PAGES
            if self.mode == "probe"
            else self.settings.getint("NEWSARCHIVE_MAX_LISTING_PAGES")
        )

    @property
    def content_from_api(self) -> bool:
        """Whether posts the WordPress API lists are stored from it (NEWSARCHIVE_CONTENT). Not
        in a distributed crawl: there the API's pages are answered to any worker, and what
        waits for them would wait on each worker's own."""
        return (
            self.mode != "probe"
            and self.settings.get("NEWSARCHIVE_CONTENT") == "api"
            and not self.settings.get("NEWSARCHIVE_REDIS_URL")
        )

    @property
    def sitemap_maxsize(self) -> int:
        return self.settings.getint("NEWSARCHIVE_SITEMAP_MAXSIZE")

    # -- entry points ----------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.logger.info(
            "%s %s from %s",
            "Backfilling" if self.mode == "backfill" else "Crawling",
            self.site.key,
            ", ".join(self.site.start_urls),
        )
        for url in self.site.start_urls:
            yield self._request(url, self.parse_listing, "start", meta={"listing_page": 1})
        if not self.settings.getbool(
            "ROBOTSTXT_OBEY"
        ):  # else Scrapy's robots.txt middleware reads it (robots_parsed)
            for host in dict.fromkeys(discovery.origin(u) for u in self.site.start_urls):
                yield self._request(f"{host}/robots.txt", self.parse_robots, "robots", errback=self.no_robots)
        for url in self.site.sitemaps:
            yield self._sitemap_request(url, depth=1)
        for url in self.site.feeds:
            yield self._request(url, self.parse_feed, "feed")

    # -- callbacks -------------------------------------------------------------------

    def robots_parsed(self, robotparser: Any, request: scrapy.Request) -> None:
        """Scrapy fetched a host's robots.txt to obey it: take its sitemaps from the same copy."""
        origin = discovery.origin(request.url)
        if origin in self.robots_seen or not self.frontier.in_scope(request.url):
            return
        protego = getattr(robotparser, "rp", None)  # ROBOTSTXT_PARSER's parsed file
        sitemaps = [urljoin(origin + "/", url) for url in getattr(protego, "sitemaps", ())]
        for sitemap_request in self._sitemaps_from_robots(origin, sitemaps):
            self.crawler.engine.crawl(sitemap_request)

    def parse_robots(self, response: Response) -> Iterable[scrapy.Request]:
        """robots.txt read by the spider itself, when it is told not to obey it."""
        yield from self._sitemaps_from_robots(
            discovery.origin(response.url), discovery.sitemaps_in_robots(response)
        )

    def _sitemaps_from_robots(self, origin: str, sitemaps: list[str]) -> Iterable[scrapy.Request]:
        self.robots_seen.add(origin)
        if not sitemaps and not self.site.sitemaps:
            yield from self._probe_sitemaps(origin)
        for url in sitemaps:
            self.found_sitemaps.append(url)
            yield self._sitemap_request(url, depth=1)

    def no_robots(self, failure: Failure) -> Iterable[scrapy.Request]:
        """No robots.txt is no error: the site simply announces no sitemap there."""
        self.logger.debug("No robots.txt at %s: %s", failed_request(failure).url, failure.getErrorMessage())
        if not self.site.sitemaps:
            yield from self._probe_sitemaps(discovery.origin(failed_request(failure).url))

    def parse_sitemap(self, response: Response) -> Iterable[scrapy.Request | NotStored]:
        self._count_request("sitemap")
        try:
            children, pages = discovery.parse_sitemap(response, self.sitemap_maxsize)
        except discovery.InvalidSitemap as error:
            guessed = response.meta.get("probe")
            if not guessed:
                self._count("invalid_sitemap")
                self.logger.warning("Ignoring invalid sitemap %s: %s", response.url, error)
                yield NotStored(response.url, "invalid_sitemap", response.status, str(error))
            yield from self._refetch_dropped(self.frontier.sitemap_read(failed=not guessed))
            return
        if response.meta.get("probe"):
            self.guessed_sitemaps.append(response.url)
        depth = response.meta["sitemap_depth"] + 1
        if children and depth > self.settings.getint("NEWSARCHIVE_MAX_SITEMAP_DEPTH"):
            self._count("sitemap_too_deep")
            self.logger.warning("Not following sitemaps nested deeper than %d at %s", depth - 1, response.url)
            children = []
        listing = [child for child in children if self.frontier.may_list_articles(child.url)]
        self._count("sitemap_skipped", len(children) - len(listing))
        to_read = self.frontier.sitemaps_to_read(listing)
        self._count("sitemap_not_due", len(listing) - len(to_read))  # read by the next sweep
        for child in to_read:
            yield self._sitemap_request(child.url, depth)
        yield from self._article_requests(pages, "sitemap")
        yield from self._refetch_dropped(self.frontier.sitemap_read(pages, url=response.url))

    def parse_feed(self, response: Response) -> Iterable[scrapy.Request | NotStored]:
        self._count_request("feed")
        try:
            links = discovery.parse_feed(response)
        except discovery.InvalidFeed as error:
            self._count("invalid_feed")
            self.logger.warning("Ignoring invalid feed %s: %s", response.url, error)
            yield NotStored(response.url, "invalid_feed", response.status, str(error))
            return
        yield from self._article_requests(links, "feed")

    def parse_wp_posts(
        self, response: Response, api_root: str, page: int
    ) -> Iterable[scrapy.Request | NotStored | ApiPosts]:
        self._count_request("api")
        try:
            links, pages = discovery.parse_wp_posts(response)
        except discovery.InvalidFeed as error:
            self._count("invalid_api")
            self.logger.warning("Ignoring WordPress API answer %s: %s", response.url, error)
            yield NotStored(response.url, "invalid_api", response.status, str(error))
            yield from self._api_answered(failed=True)
            return
        if page == 1:
            self.api_total = int(response.headers.get("X-WP-Total", b"0") or 0) or len(links)
            if self.mode != "probe":
                for following in range(2, min(pages, self.settings.getint("NEWSARCHIVE_MAX_API_PAGES")) + 1):
                    yield self._api_request(api_root, following)
        if self.content_from_api:
            yield from self._posts_from_api(response, links)
        else:
            yield from self._article_requests(links, "api")
        yield from self._api_answered()

    def parse_listing(self, response: Response) -> Iterable[scrapy.Request]:
        self._count_request("listing")
        if not isinstance(response, TextResponse):
            self._count("not_html")
            return
        yield from self._announced(response)
        fresh, listings, articles = [], discovery.next_pages(response), 0
        for url in discovery.page_links(response):
            if self.site.is_listing_url(url):
                listings.append(url)
                continue
            articles += self.frontier.may_be_article(url)
            offer = self._offer(discovery.Link(url), "listing")
            if offer.fresh:
                fresh.append(offer.url)
            if offer.fetch:
                yield from self._fetch(offer)
        if response.meta.get("render"):
            self._count("rendered_listing")
        elif not articles and response.meta["listing_page"] == 1:
            yield from self._scripted(response)
        yield from self._after_api(lambda: self._paginate(response, listings, fresh))

    # -- listings a script fills from a JSON endpoint ------------------------------------

    def _scripted(self, response: TextResponse) -> Iterable[scrapy.Request]:
        """A listing's first page that links to no article may be filled by a script from a
        JSON endpoint: the endpoints its inline scripts name are read, and its own script files
        fetched to find theirs (a request per script, then the JSON itself). Where none brings
        an article, the page is rendered in a browser (crawler/rendering.py)."""
        listing = response.url
        yield from self._json_requests(discovery.inline_scripts(response), listing)
        for url in discovery.script_sources(response):
            if self.frontier.in_scope(url):
                self.scripted_pending[listing] += 1
                yield self._request(url, self.parse_script, "script", meta={"scripted": listing})
        if not self.scripted_pending[listing]:
            yield from self._render(listing)

    def parse_script(self, response: Response) -> Iterable[scrapy.Request]:
        self._count_request("script")
        text = (
            response.text if isinstance(response, TextResponse) else response.body.decode("utf-8", "replace")
        )
        yield from self._json_requests(text, response.meta["scripted"])
        yield from self._scripted_answered(response.meta["scripted"])

    def _json_requests(self, script: str, listing: str) -> Iterable[scrapy.Request]:
        for endpoint in discovery.json_endpoints(script, listing):
            if self.frontier.in_scope(endpoint) and endpoint not in self.found_json:
                self.found_json.append(endpoint)
                self.scripted_pending[listing] += 1
                meta = {"listing_page": 1, "scripted": listing}
                yield self._request(endpoint, self.parse_json, "json", meta=meta)

    def _scripted_answered(self, listing: str, articles: int = 0) -> Iterable[scrapy.Request]:
        """A script or JSON endpoint of a scripted listing came back (with ``articles``): once
        the last one has, and none brought an article, the listing is rendered."""
        self.scripted_pending[listing] -= 1
        self.scripted_found[listing] += articles
        if not self.scripted_pending[listing] and not self.scripted_found[listing]:
            yield from self._render(listing)

    def _render(self, listing: str) -> Iterable[scrapy.Request]:
        if not self.settings.get("NEWSARCHIVE_BROWSER"):
            self._count("not_rendered")
            self.logger.warning("%s needs a browser to list its articles: NEWSARCHIVE_BROWSER", listing)
            return
        meta = {"listing_page": 1, "render": True}
        yield self._request(listing, self.parse_listing, "listing", meta=meta, dont_filter=True)

    def parse_json(self, response: Response) -> Iterable[scrapy.Request]:
        """A page of a JSON listing: its articles, then its next page while it brings news."""
        self._count_request("json")
        try:
            links = discovery.parse_json_listing(response)
        except discovery.InvalidFeed as error:  # a script's other endpoint: no listing, no error
            self.logger.debug("No JSON listing at %s: %s", response.url, error)
            links = []
        fresh = False
        for link in links:
            offer = self._offer(link, "json")
            fresh |= offer.fresh
            if offer.fetch:
                yield from self._fetch(offer)
        if "scripted" in response.meta:  # an endpoint's first page
            yield from self._scripted_answered(response.meta["scripted"], len(links))
        page = response.meta["listing_page"]
        if (
            fresh
            and page < self.max_listing_pages
            and (following := discovery.next_numbered_page(response.url))
        ):
            yield self._request(following, self.parse_json, "json", meta={"listing_page": page + 1})

    def _paginate(
        self, response: TextResponse, listings: list[str], fresh: list[str]
    ) -> Iterable[scrapy.Request]:
        """The next pages of a listing, while its pages bring news: article URLs not archived
        (in a backfill, not offered before in the run), that the API did not list."""
        page = response.meta["listing_page"]
        if not self.api_failed:
            fresh = [url for url in fresh if url not in self.frontier.route_urls["api"]]
        stale = 0 if fresh else response.meta.get("stale_pages", 0) + 1
        if stale >= max(1, self.settings.getint("NEWSARCHIVE_LISTING_STOP_PAGES")):
            # Listings are newest first: pages with nothing new mean the rest is archived, or
            # that the "next" page repeats itself (endless pagination, calendars).
            self._count("listing_stopped")
            return
        if page >= self.max_listing_pages:
            self._count("listing_page_cap")
            self.logger.info("Stopping pagination at page %d of %s", page, response.url)
            return
        for url in dict.fromkeys(url for url in listings if self.frontier.in_scope(url)):
            meta = {
                "listing_page": page + 1,
                "stale_pages": stale,
                "render": response.meta.get("render", False),
            }
            yield self._request(url, self.parse_listing, "listing", meta=meta)

    def parse_article(self, response: Response, hints: dict[str, str]) -> Iterable[Any]:
        self.frontier.answer(requested_url(response.meta, response.url))
        if response.status in REFETCH_STATUSES:  # a known article: not modified, or gone
            self._count(f"refetch/{response.status}")
            yield FetchedPage.of(response, self.site.key, hints)
            return
        if not isinstance(response, TextResponse) or not discovery.is_html(response):
            self._count("not_html")
            self.logger.debug("Not an HTML page: %s", response.url)
            content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
            yield NotStored(response.url, NOT_HTML, response.status, content_type or "no Content-Type")
            return
        translations = [discovery.Link(url) for url in discovery.alternate_languages(response)]
        yield from self._article_requests(translations, "hreflang")
        yield FetchedPage.of(response, self.site.key, hints)

    def on_error(self, failure: Failure) -> Iterable[scrapy.Request | NotStored]:
        """A request that failed for good (after retries): logged with its URL and counted."""
        if "sitemap_depth" in failed_request(failure).meta:
            probe = failed_request(failure).meta["probe"]
            yield from self._refetch_dropped(self.frontier.sitemap_read(failed=not probe))
            if probe:  # a guessed location that is not there: no error
                self.logger.debug(
                    "No sitemap at %s: %s", failed_request(failure).url, failure.getErrorMessage()
                )
                return
        request = failed_request(failure)
        if "scripted" in request.meta:  # a scripted listing's script or endpoint
            yield from self._scripted_answered(request.meta["scripted"])
        self.frontier.answer(requested_url(request.meta, request.url))
        failed = failed_fetch(failure)
        if failure.check(IgnoreRequest):
            # Scrapy dropped it on purpose: off-site, robots.txt, too many redirects.
            self._count("ignored")
            self.logger.info("Ignored %s: %s", failed.url, failed.reason)
        else:
            self._count("errors")
            self.logger.warning("Failed %s (%s): %s", failed.url, failed.outcome, failed.reason)
        yield failed
        if "api_page" in request.meta:
            yield from self._api_answered(failed=True)
        if failed.outcome in UNANSWERED:
            self.consecutive_failures += 1
            if self.consecutive_failures == self.settings.getint("NEWSARCHIVE_MAX_CONSECUTIVE_FAILURES"):
                # The site is down or the network is gone: each request left would only time
                # out. What is stored stays; the next run fetches the rest.
                raise CloseSpider("site_unreachable")

    def request_dropped(self, request: scrapy.Request) -> None:
        """The scheduler dropped a request for a URL already requested: a sitemap that two
        indexes list, or a feed (announced by a page) that an index lists as a sitemap, is read
        once; it is no longer waited for."""
        if "sitemap_depth" in request.meta:
            for url_request in self._refetch_dropped(self.frontier.sitemap_read()):
                self.crawler.engine.crawl(url_request)

    def response_received(self, response: Response, request: scrapy.Request) -> None:
        """Any answer, even an error page, shows that the site is reachable."""
        self.consecutive_failures = 0

    def spider_idle(self) -> None:
        """Nothing left to do while requests still wait for the API (whose answer was lost on
        the way): they are made now, the page route as the fallback."""
        if self.waiting:
            self.api_pending, self.api_failed = 0, True
            for request in self._release():
                self.crawler.engine.crawl(request)
            raise DontCloseSpider
        if not self.revisited:
            self.revisited = True
            revisits = list(self._revisits())
            for request in revisits:
                self.crawler.engine.crawl(request)
            if revisits:
                raise DontCloseSpider

    def _revisits(self) -> Iterable[scrapy.Request]:
        """Once discovery is done: the archived articles the revisit policy asks again
        (conditionally), unless a WordPress API listed what changed since the last run
        (``modified_after``), or the crawl is distributed (each worker would ask its own)."""
        if self.settings.get("NEWSARCHIVE_REDIS_URL") or (self.api_roots and not self.api_failed):
            return
        budget = self.settings.getint("NEWSARCHIVE_REVISIT_BUDGET")
        urls = self.frontier.revisits(
            datetime.now(UTC), self.settings.getfloat("NEWSARCHIVE_REVISIT_DAYS"), budget
        )
        if deferred := self.frontier.revisits_deferred:
            self._count("revisit_deferred", deferred)
            self.logger.info(
                "Revisiting %d articles; %d more are due (NEWSARCHIVE_REVISIT_BUDGET)", budget, deferred
            )
        for url in urls:
            self._count("refetch/revisit")
            yield self._refetch_request(url, self.frontier.known[url], {})

    def closed(self, reason: str) -> None:
        self.crawler.stats.set_value(stats.SKIPPED_KNOWN, self.frontier.skipped_known())

    # -- what a page announces ---------------------------------------------------------

    def _announced(self, response: TextResponse) -> Iterable[scrapy.Request]:
        """Feeds, the WordPress API and other-language listings a start page links to. Where
        posts are stored from the API, its feeds are read only if the API fails: they list
        the newest of the same posts."""
        root = discovery.wp_api_root(response)
        if root and self.frontier.in_scope(root) and root not in self.api_roots:
            self.api_roots.add(root)
            yield self._api_request(root, 1)
        for url in discovery.feed_links(response):
            if self.frontier.in_scope(url) and url not in self.found_feeds:
                self.found_feeds.append(url)
                yield from self._after_api(functools.partial(self._unless_api_read, url))
        self.found_languages |= discovery.page_languages(response)
        if response.meta["listing_page"] == 1:
            for url in discovery.alternate_languages(response):
                if self.frontier.in_scope(url):
                    yield self._request(url, self.parse_listing, "listing", meta={"listing_page": 1})

    def _unless_api_read(self, feed: str) -> Iterable[scrapy.Request]:
        if not (self.content_from_api and self.api_roots and not self.api_failed):
            yield self._request(feed, self.parse_feed, "feed")

    # -- posts from the WordPress API (NEWSARCHIVE_CONTENT = "api") ---------------------

    def _after_api(self, requests: Callable[[], Iterable[scrapy.Request]]) -> Iterable[scrapy.Request]:
        """``requests()`` now, or, while the API whose posts are stored is being read, once it
        is: what it stores needs no request, and listings need no page that it covers."""
        if self.content_from_api and self.api_pending:
            self.waiting.append(requests)
        else:
            yield from requests()

    def _api_answered(self, failed: bool = False) -> Iterable[scrapy.Request]:
        """A page of the API came back (or ``failed``): once the last one has, what waited."""
        self.api_pending -= 1
        self.api_failed |= failed
        if not self.api_pending:
            yield from self._release()

    def _release(self) -> Iterable[scrapy.Request]:
        waiting, self.waiting = self.waiting, []
        for requests in waiting:
            yield from requests()

    def _posts_from_api(self, response: Response, links: list[discovery.Link]) -> Iterable[Any]:
        """The posts of a page of the API to store from it, as one item; a post whose content
        the API does not give (``empty``) is fetched as a page; a protected or private one is
        an outcome, its page (a password form, a login) not fetched."""
        self.wp_links.update((link.hints["wp_post"], canonicalize(link.url)) for link in links)
        posts = []
        for link in links:
            offer = self._offer(link, "api")
            if not (offer.fetch or offer.url in self.parked) or offer.url in self.from_api:
                continue
            state = link.hints["wp_content"]
            if state == "empty":
                if offer.fetch and offer.url not in self.parked:
                    yield self._article_request(offer)
                continue  # a parked request is made once the API is read
            self.from_api.add(offer.url)
            self.frontier.answer(offer.url)
            if state == "ok":
                posts.append((offer.url, {**offer.hints, **link.hints, **self._translations(link)}))
            else:
                self._count(f"api_{state}")
                yield NotStored(offer.url, state, response.status, f"the API marks the post {state}")
        if posts:
            yield ApiPosts(**vars(FetchedPage.of(response, self.site.key, {})), posts=posts)

    def _translations(self, link: discovery.Link) -> dict[str, str]:
        """A post's other-language versions as a hint: WPML's links, and Polylang's post ids
        resolved to the URLs of the posts the API listed so far in the run (the archive links a
        pair from whichever of the two is stored last)."""
        links = json.loads(link.hints.get("translations", "{}"))
        for language, post in json.loads(link.hints.get("wp_translations", "{}")).items():
            if (url := self.wp_links.get(str(post))) and url != canonicalize(link.url):
                links.setdefault(language, url)
        return {"translations": json.dumps(links, ensure_ascii=False)} if links else {}

    # -- the scheduling of article URLs ------------------------------------------------

    def _article_requests(self, links: Iterable[discovery.Link], route: str) -> Iterable[scrapy.Request]:
        for link in links:
            offer = self._offer(link, route)
            if offer.fetch:
                yield from self._fetch(offer)

    def _fetch(self, offer: Offer) -> Iterable[scrapy.Request]:
        """The request for an article URL; while the API whose posts are stored is being read,
        made once it is, unless the API gave the post."""
        if self.content_from_api and self.api_pending:
            self.parked.add(offer.url)
            self.waiting.append(lambda: [] if offer.url in self.from_api else [self._article_request(offer)])
        else:
            yield self._article_request(offer)

    def _offer(self, link: discovery.Link, route: str) -> Offer:
        """The frontier's answer for an article URL found by ``route``, counted."""
        offer = self.frontier.offer(link, route)
        if offer.found:
            self._count(f"route/{route}/found")
        if offer.verdict is Verdict.NEW:
            self._count(f"route/{route}/new")
        elif offer.verdict is Verdict.CHANGED:
            self._count("refetch/changed")
        elif offer.verdict is Verdict.OUTSIDE_WINDOW:
            self._count("outside_window")
        return offer

    def _article_request(self, offer: Offer) -> scrapy.Request:
        if offer.known is None:
            return self._request(offer.url, self.parse_article, "article", cb_kwargs={"hints": offer.hints})
        return self._refetch_request(offer.url, offer.known, offer.hints)

    def _refetch_request(self, url: str, known: Known, hints: dict[str, str]) -> scrapy.Request:
        """A conditional request for an archived article: a 304 costs no extraction."""
        headers = {}
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        return self._request(
            url,
            self.parse_article,
            "article",
            headers=headers,
            cb_kwargs={"hints": hints},
            meta={"handle_httpstatus_list": REFETCH_STATUSES},
        )

    def _refetch_dropped(self, urls: list[str]) -> Iterable[scrapy.Request]:
        """Archived articles the sitemaps no longer list may be gone: asked again."""
        for url in urls:
            self._count("refetch/missing")
            yield self._refetch_request(url, self.frontier.known[url], {})

    # -- requests --------------------------------------------------------------------

    def _probe_sitemaps(self, origin: str) -> Iterable[scrapy.Request]:
        for path in SITEMAP_LOCATIONS:
            yield self._sitemap_request(origin + path, depth=1, probe=True)

    def _sitemap_request(self, url: str, depth: int, probe: bool = False) -> scrapy.Request:
        self.frontier.sitemap_requested()
        return self._request(
            url,
            self.parse_sitemap,
            "sitemap",
            meta={"sitemap_depth": depth, "download_maxsize": self.sitemap_maxsize, "probe": probe},
        )

    def _api_request(self, api_root: str, page: int) -> scrapy.Request:
        url = discovery.wp_posts_url(api_root, page, self.modified_after, *self.frontier.window)
        self.api_pending += 1
        return self._request(
            url,
            self.parse_wp_posts,
            "api",
            cb_kwargs={"api_root": api_root, "page": page},
            meta={"api_page": page},
        )

    def _request(self, url: str, callback, kind: str, **kwargs: Any) -> scrapy.Request:
        kwargs.setdefault("errback", self.on_error)
        return scrapy.Request(url, callback=callback, priority=PRIORITY[kind], **kwargs)

    def _count(self, key: str, count: int = 1) -> None:
        if count:
            self.crawler.stats.inc_value(stats.key(key), count)

    def _count_request(self, route: str) -> None:
        self._count(f"route/{route}/requests")
