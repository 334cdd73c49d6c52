"""`newsarchive reextract`: the stored captures read again, offline, without new versions."""

from __future__ import annotations

import json
import sqlite3
from html import escape

from conftest import crawl, newsarchive, write_sites
from fixture_sites import HandMadeSite

from crawler.demo.reply import Reply
from crawler.demo.server import DemoServer
from crawler.demo.site import DemoSite
from storage.urls import canonicalize


class LogoHeadlineSite(HandMadeSite):
    """A hand-made CMS whose <h1> is the logo and whose <title> is the site's name: the
    headline is only in a <div class="titre">, where no generic rule looks."""

    def respond(self, path: str, query: str) -> Reply | None:
        reply = super().respond(path, query)
        article = next((a for a in self.articles if self.paths[a.path] == path), None)
        if reply is None or article is None:
            return reply
        charset = self.SECTIONS[article.language][1]
        page = reply.body.decode(charset)
        title = escape(article.title)
        page = page.replace(f"<title>{title} | {self.NAME}</title>", f"<title>{self.NAME}</title>")
        page = page.replace("<header>", f'<header><h1 class="logo">{self.NAME}</h1>')
        page = page.replace(f'<h1 class="page-title">{title}</h1>', f'<div class="titre">{title}</div>')
        return Reply(page.encode(charset), reply.content_type)


def rows(folder) -> dict[str, dict]:
    with sqlite3.connect(folder / "archive.db") as conn:
        conn.row_factory = sqlite3.Row
        return {row["url"]: dict(row) for row in conn.execute("select * from articles")}


def count(folder, table: str) -> int:
    with sqlite3.connect(folder / "archive.db") as conn:
        return conn.execute(f"select count(*) from {table}").fetchone()[0]


def reextract(folder, *sites: str) -> str:
    result = newsarchive("reextract", *sites, cwd=folder)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_reextract_changes_nothing_when_nothing_changed(tmp_path):
    with DemoServer(make_site=lambda base: LogoHeadlineSite(base)) as server:
        write_sites(tmp_path, {"site": {"start_urls": server.site.start_urls()}})
        crawl(tmp_path, "site")
        requests = len(server.requests)
        before = rows(tmp_path)

        output = reextract(tmp_path, "site")

        assert len(server.requests) == requests  # offline: the captures are enough
    # Pages in ISO-8859-1 and windows-1256, declared in a <meta> only, decode as the crawl did.
    assert output.startswith(f"reextract: {len(before)} articles read, 0 changed,")
    assert rows(tmp_path) == before


def test_articles_from_the_wordpress_api_are_read_again_from_its_answers(tmp_path):
    with DemoServer() as server:
        write_sites(tmp_path, {"demo": server.site.config()})
        crawl(tmp_path, "demo", "--content", "api")
        requests = len(server.requests)
        before = rows(tmp_path)
        with sqlite3.connect(tmp_path / "archive.db") as conn:  # a text spoiled, as an older rule would have
            conn.execute("update articles set text = 'spoiled' where id = 3")

        output = reextract(tmp_path, "demo")

        assert len(server.requests) == requests
    assert output.startswith("reextract: 66 articles read, 1 changed (text 1),")
    assert rows(tmp_path) == before


def test_an_override_added_to_sites_toml_fixes_the_archived_rows(tmp_path):
    with DemoServer(make_site=lambda base: LogoHeadlineSite(base)) as server:
        sites = write_sites(tmp_path, {"site": {"start_urls": server.site.start_urls()}})
        crawl(tmp_path, "site")
        truth = {canonicalize(t["url"]): t for t in server.site.truth()}
    before = rows(tmp_path)
    assert {row["title"] for row in before.values()} == {LogoHeadlineSite.NAME}  # the generic path fails here

    sites.write_text(sites.read_text(encoding="utf-8") + '[sites.site.selectors]\ntitle = "div.titre"\n')
    output = reextract(tmp_path)

    after = rows(tmp_path)
    assert output.startswith(f"reextract: {len(truth)} articles read, {len(truth)} changed (")
    assert f"title {len(truth)}" in output
    for url, row in after.items():
        assert (row["title"], row["text"]) == (truth[url]["title"], truth[url]["text"]), url
        assert row["version"] == 1 and row["first_seen"] == before[url]["first_seen"]
    assert count(tmp_path, "article_versions") == 0  # a better reading is not a new version
    assert reextract(tmp_path).startswith(f"reextract: {len(truth)} articles read, 0 changed,")


def test_reextract_reads_what_discovery_told_the_crawl(tmp_path):
    # Without feeds and sitemaps, the authors come from the WordPress API alone: the pages
    # do not name them. The capture keeps that hint for the next reading.
    with DemoServer(
        make_site=lambda base: DemoSite(base, counts={"en": 12}, sitemaps=False, feeds=False)
    ) as server:
        write_sites(tmp_path, {"demo": {"start_urls": server.site.start_urls()[:1]}})
        crawl(tmp_path, "demo")
    before = rows(tmp_path)
    assert {row["authors"] for row in before.values()} == {
        '["Mediterranean Organization for Education and Culture"]'
    }
    with sqlite3.connect(tmp_path / "archive.db") as conn:
        hints = [json.loads(h) for (h,) in conn.execute("select hints from pages")]
    assert all(h["authors"] == "Mediterranean Organization for Education and Culture" for h in hints)

    assert reextract(tmp_path, "demo").startswith(f"reextract: {len(before)} articles read, 0 changed,")
    assert rows(tmp_path) == before
