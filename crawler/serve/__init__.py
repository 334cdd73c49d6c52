"""Datasette over the archive: the project's Datasette plugin, and the command line that starts it.

The plugin (registered by the ``datasette`` entry point in pyproject.toml, so that plain
``datasette archive.db`` gets it too, as ``newsarchive serve`` does) gives every database its
metadata (titles, facets, search, canned queries, the dashboard), the reading view of
articles (reading.py, templates/) and the SQL function
``search_query(text)``, which turns what a person types into a valid query of the analyzed index
(behind the canned search and the articles' ``?_search=``, table_search.py).
"""

from __future__ import annotations

import functools
import sqlite3
import sys
from typing import Any

from datasette import hookimpl

from crawler.serve.feed import register_output_renderer
from crawler.serve.reading import extra_template_vars, prepare_jinja2_environment, render_cell
from crawler.serve.table_search import filters_from_request
from storage.search import search_query, snippet

# The hooks of the reading view (reading.py) and of the Atom feeds (feed.py), registered with this module's.
__all__ = [
    "extra_template_vars",
    "filters_from_request",
    "get_metadata",
    "prepare_connection",
    "prepare_jinja2_environment",
    "register_output_renderer",
    "render_cell",
]

# Datasette stops a query after this long: a slow ad-hoc query must not hold a read
# transaction (and pin the WAL) while a crawl writes.
SQL_TIME_LIMIT_MS = 3000
# Address space, not memory: SQLite maps up to this much of the file (and no more than it has).
MMAP_BYTES = 16 * 1024**3


# Canned queries: what people ask an archive of news most.
QUERIES = {
    "latest_per_site": {
        "title": "Latest articles per site",
        # each site's ten from the (site, published) index, not a window over every article
        "sql": """
            select a.site, a.published, a.title, a.url
            from (select distinct site from articles) s
            join articles a on a.id in (
              select id from articles where site = s.site and duplicate_of is null
              order by published desc limit 10)
            order by a.site, a.published desc""",
    },
    "articles_per_month": {
        "title": "Articles per month, per site",
        "sql": """
            select substr(published, 1, 7) as month, site, count(*) as articles
            from articles where substr(published, 1, 7) is not null
            group by substr(published, 1, 7), site order by month desc, site""",
    },
    "search": {
        "title": "Search, with the passages that match",
        "sql": """
            select articles.id, articles.site, articles.published, articles.language, articles.title,
                   articles.url, search_snippet(articles.text, :q, articles.language) as snippet
            from articles_search join articles on articles.id = articles_search.rowid
            where articles_search match search_query(:q) order by articles_search.rank limit 100""",
    },
    "duplicates": {
        "title": "Near-duplicates and their originals",
        # "> 0" and "+d.id": driven by the index on duplicate_of, not a scan of every article
        "sql": """
            select d.id, d.site, d.published, d.title, d.url,
                   o.id as original_id, o.site as original_site, o.title as original_title, o.url as original_url
            from articles d join articles o on o.id = d.duplicate_of
            where d.duplicate_of > 0 order by +d.id desc limit 1000""",
    },
    "article_history": {
        "title": "Every version of an article",
        "sql": """
            select version, title, first_seen as seen_from, replaced_at as seen_until, text
            from article_versions where article_id = :id
            union all
            select version, title,
                   coalesce((select max(replaced_at) from article_versions where article_id = :id), first_seen),
                   null, text
            from articles where id = :id
            order by version""",
    },
    "failures": {
        "title": "What the last run of each site could not store, and why",
        "sql": """
            select c.site, o.outcome, o.status, o.reason, o.url, o.at
            from outcomes o join crawls c on c.id = o.crawl_id
            where o.crawl_id in (select max(id) from crawls group by site)
              and o.outcome not in ('new', 'updated', 'unchanged', 'alias', 'duplicate', 'gone')
            order by c.site, o.outcome, o.url""",
    },
    # Served as /DB/newest.atom (feed.py): one feed for every organization. updated: when the
    # archive stored the current text; published: the article's date, where it has a time.
    "newest": {
        "title": "Newest archived articles, all sites",
        "sql": """
            select 'tag:newsarchive,' || site || ':' || id as atom_id, title as atom_title,
                   coalesce((select max(replaced_at) from article_versions where article_id = articles.id),
                            first_seen) as atom_updated,
                   published as atom_published, url as atom_link,
                   (select group_concat(value, ', ') from json_each(authors)) as atom_author_name,
                   site || ', ' || coalesce(published, '') || ': ' || substr(text, 1, 600) as atom_content
            from articles order by first_seen desc, id desc limit 50""",
    },
}


