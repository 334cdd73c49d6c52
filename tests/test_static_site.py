"""A newsroom made by a static site generator (Nikola, its stock theme, in three languages),
served by nginx: the backfill stores every post rightly, an unchanged night costs the fixed
discovery requests, and a day of news (a rebuild with new posts, an edit, a deletion) is picked
up within the nightly budget."""

from __future__ import annotations

import json
import re
import sqlite3
import time
import tomllib
from collections import Counter

from conftest import FAST, free_port, newsarchive, write_sites
from static_sites import LANGUAGES, a_minute_later, nikola_newsroom, sample_posts

POSTS = 20
CORRECTION = "Correction: the meeting took place on Tuesday, not on Monday as first reported."


def run(folder, mode: str, *options: str) -> None:
    result = newsarchive(mode, "nikola", *FAST, *options, cwd=folder)
    assert result.returncode == 0, result.stderr[-3000:]


def rows(folder, query: str) -> list[dict]:
    with sqlite3.connect(folder / "archive.db") as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute(query)]


def assert_archived(folder, truth: list[dict], gone: set[str] = frozenset()) -> None:
    """Every article once, with its title, text, date, language and author; its translations
    linked to the archived articles, none spurious; the ``gone`` ones marked so."""
    stored = {row["url"]: row for row in rows(folder, "select * from articles")}
    expected = {t["url"]: t for t in truth}
    assert set(stored) == set(expected) | gone
    for url, want in expected.items():
        row = stored[url]
        got = {**row, "authors": json.loads(row["authors"])}
        assert {f: got[f] for f in ("title", "text", "published", "language", "authors")} == {
            f: want[f] for f in ("title", "text", "published", "language", "authors")
        }, url
        assert row["gone_at"] is None, url
    assert all(stored[url]["gone_at"] for url in gone)
    links = rows(
        folder,
        "select a.url as article, t.language, t.url, t.translation_id from translations t"
        " join articles a on a.id = t.article_id",
    )
    linked = {(link["article"], link["language"]): link["url"] for link in links}
    assert linked == {
        (t["url"], language): url for t in truth for language, url in t["translations"].items()
    } | {pair: url for pair, url in linked.items() if pair[0] in gone}
    assert all(link["translation_id"] for link in links if link["article"] not in gone)


def last_run(folder) -> dict:
    return rows(folder, "select * from crawls order by id desc limit 1")[0]


