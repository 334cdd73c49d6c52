"""HTML -> article record: trafilatura for the body, the page's structured metadata for the facts.

A pure function of its inputs (no network, no database), used by the crawl pipeline and by
``newsarchive reextract`` over stored captures.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import lxml.html
import py3langid
import trafilatura
from lxml import etree
from trafilatura.settings import Document
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from crawler.dates import Dated, as_published_locally, first_date, parse_date
from crawler.encoding import decode_page
from crawler.metadata import alternates, choose_title, clean_authors, language_code, page_facts
from crawler.selectors import select_elements, select_text
from storage.records import Article, pack
from storage.urls import host_of

# Pages whose body is shorter than this are listings, stubs or errors, not articles, unless
# discovery already knew the URL for an article's (DISCOVERED_ARTICLE): a short real article is
# an article.
MIN_TEXT_CHARS = 150
# A short body is replaced by plain trafilatura's when it is less than this share of it: the
# project's rules cost the page's article, not just its menus.
FALLBACK_SHARE = 0.5
# The routes whose URLs are articles' (hints["route"], set by the spider): "pattern" is a URL
# that matched the site's configured article patterns.
DISCOVERED_ARTICLE = frozenset({"sitemap", "feed", "api", "hreflang", "pattern"})

# A line this short that parses as a date on its own is the theme's byline, not text.
MAX_DATE_LINE = 60

# Below this many characters a language guess is noise; the page's declaration is needed.
MIN_DETECTION_CHARS = 200

# Paragraphs that are chrome whatever markup carried them: counters, and the labels themes print.
CHROME_LINE = re.compile(
    r"^\W*(\d+|skip to (main )?content|share( this)?( article)?:?|read more|"
    r"aller au contenu|partager\s?:?|lire la suite|"
    r"انتقل إلى المحتوى|شارك هذا:?|اقرأ المزيد)\W*$",
    re.IGNORECASE,
)
# trafilatura's output elements that hold one paragraph of text each.
TEXT_BLOCKS = ("p", "head", "item")

# trafilatura's settings, but for the size under which its baseline rescues a body (250
# characters): MIN_TEXT_CHARS, under which our own fallback takes over. The baseline glues the
# headline, the byline and the text into one paragraph; a short article is kept as its
# extractors found it (measured: no source lower, the sample newsroom's short articles right).
TRAFILATURA_CONFIG = trafilatura.settings.use_config()
TRAFILATURA_CONFIG.set("DEFAULT", "MIN_EXTRACTED_SIZE", str(MIN_TEXT_CHARS))

# The largest page whose article is extracted, in tags ("<") and in characters of text outside
# them. Past these, a page is no news article (the largest of the 1,200 real pages of
# ../shared/data has 13,400 tags and 2.2 MB of HTML) and would cost a parser a lot: 80,000 tags
# take 9 s and 250 MB, 8 MB of text 4 s and 360 MB. Such a page is too_large, unread.
MAX_TAGS = 60_000
MAX_TEXT_CHARS = 2_000_000
NOT_TEXT = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.IGNORECASE | re.DOTALL)

XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Control characters a page may carry (XML 1.0 forbids them): libxml2 takes a NUL for the
# end of the document, so a page with one would lose everything after it.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class PageTooLarge(ValueError):
    """A page past MAX_TAGS or MAX_TEXT_CHARS: recorded as too_large, not parsed."""


@dataclass(frozen=True)
class Rules:
    """The project's rules on top of trafilatura, each one switchable so that
    bench/extraction.py can measure what it gains or costs on every source (``--rules``)."""

    drop_navigation: bool = True  # <nav> blocks dropped before trafilatura walks them (speed)
    chrome_lines: bool = True  # counters, theme labels, bare date lines, the repeated headline
    fallback: bool = True  # a short or empty body: plain trafilatura's, when it finds more
    favor_precision: bool = False  # measured on the four sources: costs the largest one
    short_bodies: bool = True  # trafilatura's baseline rescues only bodies under MIN_TEXT_CHARS
    formatting: bool = True  # trafilatura keeps emphasis and the like, for the Markdown form


RULES = Rules()


def extract(
    page: str | bytes,
    url: str,
    site: str,
    hints: Mapping[str, Any] | None = None,
    selectors: Mapping[str, str] | None = None,
    content_type: str | None = None,
    rules: Rules = RULES,
) -> Article | None:
    """Extract the article of a page, or None when the page holds no article.

    ``page`` is the page's text, or its raw bytes as served with their HTTP ``content_type``.
    ``hints`` carry what discovery learned about the URL (``route``: how it was found;
    ``published`` with its ``published_source``, ``modified``, ``title``, ``authors``,
    ``language`` from a feed, a sitemap or the WordPress API); they fill in where the page
    itself is silent. ``selectors`` are the site's overrides (``title``, ``body``,
    ``published``: CSS or XPath), used first.
    """
    hints, selectors = hints or {}, selectors or {}
    html = page if isinstance(page, str) else decode_page(page, content_type)
    check_size(html)
    tree = _parse(html)
    if tree is None:
        return None
    facts = page_facts(tree)
    # the page's own (read before trafilatura prunes the tree), then its sitemap's or the API's
    translations = {**json.loads(hints.get("translations", "{}")), **alternates(tree.iter("link"), url)}
    override = {name: select_text(tree, selector) for name, selector in selectors.items() if name != "body"}
    found = _extract_body(tree, url, selectors.get("body"), rules)
    if found is None:
        return None
    document, extracted_by = found
    publishers = facts.publishers | ({document.sitename} if document.sitename else set())
    titles = {**facts.titles, "discovery": hints.get("title"), "trafilatura": document.title}
    title = override.get("title") or choose_title(
        {source: title for source, title in titles.items() if title}, publishers
    )
    body = _without_chrome(document.body, title) if rules.chrome_lines else document.body
    text = xmltotxt(body, include_formatting=False).strip()
    if not text or (len(text) < MIN_TEXT_CHARS and hints.get("route") not in DISCOVERED_ARTICLE):
        return None
    language = facts.language or language_code(hints.get("language")) or _detect_language(text)
    # 06/05/2022 is May in French and Arabic, June in American English: not guessed there.
    dayfirst = None if language in (None, "en") else True
    stated = [  # the date as markup, a site's selector or discovery states it
        ("selector", override.get("published")),
        *facts.published,
        (hints.get("published_source", "discovery"), hints.get("published")),
    ]
    shown = [*stated, ("byline", facts.byline_date)]
    published = first_date(shown, dayfirst=dayfirst)
    if published is not None:
        published = as_published_locally(published, [*shown, *facts.also_published], url, dayfirst)
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
        translations={lang: other for lang, other in translations.items() if lang != language},
        extracted_by=extracted_by,
    )


def extract_page(
    body: bytes,
    content_type: str | None,
    url: str,
    site: str,
    hints: Mapping[str, Any] | None = None,
    selectors: Mapping[str, str] | None = None,
) -> tuple[Article | None, bytes]:
    """An extraction process's task: the page's article (see extract), and its raw bytes packed
    for the archive; all of it CPU work that the reactor and the archive's one writer are spared."""
    return extract(body, url, site, hints, selectors, content_type), pack(body)


