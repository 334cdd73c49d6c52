"""One crawl of a hostile server (tests/hostile_site.py): it ends on its own, stores the good
articles served beside the hostile ones, records every bad URL with its reason, and leaves
the archive sound."""

from __future__ import annotations

import sqlite3

from conftest import FAST, newsarchive, write_sites
from fixture_sites import OffsiteSite
from hostile_site import ARTICLE_PATTERN, BAD, BAD_SITEMAPS, HostileHandler, HostileSite

from crawler.demo.server import DemoServer
from crawler.exit_codes import EXIT_ERRORS
from storage.urls import canonicalize

# Short download limits for the hanging server; extraction's own limits as by default
# (tests/test_extraction_pool.py makes a page meet its time and memory limits).
LIMITS = ["-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=1"]


def test_a_hostile_server_is_crawled_to_the_end_and_nothing_good_is_lost(tmp_path):
    with (
        DemoServer(make_site=lambda base: OffsiteSite(), host="127.0.0.2") as offsite,
        DemoServer(
            make_site=lambda base: HostileSite(base, offsite.base_url), handler=HostileHandler
        ) as server,
    ):
        site = server.site
        write_sites(
            tmp_path, {"hostile": {"start_urls": site.start_urls(), "article_patterns": [ARTICLE_PATTERN]}}
        )
        result = newsarchive("crawl", "hostile", *FAST, *LIMITS, cwd=tmp_path)
        assert result.returncode == EXIT_ERRORS, result.stderr[-3000:]  # finished, with failed pages
        assert offsite.requests == []
        requested = list(server.requests)
        assert not any("/news/news/" in path for path in requested)  # the repeating path: no

    with sqlite3.connect(tmp_path / "archive.db") as db:
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
        articles = {
            url: (title, text, (published, raw))
            for url, title, text, published, raw in db.execute(
                "select url, title, text, published, published_raw from articles"
            )
        }
        outcomes = dict(db.execute("select url, outcome from outcomes"))
        crawl_row = db.execute("select status, new from crawls").fetchone()
        texts = "\n".join(
            str(row)
            for row in db.execute(
                "select url, title, text from articles union all select url, outcome, reason from outcomes"
            )
        )

    # every good article once, with its title and its text readable in its own script
    good = {canonicalize(site.base_url + path) for path in site.good_paths()}
    assert set(articles) == good
    assert crawl_row == ("finished", len(good))
    for article in site.articles:
        title, text, _ = articles[canonicalize(site.base_url + site.paths[article.path])]
        assert title == article.title
        assert article.paragraphs[-1] in text
        assert not any(c in text for c in "\x00\x0b\x1b")
    # dates that are not dates are not stored as dates, nor guessed: kept as written
    for path, raw in site.dated.items():
        assert articles[canonicalize(site.base_url + path)][2] == (None, raw)
    # the article that answered 429 was asked again only after the second it asked for
    assert len(site.rate_limited) == 2 and site.rate_limited[1] - site.rate_limited[0] >= 1.0
    # every bad URL, with why it stored nothing
    recorded = {url: outcomes.get(canonicalize(site.base_url + url)) for url in {**BAD, **BAD_SITEMAPS}}
    assert recorded == {**BAD, **BAD_SITEMAPS}, outcomes
    # the XXE sitemap's entity was never resolved: no trace of the file it names, anywhere
    assert "root:" not in texts and not any("root:" in request for request in requested)
