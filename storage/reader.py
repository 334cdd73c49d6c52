"""What the archive holds, read: the URLs a crawl need not fetch again, the runs, the captures.

``ArchiveReader`` opens ``archive.db`` (creating or migrating it, storage/schema.py) for those
who only read it: WARC export, the demo's check, ``newsarchive sites``; ``Archive`` adds the
writes.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any, Self

from storage.captures import latest_captures
from storage.records import Known, StoredCapture, validators
from storage.schema import open_database


class ArchiveReader:
    """``archive.db``, opened."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.db = open_database(path)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def known_urls(self, site: str) -> dict[str, Known]:
        """Every canonical URL that already leads to an article of ``site``, with what the last
        capture of that article said (its validators, the sitemap that listed it), and the URLs
        fetched for articles' that held none (``non_articles``)."""
        rows = self.db.execute(
            """
            select u.url, u.url = a.url, a.last_seen, a.gone_at, p.headers, a.published,
                json_extract(p.hints, '$.sitemap')
            from article_urls u
            join articles a on a.id = u.article_id
            left join pages p on p.id = (select max(id) from pages where article_id = u.article_id)
            where u.site = ?
            """,
            [site],
        )
        known = {}
        for url, canonical, last_seen, gone_at, headers, published, sitemap in rows:
            etag, last_modified = validators(json.loads(headers or "{}"))
            known[url] = Known(
                last_seen, bool(canonical), gone_at, etag, last_modified, True, published, sitemap
            )
        others = self.db.execute(
            "select url, last_seen, etag, last_modified from non_articles where site = ?", [site]
        )
        for url, last_seen, etag, last_modified in others:
            known.setdefault(url, Known(last_seen, True, None, etag, last_modified, article=False))
        return known

    def sites(self) -> list[str]:
        """Every site the archive has crawled or holds articles of."""
        rows = self.db.execute("select site from crawls union select site from articles order by site")
        return [row[0] for row in rows]

    def article_count(self, site: str) -> int:
        return self.db.execute("select count(*) from articles where site = ?", [site]).fetchone()[0]

    def last_crawl(self, site: str) -> dict | None:
        rows = list(self.db.query("select * from crawls where site = ? order by id desc limit 1", [site]))
        return rows[0] if rows else None

    def last_finished_crawl_start(self, site: str) -> str | None:
        """When the last run of ``site`` that finished started: what changed since is new."""
        row = self.db.execute(
            "select started from crawls where site = ? and status = 'finished' order by id desc limit 1",
            [site],
        ).fetchone()
        return row[0] if row else None

    def last_sweep(self, site: str) -> str | None:
        """When the last run of ``site`` that read every one of its sitemaps (and so checked the
        archive for deletions) started."""
        row = self.db.execute(
            "select max(started) from crawls where site = ? and status = 'finished' and swept",
            [site],
        ).fetchone()
        return row[0]

    def crawl_of_worker(self, worker: str) -> int | None:
        """The run that ``worker`` (a distributed crawl's worker run) was recorded as, if any."""
        row = self.db.execute("select id from crawls where worker = ?", [worker]).fetchone()
        return row[0] if row else None

    def open_worker_runs(self) -> list[tuple[str, str]]:
        """The site and worker run of every run of a distributed crawl not ended yet."""
        rows = self.db.execute(
            "select site, worker from crawls where status = 'running' and worker is not null"
        )
        return [(site, run) for site, run in rows]

    def is_open(self, crawl_id: int) -> bool:
        """Whether a run is still running (has not been ended)."""
        row = self.db.execute("select status from crawls where id = ?", [crawl_id]).fetchone()
        return row is not None and row[0] == "running"

    def outcome_counts(self, crawl_id: int) -> Counter[str]:
        """How many URLs of a run had each outcome."""
        rows = self.db.execute(
            "select outcome, count(*) from outcomes where crawl_id = ? group by outcome", [crawl_id]
        )
        return Counter(dict(rows.fetchall()))

    def has_outcome(self, crawl_id: int, url: str) -> bool:
        """Whether a run already recorded what became of ``url``."""
        row = self.db.execute(
            "select 1 from outcomes where url = ? and crawl_id = ? limit 1", [url, crawl_id]
        ).fetchone()
        return row is not None

    # -- captures --------------------------------------------------------------------

    def latest_captures(self, sites: Iterable[str] = ()) -> Iterator[StoredCapture]:
        """Each article's newest successful capture (of ``sites``, or all), then the newest
        capture of each URL whose extraction was refused, one at a time (for re-extraction)."""
        return latest_captures(self.db, sites)

    def captures(self, sites: Iterable[str] = ()) -> Iterator[dict[str, Any]]:
        """Every capture (``pages`` row) of ``sites``, or of all, oldest first, one at a time."""
        sites = list(sites)
        where = f"where site in ({', '.join('?' * len(sites))})" if sites else ""
        ids = [row[0] for row in self.db.execute(f"select id from pages {where} order by id", sites)]
        for page_id in ids:
            yield self.capture(page_id)

    def capture(self, page_id: int) -> dict[str, Any]:
        return dict(self.db.table("pages").get(page_id))

    def articles(self, site: str) -> Iterator[dict[str, Any]]:
        """The article rows of ``site``."""
        return self.db.table("articles").rows_where("site = ?", [site])
