"""Dedupe rules 2 and 3's lookups (see storage/archive.py): which archived article an
incoming one copies, near-identically, and which of two copies was published first.

Functions over the archive's connection, called inside its transactions.
"""

from __future__ import annotations

import functools
import sqlite3
from datetime import datetime

from sqlite_utils import Database

from storage.captures import insert_row
from storage.fingerprint import (
    band_keys,
    estimated_resemblance,
    pack_sketch,
    resemblance,
    shingles,
    unpack_sketch,
)
from storage.records import Article

# Dedupe rule 3: texts at least this alike (Jaccard index of word 3-shingles) are near-duplicates.
# Chosen with bench/duplicates.py on planted copies and distinct articles of one template.
NEAR_DUPLICATE_RESEMBLANCE = 0.8
# At most this many candidates (those sharing most sketch bands) are compared with a new text.
NEAR_DUPLICATE_CANDIDATES = 20
# A candidate whose sketch puts it this far below the threshold is not compared shingle by
# shingle: 3.5 times the estimate's average error at 0.8 (storage/fingerprint.py).
SKETCH_MARGIN = 0.25


def near_duplicate_of(conn: sqlite3.Connection, article: Article, threshold: float) -> int | None:
    """The archived article (of any site) most alike the article, when near-identical:
    candidates share a band of its sketch (see storage/fingerprint.py); those the sketches
    estimate alike enough are compared by resemblance."""
    keys = band_keys(article.sketch)
    rows = conn.execute(
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
    floor = threshold - SKETCH_MARGIN
    close = [
        (article_id, original)
        for article_id, original, packed in rows
        if estimated_resemblance(article.sketch, unpack_sketch(packed)) >= floor
    ]
    mine = shingles(article.text) if close else set()
    alike = []
    for article_id, original in close:
        [other] = conn.execute("select text from articles where id = ?", [article_id]).fetchone()
        if (score := resemblance(mine, _archived_shingles(other))) >= threshold:
            alike.append((score, original or article_id))
    return max(alike)[1] if alike else None


@functools.lru_cache(maxsize=256)
def _archived_shingles(text: str) -> frozenset[str]:
    """An archived text's shingles. Where articles are written from one template, the same few
    share bands with most new ones, and are compared again and again."""
    return frozenset(shingles(text))


def index_sketch(conn: sqlite3.Connection, article_id: int, sketch: tuple[int | None, ...]) -> None:
    """Rule 3's index of an article: its sketch and the sketch's band keys."""
    conn.execute("delete from near_keys where article_id = ?", [article_id])
    conn.executemany(
        "insert into near_keys (key, article_id) values (?, ?)",
        [(key, article_id) for key in band_keys(sketch)],
    )
    conn.execute(
        "insert or replace into near_sketches (article_id, sketch) values (?, ?)",
        [article_id, pack_sketch(sketch)],
    )


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


def keep_first_publication(db: Database, article_id: int, copy: Article, copy_url: str, seen: str) -> None:
    """Rule 2 keeps the first publication: when the copy of an article's text at another
    URL was published before it (a re-post five days later was crawled first), the
    article takes the copy's URL and date, and its own URL becomes the alias."""
    row = db.table("articles").get(article_id)
    if not published_before(copy.published, row["published"]):
        return
    db.table("articles").update(
        article_id,
        {
            "url": copy_url,
            "published": copy.published,
            "published_raw": copy.published_raw,
            "published_source": copy.published_source,
        },
    )
    db.conn.execute("update article_urls set kind = 'alias' where article_id = ?", [article_id])
    insert_row(
        db.conn,
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
