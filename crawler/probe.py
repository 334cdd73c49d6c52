"""What a probe of a site found, as a report for people and as a sites.toml entry."""

from __future__ import annotations

import re
from typing import Any

from crawler import discovery
from crawler.spiders.news import NewsSpider
from crawler.stats import route_key
from storage.urls import host_of


def site_key(url: str) -> str:
    """A short name for a site from its URL: ``https://www.unesco.org/en/`` -> ``unesco``."""
    host = host_of(url)
    name = host if re.fullmatch(r"[\d.]+", host) else host.split(".")[0]
    return re.sub(r"[^a-z0-9_-]+", "-", name).strip("-") or "site"


def entry(spider: NewsSpider, name: str) -> dict[str, Any]:
    """The sites.toml table for a probed site: its start URL and what needs saying."""
    table: dict[str, Any] = {"name": name, "start_urls": list(spider.site.start_urls)}
    if spider.found_languages:
        table["languages"] = sorted(spider.found_languages)
    # Sitemaps that robots.txt announces are found on every run; guessed ones are written down.
    if spider.guessed_sitemaps:
        table["sitemaps"] = spider.guessed_sitemaps
    if spider.found_feeds:
        table["feeds"] = spider.found_feeds
    urls = sorted(set().union(*spider.frontier.route_urls.values())) if spider.frontier.route_urls else []
    if patterns := discovery.article_patterns(urls):
        table["article_patterns"] = patterns
    return table


def report(spider: NewsSpider, stats: dict[str, Any]) -> list[str]:
    """One line per discovery route: what it costs and how many articles it offers."""

    def route(name: str) -> str:
        requests = stats.get(route_key(name, "requests"), 0)
        found = len(spider.frontier.route_urls.get(name, ()))
        return f"{requests} requests, {found} article URLs"

    api = (
        f"{', '.join(sorted(spider.api_roots))}: {spider.api_total} posts ({route('api')})"
        if spider.api_roots
        else "none"
    )
    return [
        f"  sitemaps:        {', '.join(spider.found_sitemaps + spider.guessed_sitemaps) or 'none'} ({route('sitemap')})",
        f"  feeds:           {', '.join(spider.found_feeds) or 'none'} ({route('feed')})",
        f"  WordPress API:   {api}",
        f"  listings:        {route('listing')} (first pages only)",
        f"  JSON listings:   {', '.join(spider.found_json) or 'none'} ({route('json')})",
        f"  languages:       {', '.join(sorted(spider.found_languages)) or 'unknown'}",
        f"  requests in all: {stats.get('downloader/request_count', 0)}",
    ]
