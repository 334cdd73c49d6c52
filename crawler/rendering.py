"""Pages only a browser can fill, rendered in headless Chromium, for the requests that ask.

A downloader middleware: a request whose ``meta["render"]`` is set is loaded by Playwright in
the machine's own Chromium (``NEWSARCHIVE_BROWSER``; no browser is downloaded), its scripts run
until the network is idle, and the page as they left it is the response. The spider asks for it
only for a listing that links to no article and whose scripts name no JSON endpoint
(crawler/spiders/news.py), so most crawls never start a browser: it is started at the first
such request and closed with the spider. The browser loads nothing from other sites than the
spider's (a page that needs a CDN's script stays empty, and says so: no article found), and no
images, fonts or media.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse

from storage.urls import host_of

# What a listing's text does not need.
SKIPPED_RESOURCES = frozenset({"image", "font", "media"})


class RenderMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.executable = crawler.settings.get("NEWSARCHIVE_BROWSER") or ""
        self.timeout_ms = crawler.settings.getfloat("DOWNLOAD_TIMEOUT") * 1000
        self.crawler = crawler
        self.playwright: Any = None
        self.browser: Any = None
        self.starting = asyncio.Lock()
        crawler.signals.connect(self.close, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RenderMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request, spider: Spider | None = None) -> HtmlResponse | None:
        if not request.meta.get("render"):
            return None
        if not self.executable:
            raise IgnoreRequest("no browser to render it with (NEWSARCHIVE_BROWSER)")
        browser = await self._browser()
        user_agent = (request.headers.get("User-Agent") or b"").decode("latin-1") or None
        context = await browser.new_context(user_agent=user_agent)
        try:
            page = await context.new_page()
            await page.route("**/*", self._only_what_the_listing_needs)
            answer = await page.goto(request.url, wait_until="networkidle", timeout=self.timeout_ms)
            url, body = page.url, await page.content()
        finally:
            await context.close()
        status = answer.status if answer else 200
        return HtmlResponse(url, status=status, body=body, encoding="utf-8", request=request)

    async def _browser(self) -> Any:
        async with self.starting:
            if self.browser is None:
                from playwright.async_api import async_playwright  # only where a page needs it

                self.playwright = await async_playwright().start()
                # Chromium refuses to run as root inside its sandbox.
                args = ["--no-sandbox"] if os.geteuid() == 0 else []
                self.browser = await self.playwright.chromium.launch(
                    executable_path=self.executable, args=args
                )
        return self.browser

    async def close(self) -> None:
        if self.browser is not None:
            await self.browser.close()
            await self.playwright.stop()
            self.browser = self.playwright = None

    async def _only_what_the_listing_needs(self, route: Any) -> None:
        host = host_of(route.request.url)
        domains = getattr(self.crawler.spider, "allowed_domains", None) or ()
        on_site = any(host == domain or host.endswith("." + domain) for domain in domains)
        if on_site and route.request.resource_type not in SKIPPED_RESOURCES:
            await route.continue_()
        else:
            await route.abort()
