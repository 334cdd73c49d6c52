"""The archive read as articles: the reading view of an article and the cells of every page.

Datasette's row page of ``articles`` becomes the article (templates/row.html): headline, site,
date, authors, language, the body in paragraphs from its Markdown, right-to-left where the
language is written so, the URL decoded, and links to its translations, earlier versions,
near-duplicates and captures. The articles table lists title, site, date, language and an
excerpt (templates/_table.html). Everywhere else, ``render_cell`` shows URLs decoded, JSON lists
as lists, search passages with their matches marked, and Arabic cells right-to-left.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from typing import Any

from datasette import hookimpl
from datasette_render_markdown import render_markdown
from markupsafe import Markup, escape

RIGHT_TO_LEFT = ("ar", "fa", "he", "ur", "ps", "yi")
EXCERPT_CHARS = 280
_URL_COLUMNS = {"url", "original_url", "atom_link"}
_LIST_COLUMNS = {"authors", "categories", "tags"}
_MATCH = re.compile(r"\[([^\[\]]+)\]")


def direction(language: str | None) -> str:
    """The HTML ``dir`` of a text in ``language``: ``rtl``, ``ltr``, or ``auto`` when unknown."""
    if not language:
        return "auto"
    return "rtl" if language[:2].lower() in RIGHT_TO_LEFT else "ltr"


def readable_url(url: str) -> str:
    """A URL as people read it: percent-escapes decoded (Arabic paths in Arabic)."""
    return urllib.parse.unquote(url, errors="replace")


def excerpt(text: str | None, chars: int = EXCERPT_CHARS) -> str:
    """The start of ``text``, cut at a word, on one line."""
    flat = " ".join((text or "").split())
    if len(flat) <= chars:
        return flat
    return flat[:chars].rsplit(" ", 1)[0] + " …"


def body(markdown: str | None, text: str) -> Markup:
    """The article's body as HTML: its Markdown rendered (and cleaned of any markup it should
    not carry), or, for an article stored without one, its text a paragraph a line."""
    if markdown:
        return render_markdown(markdown)
    return Markup("").join(Markup("<p>{}</p>\n").format(line) for line in text.splitlines() if line.strip())


def json_list(value: str | None) -> list[str]:
    try:
        items = json.loads(value or "[]")
    except ValueError:
        return []
    return [str(item) for item in items] if isinstance(items, list) else []


@hookimpl
def render_cell(value: Any, column: str, table: str | None) -> Markup | None:
    if not isinstance(value, str) or not value:
        return None
    if column in _URL_COLUMNS and value.startswith(("http://", "https://")):
        return Markup('<a href="{}" dir="ltr">{}</a>').format(value, readable_url(value))
    if column in _LIST_COLUMNS and value.startswith("["):
        return Markup('<span dir="auto">{}</span>').format(", ".join(json_list(value)))
    if column == "snippet":  # the search passage: its matches in [brackets] (storage/search.py)
        marked = _MATCH.sub(lambda m: str(Markup("<mark>{}</mark>").format(m.group(1))), str(escape(value)))
        return Markup('<span dir="auto">{}</span>').format(Markup(marked))
    if table == "articles" and column in ("text", "markdown"):
        return Markup('<span dir="auto">{}</span>').format(excerpt(value))
    if column in ("title", "text", "description"):
        return Markup('<span dir="auto">{}</span>').format(value)
    return None


@hookimpl
def extra_template_vars(
    view_name: str, table: str | None, database: str | None, request: Any, datasette: Any
) -> Any:
    if view_name != "row" or table != "articles" or request is None:
        return None

    async def article() -> dict[str, Any]:
        db = datasette.get_database(database)
        article_id = request.url_vars["pks"]
        return {"article": await reading(db, article_id)}

    return article


async def reading(db: Any, article_id: str) -> dict[str, Any] | None:
    """What the reading view shows of one article."""
    rows = (await db.execute("select * from articles where id = ?", [article_id])).rows
    if not rows:
        return None
    row = dict(rows[0])

    async def query(sql: str) -> list[dict[str, Any]]:
        return [dict(r) for r in (await db.execute(sql, [row["id"]])).rows]

    return {
        **row,
        "dir": direction(row["language"]),
        "readable_url": readable_url(row["url"]),
        "authors": json_list(row["authors"]),
        "categories": json_list(row["categories"]) + json_list(row["tags"]),
        "body": body(row["markdown"], row["text"]),
        "translations": await query(
            "select t.language, t.url, t.translation_id, a.title from translations t"
            " left join articles a on a.id = t.translation_id where t.article_id = ? order by t.language"
        ),
        "versions": await query(
            "select version, title, first_seen, replaced_at from article_versions where article_id = ? order by version"
        ),
        "duplicates": await query(
            "select id, site, title from articles where duplicate_of = ?1"
            " union all select o.id, o.site, o.title from articles a join articles o on o.id = a.duplicate_of where a.id = ?1"
        ),
        "captures": await query(
            "select id, fetched_at, status, revisit_of from pages where article_id = ? order by fetched_at desc limit 20"
        ),
    }


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    env.filters["article_direction"] = direction
    env.filters["article_excerpt"] = excerpt
