"""HTML -> article record: trafilatura for the body, the page's structured metadata for the facts.

A pure function of its inputs (no network, no database), used by the crawl pipeline and by
``newsarchive reextract`` over stored captures.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

import lxml.html
import py3langid
import trafilatura
from lxml import etree
from trafilatura.xml import xmltotxt
from w3lib.encoding import html_to_unicode

from crawler.dates import Dated, first_date, parse_date
from crawler.metadata import choose_title, clean_authors, language_code, page_facts
from crawler.selectors import select_elements, select_text
from storage.records import Article, pack
from storage.urls import host_of

# Pages whose body is shorter than this are listings, stubs or errors, not articles.
MIN_TEXT_CHARS = 150

# A line this short that parses as a date on its own is the theme's byline, not text.
MAX_DATE_LINE = 60

# Below this many characters a language guess is noise; the page's declaration is needed.
MIN_DETECTION_CHARS = 200

# Chrome that themes put inside the article container, which trafilatura may keep. Never the
# page's own containers: a body class such as "related-posts-enabled" must not prune the page.
# One expression, so that each of trafilatura's pruning passes walks the tree once.
CHROME_CLASSES = (
    "contains(concat(' ', normalize-space(@class), ' '), ' screen-reader-text ')",
    "contains(@class, 'skip-link')",
    "contains(@class, 'share') or contains(@class, 'social')",
    "contains(@class, 'breadcrumb')",
    "contains(@class, 'related')",
    "contains(@class, 'comments-link') or contains(@class, 'comment-count')",
    "contains(@class, 'post-navigation') or contains(@class, 'nav-links')",
    "contains(@class, 'entry-meta') or contains(@class, 'post-meta')",
)
CHROME_XPATH = (
    "//*[@class][not(self::html or self::body or self::main or self::article)]"
    f"[{' or '.join(CHROME_CLASSES)}]"
)

# Paragraphs that are chrome whatever markup carried them: counters, and the labels themes print.
CHROME_LINE = re.compile(
    r"^\W*(\d+|skip to (main )?content|share( this)?( article)?:?|read more|"
    r"aller au contenu|partager\s?:?|lire la suite|"
    r"انتقل إلى المحتوى|شارك هذا:?|اقرأ المزيد)\W*$",
    re.IGNORECASE,
)
# trafilatura's output elements that hold one paragraph of text each.
TEXT_BLOCKS = ("p", "head", "item")

XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Control characters a page may carry (XML 1.0 forbids them): libxml2 takes a NUL for the
# end of the document, so a page with one would lose everything after it.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def extract(
    html: str,
    url: str,
    site: str,
    hints: Mapping[str, Any] | None = None,
    selectors: Mapping[str, str] | None = None,
) -> Article | None:
    """Extract the article of a page, or None when the page holds no article.

    ``hints`` carry what discovery learned about the URL (``published`` with its
    ``published_source``, ``modified``, ``title``, ``authors``, ``language`` from a feed, a
    sitemap or the WordPress API); they fill in where the page itself is silent. ``selectors``
    are the site's overrides (``title``, ``body``, ``published``: CSS or XPath), used first.
    """
    hints, selectors = hints or {}, selectors or {}
    try:
        # The text is decoded already: an XHTML page's encoding declaration would only make
        # lxml refuse it.
        tree = lxml.html.fromstring(CONTROL_CHARACTERS.sub("", XML_DECLARATION.sub("", html, count=1)))
    except (etree.ParserError, ValueError):
        return None
    facts = page_facts(tree)
    override = {name: select_text(tree, selector) for name, selector in selectors.items() if name != "body"}
    _drop_navigation(tree)
    document = trafilatura.bare_extraction(
        _body_only(tree, selectors["body"]) if "body" in selectors else tree,
        url=url,
        with_metadata=True,
        include_comments=False,  # comment threads are not the article (and hurt real pages)
        favor_precision=True,  # measured (bench/extraction.py): precision gains more than recall loses
        include_tables=True,
        include_formatting=True,  # kept for the Markdown form; the plain text drops it
        prune_xpath=[CHROME_XPATH],
    )
    if document is None or document.body is None:
        return None
    publishers = facts.publishers | ({document.sitename} if document.sitename else set())
    titles = {**facts.titles, "discovery": hints.get("title"), "trafilatura": document.title}
    title = override.get("title") or choose_title(
        {source: title for source, title in titles.items() if title}, publishers
    )
    body = _without_chrome(document.body, title)
    text = xmltotxt(body, include_formatting=False).strip()
    if len(text) < MIN_TEXT_CHARS:
        return None

    language = facts.language or language_code(hints.get("language")) or _detect_language(text)
    # 06/05/2022 is May in French and Arabic, June in American English: not guessed there.
    dayfirst = None if language in (None, "en") else True
    stated = [  # the date as markup, a site's selector or discovery states it
        ("selector", override.get("published")),
        *facts.published,
        (hints.get("published_source", "discovery"), hints.get("published")),
    ]
    published = first_date([*stated, ("byline", facts.byline_date)], dayfirst=dayfirst)
    refused = next(((source, raw) for source, raw in stated if raw), None) if published is None else None
    if published is None and refused is None:
        # htmldate's guess (URL, text, the original date preferred), only where nothing states
        # a date: where something states one we refused (30 February, 06/05/2022 in English),
        # htmldate would read the same string by another rule, or complete "2024-02" with a day.
        published = first_date([("trafilatura", document.date)], dayfirst=dayfirst)
    if published is None and refused is not None:  # a date we cannot read, kept as written
        published = Dated(None, " ".join(refused[1].split()), refused[0])
    modified = first_date([*facts.modified, ("discovery", hints.get("modified"))], dayfirst=dayfirst)
    canonical = facts.canonical or document.url
    if canonical and host_of(canonical) != host_of(url):
        canonical = None  # a page may not claim another site's URL as its own
    bylines = facts.authors or _split_authors(document.author) or _split_authors(hints.get("authors"))
    return Article(
        site=site,
        url=url,
        canonical_url=canonical,
        title=title,
        description=document.description or None,
        authors=clean_authors(bylines, publishers),
        published=published.value if published else None,
        published_raw=published.raw if published else None,
        published_source=published.source if published else None,
        modified=modified.value if modified else None,
        language=language,
        text=text,
        markdown=xmltotxt(body, include_formatting=True).strip(),
        categories=list(document.categories or []),
        tags=list(document.tags or []),
        image=document.image or None,
        translations={lang: lxml.html.urljoin(url, href) for lang, href in facts.translations.items()},
    )


def extract_page(
    html: str,
    body: bytes,
    url: str,
    site: str,
    hints: Mapping[str, Any] | None = None,
    selectors: Mapping[str, str] | None = None,
) -> tuple[Article | None, bytes]:
    """An extraction worker's task: the page's article (see extract), and its raw bytes packed
    for the archive; both CPU work that the archive's one writer is spared."""
    return extract(html, url, site, hints, selectors), pack(body)


