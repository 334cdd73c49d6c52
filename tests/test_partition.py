"""A site that stops answering mid-run (the network is gone): the run ends soon rather than
timing out every request left, keeps what it stored, and the next run completes the archive."""

from __future__ import annotations

import sqlite3

from conftest import FAST, newsarchive, write_sites
from hostile_site import HostileHandler

from crawler.demo.reply import Reply
from crawler.demo.server import DemoServer
from crawler.demo.site import DemoSite
from crawler.exit_codes import EXIT_ERRORS

ANSWERED = 60  # article pages the site serves before it stops answering


class UnpluggedSite(DemoSite):
    """The sample newsroom, whose server hangs on every request after ANSWERED article pages
    until it is plugged back in."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url, counts={"en": 200})
        self.article_paths = {a.path for a in self.articles}
        self.served = self.hung = 0
        self.plugged = True

    def respond(self, path: str, query: str = "") -> Reply | None:
        if not self.plugged:
            self.hung += 1
            return Reply(b"<html>" * 100, headers={"X-Fixture": "hang"})  # headers, then silence
        if path in self.article_paths:
            self.served += 1
            self.plugged = self.served != ANSWERED  # unplugged once, after the ANSWERED-th page
        return super().respond(path, query)


def test_a_site_that_stops_answering_ends_the_run_and_the_next_run_resumes(tmp_path):
    limits = [
        "-s",
        "DOWNLOAD_TIMEOUT=1",
        "-s",
        "RETRY_TIMES=0",
        "-s",
        "NEWSARCHIVE_MAX_CONSECUTIVE_FAILURES=5",
    ]
    with DemoServer(make_site=UnpluggedSite, handler=HostileHandler) as server:
        write_sites(tmp_path, {"news": {"start_urls": server.site.start_urls()}})
        # each article's page fetched (the API would give them all in one request)
        cut = newsarchive("backfill", "news", "--content", "pages", *FAST, *limits, cwd=tmp_path)
        assert cut.returncode == EXIT_ERRORS, cut.stderr[-3000:]
        assert "site_unreachable" in cut.stdout
        # it gave up after five requests in a row went unanswered (and the odd one in flight
        # then), not after the 140 requests left
        assert 5 <= server.site.hung <= 8

        with sqlite3.connect(tmp_path / "archive.db") as db:
            assert db.execute("select status, finish_reason from crawls").fetchone() == (
                "failed",
                "site_unreachable",
            )
            assert db.execute("select count(*) from articles").fetchone()[0] == ANSWERED
            timeouts = db.execute("select count(*) from outcomes where outcome = 'timeout'").fetchone()[0]
            assert 5 <= timeouts <= server.site.hung

        server.site.plugged = True
        again = newsarchive("backfill", "news", "--content", "pages", *FAST, cwd=tmp_path)
        assert again.returncode == 0, again.stderr[-3000:]
    with sqlite3.connect(tmp_path / "archive.db") as db:
        assert db.execute("select count(*), count(distinct url) from articles").fetchone() == (200, 200)
