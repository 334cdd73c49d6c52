"""What a page states about its article in markup: headlines, dates, authors, language, translations.

Pure functions of an lxml tree, read before trafilatura prunes it. The choices between
sources (which headline, which author names) live here too, so they can be tested on their own.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from courlan import is_external

# JSON-LD types that describe the article itself, most specific first: a page's WebPage
# object is used only when no article object says otherwise.
JSON_LD_ARTICLE_TYPES = (
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "pressrelease",
    "article",
    "blogposting",
    "scholarlyarticle",
    "techarticle",
    "report",
    "webpage",
)

# Where a headline may be read, most reliable first (see choose_title).
TITLE_SOURCES = ("json-ld", "og", "discovery", "h1", "twitter", "trafilatura", "title")

# Older meta names for the publication moment (Dublin Core, news CMSs'), often in local time.
ALSO_PUBLISHED_META = (
    "date",
    "dc.date",
    "DC.date",
    "DC.date.issued",
    "dcterms.date",
    "pubdate",
    "publishdate",
)

# The date a theme prints in the article's byline: a <time> or an element classed as a date.
BYLINE_DATE_XPATH = "(//article | //main)//*[self::time or contains(@class, 'date')]"
MAX_BYLINE_DATE = 60

# A headline cut short: CMSs and SEO plugins truncate og:title and twitter:title at 60-70
# characters, some marking the cut with an ellipsis. (A JSON-LD headline or an <h1> that a
# longer candidate extends is the whole headline: the longer one adds to it.)
ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.)\s*$")
CUT_SHORT_SOURCES = frozenset({"og", "twitter"})
TRUNCATED_MIN_CHARS = 50

# What joins a headline to the site's name, a section or a date in <title> and og:title.
TITLE_SEPARATOR = re.compile(r"\s*[|*·»~｜：]\s*|\s+[-–—:/]\s+")

# Words that introduce a byline rather than belong to a name.
BYLINE_LABEL = re.compile(
    r"^(by|from|written by|author|autor(in)?|von|par|por|door|av|di|de|بقلم|كتب|كتبت|إعداد)\s*:?\s+",
    re.IGNORECASE,
)
# Between two names in one byline string: punctuation, or a conjunction (then only between
# parts that each look like a person's name, so that "Organization for Education and Culture"
# stays whole).
NAME_SEPARATOR = re.compile(r"\s*[,;&/]\s*")
NAME_CONJUNCTION = re.compile(r"\s+(?:and|und|et|og|och|y|e|en|i|و)\s+", re.IGNORECASE)
PERSON_NAME_WORDS = range(2, 4)
# A part of a byline longer than this is an organization, a job title or an affiliation.
MAX_NAME_WORDS = 5
DOMAIN = re.compile(r"\w\.[a-z]{2,}$", re.IGNORECASE)
_INITIALS = re.compile(r"\s*\([^)]*\)\s*")


@dataclass
class PageFacts:
    """The facts a page states in its markup, each with where it came from."""

    titles: dict[str, str] = field(default_factory=dict)  # source -> headline as written there
    published: list[tuple[str, str]] = field(default_factory=list)  # (source, raw), most reliable first
    modified: list[tuple[str, str]] = field(default_factory=list)
    byline_date: str | None = None  # the date as the article's byline shows it, for people
    # Other statements of the publication moment, less reliable: only for reading a UTC date
    # in local time (dates.as_published_locally).
    also_published: list[tuple[str, str]] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    publishers: set[str] = field(default_factory=set)  # names of the site and its organization
    canonical: str | None = None
    language: str | None = None


def page_facts(tree: lxml.html.HtmlElement) -> PageFacts:
    """Read the JSON-LD, OpenGraph and HTML metadata of a page."""
    facts = PageFacts()
    ranked = sorted(
        ((_json_ld_rank(item), item) for item in _json_ld_objects(tree)), key=lambda pair: pair[0]
    )
    articles = [item for rank, item in ranked if rank < len(JSON_LD_ARTICLE_TYPES)]
    metas: dict[str, str] = {}  # property or name -> the first non-empty content, in one pass
    for element in tree.iter("meta"):
        if content := _clean(element.get("content")):
            for key in (element.get("property"), element.get("name")):
                if key:
                    metas.setdefault(key, content)

    def meta(*names: str) -> str | None:
        return next((metas[name] for name in names if name in metas), None)

    def first_in_json_ld(key: str) -> str | None:
        return next((value for item in articles if (value := _clean(item.get(key)))), None)

    candidates = {
        "json-ld": first_in_json_ld("headline"),
        "og": meta("og:title"),
        "h1": _clean(tree.xpath("string((//h1)[1])")),
        "twitter": meta("twitter:title"),
        "title": _clean(tree.findtext(".//title")),
    }
    facts.titles = {source: title for source, title in candidates.items() if title}

    times = tree.xpath("//article//time/@datetime") or tree.xpath("//time/@datetime")  # the article's first
    facts.published = _present(
        ("json-ld", first_in_json_ld("datePublished")),
        ("meta", meta("article:published_time", "og:article:published_time", "datePublished")),
        ("microdata", _microdata(tree, "datePublished")),
        ("time", times[0] if times else None),
    )
    facts.byline_date = _byline_date(tree)
    facts.also_published = _present(("meta", meta(*ALSO_PUBLISHED_META)))
    facts.modified = _present(
        ("json-ld", first_in_json_ld("dateModified")),
        ("meta", meta("article:modified_time", "og:updated_time", "dateModified")),
        ("microdata", _microdata(tree, "dateModified")),
    )
    facts.authors = next((names for item in articles if (names := _names(item.get("author")))), [])
    publishers = [meta("og:site_name"), meta("application-name")]
    publishers += [name for item in articles for name in _names(item.get("publisher"))]
    facts.publishers = {name for name in publishers if name}
    if canonical := tree.xpath("//link[@rel='canonical']/@href"):
        facts.canonical = canonical[0].strip() or None
    facts.language = language_code(tree.get("lang") or meta("og:locale") or first_in_json_ld("inLanguage"))
    return facts


# The types of link that are pages (feeds announce their language with hreflang too).
HTML_TYPES = frozenset({"", "text/html", "application/xhtml+xml"})


def alternates(links: Iterable[Any], page_url: str) -> dict[str, str]:
    """The other-language versions of a page that ``links`` announce (``<link rel="alternate"
    hreflang>`` elements of its head, or its sitemap entry's ``xhtml:link``): language -> URL,
    the first link of each language, resolved against the page. Only HTML pages: not a feed in
    that language, not ``x-default`` (no language), not a page of another site."""
    found: dict[str, str] = {}
    for link in links:
        href = (link.get("href") or "").strip()
        if "alternate" not in (link.get("rel") or "").lower().split() or not href:
            continue
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        language = language_code(link.get("hreflang"))
        url = urljoin(page_url, href)
        if kind in HTML_TYPES and language and urlsplit(url).scheme in ("http", "https"):
            if not is_external(url, page_url):
                found.setdefault(language, url)
    return found


def _microdata(tree: lxml.html.HtmlElement, prop: str) -> str | None:
    """A schema.org microdata property's machine-readable value (content or datetime; the
    element's text is what the theme shows, often the time alone)."""
    values = tree.xpath("//*[@itemprop=$prop]/@content | //*[@itemprop=$prop]/@datetime", prop=prop)
    return next((value for value in map(_clean, values) if value), None)


def _byline_date(tree: lxml.html.HtmlElement) -> str | None:
    """The first short text with a digit in the byline's date element (one text node: the
    comment counter beside it must not become an hour)."""
    for element in tree.xpath(BYLINE_DATE_XPATH):
        for text in element.itertext():
            if (text := " ".join(text.split())) and len(text) <= MAX_BYLINE_DATE:
                return text if any(c.isdigit() for c in text) else None
    return None


def choose_title(titles: dict[str, str], publishers: Iterable[str] = ()) -> str | None:
    """The article's headline among the page's candidates (see ``PageFacts.titles``).

    Each candidate is first cut back to another candidate it extends with a separator
    ("Headline | Site", "Headline - Section - Site"), or stripped of a publisher's name. The
    JSON-LD headline is the publisher's own statement and decides the words, then og:title,
    the title discovery found (feed, WordPress API), the <h1>, twitter:title, trafilatura's
    choice, <title>; but one cut short (an ellipsis, a CMS's length limit) gives way to the
    first candidate that holds it whole. When og:title has the same words, its spelling wins:
    JSON-LD is often serialised by the CMS with entities and typographic quotes re-encoded.
    """
    publishers = {_key(name) for name in publishers} - {""}
    cut = {source: _cut(title, titles.values(), publishers) for source, title in titles.items()}
    ranked = [(source, cut[source]) for source in TITLE_SOURCES if source in cut]
    chosen = _whole(*ranked[0], [title for _, title in ranked]) if ranked else None
    if chosen and "og" in cut and _key(cut["og"]) == _key(chosen):
        return cut["og"]
    return chosen


def clean_authors(names: Iterable[str], publishers: Iterable[str] = ()) -> list[str]:
    """Person names from bylines: labels and initials dropped, joint bylines split, duplicates
    ("Jane Doe" / "jane-doe") merged. The publisher's own name, a domain or an affiliation is
    kept only when the byline names no person (then it is the newsroom's or agency's credit)."""
    publishers = {_key(name) for name in publishers} - {""}
    people: dict[str, str] = {}
    credits: dict[str, str] = {}
    for byline in names:
        byline = BYLINE_LABEL.sub("", _clean(byline) or "")
        for part in _split_names(_INITIALS.sub(" ", byline)):
            name = BYLINE_LABEL.sub("", part.strip(" -–—.,"))
            if not name or "@" in name:
                continue
            key = _key(name)
            # An organization, a domain, or a part too long for a name (a job title, an affiliation)
            credit = key in publishers or DOMAIN.search(name) or len(name.split()) > MAX_NAME_WORDS
            (credits if credit else people).setdefault(key, name)
    return list((people or credits).values())


def _split_names(byline: str) -> list[str]:
    parts = []
    for part in NAME_SEPARATOR.split(byline):
        pieces = NAME_CONJUNCTION.split(part)
        people = all(len(piece.split()) in PERSON_NAME_WORDS for piece in pieces)
        parts.extend(pieces if people else [part])
    return parts


def _whole(source: str, title: str, candidates: list[str]) -> str:
    """``title``, or, where it is a headline cut short (marked with an ellipsis, or a meta tag
    long enough to have met a CMS's limit), the first candidate it is the beginning of."""
    stem = ELLIPSIS.sub("", title)
    if stem == title and (source not in CUT_SHORT_SOURCES or len(title) < TRUNCATED_MIN_CHARS):
        return title
    key = _key(stem)
    for other in candidates:
        if key and len(whole := _key(other)) > len(key) and whole.startswith(key):
            return other
    return title


def _cut(title: str, others: Iterable[str], publishers: set[str]) -> str:
    """``title`` without what it glues after another candidate or before a publisher's name."""
    others = {_key(other) for other in others if other != title}
    for separator in TITLE_SEPARATOR.finditer(title):
        head, tail = title[: separator.start()], title[separator.end() :]
        if head and (_key(head) in others or _key(tail) in publishers):
            return head.strip()
    return title


def _key(text: str) -> str:
    """What two spellings of the same words share: letters and digits, case folded."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())


def _clean(value: Any) -> str | None:
    """Text from markup or JSON: entities decoded, whitespace collapsed; None when empty."""
    if not isinstance(value, str):
        return None
    return " ".join(html.unescape(value).split()) or None


def _present(*candidates: tuple[str, str | None]) -> list[tuple[str, str]]:
    return [(source, raw) for source, raw in candidates if raw]


def language_code(code: Any) -> str | None:
    """'fr-FR', 'ar_SA', 'EN' -> 'fr', 'ar', 'en'."""
    if not isinstance(code, str):
        return None
    primary = re.split(r"[-_]", code.strip())[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None


def _json_ld_objects(tree: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object of the page, nested ones included (@graph, mainEntity, ...)."""
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            stack = [json.loads(script)]
        except ValueError:
            continue
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                stack.extend(value for key, value in item.items() if key in ("@graph", "mainEntity"))


def _json_ld_rank(item: dict[str, Any]) -> int:
    types = item.get("@type", [])
    types = {str(t).lower() for t in ([types] if isinstance(types, str) else types)}
    return min((JSON_LD_ARTICLE_TYPES.index(t) for t in types if t in JSON_LD_ARTICLE_TYPES), default=99)


def _names(value: Any) -> list[str]:
    """Names of a JSON-LD author or publisher: a string, an object, or a list of them."""
    values = value if isinstance(value, list) else [value]
    names = [_clean(v.get("name") if isinstance(v, dict) else v) for v in values]
    return [name for name in names if name]