def check_size(html: str) -> None:
    """Raise PageTooLarge for a page too large to be an article (MAX_TAGS, MAX_TEXT_CHARS)."""
    if (tags := html.count("<")) > MAX_TAGS:
        raise PageTooLarge(f"{tags:,} tags, more than the {MAX_TAGS:,} an article page may have")
    if len(html) > MAX_TEXT_CHARS and (chars := len(NOT_TEXT.sub("", html))) > MAX_TEXT_CHARS:
        raise PageTooLarge(f"{chars:,} characters of text, more than {MAX_TEXT_CHARS:,}")


def _parse(html: str) -> lxml.html.HtmlElement | None:
    """The page's tree as trafilatura parses it (with its repairs of broken markup), for our
    metadata and its extraction alike."""
    try:
        return load_html(CONTROL_CHARACTERS.sub("", XML_DECLARATION.sub("", html, count=1)))
    except (etree.ParserError, ValueError):
        return None


def _extract_body(
    tree: lxml.html.HtmlElement, url: str, body_selector: str | None, rules: Rules
) -> tuple[Document, str] | None:
    """trafilatura's document of the page, and which path found its body (``extracted_by``):

    - ``selector``: the site's body selector, when it matches;
    - ``newsarchive``: trafilatura on the page without its navigation (see _without_navigation);
    - ``trafilatura``: plain trafilatura on the whole page, when the above found little (fewer
      than MIN_TEXT_CHARS, and less than FALLBACK_SHARE of plain trafilatura's): the project's
      rules must never cost an article.

    trafilatura's own sequence ends with its baseline (JSON-LD articleBody, <article>, the
    paragraphs) where its extractors find nothing.
    """
    options: dict[str, Any] = {
        "include_comments": False,  # comment threads are not the article (and hurt real pages)
        "favor_precision": rules.favor_precision,
        "config": TRAFILATURA_CONFIG if rules.short_bodies else trafilatura.settings.DEFAULT_CONFIG,
        "include_formatting": rules.formatting,
    }
    if body_selector and (elements := select_elements(tree, body_selector)):
        if (document := _trafilatura(_body_only(tree, elements), url, **options)) is not None:
            return document, "selector"
    page = _without_navigation(tree) if rules.drop_navigation else tree
    document, extracted_by = _trafilatura(page, url, **options), "newsarchive"
    if rules.fallback and _text_length(document) < MIN_TEXT_CHARS:
        plain = _trafilatura(tree, url, with_metadata=document is None)
        if plain is not None and _text_length(document) < FALLBACK_SHARE * _text_length(plain):
            if document is None:
                document = plain
            document.body, document.text, extracted_by = plain.body, plain.text, "trafilatura"
    return (document, extracted_by) if document is not None else None


