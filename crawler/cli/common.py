"""What the commands share: their options, and how a user's mistake or a busy archive ends a
command (one line, the README's exit code)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from crawler.exit_codes import EXIT_CONFIG, EXIT_LOCKED
from crawler.paths import archive_file
from crawler.sites import Site, SitesConfigError, load_sites
from storage.archive import Archive
from storage.lock import ArchiveLock, LockHeld
from storage.reader import ArchiveReader
from storage.schema import SchemaError

if TYPE_CHECKING:  # Scrapy is imported when a command runs, not at start-up
    from scrapy.settings import Settings

db_option = click.option(
    "--db",
    default=None,
    type=click.Path(dir_okay=False),
    callback=lambda ctx, param, value: archive_file(value),
    help="The archive (SQLite file) [default: $NEWSARCHIVE_DB, else ./archive.db].",
)
sites_option = click.option(
    "--sites",
    "sites_path",
    default=None,
    help="Sites file [default: $NEWSARCHIVE_SITES, else ./sites.toml].",
)
quiet_option = click.option(
    "--quiet",
    is_flag=True,
    help="Print nothing on success; on failure, the summary and each distinct error once.",
)
verbose_option = click.option(
    "--verbose",
    is_flag=True,
    help="Show Scrapy's whole log (its settings, middlewares, every page, tracebacks).",
)
log_file_option = click.option(
    "--log-file",
    type=click.Path(dir_okay=False),
    help="Append the whole log to this file (the console shows what people need).",
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
content_option = click.option(
    "--content",
    type=click.Choice(["api", "pages"]),
    default=None,
    help="Where a WordPress site's posts come from: api, its REST API (100 posts a request, "
    "the body as the theme renders it), or pages (each post's page fetched and extracted) "
    "[default: api].",
)
set_option = click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy setting for this run (see crawler/settings.py), e.g. -s DOWNLOAD_DELAY=5.",
)


def run_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options of a command that runs the crawl (crawl, backfill)."""
    for option in reversed(
        (
            db_option,
            sites_option,
            content_option,
            quiet_option,
            verbose_option,
            log_file_option,
            redis_option,
            set_option,
        )
    ):
        command = option(command)
    return command


def run_archive(sites: list[Site], mode: str, settings: Settings) -> dict[str, dict[str, Any]]:
    """The runner's run, its refusals (another run holds the archive; the archive is not
    ours) turned into their exit codes."""
    from crawler.runner import run_archive

    try:
        return run_archive(sites, mode, settings)
    except LockHeld as error:
        fail(error, EXIT_LOCKED)
    except SchemaError as error:
        fail(error)


def parse_overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    """``-s NAME=VALUE`` options, each value checked against its setting (crawler/overrides.py)."""
    from crawler.overrides import OverrideError, checked, project_settings

    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="-s/--set")
        overrides[name.strip()] = value
    try:
        return checked(overrides, project_settings())
    except OverrideError as error:
        fail(error)


def read_sites(path: Path) -> dict[str, Site]:
    try:
        return load_sites(path)
    except SitesConfigError as error:
        fail(error)


def must_exist(db: str, why: str) -> None:
    """A missing archive, for a command that reads one, is a user's mistake: EXIT_CONFIG."""
    if not Path(db).exists():
        fail(f"{db} does not exist: {why}")


def must_hold(archive: ArchiveReader, site_names: tuple[str, ...], db: str) -> None:
    """A site the archive has never crawled, named to a command that reads it, is a user's
    mistake (a typo would otherwise write an empty WARC, re-extract nothing): EXIT_CONFIG."""
    held = archive.sites()
    if missing := [name for name in site_names if name not in held]:
        fail(f"{db} holds no site named {', '.join(missing)} (it holds: {', '.join(held) or 'none'})")


def open_archive(db: str) -> Archive:
    """The archive at ``db``; a file that is not an archive of ours (or a newer one) is a
    user's mistake: EXIT_CONFIG."""
    try:
        return Archive(db)
    except SchemaError as error:
        fail(error)


@contextlib.contextmanager
def locked(db: str) -> Iterator[None]:
    """Hold the archive's lock, or exit EXIT_LOCKED when another run holds it."""
    try:
        with ArchiveLock(db):
            yield
    except LockHeld as error:
        fail(error, EXIT_LOCKED)


def fail(error: Exception | str, code: int = EXIT_CONFIG) -> NoReturn:
    click.echo(f"Error: {error}", err=True)
    sys.exit(code)
