"""HTML -> article record: trafilatura for the body, the page's structured metadata for the facts.

A pure function of its inputs (no network, no database), used by the crawl pipeline and by
anything that re-extracts stored captures.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import lxml.html
import trafilatura
from lxml import etree

from crawler.dates import first_date, parse_date
from storage.records import Article
from storage.urls import host_of

# Pages whose body is shorter than this are listings, stubs or errors, not articles.
MIN_TEXT_CHARS = 150

# A line this short that parses as a date on its own is the theme's byline, not text.
MAX_DATE_LINE = 60

# Chrome that themes put inside the article container, which trafilatura may keep. Never the
# page's own containers: a body class such as "related-posts-enabled" must not prune the page.
_ANY_BLOCK = "//*[not(self::html or self::body or self::main or self::article)]"
CHROME_XPATH = [
    f"{_ANY_BLOCK}[{condition}]"
    for condition in (
        "contains(concat(' ', normalize-space(@class), ' '), ' screen-reader-text ')",
        "contains(@class, 'skip-link')",
        "contains(@class, 'share') or contains(@class, 'social')",
        "contains(@class, 'breadcrumb')",
        "contains(@class, 'related')",
        "contains(@class, 'comments-link') or contains(@class, 'comment-count')",
        "contains(@class, 'post-navigation') or contains(@class, 'nav-links')",
        "contains(@class, 'entry-meta') or contains(@class, 'post-meta')",
    )
]

# Lines that are chrome whatever markup carried them: counters, and the labels themes print.
CHROME_LINE = re.compile(
    r"^\W*(\d+|skip to (main )?content|share( this)?( article)?:?|read more|"
    r"aller au contenu|partager\s?:?|lire la suite|"
    r"انتقل إلى المحتوى|شارك هذا:?|اقرأ المزيد)\W*$",
    re.IGNORECASE,
)

JSON_LD_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "blogposting",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "pressrelease",
    "report",
    "webpage",
}
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " » ", " · ")


def extract(html: str, url: str, site: str, hints: Mapping[str, Any] | None = None) -> Article | None:
    """Extract the article of a page, or None when the page holds no article.

    ``hints`` carry what discovery learned about the URL (``published``, ``modified``,
    ``title`` from a feed or a sitemap); they fill in where the page itself is silent.
    """
    hints = hints or {}
    try:
        # The text is decoded already: an XHTML page's encoding declaration would only make
        # lxml refuse it.
        tree = lxml.html.fromstring(XML_DECLARATION.sub("", html, count=1))
    except (etree.ParserError, ValueError):
        return None
    page = _page_metadata(tree)
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,  # comment threads are not the article (and hurt real pages)
        include_tables=True,
        prune_xpath=CHROME_XPATH,
    )
    if document is None or not document.text:
        return None
    site_name = page.get("site_name") or document.sitename
    title = page.get("headline") or document.title or hints.get("title")
    title = _strip_site_name(title, site_name) if title else None
    text = _clean_text(document.text, title)
    if len(text) < MIN_TEXT_CHARS:
        return None

    canonical = page.get("canonical") or document.url
    if canonical and host_of(canonical) != host_of(url):
        canonical = None  # a page may not claim another site's URL as its own
    return Article(
        site=site,
        url=url,
        canonical_url=canonical,
        title=title,
        description=document.description or None,
        authors=page.get("authors")
        or _split_authors(document.author)
        or _split_authors(hints.get("authors")),
        published=first_date(
            [
                page.get("json_ld_published"),
                page.get("meta_published"),
                page.get("time_published"),
                hints.get("published"),
                document.date,
            ]
        ),
        modified=first_date([page.get("json_ld_modified"), page.get("meta_modified"), hints.get("modified")]),
        language=page.get("language"),
        text=text,
        categories=list(document.categories or []),
        tags=list(document.tags or []),
        image=document.image or None,
    )


def _page_metadata(tree: lxml.html.HtmlElement) -> dict[str, Any]:
    """Facts the page states in its markup, before trafilatura prunes the tree."""
    found: dict[str, Any] = {}

    def meta(*names: str) -> str | None:
        for name in names:
            for element in tree.xpath(f"//meta[@property='{name}' or @name='{name}']"):
                if content := (element.get("content") or "").strip():
                    return content
        return None

    for item in _json_ld_articles(tree):
        found.setdefault("headline", _text(item.get("headline")))
        found.setdefault("json_ld_published", _text(item.get("datePublished")))
        found.setdefault("json_ld_modified", _text(item.get("dateModified")))
        found.setdefault("authors", _json_ld_names(item.get("author")))
    found["meta_published"] = meta("article:published_time", "og:article:published_time", "datePublished")
    found["meta_modified"] = meta("article:modified_time", "og:updated_time", "dateModified")
    found["site_name"] = meta("og:site_name")
    times = tree.xpath(
        "//article//time[@datetime] | //*[contains(@class, 'published')][@datetime] | //time[@datetime]"
    )
    if times:
        found["time_published"] = times[0].get("datetime")
    if canonical := tree.xpath("//link[@rel='canonical']/@href"):
        found["canonical"] = canonical[0].strip()
    language = tree.get("lang") or meta("og:locale") or ""
    if language:
        found["language"] = re.split(r"[-_]", language.strip())[0].lower() or None
    return {k: v for k, v in found.items() if v}


def _json_ld_articles(tree: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if not isinstance(item, dict):
                continue
            stack.extend(item.get("@graph", []) if isinstance(item.get("@graph"), list) else [])
            types = item.get("@type", [])
            types = [types] if isinstance(types, str) else types
            if any(str(t).lower() in JSON_LD_ARTICLE_TYPES for t in types):
                yield item


def _json_ld_names(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    names = [_text(v.get("name") if isinstance(v, dict) else v) for v in values]
    return [n for n in names if n]


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _split_authors(author: str | None) -> list[str]:
    return [a.strip() for a in (author or "").split(";") if a.strip()]


def _clean_text(text: str, title: str | None) -> str:
    """One paragraph per line, without chrome lines nor the headline repeated on top."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line and not _is_chrome_line(line)]
    if lines and title and lines[0].casefold() == title.casefold():
        lines = lines[1:]
    return "\n".join(lines)


def _is_chrome_line(line: str) -> bool:
    """A counter, a theme label, or a line that is nothing but a date (the post's byline)."""
    if CHROME_LINE.match(line):
        return True
    return len(line) <= MAX_DATE_LINE and parse_date(line.lstrip("-•*· ")) is not None


def _strip_site_name(title: str, site_name: str | None) -> str:
    """'Headline | Site' -> 'Headline', when the glued part is the site's name."""
    title = " ".join(title.split())
    if not site_name:
        return title
    for separator in TITLE_SEPARATORS:
        head, _, tail = title.rpartition(separator)
        if head and tail.strip().casefold() == site_name.strip().casefold():
            return head.strip()
    return title
