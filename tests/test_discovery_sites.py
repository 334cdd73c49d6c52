"""From a start URL alone, every article of every shape of site; nothing off-site, no trap."""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3
import tomllib
from urllib.parse import unquote, urlsplit

import pytest
from conftest import FAST, free_port, newsarchive, write_sites
from fixture_sites import FIXTURES, DrupalSite, HandMadeSite, JoomlaSite, OffsiteSite, ScriptedSite, TrapSite

from crawler.demo.articles import sample_articles
from crawler.demo.server import DemoServer
from crawler.demo.site import DemoSite
from storage.urls import canonicalize


def archived(folder) -> dict[str, dict]:
    with sqlite3.connect(folder / "archive.db") as conn:
        conn.row_factory = sqlite3.Row
        return {row["url"]: dict(row) for row in conn.execute("select * from articles")}


def last_run(folder) -> dict:
    with sqlite3.connect(folder / "archive.db") as conn:
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute("select * from crawls order by id desc limit 1").fetchone())
    row["routes"] = json.loads(row["routes"])
    return row


def crawl_from_start(folder, server, start_urls, *options):
    """Crawl with nothing configured but the start URLs; returns the crawls row."""
    write_sites(folder, {"site": {"start_urls": start_urls}})
    result = newsarchive("crawl", "site", *FAST, *options, cwd=folder)
    assert result.returncode == 0, result.stderr[-3000:]
    return last_run(folder)


def assert_complete(folder, truth, fields=("title", "text")):
    stored = archived(folder)
    expected = {canonicalize(t["url"]): t for t in truth}
    missing = set(expected) - set(stored)
    assert not missing, sorted(missing)[:5]
    assert len(stored) == len(expected), sorted(set(stored) - set(expected))[:5]
    for url, row in stored.items():
        for field in fields:
            assert row[field] == expected[url][field], (url, field)


@pytest.mark.parametrize("content", ["api", "pages"])
def test_wordpress_site_through_its_api(tmp_path, content):
    with DemoServer(make_site=lambda base: DemoSite(base, counts={"en": 250})) as server:
        run = crawl_from_start(tmp_path, server, server.site.start_urls()[:1], "--content", content)
        truth = server.site.truth(from_api=content == "api")
        api_requests = [r for r in server.requests if r.startswith("/wp-json/wp/v2/posts")]
        requests = list(server.requests)
    assert_complete(tmp_path, truth, fields=("title", "text", "published"))
    # 250 posts: three API pages of 100, found from the start page's Link header.
    assert len(api_requests) == 3 and run["routes"]["api"] == {
        "requests": 3,
        "found": 250,
        "new": run["routes"]["api"]["new"],
    }
    assert all("per_page=100" in r for r in api_requests)
    assert not any(r.startswith("/wp-admin/") for r in requests)
    # Category and month archives are listings, not articles: never fetched.
    assert "/en/category/news/" not in requests
    assert not [r for r in requests if re.fullmatch(r"/en/\d{4}/\d{2}/", r)]
    article_paths = {unquote(urlsplit(t["url"]).path) for t in truth}
    fetched = [unquote(urlsplit(r).path) for r in requests if unquote(urlsplit(r).path) in article_paths]
    if content == "pages":  # every article page fetched once, whichever routes found it
        assert len(fetched) == len(set(fetched)) == 250
    else:  # the API gave them all: robots.txt, the start page, the API, the sitemaps
        assert fetched == [] and len(requests) <= 8, requests


def test_wordpress_api_hints_fill_what_the_page_does_not_say(tmp_path):
    with DemoServer(
        make_site=lambda base: DemoSite(base, counts={"en": 12}, sitemaps=False, feeds=False)
    ) as server:
        crawl_from_start(tmp_path, server, server.site.start_urls()[:1])
    authors = {row["authors"] for row in archived(tmp_path).values()}
    assert authors == {json.dumps(["Mediterranean Organization for Education and Culture"])}


def test_multilingual_site_from_the_english_listing_alone(tmp_path):
    def make(base):
        return DemoSite(base, sitemaps=False, feeds=False, api=False, news_sitemap=True, translations=True)

    with DemoServer(make_site=make) as server:
        run = crawl_from_start(tmp_path, server, server.site.start_urls()[:1])
        truth = server.site.truth()
        assert "/news-sitemap.xml" in server.requests
        assert "/ar/news/" in server.requests and "/fr/news/" in server.requests  # hreflang on the listing
    assert_complete(tmp_path, truth, fields=("title", "text", "published", "language"))
    assert run["routes"]["sitemap"]["found"] == 66


