"""Nightly crawls: only what is new or changed, deletions noticed, a handful of requests."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import UTC, datetime, timedelta

from conftest import crawl, write_sites

from crawler.demo.articles import sample_articles
from crawler.demo.server import DemoServer
from crawler.demo.site import DemoSite
from storage.archive import Archive
from storage.records import Article, Capture


def query(folder, sql):
    with sqlite3.connect(folder / "archive.db") as conn:
        return conn.execute(sql).fetchall()


def test_new_edited_and_deleted_articles_in_a_handful_of_requests(tmp_path):
    articles = sample_articles({"en": 300})
    with DemoServer(make_site=lambda base: DemoSite(base, articles=articles)) as server:
        write_sites(tmp_path, {"news": {"start_urls": server.site.start_urls()}})
        crawl(tmp_path, "news")
        assert query(tmp_path, "select count(*) from articles") == [(300,)]

        # The site publishes 5 articles, edits 2 and deletes 1.
        now = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)
        fresh = [
            dataclasses.replace(
                a,
                path=f"/en/{now:%Y/%m/%d}/fresh-{i}-{a.path.rstrip('/').rsplit('/', 1)[1]}/",
                published=now - timedelta(minutes=i),
            )
            for i, a in enumerate(sample_articles({"en": 5}, seed=99))
        ]
        edited = {10: "A correction was published on the same day.", 42: "This article was updated."}
        changed = [
            dataclasses.replace(a, paragraphs=(*a.paragraphs, edited[i]), modified=now) if i in edited else a
            for i, a in enumerate(articles)
            if i != 20
        ]
        server.site = DemoSite(server.base_url, articles=fresh + changed)
        server.requests.clear()

        result = crawl(tmp_path, "news")
        requests = list(server.requests)

    assert len(requests) <= 15, requests
    assert query(tmp_path, "select count(*) from articles") == [(305,)]  # nothing deleted here
    assert query(tmp_path, "select new, updated, gone from crawls order by id desc limit 1") == [(5, 2, 1)]
    assert sorted(query(tmp_path, "select url from articles where version = 2")) == sorted(
        [(server.base_url + articles[i].path,) for i in edited]
    )
    assert query(tmp_path, "select count(*) from article_versions") == [(2,)]
    assert query(tmp_path, "select url from articles where gone_at is not null") == [
        (server.base_url + articles[20].path,)
    ]
    assert "5 new" in result.stdout and "1 gone" in result.stdout


def test_unchanged_site_costs_a_handful_of_requests_whatever_its_size(tmp_path):
    articles = sample_articles({"en": 300})
    with DemoServer(make_site=lambda base: DemoSite(base, articles=articles)) as server:
        write_sites(tmp_path, {"news": {"start_urls": server.site.start_urls()}})
        crawl(tmp_path, "news")
        server.requests.clear()
        crawl(tmp_path, "news")
        assert len(server.requests) <= 10, server.requests
    assert query(tmp_path, "select new, updated, gone, errors from crawls order by id desc limit 1") == [
        (0, 0, 0, 0)
    ]


def test_nightly_runs_read_the_sitemaps_that_can_hold_new_urls_and_a_sweep_reads_all(tmp_path):
    articles = sample_articles({"en": 50})

    def make(base: str, articles: list) -> DemoSite:  # five post sitemaps of ten
        return DemoSite(base, articles=articles, sitemap_size=10)

    with DemoServer(make_site=lambda base: make(base, articles)) as server:
        write_sites(tmp_path, {"news": {"start_urls": server.site.start_urls()}})
        crawl(tmp_path, "news", mode="backfill")
        server.site = make(server.base_url, [a for i, a in enumerate(articles) if i != 25])

        def sitemaps_read(*options: str) -> list[str]:
            server.requests.clear()
            crawl(tmp_path, "news", *options)
            return sorted(path for path in server.requests if path.startswith("/wp-sitemap-posts"))

        # a night: the first and last of the five post sitemaps; the deletion waits for the sweep
        assert sitemaps_read() == ["/wp-sitemap-posts-post-1.xml", "/wp-sitemap-posts-post-5.xml"]
        assert query(tmp_path, "select count(*) from articles where gone_at is not null") == [(0,)]
        # the sweep, due (here at once): every sitemap, and the deleted article checked
        assert len(sitemaps_read("-s", "NEWSARCHIVE_DELETION_SWEEP_DAYS=0")) == 5
        assert query(tmp_path, "select url from articles where gone_at is not null") == [
            (server.base_url + articles[25].path,)
        ]
    assert query(tmp_path, "select mode, swept from crawls order by id") == [
        ("backfill", 1),
        ("crawl", 0),
        ("crawl", 1),
    ]


def test_unchanged_site_of_3000_articles(tmp_path):
    """The archive already holds 3,000 articles of the site (stored directly, as a long series
    of crawls would have left it); a nightly run costs as much as for 300."""
    articles = sample_articles({"en": 3000})
    with DemoServer(make_site=lambda base: DemoSite(base, articles=articles, feeds=False)) as server:
        write_sites(tmp_path, {"news": {"start_urls": server.site.start_urls()}})
        with Archive(str(tmp_path / "archive.db")) as archive:
            crawl_id = archive.start_crawl("news", "backfill")
            seen = datetime.now(UTC).replace(microsecond=0).isoformat()
            archive.store_many(
                (
                    (
                        Article(site="news", url=server.base_url + a.path, text=a.text, title=a.title),
                        Capture(server.base_url + a.path, 200, {}, b"", seen),
                    )
                    for a in articles
                ),
                crawl_id,
            )
            archive.finish_crawl(crawl_id, "finished", "finished", {"new": 3000})
        crawl(tmp_path, "news")
        requests = list(server.requests)
    assert len(requests) <= 10, requests
    assert sum(r.startswith("/wp-sitemap-posts-post-") for r in requests) == 2  # 2,000 URLs a sitemap
    assert query(tmp_path, "select new, updated, gone from crawls order by id desc limit 1") == [(0, 0, 0)]


def test_changed_lastmod_refetches_conditionally_and_304_costs_no_extraction(tmp_path):
    from fixture_sites import DrupalSite

    with DemoServer(make_site=DrupalSite) as server:
        write_sites(tmp_path, {"agency": {"start_urls": server.site.start_urls()}})
        crawl(tmp_path, "agency")
        captures = query(tmp_path, "select count(*) from pages")[0][0]

        # Three articles get a newer sitemap lastmod; only the first has a new text.
        now = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)
        site = server.site
        for index in (3, 5, 7):
            article = site.articles[index]
            paragraphs = (*article.paragraphs, "An update.") if index == 3 else article.paragraphs
            site.articles[index] = dataclasses.replace(article, paragraphs=paragraphs, modified=now)
        server.requests.clear()
        server.statuses.clear()

        result = crawl(tmp_path, "agency")
        refetched = [
            s
            for r, s in zip(server.requests, server.statuses, strict=True)
            if r.startswith(("/news/", "/node/"))
        ]

    assert sorted(refetched) == [200, 304, 304]
    assert query(tmp_path, "select count(*) from articles where version = 2") == [(1,)]
    # The 304s stored no capture and ran no extraction; the change stored one.
    assert query(tmp_path, "select count(*) from pages")[0][0] == captures + 1
    # the console says what the run's row says: 2 unchanged (the 304s), the rest not fetched
    [(unchanged,)] = query(tmp_path, "select unchanged from crawls order by id desc limit 1")
    assert unchanged == 2
    assert (
        "0 new, 1 updated, 2 unchanged, 0 aliases, 0 gone, 0 errors; 37 archived before, not fetched again;"
        in result.stdout
    )


class FeedInIndexSite(DemoSite):
    """The demo newsroom whose sitemap index also lists its feeds, as the Sitemaps protocol
    allows (static site generators list their per-language RSS)."""

    def __init__(self, base_url: str, articles: list) -> None:
        super().__init__(base_url, articles=articles)
        kind, index = self.pages["/wp-sitemap.xml"]
        feeds = "".join(
            f"<sitemap><loc>{self.base_url}/{lang}/feed/</loc></sitemap>" for lang in self.languages
        )
        self.pages["/wp-sitemap.xml"] = (kind, index.replace("</sitemapindex>", feeds + "</sitemapindex>"))


def test_a_feed_listed_as_a_sitemap_is_read_and_deletions_are_still_noticed(tmp_path):
    articles = sample_articles({"en": 40, "ar": 10})
    with DemoServer(make_site=lambda base: FeedInIndexSite(base, articles)) as server:
        write_sites(tmp_path, {"news": {"start_urls": server.site.start_urls()}})
        crawl(tmp_path, "news", mode="backfill")
        server.site = FeedInIndexSite(server.base_url, [a for i, a in enumerate(articles) if i != 5])
        crawl(tmp_path, "news", mode="backfill")  # a backfill sweeps: every sitemap read
    assert query(tmp_path, "select count(*) from outcomes where outcome = 'invalid_sitemap'") == [(0,)]
    assert query(tmp_path, "select url from articles where gone_at is not null") == [
        (server.base_url + articles[5].path,)
    ]
    assert query(tmp_path, "select mode, swept, gone from crawls order by id") == [
        ("backfill", 1, 0),
        ("backfill", 1, 1),
    ]
