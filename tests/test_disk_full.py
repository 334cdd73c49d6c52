"""A disk that fills up mid-crawl: the run stops cleanly with its own exit code, what was stored
is intact, and once there is room again the next run completes the archive."""

from __future__ import annotations

import functools
import resource
import sqlite3
import subprocess

from conftest import FAST, newsarchive, write_sites

from crawler.demo.server import DemoServer
from crawler.demo.site import DemoSite
from crawler.exit_codes import EXIT_UNWRITABLE

ROOM = 1024 * 1024  # bytes a file of the archive may grow to: a few batches of articles


def crawl_on_a_small_disk(folder) -> subprocess.CompletedProcess[str]:
    """The crawl, with every file it writes capped at ROOM bytes (RLIMIT_FSIZE): SQLite's write
    fails as it would on a full disk (Python ignores SIGXFSZ, so the write returns an error)."""
    limit = functools.partial(resource.setrlimit, resource.RLIMIT_FSIZE, (ROOM, ROOM))
    return newsarchive("crawl", "news", *FAST, cwd=folder, preexec_fn=limit)


def test_a_full_disk_stops_the_run_and_loses_nothing(tmp_path):
    with DemoServer(make_site=lambda base: DemoSite(base, counts={"en": 200})) as server:
        write_sites(tmp_path, {"news": {"start_urls": server.site.start_urls()}})
        full = crawl_on_a_small_disk(tmp_path)
        assert full.returncode == EXIT_UNWRITABLE, full.stderr[-3000:]
        assert "cannot be written" in full.stderr

        with sqlite3.connect(tmp_path / "archive.db") as db:
            assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
            stored = db.execute("select count(*) from articles").fetchone()[0]
            # every article stored came with its capture: batches are whole or absent
            assert db.execute("select count(distinct article_id) from pages").fetchone()[0] == stored
        assert 0 < stored < 200

        again = newsarchive("crawl", "news", *FAST, cwd=tmp_path)
        assert again.returncode == 0, again.stderr[-3000:]
    with sqlite3.connect(tmp_path / "archive.db") as db:
        assert db.execute("select count(*), count(distinct url) from articles").fetchone() == (200, 200)
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
