"""The ``newsarchive`` command.

Each command imports Scrapy, Redis and the rest of what it runs when it runs: the extraction
workers are started by "spawn", which imports this module again in every worker, where they
would cost memory for nothing (about 40 MB a worker; bench/README.md).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from crawler import __version__
from crawler.sites import (
    Site,
    SitesConfigError,
    append_site,
    load_sites,
    parse_site,
    select_sites,
    sites_file,
)
from crawler.workers import EXTRACTION_FAILURES
from storage.archive import Archive
from storage.lock import ArchiveLock, LockHeld
from storage.schema import SchemaError

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import Settings

# Exit codes, for cron (documented in the README).
EXIT_OK = 0
EXIT_ERRORS = 1  # the run finished, but some pages or sites failed
EXIT_CONFIG = 2  # bad sites.toml, bad option, or an unusable database: nothing was fetched
EXIT_LOCKED = 3  # another run holds the archive: nothing was done
EXIT_INTERRUPTED = 4  # stopped by a signal (SIGTERM, SIGINT) or a time limit: run it again
EXIT_UNWRITABLE = 5  # the archive could not be written (disk full?): free space, run it again

db_option = click.option(
    "--db",
    default="archive.db",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The archive (SQLite file).",
)
sites_option = click.option(
    "--sites",
    "sites_path",
    default=None,
    help="Sites file [default: $NEWSARCHIVE_SITES, else ./sites.toml].",
)
quiet_option = click.option(
    "--quiet", is_flag=True, help="Log warnings only, and print the summary only when something failed."
)
log_file_option = click.option(
    "--log-file", type=click.Path(dir_okay=False), help="Append the log to this file instead of stderr."
)
redis_option = click.option(
    "--redis",
    "redis_url",
    default=None,
    envvar="NEWSARCHIVE_REDIS_URL",
    metavar="URL",
    help="Work as one of many workers of a shared crawl (redis://HOST:6379/0), handing the "
    "articles to `newsarchive load` [default: $NEWSARCHIVE_REDIS_URL; unset: this machine alone].",
)
set_option = click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy setting for this run (see crawler/settings.py), e.g. -s DOWNLOAD_DELAY=5.",
)


@click.group()
@click.version_option(package_name="newsarchive")
def cli() -> None:
    """Archive the news that organizations publish on their websites.

    \b
    Try it offline:   newsarchive demo
    Nightly, in cron: newsarchive crawl --all
    Explore:          newsarchive serve
    """


@cli.command()
@click.argument("site_names", metavar="SITE...", nargs=-1)
@click.option("--all", "all_sites", is_flag=True, help="Crawl every configured site.")
@db_option
@sites_option
@quiet_option
@log_file_option
@redis_option
@set_option
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


@cli.command()
@click.argument("site_names", metavar="SITE...", nargs=-1, required=True)
@click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), help="Only articles published on or after this day."
)
@click.option(
    "--until", type=click.DateTime(["%Y-%m-%d"]), help="Only articles published on or before this day."
)
@db_option
@sites_option
@quiet_option
@log_file_option
@redis_option
@set_option
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


@cli.command()
@click.argument("url")
@click.option(
    "--name", "key", default=None, help="The site's key in sites.toml [default: from the host name]."
)
@click.option("--title", default=None, help="The organization's name, for people [default: the name].")
@sites_option
@set_option
def add(
    url: str, key: str | None, title: str | None, sites_path: str | None, overrides: tuple[str, ...]
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

    path = sites_file(sites_path)
    key = key or site_key(url)
    try:  # refused before any request, like every configuration error
        site = parse_site(path, key, {"name": title or key, "start_urls": [url]})
        if path.exists() and key in load_sites(path):
            raise SitesConfigError(path, "already configured: choose another --name", site=key)
    except SitesConfigError as error:
        _config_error(error)
    settings = crawl_settings("(none)", str(path), {"ITEM_PIPELINES": {}, **_parse_overrides(overrides)})
    crawler = run([site], "probe", settings)[key]
    click.echo(f"Probed {url}:")
    for line in report(crawler.spider, crawler.stats.get_stats()):
        click.echo(line)
    table = entry(crawler.spider, title or key)
    try:
        append_site(path, key, table, comment=f"Added by `newsarchive add {url}`; edit freely.")
    except SitesConfigError as error:
        _config_error(error)
    click.echo(f"Added [sites.{key}] to {path}: try `newsarchive crawl {key}`")


@cli.command("sites")
@db_option
@sites_option
def list_sites(db: str, sites_path: str | None) -> None:
    """List the configured sites with their article counts and last crawl.

    \b
    Example: newsarchive sites --db archive.db
    """
    path = sites_file(sites_path)
    sites = _load(path)
    archive = _open_archive(db) if Path(db).exists() else None
    for key, site in sites.items():
        count = archive.article_count(key) if archive else 0
        last = archive.last_crawl(key) if archive else None
        when = f"last crawl {last['started']} ({last['status']})" if last else "never crawled"
        click.echo(f"{key:<16} {site.name:<40} {count:>7} articles   {when}")
    if archive:
        archive.close()


@cli.command()
@click.argument("site_names", metavar="[SITE...]", nargs=-1)
@db_option
@sites_option
def reextract(site_names: tuple[str, ...], db: str, sites_path: str | None) -> None:
    """Extract the stored pages again, without the network, and update what changed.

    After an upgrade of newsarchive or a new [sites.KEY.selectors] override, this brings
    the archive's titles, dates, authors and texts up to date from the raw captures. It is
    not a new version of any article: the pages did not change, only how they are read.

    \b
    Example: newsarchive reextract icesco
    """
    from crawler.reextract import TOTALS, reextract

    path = sites_file(sites_path)
    # Overrides come from the sites file when there is one; without it, the generic path.
    sites = _load(path) if path.exists() or sites_path else {}
    if not Path(db).exists():
        raise click.ClickException(f"{db} does not exist: nothing to re-extract")
    try:
        with ArchiveLock(db), _open_archive(db) as archive:
            counts = reextract(archive, sites, site_names)
    except LockHeld as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_LOCKED)
    fields = ", ".join(f"{name} {count}" for name, count in sorted(counts.items()) if name not in TOTALS)
    click.echo(
        f"reextract: {counts['articles']} articles read, {counts['changed']} changed"
        + (f" ({fields})" if fields else "")
        + f", {counts['not_article']} no longer read as articles (left as they were)"
        + f"; {counts['refused']} refused pages read, {counts['recovered']} recovered as articles"
    )
    failed = {name: counts[name] for name in EXTRACTION_FAILURES if counts[name]}
    if failed:
        click.echo(f"reextract: extraction failed for {failed} (left as they were)", err=True)


@cli.command("export-warc")
@click.argument("site_names", metavar="[SITE...]", nargs=-1)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="The WARC file to write (FILE.warc.gz).",
)
@db_option
def export_warc_command(site_names: tuple[str, ...], output: str, db: str) -> None:
    """Write the raw captures as a standard WARC 1.1 file, for replay tools and other archives.

    Each fetched page becomes a request and a response record; a page fetched again with
    the same bytes, a revisit record. Check it with `warcio check FILE`.

    \b
    Example: newsarchive export-warc icesco -o icesco.warc.gz
    """
    from storage.warc import export_warc

    if not Path(db).exists():
        raise click.ClickException(f"{db} does not exist: nothing to export")
    with _open_archive(db) as archive:
        counts = export_warc(archive, output, site_names, software=f"newsarchive {__version__}")
    records = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
    click.echo(f"Wrote {output}: {records}")


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, help="Port to listen on.")
def serve(db: str, host: str, port: int) -> None:
    """Explore the archive in Datasette: browse, facet, full-text search.

    \b
    Example: newsarchive serve --db archive.db --port 8001
    """
    from crawler.serve import datasette_command, write_metadata

    if not Path(db).exists():
        raise click.ClickException(
            f"{db} does not exist yet: run `newsarchive crawl` or `newsarchive demo` first"
        )
    _open_archive(db).close()  # refuse a foreign or newer file before serving it
    with tempfile.TemporaryDirectory() as folder:
        metadata = write_metadata(db, Path(folder) / "metadata.json")
        with subprocess.Popen(datasette_command(db, str(metadata), host, port)) as datasette:
            # Stopped (by a service manager, a test), stop Datasette too rather than orphan it.
            signal.signal(signal.SIGTERM, lambda *_: datasette.terminate())
            code = datasette.wait()
    sys.exit(code)


@cli.command()
@click.option(
    "--db", default="demo.db", show_default=True, type=click.Path(dir_okay=False), help="The archive to fill."
)
@click.option(
    "--port", default=8765, show_default=True, help="Port of the sample site on 127.0.0.1 (0: any free port)."
)
@click.option(
    "--truth",
    type=click.Path(dir_okay=False, writable=True),
    help="Also write the sample site's ground truth (url, language, title, published, text) as JSON.",
)
def demo(db: str, port: int, truth: str | None) -> None:
    """Crawl the bundled sample newsroom, offline, and check the archive against its truth.

    The sample site (66 articles in English, Arabic and French, WordPress-shaped) is served
    on 127.0.0.1; nothing leaves the machine. Run it twice to see an incremental crawl.

    \b
    Example: newsarchive demo && newsarchive serve --db demo.db
    """
    from crawler.demo.check import score
    from crawler.demo.server import DemoServer
    from crawler.runner import crawl_settings

    try:
        server = DemoServer(port)
    except OSError as error:
        raise click.ClickException(
            f"cannot serve the sample site on port {port} ({error}): try --port 0"
        ) from None
    with server:
        if truth:
            Path(truth).write_text(
                json.dumps(server.site.truth(), ensure_ascii=False, indent=1), encoding="utf-8"
            )
        site = parse_site("(built-in demo)", "demo", server.site.config())
        click.echo(f"Sample newsroom at {server.base_url}/ ({len(server.site.articles)} articles)")
        # Our own server on loopback: no need to be polite to it, so no delays.
        settings = crawl_settings(
            db,
            "(built-in demo)",
            {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "WARNING"},
        )
        stats = _locked_run(db, [site], "crawl", settings)["demo"].stats.get_stats()
        click.echo(_summary("demo", stats))
        with Archive(db) as archive:
            click.echo(f"Against the site's truth: {score(archive, 'demo', server.site.truth())}")
    click.echo(f"Explore it: newsarchive serve --db {db}   (then open http://127.0.0.1:8001/)")


def _run(
    mode: str,
    names: list[str],
    all_sites: bool,
    db: str,
    sites_path: str | None,
    quiet: bool,
    log_file: str | None,
    redis_url: str | None,
    overrides: tuple[str, ...],
    window: dict[str, str | None] | None = None,
) -> None:
    from crawler.runner import crawl_settings, run

    path = sites_file(sites_path)
    configured = _load(path)
    try:
        sites = list(configured.values()) if all_sites else select_sites(configured, names, path)
    except SitesConfigError as error:
        _config_error(error)
    settings = {**(window or {}), **_parse_overrides(overrides)}
    if quiet:
        settings.setdefault("LOG_LEVEL", "WARNING")
    if log_file:
        settings.update(LOG_FILE=log_file, LOG_FILE_APPEND=True)
    if mode == "backfill" and sys.stdout.isatty() and not quiet:
        settings.setdefault("NEWSARCHIVE_PROGRESS", True)
        settings.setdefault("LOG_LEVEL", "WARNING")  # the progress line says the rest
    if redis_url:  # a worker: the loader holds the archive
        settings["NEWSARCHIVE_REDIS_URL"] = redis_url
        crawlers = run(sites, mode, crawl_settings(db, str(path), settings))
    else:
        crawlers = _locked_run(db, sites, mode, crawl_settings(db, str(path), settings))
    code = EXIT_OK
    for key, crawler in crawlers.items():
        stats = crawler.stats.get_stats()
        site_code = _exit_code(stats)
        if not quiet or site_code != EXIT_OK:
            click.echo(_summary(key, stats))
        code = max(code, site_code)
    sys.exit(code)


@cli.command()
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
        with ArchiveLock(db), _open_archive(db) as archive:
            counts = Loader(redis_url, archive).run(lambda: stopping, once=once)
    except LockHeld as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_LOCKED)
    except redis.RedisError as error:
        raise click.ClickException(f"Redis at {redis_url}: {error}") from error
    if not quiet:
        click.echo(
            "load: " + (", ".join(f"{n} {op}" for op, n in sorted(counts.items())) or "nothing waiting")
        )


def _exit_code(stats: dict[str, Any]) -> int:
    from crawler.pipelines import ARCHIVE_UNWRITABLE, INTERRUPTED_REASONS

    reason = stats.get("finish_reason")
    if reason == ARCHIVE_UNWRITABLE:
        return EXIT_UNWRITABLE
    if reason in INTERRUPTED_REASONS:
        return EXIT_INTERRUPTED
    if reason != "finished" or stats.get("archive/errors", 0):
        return EXIT_ERRORS
    return EXIT_OK


def _locked_run(db: str, sites: list[Site], mode: str, settings: Settings) -> dict[str, Crawler]:
    """Run the crawl holding the archive's lock, after checking the archive can be used."""
    from crawler.runner import run

    try:
        with ArchiveLock(db):
            _open_archive(db).close()
            return run(sites, mode, settings)
    except LockHeld as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_LOCKED)


