"""What discovery costs on each fixture site: articles found vs expected, requests per route.

Each site is served on 127.0.0.1 and crawled twice by `newsarchive crawl` from its start URL
alone (politeness delays off: the server is ours): the first run archives it, the second shows
what a nightly run of the unchanged site costs. Then, per publishing system, a backfill, an
unchanged night, a day of news (new posts, an edit, a deletion), and the night a month later
when every article is due for a revisit (``nights``).

    .venv/bin/python bench/discovery.py
"""

from __future__ import annotations

import dataclasses
import json
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fixture_sites import FIXTURES, OffsiteSite  # noqa: E402
from static_sites import a_minute_later, nikola_newsroom, sample_posts  # noqa: E402

from crawler.demo.articles import sample_articles  # noqa: E402
from crawler.demo.server import DemoServer  # noqa: E402
from crawler.demo.site import DemoSite  # noqa: E402
from storage.urls import canonicalize  # noqa: E402

SITES = {
    "WordPress (1,000 posts)": lambda base, off: DemoSite(base, counts={"en": 1000}),
    **{name: make for name, make in FIXTURES.items() if name != "wordpress"},
}
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"]


def crawl(folder: Path, *options: str, mode: str = "crawl") -> tuple[dict, float]:
    """A run (``mode``: crawl, backfill) of the site of folder/sites.toml: its crawls row, and
    how long it took."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "crawler.cli", mode, "site", *options, *FAST],
        cwd=folder,
        check=True,
        capture_output=True,
    )
    elapsed = time.perf_counter() - started
    with sqlite3.connect(folder / "archive.db") as conn:
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute("select * from crawls order by id desc limit 1").fetchone())
    return row, elapsed


CORRECTION = "A correction was published on the same day."


@contextmanager
def wordpress(folder: Path) -> Iterator[tuple[Callable[[], None], Callable[[], int]]]:
    """The WordPress-shaped newsroom (1,000 posts, its REST API): (its day of news, the
    requests it answered since the last call)."""
    articles = sample_articles({"en": 1000})
    with DemoServer(make_site=lambda base: DemoSite(base, articles=articles)) as server:
        (folder / "sites.toml").write_text(
            f"[sites.site]\nstart_urls = {json.dumps(server.site.start_urls())}\n"
        )

        def news() -> None:  # 2 new posts, an edit, a deletion
            now = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)
            fresh = [
                dataclasses.replace(
                    a, path=f"/en/{now:%Y/%m/%d}/fresh-{i}/", published=now - timedelta(minutes=i)
                )
                for i, a in enumerate(sample_articles({"en": 2}, seed=99))
            ]
            edited = dataclasses.replace(
                articles[9], paragraphs=(*articles[9].paragraphs, CORRECTION), modified=now
            )
            kept = [edited if i == 9 else a for i, a in enumerate(articles) if i != 14]
            server.site = DemoSite(server.base_url, articles=fresh + kept)

        def answered() -> int:
            count = len(server.requests)
            server.requests.clear()
            return count

        yield news, answered


@contextmanager
def nikola(folder: Path) -> Iterator[tuple[Callable[[], None], Callable[[], int]]]:
    """A Nikola site (57 posts in English, Arabic and French) behind nginx."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    posts = sample_posts(59)
    with nikola_newsroom(folder, port, posts[2:]) as (site, server):
        (folder / "sites.toml").write_text(f'[sites.site]\nstart_urls = ["{site.base}"]\n')

        def news() -> None:
            a_minute_later(time.time())  # the generator dates its files to the minute
            site.publish(posts[1])
            site.publish(posts[0])
            site.edit(site.posts[9], "en", CORRECTION)
            site.delete(site.posts[14])
            site.build()

        def answered() -> int:
            count = len(server.requests())
            server.mark()
            return count

        yield news, answered


PUBLISHERS = {"WordPress, 1,000 posts": wordpress, "Nikola, 57 posts x 3 languages": nikola}


def nights() -> None:
    """Requests per run, as the site's server counted them, and what the day of news brought."""
    print(
        f"\n{'site':<32}{'articles':>9}{'backfill':>9}{'night':>7}{'news':>6}  news: new/updated/gone"
        f"{'month':>7}{'updated':>9}"
    )
    for label, publisher in PUBLISHERS.items():
        with tempfile.TemporaryDirectory() as name, publisher(Path(name)) as (news, answered):
            folder = Path(name)
            crawl(folder, mode="backfill")
            backfill = answered()
            crawl(folder)
            night = answered()
            news()
            answered()  # not the rebuild's
            day, _ = crawl(folder)
            news_requests = answered()
            with sqlite3.connect(folder / "archive.db") as conn:  # a month on: every article due
                conn.execute("update articles set last_seen = datetime(last_seen, '-31 days') || '+00:00'")
                articles = conn.execute("select count(*) from articles").fetchone()[0]
            later, _ = crawl(folder)
            month = answered()
        seen = f"{day['new']}/{day['updated']}/{day['gone']}"
        print(
            f"{label:<32}{articles:>9}{backfill:>9}{night:>7}{news_requests:>6}  {seen:>22}"
            f"{month:>7}{later['updated']:>9}"
        )


def main() -> None:
    print(
        f"{'site':<26}{'found/expected':>15}{'requests':>10}{'again':>7}{'seconds':>9}  per route (requests/found)"
    )
    for label, make in SITES.items():
        with (
            tempfile.TemporaryDirectory() as folder,
            DemoServer(make_site=lambda b: OffsiteSite(), host="127.0.0.2") as off,
        ):
            with DemoServer(make_site=lambda base, make=make: make(base, off.base_url)) as server:
                site = server.site
                start = site.start_urls()[:1]  # the first start URL alone
                (Path(folder) / "sites.toml").write_text(f"[sites.site]\nstart_urls = {json.dumps(start)}\n")
                first, seconds = crawl(Path(folder))
                second, _ = crawl(Path(folder))
                with sqlite3.connect(Path(folder) / "archive.db") as conn:
                    stored = {url for (url,) in conn.execute("select url from articles")}
                expected = {canonicalize(t["url"]) for t in site.truth()}
            routes = "  ".join(
                f"{name} {r['requests']}/{r['found']}" for name, r in json.loads(first["routes"]).items()
            )
            found = f"{len(stored & expected)}/{len(expected)}"
            print(
                f"{label:<26}{found:>15}{first['requests']:>10}{second['requests']:>7}{seconds:>9.1f}  {routes}"
            )


if __name__ == "__main__":
    if sys.argv[1:] != ["nights"]:
        main()
    nights()
