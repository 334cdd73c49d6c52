"""The ``newsarchive`` command.

Each command imports Scrapy, Redis and the rest of what it runs when it runs: the extraction
workers are started by "spawn", which imports this module again in every worker, where they
would cost memory for nothing (about 40 MB a worker; bench/README.md).
"""

from __future__ import annotations

import click

from crawler.cli.crawling import add, backfill, crawl, load
from crawler.cli.reading import demo, export_warc_command, list_sites, reextract, serve


@click.group()
@click.version_option(package_name="newsarchive")
def cli() -> None:
    """Archive the news that organizations publish on their websites.

    \b
    Try it offline:   newsarchive demo
    Nightly, in cron: newsarchive crawl --all
    Explore:          newsarchive serve

    \b
    Exit codes (for cron):
      0  finished without errors
      1  finished, but some pages or sites failed
      2  nothing done: a sites file, option, setting value, site name, port or database is unusable
      3  another run holds the archive
      4  interrupted (a signal, a time or memory limit): run it again
      5  the archive could not be written (disk full?): free space, run it again
    """


for command in (crawl, backfill, add, list_sites, reextract, export_warc_command, serve, demo, load):
    cli.add_command(command)


def main() -> None:
    cli()
