"""Tables, indexes, full-text search and the schema version of ``archive.db``."""

from __future__ import annotations

import sqlite3

import sqlite_utils

from storage.fingerprint import band_keys, pack_sketch, shingles, sketch
from storage.search import ANALYZER, build_index

# Bumped by every change of the tables below; PRAGMA user_version holds the file's version.
# An older archive is upgraded in place by MIGRATIONS; a newer one is refused.
SCHEMA_VERSION = 12

# How long a writer waits for another connection's lock before failing (SQLite's busy timeout).
BUSY_TIMEOUT_MS = 30_000


class SchemaError(Exception):
    """The file is not an archive this version can use (foreign, corrupt, or newer)."""


def open_database(path: str) -> sqlite_utils.Database:
    """Open (or create) the archive at ``path``, checked and brought to the current schema."""
    db = sqlite_utils.Database(path)
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        tables = set(db.table_names())
    except sqlite3.DatabaseError as error:
        db.close()
        raise SchemaError(f"{path} is not an SQLite archive: {error}") from error
    if version > SCHEMA_VERSION:
        db.close()
        raise SchemaError(
            f"{path} has schema version {version}; this newsarchive knows up to "
            f"{SCHEMA_VERSION}: upgrade newsarchive"
        )
    if version == 0 and tables:
        db.close()
        raise SchemaError(f"{path} holds tables ({', '.join(sorted(tables))}) but is not an archive")
    if version == 0:
        create_tables(db)
    elif version < SCHEMA_VERSION:
        migrate(db, version)
    if db.execute("select analyzer from search_analyzer").fetchone() != (ANALYZER,):
        with db.atomic():  # a newer stemmer: the index must hold what queries are analyzed into
            build_index(db.conn)
    # WAL lets Datasette read while a crawl writes; the mode is stored in the file.
    db.enable_wal()
    return db


def create_tables(db: sqlite_utils.Database) -> None:
    """Create every table, index, trigger and the FTS index, and stamp the version."""
    with db.atomic():
        db.table("articles").create(
            {
                "id": int,
                "site": str,
                "url": str,  # canonical URL
                "title": str,
                "description": str,
                "authors": str,  # JSON list
                "published": str,  # ISO 8601 date or date-time, as precise as the source
                "published_raw": str,  # the string it was read from, as the source wrote it
                "published_source": str,  # json-ld, meta, time, selector, wp-api, feed, sitemap, ...
                "modified": str,
                "language": str,
                "text": str,  # plain text, one paragraph per line
                "markdown": str,  # the same body with headings, lists and emphasis
                "extracted_by": str,  # the extraction path that found the body (records.Article)
                "categories": str,  # JSON list
                "tags": str,  # JSON list
                "image": str,
                "word_count": int,
                "content_hash": str,
                "duplicate_of": int,  # the earliest near-identical article (dedupe rule 3)
                "first_seen": str,
                "last_seen": str,
                "version": int,
                "gone_at": str,  # when the site first answered 404/410 for it; the row stays
            },
            pk="id",
            foreign_keys=[("duplicate_of", "articles", "id")],
            not_null={"site", "url", "text", "content_hash", "first_seen", "last_seen", "version"},
        )
        db.table("articles").create_index(["url"], unique=True)
        db.table("articles").create_index(["site", "content_hash"])
        db.table("articles").create_index(["site", "published"])
        db.table("articles").create_index(["duplicate_of"])
        _add_year(db)

        db.table("article_urls").create(
            {"url": str, "article_id": int, "site": str, "kind": str, "first_seen": str},
            pk="url",
            foreign_keys=[("article_id", "articles", "id")],
            not_null={"article_id", "site", "kind", "first_seen"},
        )
        db.table("article_urls").create_index(["site"])
        db.table("article_urls").create_index(["article_id"])

        db.table("article_versions").create(
            {
                "id": int,
                "article_id": int,
                "version": int,
                "title": str,
                "text": str,
                "content_hash": str,
                "first_seen": str,
                "replaced_at": str,
            },
            pk="id",
            foreign_keys=[("article_id", "articles", "id")],
        )
        db.table("article_versions").create_index(["article_id", "version"], unique=True)

        db.table("crawls").create(
            {
                "id": int,
                "site": str,
                "mode": str,
                "started": str,
                "finished": str,
                "status": str,
                "finish_reason": str,
                "requests": int,
                "new": int,
                "updated": int,
                "unchanged": int,
                "aliases": int,
                "duplicates": int,  # near-duplicates stored (dedupe rule 3)
                "not_articles": int,
                "gone": int,
                "errors": int,
                "scrapy_version": str,
                "routes": str,  # JSON: per discovery route, requests made and URLs found
            },
            pk="id",
            not_null={"site", "mode", "started", "status"},
        )

        db.table("pages").create(
            {
                "id": int,
                "url": str,
                "site": str,
                "crawl_id": int,
                "article_id": int,
                "fetched_at": str,
                "status": int,
                "headers": str,  # JSON object
                "body": bytes,  # zlib-compressed raw bytes as served; null in a revisit
                "sha256": str,  # of the raw bytes
                "revisit_of": int,  # the earlier capture of the URL with the same bytes, which holds them
                "hints": str,  # JSON: what discovery knew of the URL, for re-extraction
            },
            pk="id",
            foreign_keys=[
                ("crawl_id", "crawls", "id"),
                ("article_id", "articles", "id"),
                ("revisit_of", "pages", "id"),
            ],
        )
        db.table("pages").create_index(["url"])
        db.table("pages").create_index(["article_id"])

        _create_translations(db)
        _create_near_keys(db)
        _create_outcomes(db)
        _add_crawl_worker(db)
        _record_deletion_sweeps(db)
        _remember_non_articles(db)
        _create_near_sketches(db)
        _create_search_index(db)
        _index_what_people_open(db)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _create_near_keys(db: sqlite_utils.Database) -> None:
    """The band keys of each article's MinHash sketch, by which rule 3 finds candidates."""
    db.table("near_keys").create(
        {"key": int, "article_id": int},
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"key", "article_id"},
    )
    db.table("near_keys").create_index(["key"])
    db.table("near_keys").create_index(["article_id"])


