"""The archive's Atom feeds: any query with ``atom_id``, ``atom_title`` and ``atom_updated``
columns as ``.atom`` (the canned ``newest``: /DB/newest.atom, every organization's newest).

datasette-atom's convention, and its ``<published>`` too: ``atom_published`` is the article's
own date. Atom wants an instant; a date without a time (many sites give only the day) is not
made one (no invented midnight): that entry has no ``<published>``, its day is in its content.
"""

from __future__ import annotations

import datetime
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response
from datasette.views.base import DatasetteError
from dateutil.parser import isoparse
from feedgen.feed import FeedGenerator

REQUIRED = ("atom_id", "atom_title", "atom_updated")


def instant(value: str | None) -> datetime.datetime | None:
    """An ISO 8601 date-time with its offset, parsed; None for a bare date, or no value."""
    if not value or "T" not in value:
        return None
    try:
        moment = isoparse(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def atom(title: str, url: str, rows: list[dict[str, Any]]) -> str:
    """The Atom feed of ``rows`` (with datasette-atom's columns, and ``atom_published``)."""
    feed = FeedGenerator()
    feed.id(url)
    feed.title(title)
    feed.link(href=url, rel="self")
    updated = [moment for row in rows if (moment := instant(row["atom_updated"]))]
    feed.updated(max(updated) if updated else datetime.datetime.now(datetime.UTC))
    for row in reversed(rows):  # feedgen puts each entry first
        entry = feed.add_entry()
        entry.id(str(row["atom_id"]))
        entry.title(str(row["atom_title"] or ""))
        entry.updated(instant(row["atom_updated"]) or feed.updated())
        if published := instant(row.get("atom_published")):
            entry.published(published)
        if row.get("atom_link"):
            entry.link(href=row["atom_link"])
        if row.get("atom_author_name"):
            entry.author({"name": row["atom_author_name"]})
        if row.get("atom_content"):
            entry.content(row["atom_content"], type="text")
    return feed.atom_str(pretty=True).decode()


def render_atom(
    datasette: Any, request: Any, columns: list[str], rows: list[Any], database: str, query_name: str | None
) -> Response:
    if not set(REQUIRED) <= set(columns):
        raise DatasetteError(f"an Atom feed needs the columns {', '.join(REQUIRED)}", status=400)
    title = request.path
    if query_name:
        title = (
            (datasette.metadata(database=database) or {})
            .get("queries", {})
            .get(query_name, {})
            .get("title", title)
        )
    body = atom(title, request.url, [dict(zip(columns, row, strict=True)) for row in rows])
    return Response(body, content_type="application/xml; charset=utf-8", status=200)


@hookimpl(trylast=True)  # registered last, so that it, not an installed datasette-atom, serves .atom
def register_output_renderer() -> dict[str, Any]:
    return {
        "extension": "atom",
        "render": render_atom,
        "can_render": lambda columns: set(REQUIRED) <= set(columns),
    }
