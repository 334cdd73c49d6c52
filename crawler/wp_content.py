"""Articles from the WordPress REST API's posts, without fetching their pages.

A post's ``content.rendered`` is its body as the theme renders it inside the page; it goes
through the same extraction as a page (crawler/extract.py), as a page of its own that holds
the title and the body, so that its text and Markdown are made by the same rules. The API's
own fields give the rest exactly: dates with the site's offset, authors, categories and tags,
the featured image, the canonical ``link`` and the translations. Pure functions, run by the
extraction processes of a crawl and by ``newsarchive reextract`` over the API's captures.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from crawler.discovery import html_text, rendered
from crawler.extract import PageTooLarge, extract
from crawler.metadata import clean_authors
from storage.records import Article, pack


def post_page(post: Mapping[str, Any]) -> str:
    """A post as the page extraction reads: its title as the headline, its rendered content as
    the article."""
    title = rendered(post, "title")
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(html_text(title))}</title>'
        f"</head><body><article><h1>{title}</h1>{rendered(post, 'content')}</article></body></html>"
    )


def article_from_post(
    post: Mapping[str, Any], url: str, site: str, hints: Mapping[str, str]
) -> Article | None:
    """The article of a post of the API (``hints``: discovery's, from the same post), or None
    when its content holds none. Raises PageTooLarge as extract does."""
    article = extract(post_page(post), url, site, {**hints, "route": "api"})
    if article is None:
        return None
    embedded = post.get("_embedded") or {}
    terms = [
        term
        for group in embedded.get("wp:term") or []
        if isinstance(group, list)
        for term in group
        if isinstance(term, dict) and term.get("name")
    ]
    media = next((m for m in embedded.get("wp:featuredmedia") or [] if isinstance(m, dict)), {})
    authors = [a.strip() for a in hints.get("authors", "").split(";") if a.strip()]
    return dataclasses.replace(
        article,
        canonical_url=url,
        title=hints.get("title") or article.title,
        description=html_text(rendered(post, "excerpt")) or article.description,
        authors=clean_authors(authors) if authors else article.authors,
        categories=[html_text(t["name"]) for t in terms if t.get("taxonomy") == "category"],
        tags=[html_text(t["name"]) for t in terms if t.get("taxonomy") == "post_tag"],
        image=media.get("source_url") or article.image,
        translations=json.loads(hints.get("translations", "{}")),
    )


def articles_from_posts(
    body: bytes, site: str, posts: Iterable[tuple[str, Mapping[str, str]]]
) -> tuple[list[tuple[Article | None, str | None]], bytes]:
    """An extraction process's task for a page of the API: for each of ``posts`` (URL, hints
    with its ``wp_post`` id), its article or None, and why it failed (``too_large``), or None;
    and the page's bytes packed for the archive."""
    by_id = {str(post.get("id")): post for post in json.loads(body) if isinstance(post, dict)}
    results: list[tuple[Article | None, str | None]] = []
    for url, hints in posts:
        try:
            results.append((article_from_post(by_id[hints["wp_post"]], url, site, hints), None))
        except PageTooLarge:
            results.append((None, "too_large"))
    return results, pack(body)


def article_from_capture(body: bytes, site: str, hints: Mapping[str, str]) -> Article | None:
    """The article of one post of a stored page of the API (its capture's ``hints`` name the
    post), for re-extraction."""
    for post in json.loads(body):
        if isinstance(post, dict) and str(post.get("id")) == hints["wp_post"]:
            return article_from_post(post, hints.get("post_url") or post["link"], site, hints)
    return None