def _trafilatura(
    tree: lxml.html.HtmlElement, url: str, with_metadata: bool = True, **options: Any
) -> Document | None:
    """trafilatura's document of a page (with its formatting for the Markdown form unless told
    otherwise; the plain text drops it)."""
    options.setdefault("include_formatting", True)
    document = trafilatura.bare_extraction(tree, url=url, with_metadata=with_metadata, **options)
    return document if isinstance(document, Document) else None


def _text_length(document: Document | None) -> int:
    return len(document.text or "") if document is not None else 0


def _body_only(tree: lxml.html.HtmlElement, elements: list[etree._Element]) -> lxml.html.HtmlElement:
    """A copy of the page whose <body> holds only the elements the site's body selector
    matches; the <head> (and its metadata) stays."""
    page = copy.deepcopy(tree)
    for old in page.xpath("//body"):
        old.getparent().remove(old)
    article = etree.SubElement(etree.SubElement(page, "body"), "article")
    article.extend(copy.deepcopy(element) for element in elements)
    return page


def _without_navigation(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """A copy of the page without its navigation blocks (``<nav>``: menus, mega menus, footer
    menus), which hold no article. trafilatura drops them too, but only after its metadata
    search and its fallback extractors have walked them: a theme's mega menu of a few hundred
    links made a page cost 2.5 times as much (bench/crawl.py), and a footer menu of sections
    could pass for the article's categories. A <nav> wrapped around the article itself (a
    broken theme) stays."""
    page = copy.deepcopy(tree)
    for nav in page.xpath("//nav[not(.//article or .//main or .//h1)]"):
        nav.drop_tree()
    return page


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
