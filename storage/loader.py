"""The deduplicating loader: articles in, one row per article out, with aliases and versions.

Dedupe rules (../DESIGN.md), applied in order within a site:

1. the same canonical URL (or any URL already known to lead to an article) is the same
   article: changed text makes a new version, unchanged text only touches ``last_seen``;
2. another URL with identical normalized text is an alias of the existing article;
3. a near-identical text, in this site or another (a joint press release), is stored as an
   article of its own, with ``duplicate_of`` pointing at the earliest of its kind.

Every store is one transaction: the article row, its URLs, its earlier version and the raw
capture are written together or not at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from storage.fingerprint import (
    band_keys,
    content_hash,
    estimated_resemblance,
    pack_sketch,
    resemblance,
    shingles,
    unpack_sketch,
)
from storage.records import Article, Capture, pack, unpack
from storage.schema import open_database
from storage.urls import canonicalize


class Outcome(StrEnum):
    """What storing one article did."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ALIAS = "alias"
    DUPLICATE = "duplicate"  # new, and a near-duplicate of an earlier article
    GONE = "gone"  # the site answers 404/410 for an archived article (kept here)


# The columns of ``crawls`` that count a run's outcomes, and the outcomes each adds up.
OUTCOME_COLUMNS = {
    "new": (Outcome.NEW, Outcome.DUPLICATE),  # a near-duplicate is a new article too, with duplicate_of set
    "updated": (Outcome.UPDATED,),
    "unchanged": (Outcome.UNCHANGED,),
    "aliases": (Outcome.ALIAS,),
    "duplicates": (Outcome.DUPLICATE,),
    "gone": (Outcome.GONE,),
    "not_articles": ("not_article",),
}


def outcome_columns(outcomes: Mapping[str, int]) -> dict[str, int]:
    """A run's counts of each outcome, as the columns of ``crawls``."""
    return {column: sum(outcomes.get(name, 0) for name in names) for column, names in OUTCOME_COLUMNS.items()}


@dataclass(frozen=True)
class Stored:
    outcome: Outcome
    article_id: int


@dataclass(frozen=True)
class StoredCapture:
    """The newest capture of an archived article, or of a page extraction refused, for
    re-extraction."""

    article_id: int | None  # None: a page that discovery took for an article's and extraction refused
    page_id: int
    site: str
    url: str
    headers: dict[str, str]
    body: bytes
    hints: dict[str, str]


@dataclass(frozen=True)
class Known:
    """What the archive knows of an article URL: when it was last seen, and its validators."""

    last_seen: str
    canonical: bool = True  # the article's own URL, not an alias or a variant it was fetched at
    gone_at: str | None = None
    etag: str | None = None
    last_modified: str | None = None


