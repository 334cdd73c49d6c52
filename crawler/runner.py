"""One run of the ``news`` spider over the chosen sites: its settings, the archive's lock, the
spiders, and what the run means for cron (its exit code, a summary line per site).

The command line (crawler/cli/) parses options and prints; the policy is here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from crawler import console
from crawler.exit_codes import EXIT_ERRORS, EXIT_INTERRUPTED, EXIT_OK, EXIT_UNWRITABLE
from crawler.pipelines import ARCHIVE_UNWRITABLE, INTERRUPTED_REASONS, NO_ANSWER
from crawler.sites import Site
from crawler.spiders.news import NewsSpider
from crawler.stats import (
    ALIASES,
    ERRORS,
    GONE,
    HANDED_OVER,
    NEAR_DUPLICATES,
    NEW,
    SKIPPED_KNOWN,
    UNCHANGED,
    UPDATED,
)
from storage.archive import Archive
from storage.lock import ArchiveLock


def crawl_settings(db: str, sites_path: str, overrides: Mapping[str, Any] | None = None) -> Settings:
    """The project's settings (crawler/settings.py) for one archive, with per-run overrides."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("NEWSARCHIVE_DB", db, priority="cmdline")
    settings.set("NEWSARCHIVE_SITES", sites_path, priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_overrides(
    mode: str,
    quiet: bool = False,
    log_file: str | None = None,
    interactive: bool = False,
    redis_url: str | None = None,
    verbose: bool = False,
) -> dict[str, Any]:
    """The settings a run's options mean: the console for people (crawler/console.py) unless
    ``verbose`` (Scrapy's whole log); ``quiet``, its errors only; an ``interactive`` backfill
    (on a terminal) shows a progress line instead of the log; ``redis_url`` makes the run a
    worker of a distributed crawl."""
    settings: dict[str, Any] = {"LOG_INSTALL_ROOT_HANDLER": verbose}
    if quiet:
        settings["NEWSARCHIVE_QUIET"] = True
    if log_file:
        settings.update(LOG_FILE=log_file, LOG_FILE_APPEND=True)
    if mode == "backfill" and interactive and not quiet:
        settings.update(NEWSARCHIVE_PROGRESS=True, LOG_LEVEL="WARNING")  # the progress line says the rest
    if redis_url:
        settings["NEWSARCHIVE_REDIS_URL"] = redis_url
    return settings


def run(sites: list[Site], mode: str, settings: Settings) -> dict[str, Crawler]:
    """Crawl the sites (in parallel, one spider each); returns each site's finished crawler,
    whose ``stats`` and ``spider`` tell what happened."""
    process = CrawlerProcess(settings)
    if not settings.getbool("LOG_INSTALL_ROOT_HANDLER"):
        console.install(settings)
    crawlers = {}
    for site in sites:
        crawler = process.create_crawler(NewsSpider)
        crawlers[site.key] = crawler
        process.crawl(crawler, site=site, mode=mode)
    process.start()
    return crawlers


def run_archive(sites: list[Site], mode: str, settings: Settings) -> dict[str, dict[str, Any]]:
    """Run the crawl and return each site's stats. Unless the run is a worker of a distributed
    crawl (whose loader holds the archive), hold the archive's lock throughout, after checking
    the archive can be used: raises ``LockHeld`` or ``SchemaError`` before any request."""
    if settings.get("NEWSARCHIVE_REDIS_URL"):
        crawlers = run(sites, mode, settings)
    else:
        db = settings["NEWSARCHIVE_DB"]
        with ArchiveLock(db):
            with Archive(db) as archive:
                archive.end_lost_runs()  # runs killed outright: the lock says no other is running
            crawlers = run(sites, mode, settings)
    return {key: crawler.stats.get_stats() for key, crawler in crawlers.items()}


def exit_code(stats: Mapping[str, Any]) -> int:
    """What a site's run means for cron."""
    reason = stats.get("finish_reason")
    if reason == ARCHIVE_UNWRITABLE:
        return EXIT_UNWRITABLE
    if reason in INTERRUPTED_REASONS:
        return EXIT_INTERRUPTED
    if reason != "finished" or stats.get(ERRORS, 0):
        return EXIT_ERRORS
    return EXIT_OK


def summary(key: str, stats: Mapping[str, Any]) -> str:
    """One line for a run: what it stored (or, a worker, handed over), what it cost; its
    counts are those of the run's ``crawls`` row."""
    started, finished = stats.get("start_time"), stats.get("finish_time")
    seconds = (finished - started).total_seconds() if started and finished else 0.0
    reason = stats.get("finish_reason")
    ended = "failed: the site answered nothing" if reason == NO_ANSWER else reason
    cost = f"{stats.get('downloader/request_count', 0)} requests in {seconds:.1f} s ({ended})"
    errors = stats.get(ERRORS, 0)
    if HANDED_OVER in stats:
        return f"{key}: {stats[HANDED_OVER]} articles handed over to the loader, {errors} errors; {cost}"
    duplicates = stats.get(NEAR_DUPLICATES, 0)
    near = f" ({duplicates} near-duplicates)" if duplicates else ""
    skipped = stats.get(SKIPPED_KNOWN, 0)
    known = f"{skipped} archived before, not fetched again; " if skipped else ""
    return (
        f"{key}: {stats.get(NEW, 0) + duplicates} new{near}, {stats.get(UPDATED, 0)} updated, "
        f"{stats.get(UNCHANGED, 0)} unchanged, {stats.get(ALIASES, 0)} aliases, "
        f"{stats.get(GONE, 0)} gone, {errors} errors; {known}{cost}"
    )