def test_a_nikola_newsroom_backfilled_then_kept_current_night_after_night(tmp_path):
    posts = sample_posts(POSTS + 2)  # the two newest are the day of news
    with nikola_newsroom(tmp_path, free_port(), posts[2:]) as (site, server):
        # the generator's own traps, in its output
        page = (site.output / posts[2].path("en") / "index.html").read_text("utf-8")
        assert f'content="{posts[2].versions["en"].title[:70]}"' in page  # og:title cut at 70
        assert re.search(r'<link rel="alternate" type="application/rss\+xml"[^>]* hreflang="ar"', page)
        assert 'hreflang="ar" href="../../ar/posts/' in page  # relative alternates
        index = (site.output / "sitemapindex.xml").read_text("utf-8")
        assert "/ar/rss.xml</loc>" in index and "/sitemap.xml</loc>" in index  # feeds as sitemaps
        assert "/categories/" in (site.output / "sitemap.xml").read_text("utf-8")

        write_sites(tmp_path, {"nikola": {"start_urls": [site.base]}})
        run(tmp_path, "backfill")
        backfill = server.requests()
        assert_archived(tmp_path, site.truth())
        fetched = [path for _, path in backfill if "/posts/" in path]
        assert len(fetched) == len(set(fetched)) == len(LANGUAGES) * POSTS  # each post page once
        # no category, tag, author or year-archive page is read as an article or a listing
        assert not [path for _, path in backfill if re.search(r"/(categories|authors|\d{4})/", path)]
        assert len(backfill) <= len(fetched) + 20, backfill
        assert last_run(tmp_path)["swept"]  # every sitemap read: deletions can be looked for

        server.mark()
        run(tmp_path, "crawl")
        night = server.requests()
        # robots.txt, the start page, the sitemap index (no child changed), the three feeds
        assert len(night) <= 10 and not [path for _, path in night if "/posts/" in path], night

        # A day of news: two posts published, an old one corrected, one deleted, the site rebuilt.
        a_minute_later(time.time())  # Nikola dates its files to the minute
        site.publish(posts[1])
        site.publish(posts[0])
        corrected = site.edit(site.posts[9], "en", CORRECTION)
        deleted = site.posts[14]
        site.delete(deleted)
        before = site.post_files()
        site.build()
        # pages the rebuild rewrote: the corrected one, and neighbours whose "next post" link moved
        rewritten = {path for path, mtime in site.post_files().items() if before.get(path, mtime) != mtime}
        assert site.base + corrected.path("en") in rewritten
        # The generator's sitemap gives the corrected post its old lastmod; nginx its new mtime.
        entry = re.search(
            rf"<loc>{re.escape(site.base + corrected.path('en'))}</loc>\s*<lastmod>([^<]+)",
            (site.output / "sitemap.xml").read_text("utf-8"),
        )
        assert entry and entry.group(1) <= last_run(tmp_path)["started"].replace("+00:00", "Z")
        # A month since the archive last saw its articles: all are due for a revisit.
        with sqlite3.connect(tmp_path / "archive.db") as conn:
            conn.execute("update articles set last_seen = datetime(last_seen, '-31 days') || '+00:00'")
        server.mark()
        run(tmp_path, "crawl")
        day = server.requests()
        gone = {site.base + deleted.path(language) for language in LANGUAGES}
        assert_archived(tmp_path, site.truth(), gone)
        [version] = rows(
            tmp_path, "select a.url, v.text from article_versions v join articles a on a.id = v.article_id"
        )
        assert version["url"] == site.base + corrected.path("en") and CORRECTION not in version["text"]
        statuses = Counter(status for status, path in day if "/posts/" in path)
        # 6 new pages; the 3 deleted asked once (the sitemap no longer lists them): 404; every
        # other article revalidated: 304, but those the rebuild rewrote
        kept = len(LANGUAGES) * (POSTS - 1)
        assert statuses == {200: 6 + len(rewritten), 304: kept - len(rewritten), 404: 3}, statuses
        assert len(day) - sum(statuses.values()) <= 20, day
        # the per-language feeds announced with hreflang were read as feeds, never as articles
        feeds = [path for _, path in day if path.endswith("rss.xml")]
        assert sorted(feeds) == ["/ar/rss.xml", "/fr/rss.xml", "/rss.xml"]


def test_add_on_a_nikola_newsroom_finds_its_three_languages_and_only_its_posts(tmp_path):
    with nikola_newsroom(tmp_path, free_port(), sample_posts(12)) as (site, _):
        result = newsarchive("add", site.base, "--name", "nikola", *FAST, cwd=tmp_path)
        assert result.returncode == 0, result.stderr[-3000:]
        entry = tomllib.loads((tmp_path / "sites.toml").read_text("utf-8"))["sites"]["nikola"]
        run(tmp_path, "crawl")
        truth = site.truth()
    assert sorted(entry["languages"]) == ["ar", "en", "fr"]
    patterns = [re.compile(pattern) for pattern in entry["article_patterns"]]
    for path in ("/posts/a-post/", "/ar/posts/a-post/", "/fr/posts/a-post/"):
        assert any(p.search(path) for p in patterns), (path, entry["article_patterns"])
    for path in ("/categories/cat_events/", "/authors/sara-haddad/", "/2024/", "/ar/2023/", "/archive.html"):
        assert not any(p.search(path) for p in patterns), (path, entry["article_patterns"])
    assert {row["url"] for row in rows(tmp_path, "select url from articles")} == {t["url"] for t in truth}
