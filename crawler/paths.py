"""Where the archive and the sites file are: the option, else the environment, else the
working directory. The one home of these defaults, for ``newsarchive`` and ``scrapy crawl``
alike (``NEWSARCHIVE_DB`` and ``NEWSARCHIVE_SITES`` settings left unset mean these)."""

from __future__ import annotations

import os
from pathlib import Path

ARCHIVE_FILE = "archive.db"
SITES_FILE = "sites.toml"


def archive_file(option: str | None = None) -> str:
    """The archive to use: the option, else $NEWSARCHIVE_DB, else ./archive.db."""
    return option or os.environ.get("NEWSARCHIVE_DB") or ARCHIVE_FILE


def sites_file(option: str | None = None) -> Path:
    """The sites file to use: the option, else $NEWSARCHIVE_SITES, else ./sites.toml."""
    return Path(option or os.environ.get("NEWSARCHIVE_SITES") or SITES_FILE)