def _create_outcomes(db: sqlite_utils.Database) -> None:
    """What became of each URL a run fetched or failed to fetch: stored (new, updated,
    unchanged, alias, duplicate, gone) or why not (not_article, too_large, timeout, http_error,
    extract_timeout, ...), with the HTTP status and the error's message."""
    db.table("outcomes").create(
        {"id": int, "crawl_id": int, "url": str, "outcome": str, "status": int, "reason": str, "at": str},
        pk="id",
        foreign_keys=[("crawl_id", "crawls", "id")],
        not_null={"url", "outcome", "at"},
        if_not_exists=True,
    )
    db.table("outcomes").create_index(["crawl_id", "outcome"], if_not_exists=True)
    db.table("outcomes").create_index(["url"], if_not_exists=True)


def _remember_non_articles(db: sqlite_utils.Database) -> None:
    """URLs fetched for an article's that hold none (a category page a sitemap lists, a PDF),
    with their validators: a nightly run asks for them again only when their source says they
    changed, and then conditionally."""
    db.table("non_articles").create(
        {"url": str, "site": str, "outcome": str, "last_seen": str, "etag": str, "last_modified": str},
        pk="url",
        not_null={"site", "outcome", "last_seen"},
        if_not_exists=True,
    )
    db.table("non_articles").create_index(["site"], if_not_exists=True)


def _add_year(db: sqlite_utils.Database) -> None:
    """The year of publication, computed by SQLite (never stored twice), for Datasette's facets."""
    db.execute(
        "alter table articles add column year text generated always as (substr(published, 1, 4)) virtual"
    )