def test_joomla_site_from_its_category_blog_alone(tmp_path):
    with DemoServer(make_site=JoomlaSite) as server:
        crawl_from_start(tmp_path, server, server.site.start_urls())
        backfill = list(server.requests)
        truth = server.site.truth()
        server.requests.clear()
        night = crawl_from_start(tmp_path, server, server.site.start_urls())
        nightly = list(server.requests)
    # every article once, under its SEF URL (its canonical), whichever form of it was linked
    assert_complete(tmp_path, truth, fields=("title", "text", "published", "language"))
    assert "/index.php/en/news?start=15" in backfill  # ?start= pagination, icon-only pager
    assert "/index.php/ar/news?start=10" in backfill  # the shape the English feed showed is theirs
    assert "/index.php/ar/news?format=feed&type=rss" in backfill  # Joomla's own feeds
    by_id = [r for r in backfill if r.startswith("/index.php?")]
    assert by_id and all("view=article" in r for r in by_id)  # the module's index.php links
    # each article page once, each listing page once, the 3 feeds, robots.txt and the 3 usual
    # sitemap locations
    pages = sum(
        -(-sum(t["language"] == lang for t in truth) // JoomlaSite.PER_PAGE) for lang in ("en", "ar", "fr")
    )
    assert len(backfill) <= len(truth) + len(by_id) + pages + 3 + 4, backfill
    with sqlite3.connect(tmp_path / "archive.db") as conn:
        aliases = conn.execute("select count(*) from article_urls where url like '%view=article%'").fetchone()
        links = conn.execute("select count(*), count(translation_id) from translations").fetchone()
    assert aliases == (len(by_id),)  # kept as URLs of their articles
    assert links == (84, 84)  # 14 associated articles in each of 3 languages, 2 others each
    # no sitemap, no validators: the start pages, their languages and feeds, the usual sitemap
    # locations asked once each
    assert len(nightly) <= 10 and night["new"] == 0, nightly


def test_joomla_edits_and_deletions_are_found_by_revisits(tmp_path):
    articles = sample_articles({"en": 12}, seed=5)
    with DemoServer(make_site=lambda base: JoomlaSite(base, articles)) as server:
        crawl_from_start(tmp_path, server, server.site.start_urls())
        edited = dataclasses.replace(articles[8], paragraphs=(*articles[8].paragraphs, "Updated on Friday."))
        news = dataclasses.replace(sample_articles({"en": 1}, seed=99)[0], path="/en/a-new-one/")
        deleted = server.base_url + server.site.sef(articles[9])
        server.site = JoomlaSite(server.base_url, [news, *articles[:8], edited, *articles[10:]])
        with sqlite3.connect(tmp_path / "archive.db") as conn:  # last seen a month ago: all due
            conn.execute("update articles set last_seen = datetime(last_seen, '-31 days') || '+00:00'")
        server.requests.clear()
        run = crawl_from_start(tmp_path, server, server.site.start_urls())
        revisited = [r for r in server.requests if "/news/" in r]
    # the new article, the edit as a version (the hit counter that changes every page is not
    # one), the deletion (a 404) as gone; each archived article asked once
    assert (run["new"], run["updated"], run["gone"]) == (1, 1, 1)
    assert len(revisited) == len(set(revisited)) == 13
    with sqlite3.connect(tmp_path / "archive.db") as conn:
        assert conn.execute("select count(*) from article_versions").fetchone() == (1,)
        gone = conn.execute("select url from articles where gone_at is not null").fetchall()
    assert gone == [(deleted,)]


def test_a_listing_filled_by_a_script_is_read_from_its_json_endpoint(tmp_path):
    with DemoServer(make_site=ScriptedSite) as server:
        run = crawl_from_start(tmp_path, server, server.site.start_urls())
        first = list(server.requests)
        truth = server.site.truth()
        server.requests.clear()
        crawl_from_start(tmp_path, server, server.site.start_urls())
        night = list(server.requests)
    assert_complete(tmp_path, truth, fields=("title", "text", "published"))
    # no browser: the page's script once, then its endpoint's pages until one brings nothing
    assert first.count("/static/js/news.min.js") == 1
    assert [r for r in first if r.startswith("/api/")] == [f"/api/v1/news?page={n}" for n in (1, 2, 3, 4)]
    assert run["routes"]["json"] == {"requests": 4, "found": 25, "new": 25}
    assert len(night) <= 10 and night[-2:] == ["/static/js/news.min.js", "/api/v1/news?page=1"], night


def test_a_listing_only_a_browser_can_fill_is_rendered_in_one(tmp_path):
    with DemoServer(make_site=lambda base: ScriptedSite(base, endpoint=False)) as server:
        run = crawl_from_start(tmp_path, server, server.site.start_urls())
        truth = server.site.truth()
        first = list(server.requests)
        server.requests.clear()
        crawl_from_start(tmp_path, server, server.site.start_urls())
        night = list(server.requests)
    assert_complete(tmp_path, truth, fields=("title", "text", "published"))
    # the static page, its script (no JSON endpoint in it), then the page in the browser (which
    # loads the script again); no endpoint asked
    assert first.count("/media/news") == 2 and first.count("/static/js/news.min.js") == 2
    assert not [r for r in first if r.startswith("/api/")]
    assert run["routes"]["listing"]["found"] == 25
    assert len(night) <= 10 and night.count("/media/news") == 2, night


def test_drupal_site_with_numbered_pager_and_gzipped_sitemap(tmp_path):
    with DemoServer(make_site=DrupalSite) as server:
        run = crawl_from_start(tmp_path, server, server.site.start_urls()[:1])
        truth = server.site.truth()
        assert "/sitemap.xml" in server.requests and "/sitemaps/articles-1.xml.gz" in server.requests
        assert "/about-us" not in server.requests and "/contact" not in server.requests
    assert_complete(tmp_path, truth, fields=("title", "text", "published"))
    assert run["routes"]["sitemap"]["found"] == 40


def test_drupal_listing_alone_is_paginated_by_its_page_numbers(tmp_path):
    class NoSitemap(DrupalSite):
        def respond(self, path, query):
            return None if path.startswith("/sitemap") else super().respond(path, query)

    with DemoServer(make_site=NoSitemap) as server:
        crawl_from_start(tmp_path, server, server.site.start_urls())
        assert {"/news?page=1", "/news?page=2", "/news?page=3"} <= set(server.requests)
        truth = server.site.truth()
    assert_complete(tmp_path, truth)


def test_hand_made_site_in_legacy_encodings(tmp_path):
    with DemoServer(make_site=HandMadeSite) as server:
        run = crawl_from_start(tmp_path, server, server.site.start_urls()[:1])
        truth = server.site.truth()
    assert_complete(tmp_path, truth, fields=("title", "text", "language"))
    assert run["routes"]["listing"]["found"] == 32


def test_traps_end_by_themselves_and_nothing_off_site_is_fetched(tmp_path):
    with DemoServer(make_site=lambda base: OffsiteSite(), host="127.0.0.2") as offsite:
        with DemoServer(make_site=lambda base: TrapSite(base, offsite.base_url)) as server:
            run = crawl_from_start(tmp_path, server, server.site.start_urls()[:1])
            truth = server.site.truth()
            requests = list(server.requests)
        assert offsite.requests == []
    assert_complete(tmp_path, truth)
    assert not any(r.startswith("/private/") for r in requests)
    assert not any(r.startswith(("/files/", "/images/", "/events/")) for r in requests)
    assert len([r for r in requests if r.startswith("/news/page/")]) <= 2  # endless pagination cut
    assert len(requests) < 40
    assert run["errors"] == 0 and run["status"] == "finished"


@pytest.mark.parametrize("shape", sorted(FIXTURES))
def test_add_writes_an_entry_that_finds_everything(tmp_path, shape):
    with DemoServer(make_site=lambda base: OffsiteSite(), host="127.0.0.2") as offsite:
        with DemoServer(make_site=lambda base: FIXTURES[shape](base, offsite.base_url)) as server:
            start = server.site.start_urls()[0]
            result = newsarchive("add", start, "--name", "probe", *FAST, cwd=tmp_path)
            assert result.returncode == 0, result.stderr[-3000:]
            assert "article URLs" in result.stdout and "Added [sites.probe]" in result.stdout
            entry = (tmp_path / "sites.toml").read_text(encoding="utf-8")
            assert "[sites.probe]" in entry and "article_patterns = [" in entry
            crawled = newsarchive("crawl", "probe", *FAST, cwd=tmp_path)
            assert crawled.returncode == 0, crawled.stderr[-3000:]
            truth = server.site.truth()
        assert offsite.requests == []
    assert_complete(tmp_path, truth)


def test_add_refuses_a_name_already_taken(tmp_path):
    write_sites(tmp_path, {"taken": {"start_urls": ["https://example.org/news/"]}})
    before = (tmp_path / "sites.toml").read_text(encoding="utf-8")
    result = newsarchive("add", "https://example.org/other/", "--name", "taken", cwd=tmp_path)
    assert result.returncode == 2 and "[sites.taken]: already configured" in result.stderr
    assert (tmp_path / "sites.toml").read_text(encoding="utf-8") == before


def test_add_refuses_a_page_that_does_not_answer(tmp_path):
    sites = tmp_path / "sites.toml"
    sites.write_text("", encoding="utf-8")
    result = newsarchive(
        "add",
        f"http://127.0.0.1:{free_port()}/news/",
        "--name",
        "dead",
        "-s",
        "RETRY_ENABLED=False",
        cwd=tmp_path,
    )
    assert result.returncode == 2 and "gave no page to probe" in result.stderr, result.stderr[-2000:]
    assert sites.read_text(encoding="utf-8") == ""  # nothing appended
    # asked to, it writes the entry all the same: its start URL, which the next crawls try
    dead = f"http://127.0.0.1:{free_port()}/news/"
    result = newsarchive(
        "add", dead, "--name", "dead", "--unreachable", "-s", "RETRY_ENABLED=False", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert tomllib.loads(sites.read_text(encoding="utf-8"))["sites"]["dead"]["start_urls"] == [dead]
