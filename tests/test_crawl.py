"""End to end: the news spider crawls the sample newsroom on 127.0.0.1 into a real archive."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections import Counter
from urllib.parse import unquote, urlsplit

import pytest
from conftest import FAST, REPO, crawl, newsarchive, write_sites

from crawler.demo.content import CHROME
from crawler.demo.site import DemoSite
from crawler.spiders.news import SITEMAP_LOCATIONS
from storage.urls import canonicalize


def rows(db_path, sql, params=()):
    with sqlite3.connect(db_path) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql, params)]


def article_paths(server) -> list[str]:
    """The article pages the server was asked for, as decoded paths."""
    articles = {unquote(a.path) for a in server.site.articles}
    return [p for p in (unquote(urlsplit(r).path).lower() for r in server.requests) if p in articles]


@pytest.mark.parametrize("content", ["api", "pages"])
def test_first_crawl_stores_every_article_once_with_its_truth(demo_server, tmp_path, content):
    write_sites(tmp_path, {"demo": demo_server.site.config()})
    crawl(tmp_path, "demo", "--content", content)

    truth = {canonicalize(t["url"]): t for t in demo_server.site.truth(from_api=content == "api")}
    stored = rows(tmp_path / "archive.db", "select * from articles")
    assert len(stored) == len(truth) == 66
    assert {r["url"] for r in stored} == set(truth)
    for row in stored:
        expected = truth[row["url"]]
        assert row["title"] == expected["title"]
        assert row["published"] == expected["published"]
        assert row["text"] == expected["text"]
        assert row["language"] == expected["language"]
    if content == "pages":
        # Each article page was fetched exactly once, though sitemap, feeds and listings all link it.
        assert set(Counter(article_paths(demo_server)).values()) == {1}
    else:  # the API gave every post: no article page was fetched
        assert article_paths(demo_server) == []


def test_bodies_carry_no_page_chrome(demo_server, tmp_path):
    write_sites(tmp_path, {"demo": demo_server.site.config()})
    crawl(tmp_path, "demo")

    labels = {"0"}
    for chrome in CHROME.values():
        labels |= {chrome["skip"], chrome["share"], chrome["related"], chrome["reply"], chrome["read_more"]}
        labels |= set(chrome["menu"]) | set(chrome["share_on"])
    for row in rows(tmp_path / "archive.db", "select text from articles"):
        lines = set(row["text"].split("\n"))
        assert not lines & labels
        assert "Skip to content" not in row["text"] and "انتقل إلى المحتوى" not in row["text"]
        assert "All rights reserved" not in row["text"]


def test_second_crawl_fetches_no_stored_article_again(demo_server, tmp_path):
    write_sites(tmp_path, {"demo": demo_server.site.config()})
    crawl(tmp_path, "demo", "--content", "pages")  # each article's page fetched
    first = len(demo_server.requests)
    demo_server.requests.clear()

    result = crawl(tmp_path, "demo", "--content", "pages")

    assert article_paths(demo_server) == []
    second = len(demo_server.requests)
    assert second <= 12 < first, (first, second)
    assert len(rows(tmp_path / "archive.db", "select id from articles")) == 66
    runs = rows(tmp_path / "archive.db", "select * from crawls order by id")
    assert [(r["status"], r["new"]) for r in runs] == [("finished", 66), ("finished", 0)]
    assert runs[1]["requests"] == second
    assert "0 new" in result.stdout


def test_listings_alone_find_every_article(tmp_path):
    from crawler.demo.server import DemoServer

    with DemoServer(make_site=lambda base: DemoSite(base, sitemaps=False, feeds=False, api=False)) as server:
        write_sites(tmp_path, {"demo": server.site.config()})
        crawl(tmp_path, "demo")
        # Without a Sitemap line in robots.txt, only the usual locations are tried (and 404).
        assert {r for r in server.requests if "sitemap" in r} == set(SITEMAP_LOCATIONS)
        assert not any("/feed/" in r for r in server.requests)
        # Every listing page of every language was walked.
        assert {p for p in server.requests if "/news/page/" in p} == {
            "/en/news/page/2/",
            "/en/news/page/3/",
            "/en/news/page/4/",
            "/en/news/page/5/",
            "/ar/news/page/2/",
            "/ar/news/page/3/",
            "/fr/news/page/2/",
            "/fr/news/page/3/",
        }
    assert len(rows(tmp_path / "archive.db", "select id from articles")) == 66


def test_sitemap_from_robots_alone_finds_every_article(tmp_path):
    from crawler.demo.server import DemoServer

    with DemoServer(make_site=lambda base: DemoSite(base, feeds=False, api=False)) as server:
        # A start page that is no listing: articles can only come from robots.txt -> sitemaps.
        config = server.site.config() | {"start_urls": [server.base_url + "/"]}
        write_sites(tmp_path, {"demo": config})
        crawl(tmp_path, "demo")
        assert "/wp-sitemap-posts-post-1.xml" in server.requests
        assert not any("/news/" in r for r in server.requests)
        # The category sitemap lists archive pages, which match no article pattern.
        assert "/en/category/news/" not in server.requests
    assert len(rows(tmp_path / "archive.db", "select id from articles")) == 66


def test_feed_links_with_tracking_parameters_lead_to_canonical_articles(tmp_path):
    from crawler.demo.server import DemoServer

    with DemoServer(make_site=lambda base: DemoSite(base, sitemaps=False, api=False)) as server:
        # Start on the feed only: robots.txt has no sitemap and no listing is configured.
        config = server.site.config() | {
            "start_urls": [server.base_url + "/"],
            "feeds": [server.base_url + "/en/feed/"],
        }
        write_sites(tmp_path, {"demo": config})
        crawl(tmp_path, "demo")
        fetched = [r for r in server.requests if r.startswith("/en/20")]
    assert len(fetched) == 10 and not any("utm_" in r for r in fetched)
    urls = {r["url"] for r in rows(tmp_path / "archive.db", "select url from articles")}
    assert len(urls) == 10 and not any("utm_" in u for u in urls)


def test_bad_sites_file_is_refused_before_any_request(demo_server, tmp_path):
    config = demo_server.site.config() | {"article_patterns": ["^/(en|ar/\\d{4}"]}
    write_sites(tmp_path, {"demo": config})

    result = newsarchive("crawl", "demo", *FAST, cwd=tmp_path)

    assert result.returncode == 2
    assert "sites.toml: [sites.demo] article_patterns:" in result.stderr
    assert demo_server.requests == []
    assert not (tmp_path / "archive.db").exists()


def test_scrapy_crawl_command_works_too(demo_server, tmp_path):
    sites = write_sites(tmp_path, {"demo": demo_server.site.config()})
    db = tmp_path / "scrapy.db"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "news",
            "-a",
            "site=demo",
            "-s",
            f"NEWSARCHIVE_DB={db}",
            "-s",
            f"NEWSARCHIVE_SITES={sites}",
            *FAST,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(rows(db, "select id from articles")) == 66