def utcnow() -> str:
    """The current time as ISO 8601 UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


# Dedupe rule 3: texts at least this alike (Jaccard index of word 3-shingles) are near-duplicates.
# Chosen with bench/duplicates.py on planted copies and distinct articles of one template.
NEAR_DUPLICATE_RESEMBLANCE = 0.8
# At most this many candidates (those sharing most sketch bands) are compared with a new text.
NEAR_DUPLICATE_CANDIDATES = 20
# A candidate whose sketch puts it this far below the threshold is not compared shingle by
# shingle: 3.5 times the estimate's average error at 0.8 (storage/fingerprint.py).
SKETCH_MARGIN = 0.25


class Archive:
    """``archive.db``: open it, store articles in it, record crawl runs."""

    def __init__(self, path: str, near_duplicate_resemblance: float = NEAR_DUPLICATE_RESEMBLANCE) -> None:
        self.path = path
        self.near_duplicate_resemblance = near_duplicate_resemblance
        self.db = open_database(path)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction, or a savepoint within one. BEGIN IMMEDIATE takes the write lock
        first, waiting for another writer up to the busy timeout; sqlite-utils' deferred BEGIN
        reads first and then fails at once (SQLITE_BUSY_SNAPSHOT) if another writer committed
        in the meantime."""
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        self.db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.db.conn.execute("COMMIT")
        except BaseException:
            if self.db.conn.in_transaction:  # a failed COMMIT (a full disk) leaves it open
                self.db.conn.rollback()
            raise

    # -- what is known ---------------------------------------------------------------

    def known_urls(self, site: str) -> dict[str, Known]:
        """Every canonical URL that already leads to an article of ``site``, with what the
        last capture of that article said (for conditional requests)."""
        rows = self.db.execute(
            """
            select u.url, u.url = a.url, a.last_seen, a.gone_at, p.headers
            from article_urls u
            join articles a on a.id = u.article_id
            left join pages p on p.id = (select max(id) from pages where article_id = u.article_id)
            where u.site = ?
            """,
            [site],
        )
        known = {}
        for url, canonical, last_seen, gone_at, headers in rows:
            headers = {k.lower(): v for k, v in json.loads(headers or "{}").items()}
            known[url] = Known(
                last_seen, bool(canonical), gone_at, headers.get("etag"), headers.get("last-modified")
            )
        return known

    def sites(self) -> list[str]:
        """Every site the archive has crawled."""
        return [row[0] for row in self.db.execute("select distinct site from crawls order by site")]

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

    # -- re-extraction ---------------------------------------------------------------

    def latest_captures(self, sites: Iterable[str] = ()) -> Iterator[StoredCapture]:
        """Each article's newest successful capture (of ``sites``, or all), then the newest
        capture of each URL whose extraction was refused (and that no later capture made an
        article of), one at a time."""
        sites = list(sites)
        of_sites = f"and site in ({', '.join('?' * len(sites))})" if sites else ""
        pages = self.db.execute(
            f"""
            select (select max(p.id) from pages p where p.article_id = a.id and p.status = 200), a.id
            from articles a where 1 {of_sites} order by a.id
            """,
            sites,
        ).fetchall()
        pages += self.db.execute(
            f"""
            select id, null from pages p
            where article_id is null and status = 200 {of_sites}
              and id = (select max(q.id) from pages q where q.url = p.url)
            order by id
            """,
            sites,
        ).fetchall()
        for page_id, article_id in pages:
            if page_id is None:
                continue
            site, url, headers, body, hints = self.db.execute(
                "select p.site, p.url, p.headers, coalesce(p.body, o.body), p.hints from pages p"
                " left join pages o on o.id = p.revisit_of where p.id = ?",
                [page_id],
            ).fetchone()
            yield StoredCapture(
                article_id,
                page_id,
                site,
                url,
                json.loads(headers or "{}"),
                unpack(body),
                json.loads(hints or "{}"),
            )

    def recover(self, page_id: int, article: Article) -> Stored:
        """Store the article that re-extraction found in a page it had refused (its capture
        ``page_id``), with the dedupe rules, as the crawl would have stored it then."""
        row = self.db["pages"].get(page_id)
        capture = Capture(
            row["url"], row["status"], json.loads(row["headers"] or "{}"), b"", row["fetched_at"]
        )
        with self.transaction():
            return self._store(article, capture, row["crawl_id"], page_id)

    def update_extraction(self, updates: Iterable[tuple[int, Article]]) -> Counter[str]:
        """Replace the extracted fields of articles in place, in one transaction: not a new
        version (the page is the same; only the reading of it changed). A field the new
        extraction leaves empty keeps its stored value. Returns how many articles ``changed``, and
        how many times each field did."""
        changed: Counter[str] = Counter()
        with self.transaction():
            for article_id, article in updates:
                row = self.db["articles"].get(article_id)
                fields = {
                    name: value
                    for name, value in _article_fields(article).items()
                    if value not in (None, "[]") and value != row[name]
                }
                if "text" in fields:
                    fields["content_hash"] = content_hash(article.text)
                    self._index_sketch(article_id, article.sketch)
                if fields:
                    self.db["articles"].update(article_id, fields)
                names = {name for name in fields if name not in ("content_hash", "word_count")}
                if self._link_translations(article_id, article.translations):
                    names.add("translations")
                if names:
                    changed.update(names | {"changed"})
        return changed

    # -- crawl runs ------------------------------------------------------------------

    def start_crawl(
        self,
        site: str,
        mode: str,
        scrapy_version: str | None = None,
        worker: str | None = None,
        started: str | None = None,
    ) -> int:
        """Record the start of a run (of one ``worker`` of a distributed crawl); returns its id."""
        table = self.db["crawls"]
        table.insert(
            {
                "site": site,
                "mode": mode,
                "started": started or utcnow(),
                "status": "running",
                "scrapy_version": scrapy_version,
                "worker": worker,
            }
        )
        return table.last_pk

    def crawl_of_worker(self, worker: str) -> int | None:
        """The run that ``worker`` (a distributed crawl's worker run) was recorded as, if any."""
        row = self.db.execute("select id from crawls where worker = ?", [worker]).fetchone()
        return row[0] if row else None

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

    def finish_crawl(self, crawl_id: int, status: str, reason: str, counts: dict[str, int]) -> None:
        """Record the end of a run with its counts (requests, new, updated, ...)."""
        self.db["crawls"].update(
            crawl_id,
            {"finished": utcnow(), "status": status, "finish_reason": reason, **counts},
        )
        if not self.db.conn.in_transaction:
            self.checkpoint()

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database and empty it: at the end of each run, it
        keeps the -wal file from growing across nightly runs."""
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- storing ---------------------------------------------------------------------

    def store_many(
        self, batch: Iterable[tuple[Article, Capture]], crawl_id: int | None = None
    ) -> Counter[Outcome]:
        """Store a batch of articles in one transaction; returns how many of each outcome."""
        outcomes: Counter[Outcome] = Counter()
        with self.transaction():
            for article, capture in batch:
                outcomes[self._store(article, capture, crawl_id).outcome] += 1
        return outcomes

    def store(self, article: Article, capture: Capture, crawl_id: int | None = None) -> Stored:
        """Store one article with the capture it came from, applying the dedupe rules."""
        with self.transaction():
            return self._store(article, capture, crawl_id)

    def _store(
        self, article: Article, capture: Capture, crawl_id: int | None, page_id: int | None = None
    ) -> Stored:
        """Apply the dedupe rules to ``article`` and store what they say, with its capture (or,
        for an article recovered from a refused page, linking the capture ``page_id``)."""
        seen = capture.fetched_at
        fetched_url = canonicalize(article.url)
        canonical_url = canonicalize(article.canonical_url) if article.canonical_url else fetched_url
        digest = content_hash(article.text)

        existing = self._article_by_url(canonical_url, fetched_url)
        if existing is not None:
            stored = self._revisit(existing, article, digest, seen)
        elif (same := self._article_by_hash(article.site, digest)) is not None:
            stored = Stored(Outcome.ALIAS, same)
            self._keep_first_publication(same, article, canonical_url, seen)
        else:
            original = self._near_duplicate_of(article)
            article_id = self._insert_article(article, canonical_url, digest, seen, original)
            self._index_sketch(article_id, article.sketch)
            stored = Stored(Outcome.NEW if original is None else Outcome.DUPLICATE, article_id)

        kinds = ("alias", "alias") if stored.outcome is Outcome.ALIAS else ("canonical", "fetched")
        for url, kind in zip((canonical_url, fetched_url), kinds, strict=True):
            self._insert_row(
                "article_urls",
                {
                    "url": url,
                    "article_id": stored.article_id,
                    "site": article.site,
                    "kind": kind,
                    "first_seen": seen,
                },
                ignore=True,
            )
        if stored.outcome is not Outcome.ALIAS:
            self._link_translations(stored.article_id, article.translations)
        if page_id is not None:
            self.db["pages"].update(page_id, {"article_id": stored.article_id})
            return stored
        self._capture(capture, article.site, crawl_id, stored.article_id)
        self._record(crawl_id, capture.url, stored.outcome, capture.status, None, seen)
        return stored

    def refuse(self, capture: Capture, site: str, crawl_id: int | None = None) -> None:
        """A page that discovery took for an article's and extraction refused: its outcome
        (``not_article``), and its capture, with no article, so that ``reextract`` can read it
        again when the rules improve."""
        with self.transaction():
            self._insert_capture(capture, site, crawl_id, None, *self._identical_capture(capture))
            self._record(crawl_id, capture.url, "not_article", capture.status, None, capture.fetched_at)

    def revisit(self, capture: Capture, crawl_id: int | None = None) -> int | None:
        """When ``capture`` has the bytes of its URL's last capture (of an archived article):
        record it as a revisit, mark the article seen, and return the article's id; else None."""
        digest, same = self._identical_capture(capture)
        if same is None or same["article_id"] is None:  # new bytes, or a page extraction refused
            return None
        article = self.db["articles"].get(same["article_id"])
        with self.transaction():
            self.db["articles"].update(article["id"], {"last_seen": capture.fetched_at, "gone_at": None})
            self._insert_capture(capture, article["site"], crawl_id, article["id"], digest, same)
            self._record(crawl_id, capture.url, Outcome.UNCHANGED, capture.status, None, capture.fetched_at)
        return article["id"]

    def touch(self, url: str, seen: str, crawl_id: int | None = None) -> int | None:
        """The page at ``url`` is unchanged (a 304): record that it was seen. Returns the article id."""
        row = self._article_by_url(canonicalize(url))
        with self.transaction():
            if row is not None:
                self.db["articles"].update(row["id"], {"last_seen": seen, "gone_at": None})
            self._record(crawl_id, url, Outcome.UNCHANGED, 304, None, seen)
        return row["id"] if row else None

    def mark_gone(self, url: str, seen: str, status: int, crawl_id: int | None = None) -> int | None:
        """The site answers 404/410 for ``url``: the article is gone from it (and kept here)."""
        row = self._article_by_url(canonicalize(url))
        with self.transaction():
            if row is not None and row["gone_at"] is None:
                self.db["articles"].update(row["id"], {"gone_at": seen})
            self._record(crawl_id, url, Outcome.GONE, status, None, seen)
        return row["id"] if row else None

    def record_outcome(
        self,
        crawl_id: int | None,
        url: str,
        outcome: str,
        status: int | None = None,
        reason: str | None = None,
    ) -> None:
        """Record why a URL of a run stored nothing: ``outcome`` (not_article, too_large,
        timeout, http_error, extract_timeout, ...), the HTTP status, the error's message."""
        with self.transaction():
            self._record(crawl_id, url, outcome, status, reason, utcnow())

    def _record(
        self, crawl_id: int | None, url: str, outcome: str, status: int | None, reason: str | None, at: str
    ) -> None:
        row = {"crawl_id": crawl_id, "url": url, "outcome": str(outcome), "status": status, "reason": reason}
        self._insert_row("outcomes", {**row, "at": at})

    def _article_by_url(self, *urls: str) -> dict | None:
        placeholders = ", ".join("?" * len(urls))
        rows = self.db.execute(
            f"select article_id from article_urls where url in ({placeholders}) limit 1", urls
        ).fetchall()
        if not rows:
            return None
        return self.db["articles"].get(rows[0][0])

    def _article_by_hash(self, site: str, digest: str) -> int | None:
        row = self.db.execute(
            "select id from articles where site = ? and content_hash = ? order by id limit 1",
            [site, digest],
        ).fetchone()
        return row[0] if row else None

    def _keep_first_publication(self, article_id: int, copy: Article, copy_url: str, seen: str) -> None:
        """Rule 2 keeps the first publication: when the copy of an article's text at another
        URL was published before it (a re-post five days later was crawled first), the
        article takes the copy's URL and date, and its own URL becomes the alias."""
        row = self.db["articles"].get(article_id)
        if not published_before(copy.published, row["published"]):
            return
        self.db["articles"].update(
            article_id,
            {
                "url": copy_url,
                "published": copy.published,
                "published_raw": copy.published_raw,
                "published_source": copy.published_source,
            },
        )
        self.db.conn.execute("update article_urls set kind = 'alias' where article_id = ?", [article_id])
        self._insert_row(
            "article_urls",
            {
                "url": copy_url,
                "article_id": article_id,
                "site": copy.site,
                "kind": "canonical",
                "first_seen": seen,
            },
            ignore=True,
        )

    def _near_duplicate_of(self, article: Article) -> int | None:
        """The archived article (of any site) most alike the article, when near-identical:
        candidates share a band of its sketch (see storage/fingerprint.py); those the sketches
        estimate alike enough are compared by resemblance."""
        keys = band_keys(article.sketch)
        rows = self.db.conn.execute(
            f"""
            select a.id, a.duplicate_of, s.sketch from articles a
            join near_sketches s on s.article_id = a.id
            join (
              select article_id, count(*) as shared from near_keys
              where key in ({", ".join("?" * len(keys))}) group by article_id
              order by shared desc limit ?
            ) k on k.article_id = a.id
            """,
            [*keys, NEAR_DUPLICATE_CANDIDATES],
        ).fetchall()
        floor = self.near_duplicate_resemblance - SKETCH_MARGIN
        close = [
            (article_id, original)
            for article_id, original, packed in rows
            if estimated_resemblance(article.sketch, unpack_sketch(packed)) >= floor
        ]
        mine = shingles(article.text) if close else set()
        alike = []
        for article_id, original in close:
            [other] = self.db.conn.execute("select text from articles where id = ?", [article_id]).fetchone()
            if (score := resemblance(mine, shingles(other))) >= self.near_duplicate_resemblance:
                alike.append((score, original or article_id))
        return max(alike)[1] if alike else None

    def _index_sketch(self, article_id: int, sketch: tuple[int | None, ...]) -> None:
        """Rule 3's index of an article: its sketch and the sketch's band keys."""
        self.db.conn.execute("delete from near_keys where article_id = ?", [article_id])
        self.db.conn.executemany(
            "insert into near_keys (key, article_id) values (?, ?)",
            [(key, article_id) for key in band_keys(sketch)],
        )
        self.db.conn.execute(
            "insert or replace into near_sketches (article_id, sketch) values (?, ?)",
            [article_id, pack_sketch(sketch)],
        )

    def _insert_row(self, table: str, row: dict, ignore: bool = False) -> int:
        """Insert one row, returning its rowid. The loader's hot path: sqlite-utils' insert()
        inspects the table's schema on every call, which cost more than the insert itself."""
        columns = ", ".join(f"[{column}]" for column in row)
        verb = "insert or ignore" if ignore else "insert"
        sql = f"{verb} into [{table}] ({columns}) values ({', '.join('?' * len(row))})"
        return self.db.conn.execute(sql, list(row.values())).lastrowid

    def _insert_article(
        self, article: Article, url: str, digest: str, seen: str, duplicate_of: int | None
    ) -> int:
        article_id = self._insert_row(
            "articles",
            {
                **_article_fields(article),
                "site": article.site,
                "url": url,
                "duplicate_of": duplicate_of,
                "content_hash": digest,
                "first_seen": seen,
                "last_seen": seen,
                "version": 1,
            },
        )
        # Indexed here rather than by a trigger: FTS5 flushes its pending terms at each
        # trigger's savepoint, which made a trigger's insert three times slower (schema.py).
        self.db.conn.execute(
            "insert into articles_fts (rowid, title, text) values (?, ?, ?)",
            [article_id, article.title, article.text],
        )
        return article_id

    def _revisit(self, row: dict, article: Article, digest: str, seen: str) -> Stored:
        if row["content_hash"] == digest:
            self.db["articles"].update(row["id"], {"last_seen": seen, "gone_at": None})
            return Stored(Outcome.UNCHANGED, row["id"])
        self.db["article_versions"].insert(
            {
                "article_id": row["id"],
                "version": row["version"],
                "title": row["title"],
                "text": row["text"],
                "content_hash": row["content_hash"],
                "first_seen": row["first_seen"],
                "replaced_at": seen,
            }
        )
        self.db["articles"].update(
            row["id"],
            {
                **_article_fields(article),
                "content_hash": digest,
                "last_seen": seen,
                "version": row["version"] + 1,
                "gone_at": None,
            },
        )
        self._index_sketch(row["id"], article.sketch)
        return Stored(Outcome.UPDATED, row["id"])

    def _capture(self, capture: Capture, site: str, crawl_id: int | None, article_id: int) -> None:
        self._insert_capture(capture, site, crawl_id, article_id, *self._identical_capture(capture))

    def _insert_capture(
        self,
        capture: Capture,
        site: str,
        crawl_id: int | None,
        article_id: int | None,
        digest: str,
        same: dict | None,
    ) -> None:
        """Keep the raw page; bytes identical to the URL's last capture (``same``) are not stored
        twice: the row is a revisit of the capture that holds them (as a WARC revisit record)."""
        revisit_of = (same["revisit_of"] or same["id"]) if same else None
        self._insert_row(
            "pages",
            {
                "url": capture.url,
                "site": site,
                "crawl_id": crawl_id,
                "article_id": article_id,
                "fetched_at": capture.fetched_at,
                "status": capture.status,
                "headers": json.dumps(capture.headers, ensure_ascii=False),
                "body": None if revisit_of else (capture.packed or pack(capture.body)),
                "sha256": digest,
                "revisit_of": revisit_of,
                "hints": json.dumps(capture.hints, ensure_ascii=False),
            },
        )

    def _identical_capture(self, capture: Capture) -> tuple[str, dict | None]:
        """The capture's SHA-256, and its URL's last capture when that one has the same bytes."""
        digest = hashlib.sha256(capture.body).hexdigest()
        row = self.db.conn.execute(
            "select id, article_id, sha256, revisit_of from pages where url = ? order by id desc limit 1",
            [capture.url],
        ).fetchone()
        if row is None or row[2] != digest:
            return digest, None
        return digest, dict(zip(("id", "article_id", "sha256", "revisit_of"), row, strict=True))

    def _link_translations(self, article_id: int, translations: dict[str, str]) -> bool:
        """Record an article's other-language versions; returns whether any link was new."""
        if not translations:
            return False
        table = self.db["article_translations"]
        known = {row["language"]: row["url"] for row in table.rows_where("article_id = ?", [article_id])}
        links = {language: canonicalize(url) for language, url in translations.items()}
        new = [(language, url) for language, url in links.items() if known.get(language) != url]
        table.upsert_all(
            [{"article_id": article_id, "language": language, "url": url} for language, url in new],
            pk=("article_id", "language"),
        )
        return bool(new)


def published_before(first: str | None, second: str | None) -> bool:
    """Whether publication date ``first`` is earlier than ``second`` (ISO 8601 dates or
    date-times; a day against a date-time compares days; a date unknown is never earlier)."""
    if not first or not second:
        return False
    if len(first) == 10 or len(second) == 10:
        return first[:10] < second[:10]
    earlier, later = datetime.fromisoformat(first), datetime.fromisoformat(second)
    if (earlier.tzinfo is None) != (later.tzinfo is None):  # one without its zone: days only
        return first[:10] < second[:10]
    return earlier < later


def _article_fields(article: Article) -> dict:
    """The columns that come from extraction (as opposed to bookkeeping)."""
    return {
        "title": article.title,
        "description": article.description,
        "authors": json.dumps(article.authors, ensure_ascii=False),
        "published": article.published,
        "published_raw": article.published_raw,
        "published_source": article.published_source,
        "modified": article.modified,
        "language": article.language,
        "text": article.text,
        "markdown": article.markdown,
        "extracted_by": article.extracted_by,
        "categories": json.dumps(article.categories, ensure_ascii=False),
        "tags": json.dumps(article.tags, ensure_ascii=False),
        "image": article.image,
        "word_count": len(article.text.split()),
    }