def page_text(body: bytes, content_type: str | None) -> str:
    """Raw bytes as served -> text, the way Scrapy decodes them (HTTP charset, BOM, <meta>)."""
    return html_to_unicode(content_type, body)[1]


def _body_only(tree: lxml.html.HtmlElement, selector: str) -> lxml.html.HtmlElement:
    """A copy of the page whose <body> holds only what the site's body selector matches;
    the <head> (and its metadata) stays."""
    elements = select_elements(tree, selector)
    if not elements:
        return tree  # the override no longer matches (a redesign): the generic path is better than nothing
    page = copy.deepcopy(tree)
    for old in page.xpath("//body"):
        old.getparent().remove(old)
    article = etree.SubElement(etree.SubElement(page, "body"), "article")
    article.extend(copy.deepcopy(element) for element in elements)
    return page


def _drop_navigation(tree: lxml.html.HtmlElement) -> None:
    """Remove the page's navigation blocks (``<nav>``: menus, mega menus, footer menus), which
    hold no article. trafilatura drops them too, but only after its metadata search and its
    fallback extractors have walked them: a theme's mega menu of a few hundred links made a
    page cost 2.5 times as much (bench/crawl.py), and a footer menu of sections could pass for
    the article's categories. A <nav> wrapped around the article itself (a broken theme)
    stays."""
    for nav in tree.xpath("//nav[not(.//article or .//main or .//h1)]"):
        nav.drop_tree()


def _without_chrome(body: etree._Element, title: str | None) -> etree._Element:
    """trafilatura's body without chrome paragraphs, nor the headline repeated on top."""
    seen_text = False
    for block in list(body.iter(*TEXT_BLOCKS)):
        text = " ".join("".join(block.itertext()).split())
        if not text:
            continue
        if _is_chrome_line(text) or (not seen_text and title and text.casefold() == title.casefold()):
            _remove(block)
            continue
        seen_text = True
    return body


def _remove(element: etree._Element) -> None:
    """Remove an element, keeping the text that follows it (its tail)."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail and element.tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _is_chrome_line(line: str) -> bool:
    """A counter, a theme label, or a line that is nothing but a date (the post's byline)."""
    if CHROME_LINE.match(line):
        return True
    return (
        len(line) <= MAX_DATE_LINE
        and any(c.isdigit() for c in line)  # no date without a digit: spare dateutil the prose
        and parse_date(line.lstrip("-•*· "), dayfirst=True) is not None  # either reading is a date
    )


def _split_authors(author: str | None) -> list[str]:
    return [a.strip() for a in (author or "").split(";") if a.strip()]


def _detect_language(text: str) -> str | None:
    if len(text) < MIN_DETECTION_CHARS:
        return None
    return py3langid.classify(text[:2000])[0]