def dashboard(database: str) -> dict[str, Any]:
    """datasette-dashboards: the archive at a glance (vega-lite charts over SQL)."""

    def chart(title: str, sql: str, display: dict[str, Any]) -> dict[str, Any]:
        return {"title": title, "db": database, "query": sql, "library": "vega-lite", "display": display}

    def bars(x: str, y: str, color: str, time_unit: str = "yearmonth") -> dict[str, Any]:
        return {
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {
                "x": {"field": x, "type": "temporal", "timeUnit": time_unit},
                "y": {"field": y, "type": "quantitative", "aggregate": "sum"},
                "color": {"field": color, "type": "nominal"},
            },
        }

    return {
        "title": "The archive",
        "description": "Articles per month, per site and per language; the health of every crawl run.",
        "layout": [["per-site", "per-site"], ["per-language", "crawl-health"]],
        "charts": {
            "per-site": chart(
                "Articles per month, per site",
                "select substr(published, 1, 7) as month, site, count(*) as articles from articles"
                " where substr(published, 1, 7) is not null group by substr(published, 1, 7), site order by month",
                bars("month", "articles", "site"),
            ),
            "per-language": chart(
                "Articles per month, per language",
                "select substr(published, 1, 7) as month, coalesce(language, '?') as language,"
                " count(*) as articles from articles where substr(published, 1, 7) is not null"
                " group by substr(published, 1, 7), language order by month",
                bars("month", "articles", "language"),
            ),
            "crawl-health": chart(
                "Crawl runs: requests, new articles, errors",
                "select started, site, requests, new, errors from crawls where finished is not null order by started",
                {
                    "mark": {"type": "line", "point": True, "tooltip": True},
                    "transform": [{"fold": ["requests", "new", "errors"], "as": ["measure", "count"]}],
                    "encoding": {
                        "x": {"field": "started", "type": "temporal"},
                        "y": {"field": "count", "type": "quantitative"},
                        "color": {"field": "measure", "type": "nominal"},
                        "detail": {"field": "site", "type": "nominal"},
                    },
                },
            ),
        },
    }


