"""The commands that crawl: ``crawl`` (nightly), ``backfill``, ``add`` (probe a site) and
``load`` (a distributed crawl's one writer)."""

from __future__ import annotations

import signal
import sys
from datetime import datetime
from typing import Any, NoReturn

import click

from crawler.cli.common import (
    db_option,
    fail,
    locked,
    open_archive,
    parse_overrides,
    quiet_option,
    read_sites,
    run_archive,
    run_options,
    set_option,
    sites_option,
)
from crawler.exit_codes import EXIT_OK
from crawler.paths import sites_file
from crawler.sites import SitesConfigError, append_site, load_sites, parse_site, select_sites
from crawler.stats import route_key


@click.command()
@click.argument("site_names", metavar="SITE...", nargs=-1)
@click.option("--all", "all_sites", is_flag=True, help="Crawl every configured site.")
@run_options
def crawl(site_names: tuple[str, ...], all_sites: bool, **options: Any) -> None:
    """Fetch what is new or changed on the given sites (incremental; for cron).

    Articles already archived are not fetched again unless a sitemap, feed or the WordPress
    API says they changed (then with a conditional request); one that the site now answers
    with 404/410 is marked gone. A listing page that brings nothing new ends the pagination.

    \b
    Example: newsarchive crawl --all --quiet --log-file crawl.log
    """
    if not site_names and not all_sites:
        raise click.UsageError("name at least one SITE, or --all")
    _run("crawl", list(site_names), all_sites, **options)


@click.command()
@click.argument("site_names", metavar="SITE...", nargs=-1, required=True)
@click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), help="Only articles published on or after this day."
)
@click.option(
    "--until", type=click.DateTime(["%Y-%m-%d"]), help="Only articles published on or before this day."
)
@run_options
def backfill(
    site_names: tuple[str, ...], since: datetime | None, until: datetime | None, **options: Any
) -> None:
    """Fetch a site's whole archive, following every listing page to the end.

    Articles already stored are skipped, so a backfill that was interrupted (even killed)
    goes on where it stopped when run again. With --since/--until, articles whose sitemap,
    feed or API dates fall outside the window are not fetched, and articles outside it are
    not stored.

    \b
    Example: newsarchive backfill icesco --since 2020-01-01
    """
    window = {
        "NEWSARCHIVE_SINCE": since.date().isoformat() if since else None,
        "NEWSARCHIVE_UNTIL": until.date().isoformat() if until else None,
    }
    _run("backfill", list(site_names), False, window=window, **options)


@click.command()
@click.argument("url")
@click.option(
    "--name", "key", default=None, help="The site's key in sites.toml [default: from the host name]."
)
@click.option("--title", default=None, help="The organization's name, for people [default: the name].")
@click.option(
    "--unreachable",
    is_flag=True,
    help="Write the entry (its start URL alone) even if the page does not answer now.",
)
@sites_option
@set_option
def add(
    url: str,
    key: str | None,
    title: str | None,
    unreachable: bool,
    sites_path: str | None,
    overrides: tuple[str, ...],
) -> None:
    """Probe a news page and add its site to sites.toml.

    Looks at robots.txt, sitemaps, feeds, the WordPress API, a few listing pages and the
    languages, prints what each route offers, and writes an entry (with the article URL
    patterns it learned) that `newsarchive crawl` can use as it is.

    \b
    Example: newsarchive add https://www.unesco.org/en/newsroom --name unesco
    """
    from crawler.probe import entry, report, site_key
    from crawler.runner import crawl_settings, run
    from crawler.spiders.news import NewsSpider

    path = sites_file(sites_path)
    key = key or site_key(url)
    try:  # refused before any request, like every configuration error
        site = parse_site(path, key, {"name": title or key, "start_urls": [url]})
        if path.exists() and key in load_sites(path):
            raise SitesConfigError(path, "already configured: choose another --name", site=key)
    except SitesConfigError as error:
        fail(error)
    settings = crawl_settings("(none)", str(path), {"ITEM_PIPELINES": {}, **parse_overrides(overrides)})
    crawler = run([site], "probe", settings)[key]
    spider, stats = crawler.spider, crawler.stats.get_stats() if crawler.stats else {}
    assert isinstance(spider, NewsSpider)
    if not stats.get(route_key("listing", "requests")) and not unreachable:  # the page never answered
        fail(
            f"{url} gave no page to probe (see the log above): nothing added to {path} (--unreachable adds it)"
        )
    click.echo(f"Probed {url}:")
    for line in report(spider, stats):
        click.echo(line)
    table = entry(spider, title or key)
    try:
        append_site(path, key, table, comment=f"Added by `newsarchive add {url}`; edit freely.")
    except SitesConfigError as error:
        fail(error)
    click.echo(f"Added [sites.{key}] to {path}: try `newsarchive crawl {key}`")


def _run(
    mode: str,
    names: list[str],
    all_sites: bool,
    db: str,
    sites_path: str | None,
    content: str | None,
    quiet: bool,
    verbose: bool,
    log_file: str | None,
    redis_url: str | None,
    overrides: tuple[str, ...],
    window: dict[str, str | None] | None = None,
) -> NoReturn:
    from crawler.runner import crawl_settings, exit_code, run_overrides, summary

    path = sites_file(sites_path)
    configured = read_sites(path)
    try:
        sites = list(configured.values()) if all_sites else select_sites(configured, names, path)
    except SitesConfigError as error:
        fail(error)
    interactive = sys.stdout.isatty()
    settings = {
        **run_overrides(mode, quiet, log_file, interactive, redis_url, verbose),
        **(window or {}),
        **({"NEWSARCHIVE_CONTENT": content} if content else {}),
        **parse_overrides(overrides),
    }
    code = EXIT_OK
    for key, stats in run_archive(sites, mode, crawl_settings(db, str(path), settings)).items():
        site_code = exit_code(stats)
        if not quiet or site_code != EXIT_OK:
            click.echo(summary(key, stats))
        code = max(code, site_code)
    sys.exit(code)


@click.command()
@click.option("--from", "redis_url", required=True, metavar="URL", help="The Redis the workers hand over to.")
@db_option
@click.option("--once", is_flag=True, help="Apply what is waiting, then exit (else run until stopped).")
@quiet_option
def load(redis_url: str, db: str, once: bool, quiet: bool) -> None:
    """Store what the workers of a distributed crawl hand over: the archive's one writer.

    Workers (`newsarchive crawl SITE --redis URL`, on any number of machines) fetch and
    extract; this applies their articles and outcomes to the archive with the same dedupe
    rules, and tells them which URLs are archived, so that nightly runs stay incremental.
    Stopped or killed, it loses nothing: started again, it goes on where it was.

    \b
    Example: newsarchive load --from redis://127.0.0.1:6379/0 --db archive.db
    """
    import redis

    from storage.handover import Loader

    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if not quiet:
        click.echo(f"Loading from {redis_url} into {db}" + (" (once)" if once else "; stop with Ctrl-C"))
    try:
        with locked(db), open_archive(db) as archive:
            counts = Loader(redis_url, archive).run(lambda: stopping, once=once)
    except redis.RedisError as error:
        raise click.ClickException(f"Redis at {redis_url}: {error}") from error
    if not quiet:
        click.echo(
            "load: " + (", ".join(f"{n} {op}" for op, n in sorted(counts.items())) or "nothing waiting")
        )
