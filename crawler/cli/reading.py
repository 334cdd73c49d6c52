"""The commands that read the archive: ``sites``, ``reextract``, ``export-warc``, ``serve``, and
the offline ``demo``."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from pathlib import Path

import click

from crawler import __version__
from crawler.cli.common import (
    db_option,
    fail,
    locked,
    must_exist,
    must_hold,
    open_archive,
    read_sites,
    run_archive,
    sites_option,
)
from crawler.extraction_pool import EXTRACTION_FAILURES
from crawler.paths import sites_file
from crawler.sites import parse_site


@click.command("sites")
@db_option
@sites_option
def list_sites(db: str, sites_path: str | None) -> None:
    """List the configured sites with their article counts and last crawl.

    \b
    Example: newsarchive sites --db archive.db
    """
    path = sites_file(sites_path)
    sites = read_sites(path)
    archive = open_archive(db) if Path(db).exists() else None
    key_width = max((len(key) for key in sites), default=0)
    name_width = max((len(site.name) for site in sites.values()), default=0)
    for key, site in sites.items():
        count = archive.article_count(key) if archive else 0
        last = archive.last_crawl(key) if archive else None
        when = f"last crawl {last['started']} ({last['status']})" if last else "never crawled"
        click.echo(f"{key:<{key_width}}  {site.name:<{name_width}}  {count:>7} articles   {when}")
    if archive:
        archive.close()


@click.command()
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
    sites = read_sites(path) if path.exists() or sites_path else {}
    must_exist(db, "nothing to re-extract")
    with locked(db), open_archive(db) as archive:
        must_hold(archive, site_names, db)
        counts = reextract(archive, sites, site_names)
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


@click.command("export-warc")
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

    must_exist(db, "nothing to export")
    with open_archive(db) as archive:
        must_hold(archive, site_names, db)
        counts = export_warc(archive, output, site_names, software=f"newsarchive {__version__}")
    records = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
    click.echo(f"Wrote {output}: {records}")


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, help="Port to listen on.")
def serve(db: str, host: str, port: int) -> None:
    """Explore the archive in Datasette: browse, facet, full-text search.

    \b
    Example: newsarchive serve --db archive.db --port 8001
    """
    from crawler.serve import datasette_command

    must_exist(db, "run `newsarchive crawl` or `newsarchive demo` first")
    open_archive(db).close()  # refuse a foreign or newer file before serving it
    with socket.socket() as probe:  # a port in use is the user's to change, not Datasette's traceback
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Datasette's server binds
        try:
            probe.bind((host, port))
        except OSError as error:
            fail(f"cannot listen on {host}:{port}: {error.strerror}; choose another --port")
    with subprocess.Popen(datasette_command(db, host, port)) as datasette:
        # Stopped (by a service manager, a test), stop Datasette too rather than orphan it.
        signal.signal(signal.SIGTERM, lambda *_: datasette.terminate())
        code = datasette.wait()
    sys.exit(code)


@click.command()
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
    from crawler.demo.site import DemoSite
    from crawler.runner import crawl_settings, summary

    try:
        server = DemoServer(port)
    except OSError as error:
        raise click.ClickException(
            f"cannot serve the sample site on port {port} ({error}): try --port 0"
        ) from None
    with server:
        assert isinstance(server.site, DemoSite)  # its own sample site
        site = parse_site("(built-in demo)", "demo", server.site.config())
        click.echo(f"Sample newsroom at {server.base_url}/ ({len(server.site.articles)} articles)")
        # Our own server on loopback: no need to be polite to it, so no delays.
        settings = crawl_settings(
            db,
            "(built-in demo)",
            {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "WARNING"},
        )
        # what the archive must hold: a post's time too, where the API gives the posts
        expected = server.site.truth(from_api=settings.get("NEWSARCHIVE_CONTENT") == "api")
        if truth:
            Path(truth).write_text(json.dumps(expected, ensure_ascii=False, indent=1), encoding="utf-8")
        stats = run_archive([site], "crawl", settings)["demo"]
        click.echo(summary("demo", stats))
        with open_archive(db) as archive:
            click.echo(f"Against the site's truth: {score(archive, 'demo', expected)}")
    name = Path(db).stem  # Datasette names a database after its file
    click.echo(f"Explore it: newsarchive serve --db {db}   (then open http://127.0.0.1:8001/{name}/articles)")
    click.echo(f"Its runs:   newsarchive sites --db {db}")