# The metadata of one archive database.
ARCHIVE_METADATA: dict[str, Any] = {
    "queries": QUERIES,
    "tables": {
        "articles": {
            "description": "One row per article: the canonical URL, its clean text and metadata.",
            "sort_desc": "published",
            "label_column": "title",
            # not categories: a facet over a JSON array reads every row (and its body)
            "facets": ["site", "language", "year"],
            # searched by ?_search= through table_search.py, not Datasette's fts_table
            "columns": {
                "url": "Canonical URL of the article",
                "published": "Publication date (ISO 8601: a date, or a date-time with its offset)",
                "published_raw": "The date as the source wrote it, before normalization",
                "published_source": "Where the date was read: json-ld, meta, time, selector, wp-api, feed, news-sitemap, byline, trafilatura",
                "modified": "Last modification date, when the page gives one",
                "authors": "People credited (JSON list); a newsroom or agency when no person is",
                "language": "Declared by the page (or its WordPress API entry), else detected from the text",
                "text": "The article body as plain text, one paragraph per line",
                "markdown": "The same body with its headings, lists and emphasis (Markdown)",
                "content_hash": "SHA-256 of the normalized text; equal texts are one article",
                "version": "1, plus one for every change of the text (see article_versions)",
                "gone_at": "When the site first answered 404/410 for the article (the row is kept)",
                "duplicate_of": "The earliest near-identical article, on this site or another (see the duplicates query)",
                "year": "The year of publication (from published)",
            },
        },
        "article_urls": {"description": "Every URL that led to an article: canonical, fetched, or an alias."},
        "article_versions": {"description": "Earlier texts of articles that changed."},
        "article_translations": {
            "description": "The other-language versions each article links to (hreflang)."
        },
        "search_analyzer": {"description": "Which analysis built articles_search.", "hidden": True},
        "near_keys": {
            "description": "Band keys of each article's MinHash sketch, by which near-duplicates are found.",
            "hidden": True,
        },
        "near_sketches": {
            "description": "Each article's MinHash sketch, by which near-duplicates are told apart quickly.",
            "hidden": True,
        },
        "translations": {
            "description": "article_translations with translation_id: the linked article, once archived."
        },
        "pages": {
            "description": "Raw captures: zlib-compressed HTML as served, with status, headers and what discovery knew (hints); `newsarchive reextract` reads them again."
        },
        "crawls": {
            "description": "One row per crawl run, with its counts; routes: per discovery route, requests made and article URLs found; worker: in a distributed crawl, the worker whose run it is (host:process/site/start).",
            "sort_desc": "id",
            "facets": ["site", "status"],
        },
        "non_articles": {
            "description": "URLs fetched for an article's that held none (not_article, not_html), with their validators: asked again only when their source says they changed.",
            "facets": ["site", "outcome"],
        },
        "outcomes": {
            "description": "What became of each URL a run fetched or failed to fetch: stored (new, updated, unchanged, alias, duplicate, gone) or why not (not_article, too_large, timeout, http_error, robots, extract_timeout, ...), with the HTTP status and the error's message.",
            "sort_desc": "id",
            "facets": ["outcome", "crawl_id"],
        },
    },
}


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    # Reads through memory-mapped pages: a search's count looks up tens of thousands of rows,
    # six times faster than through read() calls at a million articles (bench/archive_scale.py).
    conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    conn.create_function("search_query", 1, search_query, deterministic=True)
    conn.create_function("search_snippet", 3, snippet, deterministic=True)


@hookimpl
def get_metadata(datasette: Any) -> dict[str, Any]:
    names = tuple(
        name for name, db in datasette.databases.items() if not db.is_memory and name != "_internal"
    )
    # Not copied, though Datasette merges a --metadata file into what it gets (many
    # lookups a page): the merge only sets that file's values, the same each time.
    return metadata(names)


@functools.cache
def metadata(databases: tuple[str, ...]) -> dict[str, Any]:
    """Titles, descriptions, facets, sort order, search, canned queries and plugins' settings,
    for each of the ``databases`` (by Datasette's name: the file's, without .db); the dashboard
    charts the first."""
    return {
        "title": "newsarchive",
        "description": "News articles archived from organizations' websites by newsarchive.",
        "source": "The organizations' own websites, crawled by newsarchive",
        "license": "Each article remains its publisher's; this archive keeps copies for research",
        "plugins": {
            "datasette-dashboards": {"archive": dashboard(databases[0])} if databases else {},
        },
        "databases": {database: ARCHIVE_METADATA for database in databases},
    }


def datasette_command(db_path: str, host: str, port: int) -> list[str]:
    """The command that serves ``db_path`` with Datasette (and this plugin)."""
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        db_path,
        "--host",
        host,
        "--port",
        str(port),
        "--setting",
        "sql_time_limit_ms",
        str(SQL_TIME_LIMIT_MS),
        # Suggesting facets tries a query per column at every table page: at a million
        # articles, a second of queries that time out, for suggestions nobody asked for.
        "--setting",
        "suggest_facets",
        "off",
    ]
