"""The raw captures (``pages``): each fetched page kept once, identical bytes as a revisit of the
capture that holds them, and read back for re-extraction and WARC export.

Functions over the archive's connection, called inside its transactions.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from sqlite_utils import Database

from storage.records import Capture, StoredCapture, pack, unpack


def insert_row(conn: sqlite3.Connection, table: str, row: dict[str, Any], ignore: bool = False) -> int:
    """Insert one row, returning its rowid. The loader's hot path: sqlite-utils' insert()
    inspects the table's schema on every call, which cost more than the insert itself."""
    columns = ", ".join(f"[{column}]" for column in row)
    verb = "insert or ignore" if ignore else "insert"
    sql = f"{verb} into [{table}] ({columns}) values ({', '.join('?' * len(row))})"
    rowid = conn.execute(sql, list(row.values())).lastrowid
    assert rowid is not None  # an INSERT's cursor always has one
    return rowid


def insert_capture(
    conn: sqlite3.Connection,
    capture: Capture,
    site: str,
    crawl_id: int | None,
    article_id: int | None,
    identical: tuple[str, dict[str, Any] | None] | None = None,
) -> None:
    """Keep the raw page; bytes identical to the URL's last capture (``same``) are not stored
    twice: the row is a revisit of the capture that holds them (as a WARC revisit record).
    ``identical``: what identical_capture said of it, when asked already."""
    digest, same = identical or identical_capture(conn, capture)
    revisit_of = (same["revisit_of"] or same["id"]) if same else None
    insert_row(
        conn,
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


def identical_capture(conn: sqlite3.Connection, capture: Capture) -> tuple[str, dict[str, Any] | None]:
    """The capture's SHA-256, and its URL's last capture when that one has the same bytes."""
    digest = hashlib.sha256(capture.body).hexdigest()
    row = conn.execute(
        "select id, article_id, sha256, revisit_of from pages where url = ? order by id desc limit 1",
        [capture.url],
    ).fetchone()
    if row is None or row[2] != digest:
        return digest, None
    return digest, dict(zip(("id", "article_id", "sha256", "revisit_of"), row, strict=True))


def latest_captures(db: Database, sites: Iterable[str] = ()) -> Iterator[StoredCapture]:
    """Each article's newest successful capture (of ``sites``, or all), then the newest
    capture of each URL whose extraction was refused (and that no later capture made an
    article of), one at a time."""
    sites = list(sites)
    of_sites = f"and site in ({', '.join('?' * len(sites))})" if sites else ""
    pages = db.execute(
        f"""
        select (select max(p.id) from pages p where p.article_id = a.id and p.status = 200), a.id
        from articles a where 1 {of_sites} order by a.id
        """,
        sites,
    ).fetchall()
    pages += db.execute(
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
        site, url, headers, body, hints = db.execute(
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
