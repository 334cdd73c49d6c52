"""``scrapy crawl news -a site=NAME``, as Scrapy runs it, with the site checked before the crawl
starts: a missing or unknown site is a usage error (one line, exit 2), not a TypeError from
inside the reactor."""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from crawler.paths import sites_file
from crawler.sites import SitesConfigError, load_sites, select_sites


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args[:1] == ["news"]:
            if "site" not in opts.spargs:
                raise UsageError(
                    "the news spider crawls one site: scrapy crawl news -a site=NAME (a key of sites.toml)"
                )
            assert self.settings is not None
            path = sites_file(self.settings.get("NEWSARCHIVE_SITES"))
            try:
                select_sites(load_sites(path), [opts.spargs["site"]], path)
            except SitesConfigError as error:
                raise UsageError(str(error)) from None
        super().run(args, opts)
