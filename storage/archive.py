"""The archive: articles in, one row per article out, with aliases, versions and crawl runs.

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
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from storage.captures import identical_capture, insert_capture, insert_row
from storage.dedupe import (
    NEAR_DUPLICATE_RESEMBLANCE,
    index_sketch,
    keep_first_publication,
    near_duplicate_of,
)
from storage.fingerprint import content_hash
from storage.reader import ArchiveReader
from storage.records import Article, Capture, Outcome, utcnow, validators
from storage.search import index_article, unindex_article
from storage.urls import canonicalize

# The finish reason of a run whose process stopped without ending it (``interrupted``).
LOST = "lost"
# The outcome of a page that is not HTML (a PDF a sitemap lists): remembered, as no article.
NOT_HTML = "not_html"


@dataclass(frozen=True)
class Stored:
    outcome: Outcome
    article_id: int


class Archive(ArchiveReader):
    """``archive.db`` to write: store articles in it with the dedupe rules, record crawl runs
    (an ``ArchiveWriter``, and the reads of ``ArchiveReader``)."""

    def __init__(self, path: str, near_duplicate_resemblance: float | None = None) -> None:
        super().__init__(path)
        self.near_duplicate_resemblance = near_duplicate_resemblance or NEAR_DUPLICATE_RESEMBLANCE

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

    # -- re-extraction ---------------------------------------------------------------

    def recover(self, page_id: int, article: Article) -> Stored:
        """Store the article that re-extraction found in a page it had refused (its capture
        ``page_id``), with the dedupe rules, as the crawl would have stored it then."""
        row = self.db.table("pages").get(page_id)
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
                row = self.db.table("articles").get(article_id)
                fields = {
                    name: value
                    for name, value in _article_fields(article).items()
                    if value not in (None, "[]") and value != row[name]
                }
                if "text" in fields:
                    fields["content_hash"] = content_hash(article.text)
                    index_sketch(self.db.conn, article_id, article.sketch)
                self._update_article(row, fields)
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
        with self.transaction():
            return insert_row(
                self.db.conn,
                "crawls",
                {
                    "site": site,
                    "mode": mode,
                    "started": started or utcnow(),
                    "status": "running",
                    "scrapy_version": scrapy_version,
                    "worker": worker,
                },
            )

    def end_lost_runs(self) -> None:
        """End as ``interrupted`` the runs on this machine still recorded as running: called with
        the archive's lock held, so their processes died without a word (``kill -9``, a power
        cut). A distributed crawl's runs are the loader's to end (storage/handover.py)."""
        with self.transaction():
            self.db.execute(
                "update crawls set status = 'interrupted', finish_reason = ? "
                "where status = 'running' and worker is null",
                [LOST],
            )

    def finish_crawl(self, crawl_id: int, status: str, reason: str, counts: Mapping[str, Any]) -> None:
        """Record the end of a run with its counts (requests, new, updated, ...)."""
        self.db.table("crawls").update(
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
    ) -> Counter[str]:
        """Store a batch of articles in one transaction; returns how many of each outcome."""
        outcomes: Counter[str] = Counter()
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
            keep_first_publication(self.db, same, article, canonical_url, seen)
        else:
            original = near_duplicate_of(self.db.conn, article, self.near_duplicate_resemblance)
            article_id = self._insert_article(article, canonical_url, digest, seen, original)
            index_sketch(self.db.conn, article_id, article.sketch)
            stored = Stored(Outcome.NEW if original is None else Outcome.DUPLICATE, article_id)

        kinds = ("alias", "alias") if stored.outcome is Outcome.ALIAS else ("canonical", "fetched")
        for url, kind in zip((canonical_url, fetched_url), kinds, strict=True):
            insert_row(
                self.db.conn,
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
        self.db.execute("delete from non_articles where url in (?, ?)", [canonical_url, fetched_url])
        if stored.outcome is not Outcome.ALIAS:
            self._link_translations(stored.article_id, article.translations)
            self._link_back(stored.article_id, canonical_url, article.language, article.translations)
        if page_id is not None:
            self.db.table("pages").update(page_id, {"article_id": stored.article_id})
            return stored
        insert_capture(self.db.conn, capture, article.site, crawl_id, stored.article_id)
        self._record(crawl_id, article.url, stored.outcome, capture.status, None, seen)
        return stored

    def refuse(self, capture: Capture, site: str, crawl_id: int | None = None) -> None:
        """A page that discovery took for an article's and extraction refused: its outcome
        (``not_article``), and its capture, with no article, so that ``reextract`` can read it
        again when the rules improve."""
        with self.transaction():
            insert_capture(self.db.conn, capture, site, crawl_id, None)
            self._record(crawl_id, capture.url, "not_article", capture.status, None, capture.fetched_at)
            self._remember_non_article(site, capture.url, "not_article", capture.fetched_at, capture.headers)

    def revisit(self, capture: Capture, crawl_id: int | None = None) -> int | None:
        """When ``capture`` has the bytes of its URL's last capture (of an archived article):
        record it as a revisit, mark the article seen, and return the article's id; else None."""
        digest, same = identical_capture(self.db.conn, capture)
        if same is None or same["article_id"] is None:  # new bytes, or a page extraction refused
            return None
        article = self.db.table("articles").get(same["article_id"])
        with self.transaction():
            self.db.table("articles").update(
                article["id"], {"last_seen": capture.fetched_at, "gone_at": None}
            )
            insert_capture(self.db.conn, capture, article["site"], crawl_id, article["id"], (digest, same))
            self._record(crawl_id, capture.url, Outcome.UNCHANGED, capture.status, None, capture.fetched_at)
        return article["id"]

    def touch(self, url: str, seen: str, crawl_id: int | None = None) -> int | None:
        """The page at ``url`` is unchanged (a 304): record that it was seen. Returns the article id."""
        row = self._article_by_url(canonicalize(url))
        with self.transaction():
            if row is not None:
                self.db.table("articles").update(row["id"], {"last_seen": seen, "gone_at": None})
            else:
                self.db.execute(
                    "update non_articles set last_seen = ? where url = ?", [seen, canonicalize(url)]
                )
            self._record(crawl_id, url, Outcome.UNCHANGED, 304, None, seen)
        return row["id"] if row else None

    def mark_gone(self, url: str, seen: str, status: int, crawl_id: int | None = None) -> int | None:
        """The site answers 404/410 for ``url``: the article is gone from it (and kept here)."""
        row = self._article_by_url(canonicalize(url))
        with self.transaction():
            if row is not None and row["gone_at"] is None:
                self.db.table("articles").update(row["id"], {"gone_at": seen})
            self.db.execute("delete from non_articles where url = ?", [canonicalize(url)])
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
        timeout, http_error, extract_timeout, ...), the HTTP status, the error's message. A
        page that is not HTML is remembered as no article (``non_articles``)."""
        with self.transaction():
            self._record(crawl_id, url, outcome, status, reason, seen := utcnow())
            if outcome == NOT_HTML and (site := self._crawl_site(crawl_id)):
                self._remember_non_article(site, url, outcome, seen, {})

    def _remember_non_article(
        self, site: str, url: str, outcome: str, seen: str, headers: Mapping[str, str]
    ) -> None:
        etag, last_modified = validators(headers)
        row = {"url": canonicalize(url), "site": site, "outcome": outcome, "last_seen": seen}
        self.db.table("non_articles").upsert({**row, "etag": etag, "last_modified": last_modified}, pk="url")

    def _crawl_site(self, crawl_id: int | None) -> str | None:
        row = self.db.execute("select site from crawls where id = ?", [crawl_id]).fetchone()
        return row[0] if row else None

    def _record(
        self, crawl_id: int | None, url: str, outcome: str, status: int | None, reason: str | None, at: str
    ) -> None:
        row = {"crawl_id": crawl_id, "url": url, "outcome": str(outcome), "status": status, "reason": reason}
        insert_row(self.db.conn, "outcomes", {**row, "at": at})

    def _article_by_url(self, *urls: str) -> dict | None:
        placeholders = ", ".join("?" * len(urls))
        rows = self.db.execute(
            f"select article_id from article_urls where url in ({placeholders}) limit 1", urls
        ).fetchall()
        if not rows:
            return None
        return self.db.table("articles").get(rows[0][0])

    def _article_by_hash(self, site: str, digest: str) -> int | None:
        row = self.db.execute(
            "select id from articles where site = ? and content_hash = ? order by id limit 1",
            [site, digest],
        ).fetchone()
        return row[0] if row else None

    def _insert_article(
        self, article: Article, url: str, digest: str, seen: str, duplicate_of: int | None
    ) -> int:
        article_id = insert_row(
            self.db.conn,
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
        index_article(self.db.conn, article_id, article.title, article.text, article.language)
        return article_id

    def _revisit(self, row: dict, article: Article, digest: str, seen: str) -> Stored:
        if row["content_hash"] == digest:
            self.db.table("articles").update(row["id"], {"last_seen": seen, "gone_at": None})
            return Stored(Outcome.UNCHANGED, row["id"])
        self.db.table("article_versions").insert(
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
        self._update_article(
            row,
            {
                **_article_fields(article),
                "content_hash": digest,
                "last_seen": seen,
                "version": row["version"] + 1,
                "gone_at": None,
            },
        )
        index_sketch(self.db.conn, row["id"], article.sketch)
        return Stored(Outcome.UPDATED, row["id"])

    def _update_article(self, row: dict, fields: dict) -> None:
        """Change an article's ``fields``, and its search index entry if what it holds changed."""
        if not fields:
            return
        self.db.table("articles").update(row["id"], fields)
        searched = ("title", "text", "language")
        if any(name in fields and fields[name] != row[name] for name in searched):
            unindex_article(self.db.conn, row["id"], *(row[name] for name in searched))
            index_article(self.db.conn, row["id"], *(fields.get(name, row[name]) for name in searched))

    def _link_translations(self, article_id: int, translations: dict[str, str]) -> bool:
        """Record an article's other-language versions; returns whether any link was new."""
        if not translations:
            return False
        table = self.db.table("article_translations")
        known = {row["language"]: row["url"] for row in table.rows_where("article_id = ?", [article_id])}
        links = {language: canonicalize(url) for language, url in translations.items()}
        new = [(language, url) for language, url in links.items() if known.get(language) != url]
        table.upsert_all(
            [{"article_id": article_id, "language": language, "url": url} for language, url in new],
            pk=("article_id", "language"),
        )
        return bool(new)

    def _link_back(
        self, article_id: int, url: str, language: str | None, translations: dict[str, str]
    ) -> None:
        """A translation goes both ways, and the one stored first may not have known the
        other's URL (the WordPress API's post ids): the archived translations of the article
        (``article_id`` at ``url``) that do not link to it in its ``language`` get that link,
        and it gets a link to each archived article that links to it."""
        if language:
            for other in translations.values():
                row = self._article_by_url(canonicalize(other))
                if row is not None and row["url"] != url:
                    self.db.execute(
                        "insert or ignore into article_translations (article_id, language, url) values (?, ?, ?)",
                        [row["id"], language, url],
                    )
        self.db.execute(
            """insert or ignore into article_translations (article_id, language, url)
            select ?, a.language, a.url from article_translations t join articles a on a.id = t.article_id
            where t.url = ? and a.id != ? and a.language is not null""",
            [article_id, url, article_id],
        )


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
