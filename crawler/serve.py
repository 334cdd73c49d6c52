"""Datasette over the archive: the command line that starts it and the metadata it shows."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

# Datasette stops a query after this long: a slow ad-hoc query must not hold a read
# transaction (and pin the WAL) while a crawl writes.
SQL_TIME_LIMIT_MS = 3000


def metadata(db_path: str) -> dict[str, Any]:
    """Titles, descriptions, facets, sort order and search settings for the archive's tables."""
    return {
        "title": "newsarchive",
        "description": "News articles archived from organizations' websites by newsarchive.",
        "databases": {
            Path(db_path).stem: {
                "tables": {
                    "articles": {
                        "description": "One row per article: the canonical URL, its clean text and metadata.",
                        "sort_desc": "published",
                        "label_column": "title",
                        "facets": ["site", "language"],
                        "fts_table": "articles_fts",
                        "fts_pk": "id",
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
                        },
                    },
                    "article_urls": {
                        "description": "Every URL that led to an article: canonical, fetched, or an alias."
                    },
                    "article_versions": {"description": "Earlier texts of articles that changed."},
                    "article_translations": {
                        "description": "The other-language versions each article links to (hreflang)."
                    },
                    "translations": {
                        "description": "article_translations with translation_id: the linked article, once archived."
                    },
                    "pages": {
                        "description": "Raw captures: zlib-compressed HTML as served, with status, headers and what discovery knew (hints); `newsarchive reextract` reads them again."
                    },
                    "crawls": {
                        "description": "One row per crawl run, with its counts; routes: per discovery route, requests made and article URLs found.",
                        "sort_desc": "id",
                        "facets": ["site", "status"],
                    },
                }
            }
        },
    }


def datasette_command(db_path: str, metadata_path: str, host: str, port: int) -> list[str]:
    """The command that serves ``db_path`` with Datasette."""
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        db_path,
        "--metadata",
        metadata_path,
        "--host",
        host,
        "--port",
        str(port),
        "--setting",
        "sql_time_limit_ms",
        str(SQL_TIME_LIMIT_MS),
    ]


def write_metadata(db_path: str, destination: Path) -> Path:
    destination.write_text(json.dumps(metadata(db_path), ensure_ascii=False, indent=2), encoding="utf-8")
    return destination
