"""Builds the settings of a run and runs the ``news`` spider over the chosen sites."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from crawler.sites import Site
from crawler.spiders.news import NewsSpider


def crawl_settings(db: str, sites_path: str, overrides: Mapping[str, Any] | None = None) -> Settings:
    """The project's settings (crawler/settings.py) for one archive, with per-run overrides."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("NEWSARCHIVE_DB", db, priority="cmdline")
    settings.set("NEWSARCHIVE_SITES", sites_path, priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def run(sites: list[Site], mode: str, settings: Settings) -> dict[str, Crawler]:
    """Crawl the sites (in parallel, one spider each); returns each site's finished crawler,
    whose ``stats`` and ``spider`` tell what happened."""
    process = CrawlerProcess(settings)
    crawlers = {}
    for site in sites:
        crawler = process.create_crawler(NewsSpider)
        crawlers[site.key] = crawler
        process.crawl(crawler, site=site, mode=mode)
    process.start()
    return crawlers