def _create_translations(db: sqlite_utils.Database) -> None:
    """The hreflang links of each article, and a view resolving them to archived articles."""
    db.table("article_translations").create(
        {"article_id": int, "language": str, "url": str},
        pk=("article_id", "language"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("article_translations").create_index(["url"])
    db.create_view(
        "translations",
        """
        select t.article_id, t.language, t.url, u.article_id as translation_id
        from article_translations t
        left join article_urls u on u.url = t.url
        """,
    )


def _add_crawl_routes(db: sqlite_utils.Database) -> None:
    db.table("crawls").add_column("routes", str)


def _track_gone_articles(db: sqlite_utils.Database) -> None:
    db.table("articles").add_column("gone_at", str)
    db.table("crawls").add_column("gone", int)
    db.table("pages").create_index(["article_id"], if_not_exists=True)


def _extraction_details_near_duplicates_and_revisits(db: sqlite_utils.Database) -> None:
    for column in ("published_raw", "published_source", "markdown"):
        db.table("articles").add_column(column, str)
    db.table("articles").add_column("duplicate_of", int)  # SQLite cannot add a foreign key to a table
    db.table("articles").create_index(["duplicate_of"])
    db.table("crawls").add_column("duplicates", int)
    db.table("pages").add_column("hints", str)
    db.table("pages").add_column("revisit_of", int)
    _add_year(db)
    _create_near_keys(db)  # filled by the next migration
    _create_translations(db)


def _index_new_articles_in_the_loader(db: sqlite_utils.Database) -> None:
    """The loader adds new articles to the FTS index itself: in a trigger, FTS5 flushes its
    pending terms at every row (the trigger's savepoint), three times the cost. Updates (see
    _reindex_only_changed_text) and deletes, which are rarer, keep triggers."""
    db.execute("drop trigger if exists articles_ai")


def _reindex_only_changed_text(db: sqlite_utils.Database) -> None:
    """An article is indexed again for full-text search when its title or text changes, not at
    every update: sqlite-utils' trigger re-indexed its whole text each time a nightly run saw it
    again (last_seen), which halved the rate of those runs' 304s and unchanged pages. Written
    as sqlite-utils writes its own (quoted names), so that its disable_fts still finds it."""
    db.execute("drop trigger if exists articles_au")
    db.execute(
        """
        create trigger articles_au after update of title, text on articles begin
          insert into "articles_fts" ("articles_fts", rowid, "title", "text")
            values ('delete', old.rowid, old."title", old."text");
          insert into "articles_fts" (rowid, "title", "text") values (new.rowid, new."title", new."text");
        end
        """
    )


def _create_near_sketches(db: sqlite_utils.Database) -> None:
    """Each article's MinHash sketch, by which rule 3 compares only the candidates it estimates
    alike; filled for the articles already archived."""
    db.table("near_sketches").create(
        {"article_id": int, "sketch": bytes},
        pk="article_id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"sketch"},
        if_not_exists=True,
    )
    db.table("near_sketches").insert_all(
        (
            {"article_id": article_id, "sketch": pack_sketch(sketch(shingles(text)))}
            for article_id, text in db.execute("select id, text from articles")
        ),
        replace=True,
    )


def _faster_seen_again_and_near_duplicates(db: sqlite_utils.Database) -> None:
    _reindex_only_changed_text(db)
    _create_near_sketches(db)


def _a_faster_loader(db: sqlite_utils.Database) -> None:
    """The sketch's hash changed (storage/fingerprint.py): every article's band keys again; and
    new articles are indexed for full-text search by the loader."""
    _index_new_articles_in_the_loader(db)
    db.execute("delete from near_keys")
    db.table("near_keys").insert_all(
        {"key": key, "article_id": article_id}
        for article_id, text in db.execute("select id, text from articles")
        for key in band_keys(sketch(shingles(text)))
    )


def _add_crawl_worker(db: sqlite_utils.Database) -> None:
    """In a distributed crawl, each worker's run is a row of its own: which worker ran it
    (host, process and start), by which the loader finds the row again."""
    if "worker" not in db.table("crawls").columns_dict:
        db.table("crawls").add_column("worker", str)
    db.table("crawls").create_index(["worker"], unique=True, if_not_exists=True)


def _record_deletion_sweeps(db: sqlite_utils.Database) -> None:
    """Whether a run compared the archive with every sitemap of its site (``swept``): nightly
    runs read only the sitemaps that can hold new URLs, and sweep for deletions when the last
    sweep is a week old."""
    if "swept" not in db.table("crawls").columns_dict:
        db.table("crawls").add_column("swept", int)


def _record_extraction_paths(db: sqlite_utils.Database) -> None:
    """Which extraction path found each body (the project's, plain trafilatura's fallback, a
    site's selector). Pages extraction refused are kept from now on too, with a null
    article_id, for ``reextract``: no column needed."""
    if "extracted_by" not in db.table("articles").columns_dict:
        db.table("articles").add_column("extracted_by", str)


def _create_search_index(db: sqlite_utils.Database) -> None:
    """``articles_search``: the articles' titles and texts analyzed as people search them
    (storage/search.py), written by the Archive (the analysis is Python's, not a trigger's).
    Contentless: the words are in ``articles`` already; ``search_analyzer`` says which analysis
    built it."""
    db.execute("create virtual table articles_search using fts5(title, text, content='')")
    db.execute("create table search_analyzer (analyzer text not null)")
    build_index(db.conn)


def _index_what_people_open(db: sqlite_utils.Database) -> None:
    """Datasette's pages over a million articles: the newest first, the facets by site,
    language and year, each under a filter by site or by language, and the newest archived
    (the Atom feed) are read from these indexes (counted there, never from the rows, which
    hold the bodies)."""
    articles = db.table("articles")
    for columns in (
        ["published"],
        ["language", "published"],
        ["year"],
        ["site", "language"],
        ["site", "year"],
        ["language", "site"],
        ["language", "year"],
        ["first_seen"],
    ):
        articles.create_index(columns, if_not_exists=True)
    # articles per month, per site and per language (the canned query, the dashboard): counted
    # from these alone when the queries say substr(published, 1, 7) as these do
    for column in ("site", "language"):
        db.execute(
            f"create index if not exists articles_month_{column} on articles (substr(published, 1, 7), {column})"
        )


def _search_as_people_write(db: sqlite_utils.Database) -> None:
    """The analyzed index replaces sqlite-utils' (articles_fts, its triggers); indexes for the
    pages of a large archive."""
    db.table("articles").disable_fts()
    _create_search_index(db)
    _index_what_people_open(db)


# version -> the change that brings an archive from version - 1 to it
MIGRATIONS = {
    2: _add_crawl_routes,
    3: _track_gone_articles,
    4: _extraction_details_near_duplicates_and_revisits,
    5: _a_faster_loader,
    6: _create_outcomes,
    7: _add_crawl_worker,
    8: _faster_seen_again_and_near_duplicates,
    9: _record_extraction_paths,
    10: _search_as_people_write,
    11: _record_deletion_sweeps,
    12: _remember_non_articles,
}


def migrate(db: sqlite_utils.Database, version: int) -> None:
    """Upgrade an archive of an older schema, in one transaction."""
    with db.atomic():
        for target in range(version + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[target](db)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