def _summary(key: str, stats: dict[str, Any]) -> str:
    """One line for a run: what it stored (or, a worker, handed over), what it cost."""
    started, finished = stats.get("start_time"), stats.get("finish_time")
    seconds = (finished - started).total_seconds() if started and finished else 0.0
    cost = f"{stats.get('downloader/request_count', 0)} requests in {seconds:.1f} s ({stats.get('finish_reason')})"
    if "archive/handed_over" in stats:
        return (
            f"{key}: {stats.get('archive/handed_over', 0)} articles handed over to the loader, "
            f"{stats.get('archive/errors', 0)} errors; {cost}"
        )
    unchanged = stats.get("archive/unchanged", 0) + stats.get("archive/skipped_known", 0)
    duplicates = stats.get("archive/duplicate", 0)
    near = f" ({duplicates} near-duplicates)" if duplicates else ""
    return (
        f"{key}: {stats.get('archive/new', 0) + duplicates} new{near}, {stats.get('archive/updated', 0)} updated, "
        f"{unchanged} unchanged, {stats.get('archive/alias', 0)} aliases, "
        f"{stats.get('archive/gone', 0)} gone, {stats.get('archive/errors', 0)} errors; {cost}"
    )


def _parse_overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="-s/--set")
        overrides[name.strip()] = value
    return overrides


def _load(path: Path) -> dict:
    try:
        return load_sites(path)
    except SitesConfigError as error:
        _config_error(error)


def _open_archive(db: str) -> Archive:
    try:
        return Archive(db)
    except SchemaError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_CONFIG)


def _config_error(error: Exception) -> None:
    click.echo(f"Error: {error}", err=True)
    sys.exit(EXIT_CONFIG)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
