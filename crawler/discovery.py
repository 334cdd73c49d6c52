"""Where article URLs come from: robots.txt, sitemaps, feeds, listing pages.

Pure parsers over Scrapy responses (no requests are made here), so each is testable on a
fixture body. The spider decides what to fetch.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import feedparser
from scrapy import Selector
from scrapy.http import Response, TextResponse, XmlResponse
from scrapy.utils._compression import _DecompressionMaxSizeExceeded
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.metadata import alternates, language_code

# The end of a page's <head>: its closing tag or, where a page leaves it out, where its body begins.
HEAD_END = re.compile(r"</head\s*>|<body[\s>]", re.IGNORECASE)
# Characters of a page read as its head when it marks neither: the head is first, and a page of
# half a million table rows parsed whole would cost this process hundreds of megabytes.
MAX_HEAD_CHARS = 256 * 1024
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml")
# Feeds of comments, not articles: WordPress's /comments/feed/ and ?feed=comments-rss2 (a post's
# own comment feed is announced on its page only, where feeds are not looked for).
COMMENT_FEED = re.compile(r"/comments/feed|[?&]feed=comments", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    """A URL found by discovery, with what the source said about it."""

    url: str
    hints: dict[str, str] = field(default_factory=dict)


class InvalidFeed(ValueError):
    """A response at a feed (or API) URL that cannot be read."""


class InvalidSitemap(ValueError):
    """A response at a sitemap URL that is not a sitemap (an HTML error page, a bomb, junk)."""


def sitemaps_in_robots(response: Response) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt."""
    return list(sitemap_urls_from_robots(response.body, base_url=response.url))


NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"
XHTML_NS = "{http://www.w3.org/1999/xhtml}"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class NewsSitemap(Sitemap):
    """Scrapy's streaming sitemap parser, keeping the Google News tags and the languages of the
    ``xhtml:link`` alternates that it would flatten away."""

    __slots__ = ()

    def _process_sitemap_element(self, elem):  # noqa: ANN001 (Scrapy's signature)
        kept = {
            key: (found.text or "").strip()
            for key, tag in (("news_published", "publication_date"), ("news_title", "title"))
            if (found := elem.find(f"{NEWS_NS}news/{NEWS_NS}{tag}")) is not None
        }
        loc = (elem.findtext(f"{SITEMAP_NS}loc") or elem.findtext("loc") or "").strip()
        others = {
            lang: url for lang, url in alternates(elem.iter(f"{XHTML_NS}link"), loc).items() if url != loc
        }
        if loc and others:
            kept["translations"] = json.dumps(others, ensure_ascii=False)
        entry = super()._process_sitemap_element(elem)  # clears the element
        return {**entry, **kept} if entry else entry


# The root elements of the feeds that sitemap indexes list: the Sitemaps protocol accepts RSS 2.0
# and Atom 1.0 feeds as sitemaps (static site generators list their per-language feeds).
FEED_ROOTS = frozenset({"rss", "feed", "RDF"})


def parse_sitemap(response: Response, max_size: int) -> tuple[list[Link], list[Link]]:
    """(child sitemaps, page URLs) of a sitemap or sitemap index, plain or gzipped, or of a feed
    given as a sitemap.

    Parsing is Scrapy's (entities never resolved); gzip is inflated up to ``max_size``.
    Hints: ``modified`` from ``lastmod``; ``published`` and ``title`` from news sitemaps and
    feeds (which list recent articles only: they do not count as listing the site's URLs).
    """
    body = _sitemap_body(response, max_size)
    sitemap = NewsSitemap(body)
    entries = [Link(entry["loc"].strip(), _sitemap_hints(entry)) for entry in sitemap if entry.get("loc")]
    if sitemap.type == "sitemapindex":
        return entries, []
    if sitemap.type == "urlset":
        return [], entries
    if sitemap.type in FEED_ROOTS:  # a feed given as a sitemap: its entries, as a feed's
        try:
            return [], feed_entries(body, response.url)
        except InvalidFeed as error:
            raise InvalidSitemap(f"a feed, unreadable: {error}") from None
    raise InvalidSitemap(f"root element is <{sitemap.type}>, not <urlset> or <sitemapindex>")


def _sitemap_body(response: Response, max_size: int) -> bytes:
    if gzip_magic_number(response):
        try:
            return gunzip(response.body, max_size=max_size)
        except _DecompressionMaxSizeExceeded:
            raise InvalidSitemap(f"more than {max_size} bytes once decompressed") from None
        except (OSError, EOFError, zlib.error) as error:  # truncated or corrupt gzip
            raise InvalidSitemap(f"broken gzip: {error}") from None
    if isinstance(response, XmlResponse) or response.body.lstrip()[:5] == b"<?xml":
        return response.body
    content_type = response.headers.get("Content-Type") or b"?"
    raise InvalidSitemap(f"not XML ({content_type.decode(errors='replace')})")


def _sitemap_hints(entry: dict) -> dict[str, str]:
    sources = (("modified", "lastmod"), ("published", "news_published"), ("title", "news_title"))
    hints = {key: entry[name].strip() for key, name in sources if (entry.get(name) or "").strip()}
    if "translations" in entry:  # JSON: language -> URL
        hints["translations"] = entry["translations"]
    if "published" in hints:
        hints["published_source"] = "news-sitemap"
    return hints


def feed_links(response: TextResponse) -> list[str]:
    """Feeds of articles a page announces with ``<link rel="alternate" type="application/rss+xml">``
    (not the feeds of comments)."""
    hrefs = []
    for link in response.xpath("//link[@href][contains(concat(' ', @rel, ' '), ' alternate ')]"):
        if (link.attrib.get("type") or "").split(";")[0].strip().lower() in FEED_TYPES:
            url = response.urljoin(link.attrib["href"])
            if not COMMENT_FEED.search(url):
                hrefs.append(url)
    return hrefs


def parse_feed(response: Response) -> list[Link]:
    """The entries of an RSS or Atom feed, with their dates and titles as hints."""
    return feed_entries(response.body, response.url)


def feed_entries(body: bytes, url: str) -> list[Link]:
    """The entries of the RSS or Atom feed ``body`` found at ``url`` (see ``parse_feed``)."""
    parsed = feedparser.parse(body, response_headers={"content-location": url}, sanitize_html=False)
    if parsed.bozo and not parsed.entries:
        raise InvalidFeed(str(parsed.get("bozo_exception", "not a feed")))
    links = []
    for entry in parsed.entries:
        if not (href := entry.get("link")):
            continue
        # dict.get, not entry.get: feedparser answers "updated" with "published" when absent.
        hints: dict[str, str] = {
            key: str(dict.get(entry, source))
            for key, source in (("published", "published"), ("modified", "updated"), ("title", "title"))
            if dict.get(entry, source)
        }
        if "published" in hints:
            hints["published_source"] = "feed"
        links.append(Link(urljoin(url, href), hints))
    return links


def page_links(response: TextResponse) -> Iterator[str]:
    """Every http(s) link of an HTML page, absolute, in document order."""
    for href in response.xpath("//a/@href").getall():
        url = response.urljoin(href.strip())
        if url.startswith(("http://", "https://")):
            yield url


# Words of "next / older / more" links in the languages of the archive, as whole link texts.
NEXT_TEXT = re.compile(
    r"^\W*(next( page)?|older( posts| entries| news)?|load more|more news|page suivante|suivant|"
    r"articles plus anciens|plus d'articles|voir plus|التالي|الصفحة التالية|الأقدم|أقدم|المزيد|تحميل المزيد)\W*$",
    re.IGNORECASE,
)
# Where listings put their page number: /page/2/, ?page=2 (Drupal counts from 0), ?start=20.
PAGE_PATH = re.compile(r"/page/(\d+)/?$")
PAGE_KEYS = ("page", "paged", "pg", "start", "offset")


def next_pages(response: TextResponse) -> list[str]:
    """The next (older) page of a paginated listing: what the page marks as next, by rel,
    class or link text, else the numbered page that follows the current one."""
    marked = response.xpath(
        "//link[@rel='next']/@href | //a[@rel='next']/@href"
        " | //a[contains(concat(' ', normalize-space(@class), ' '), ' next ')]/@href"
    ).getall()
    for anchor in response.xpath("//a[@href]"):
        if NEXT_TEXT.match(" ".join(anchor.xpath("normalize-space(.)").get("").split())):
            marked.append(anchor.attrib["href"])
    urls = [response.urljoin(h.strip()) for h in marked if h.strip() and not h.strip().startswith("#")]
    if not urls:
        following = _numbered_next(response.url, list(page_links(response)))
        urls = [following] if following else []
    return [u for u in dict.fromkeys(urls) if u != response.url and same_listing(response.url, u)]


def same_listing(current: str, candidate: str) -> bool:
    """Whether ``candidate`` pages through the same listing as ``current``: same host, and its
    path (page number aside) within the listing's. A calendar's "next month" is not."""
    here, there = urlsplit(page_number(current)[0]), urlsplit(page_number(candidate)[0])
    return here.netloc == there.netloc and there.path.rstrip("/").startswith(here.path.rstrip("/"))


def page_number(url: str) -> tuple[str, int]:
    """(the URL without its page number, the number): page 1 of /news/ is ('/news/', 0)."""
    parts = urlsplit(url)
    if match := PAGE_PATH.search(parts.path):
        base = urlunsplit(parts._replace(path=parts.path[: match.start()] + "/"))
        return base, int(match.group(1))
    query = parse_qsl(parts.query, keep_blank_values=True)
    for key, value in query:
        if key.lower() in PAGE_KEYS and value.isdigit():
            rest = urlencode([(k, v) for k, v in query if k != key])
            return urlunsplit(parts._replace(query=rest)), int(value)
    return url, 0


def _numbered_next(current: str, links: list[str]) -> str | None:
    base, number = page_number(current)
    following = [(n, link) for link in links for b, n in [page_number(link)] if b == base and n > number]
    return min(following)[1] if following else None


def alternate_languages(response: TextResponse) -> list[str]:
    """The other-language versions a page announces in its ``<head>`` (``metadata.alternates``),
    where they belong and where search engines read them. Only the head is parsed: this runs
    on the reactor's thread for every article page, and parsing a whole page there cost as
    much as storing its article."""
    end = HEAD_END.search(response.text)
    head = Selector(text=response.text[: end.start() if end else MAX_HEAD_CHARS])
    return [url for url in alternates(head.root.iter("link"), response.url).values() if url != response.url]


# -- listings a script fills from a JSON endpoint ------------------------------------------

# A script's string literals that are a path or a URL; those that name a JSON endpoint:
# "/api/v1/news?page=", '/news.json', "https://example.org/wp-json/...", "/news?format=json".
SCRIPT_URL = re.compile(r"""["'`]((?:https?:)?/[^"'`\s<>]*)["'`]""")
JSON_ENDPOINT = re.compile(r"\.json\b|/api/|json/|[?&]_?format=json", re.IGNORECASE)
MAX_SCRIPTS = 5  # a page's own scripts read to find where its listing comes from
URL_KEYS = ("url", "link", "href", "permalink", "canonical_url")
TITLE_KEYS = ("title", "headline")  # not "name": categories, authors and tags have one


def script_sources(response: TextResponse) -> list[str]:
    """The page's own external scripts (same host), absolute, in order, at most MAX_SCRIPTS."""
    host = urlsplit(response.url).netloc
    urls = [response.urljoin(src.strip()) for src in response.xpath("//script/@src").getall()]
    return [url for url in dict.fromkeys(urls) if urlsplit(url).netloc == host][:MAX_SCRIPTS]


def inline_scripts(response: TextResponse) -> str:
    return "\n".join(response.xpath("//script[not(@src)]/text()").getall())


def json_endpoints(script: str, base_url: str) -> list[str]:
    """The JSON endpoints a script's string literals name, absolute; a literal that ends where
    the script appends a number (``?page=``) is asked for the first page."""
    urls = []
    for literal in SCRIPT_URL.findall(script):
        if not JSON_ENDPOINT.search(literal):
            continue
        if literal.endswith("="):
            literal += "1"
        urls.append(urljoin(base_url, html.unescape(literal)))
    return list(dict.fromkeys(urls))


def parse_json_listing(response: Response) -> list[Link]:
    """The articles a JSON endpoint lists: every object, however nested, that has a URL (one of
    URL_KEYS, a string) and a title (TITLE_KEYS), with the title as a hint."""
    try:
        data = json.loads(response.body)
    except ValueError as error:
        raise InvalidFeed(f"not JSON: {error}") from None
    links, stack = [], [data]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(reversed(value))
        elif isinstance(value, dict):
            url, title = _first_text(value, URL_KEYS), _first_text(value, TITLE_KEYS)
            if url and title:
                links.append(Link(urljoin(response.url, url.strip()), {"title": html_text(title)}))
            else:
                stack.extend(reversed(list(value.values())))
    return [link for link in links if link.url.startswith(("http://", "https://"))]


def _first_text(value: dict, keys: tuple[str, ...]) -> str | None:
    return next((value[key] for key in keys if isinstance(value.get(key), str) and value[key].strip()), None)


def next_numbered_page(url: str) -> str | None:
    """The URL of the page after ``url``'s by its page number (``?page=2`` -> ``?page=3``)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    for index, (key, value) in enumerate(query):
        if key.lower() in ("page", "paged", "pg") and value.isdigit():  # numbers, not offsets
            query[index] = (key, str(int(value) + 1))
            return urlunsplit(parts._replace(query=urlencode(query)))
    return None


def page_languages(response: TextResponse) -> set[str]:
    """The languages a page shows its site publishes in: its own (``<html lang>``) and those its
    links name with ``hreflang`` (other-language versions, per-language feeds, a language
    switcher's links)."""
    codes = response.xpath("/html/@lang | //link/@hreflang | //a/@hreflang").getall()
    return {language for code in codes if (language := language_code(code))}


# -- WordPress REST API ------------------------------------------------------------------------

WP_API_REL = "https://api.w.org/"
WP_PER_PAGE = 100  # the API's maximum


def wp_api_root(response: Response) -> str | None:
    """The REST API root a WordPress page announces (``Link`` header or ``<link>`` tag)."""
    for header in response.headers.getlist("Link"):
        for part in header.decode("latin-1").split(","):
            match = re.match(r'\s*<([^>]+)>\s*;.*rel="?([^";]+)"?', part)
            if match and match.group(2).strip() == WP_API_REL:
                return response.urljoin(match.group(1))
    if isinstance(response, TextResponse):
        if href := response.xpath(f"//link[@rel='{WP_API_REL}']/@href").get():
            return response.urljoin(href.strip())
    return None


def wp_posts_url(
    api_root: str,
    page: int = 1,
    modified_after: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> str:
    """One page of the posts endpoint, with the authors and terms embedded: posts modified
    after a moment, or published within days (``since``/``until``, inclusive)."""
    query = {
        "per_page": WP_PER_PAGE,
        "page": page,
        "_embed": "author,wp:term,wp:featuredmedia",
        "orderby": "modified",
    }
    if modified_after:
        query["modified_after"] = modified_after
    if since:
        query["after"] = f"{since}T00:00:00"
    if until:
        query["before"] = f"{until}T23:59:59"
    # Sites without pretty permalinks answer under ?rest_route= instead of /wp-json/.
    if "rest_route=" in api_root:
        return f"{api_root.rstrip('/')}/wp/v2/posts&{urlencode(query)}"
    return f"{api_root.rstrip('/')}/wp/v2/posts?{urlencode(query)}"


def parse_wp_posts(response: Response) -> tuple[list[Link], int]:
    """(posts with their API fields as hints, total number of pages) of a posts response.

    Hints: ``published`` and ``modified`` with the site's offset (``date`` less ``date_gmt``),
    ``title``, ``authors``, ``language`` (Polylang's and WPML's field), the post's id
    (``wp_post``), and ``wp_content``: whether its body can be taken from the API (``ok``), or
    why not (``protected`` by a password, ``private``, ``empty``).
    """
    try:
        posts = json.loads(response.body)
    except ValueError as error:
        raise InvalidFeed(f"not JSON: {error}") from None
    if not isinstance(posts, list):
        raise InvalidFeed("not a list of posts")
    links = []
    for post in posts:
        if not isinstance(post, dict) or not isinstance(post.get("link"), str):
            continue
        hints = {"wp_post": str(post.get("id", "")), "wp_content": wp_content_state(post)}
        if published := wp_moment(post.get("date"), post.get("date_gmt")):
            hints["published"] = published
            hints["published_source"] = "wp-api"
        if modified := wp_moment(post.get("modified"), post.get("modified_gmt")):
            hints["modified"] = modified
        if title := rendered(post, "title"):
            hints["title"] = html_text(title)
        embedded = post.get("_embedded") or {}
        if authors := [
            str(a["name"]) for a in embedded.get("author", []) if isinstance(a, dict) and a.get("name")
        ]:
            hints["authors"] = "; ".join(authors)
        if isinstance(post.get("lang"), str):  # Polylang's and WPML's language field
            hints["language"] = post["lang"]
        hints.update(_wp_translations(post, response))
        links.append(Link(response.urljoin(post["link"]), hints))
    try:
        pages = int(response.headers.get("X-WP-TotalPages") or b"1")
    except ValueError:
        pages = 1
    return links, pages


def _wp_translations(post: dict, response: Response) -> dict[str, str]:
    """A post's other-language versions: WPML's links (``translations``, as JSON), Polylang's
    post ids (``wp_translations``), which the spider resolves."""
    hints = {}
    if isinstance(polylang := post.get("translations"), dict):  # language -> post id
        ids = {str(lang): str(id_) for lang, id_ in polylang.items() if lang != post.get("lang")}
        if ids:
            hints["wp_translations"] = json.dumps(ids)
    if isinstance(wpml := post.get("wpml_translations"), list):  # [{locale, id, href}, ...]
        links = {
            str(t["locale"]).split("_")[0].lower(): response.urljoin(t["href"])
            for t in wpml
            if isinstance(t, dict) and t.get("locale") and isinstance(t.get("href"), str)
        }
        if links:
            hints["translations"] = json.dumps(links)
    return hints


def rendered(post: Mapping[str, Any], field: str) -> str:
    """A post's ``{"rendered": ...}`` field (title, content, excerpt), or ""."""
    value = post.get(field)
    text = value.get("rendered") if isinstance(value, dict) else None
    return text if isinstance(text, str) else ""


def wp_content_state(post: dict) -> str:
    """Whether a post's body can be stored from the API (``ok``), or why not."""
    content = post.get("content")
    if isinstance(content, dict) and content.get("protected"):
        return "protected"  # a password form on the page too
    if post.get("status", "publish") != "publish":
        return "private"
    return "ok" if rendered(post, "content").strip() else "empty"


def wp_moment(local: object, gmt: object) -> str | None:
    """A moment of the WordPress API (``date``, ``modified``) with the site's offset, which is
    ``date`` less ``date_gmt``; in UTC when the local time is missing or unreadable."""
    if not isinstance(gmt, str):
        return None
    try:
        utc = datetime.fromisoformat(gmt).replace(tzinfo=UTC)
    except ValueError:
        return None
    try:
        offset = datetime.fromisoformat(str(local)) - utc.replace(tzinfo=None)
        return utc.astimezone(timezone(offset)).isoformat()
    except ValueError:  # unreadable, or an offset no zone has (a day or more)
        return utc.isoformat()


def html_text(fragment: str) -> str:
    """The text of an HTML fragment (a post's rendered title): tags dropped, entities read."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", fragment)).split())


# -- the shape of article URLs -----------------------------------------------------------------

# A path segment repeated more than this many times in a row is a trap (a relative link
# resolved against itself: /news/news/news/...), as in Heritrix's PathologicalPathDecideRule.
MAX_SEGMENT_REPEATS = 2


def repeating_path(url: str) -> bool:
    """Whether ``url``'s path repeats a segment more than MAX_SEGMENT_REPEATS times in a row."""
    segments = [segment for segment in urlsplit(url).path.split("/") if segment]
    return any(len(list(run)) > MAX_SEGMENT_REPEATS for _, run in itertools.groupby(segments))


_WORD = re.compile(r"^[a-z]+$")
# A path segment naming a language (``en``, ``ar``, ``fr-fr``): the same shape in every language.
_LANGUAGE = re.compile(r"^[a-z]{2}([-_][a-z]{2})?$")
LANGUAGE_PATTERN = "[a-z]{2}(?:[-_][a-z]{2})?"


def url_shape(url: str) -> str:
    """A URL path with its variable parts abstracted: numbers as <n>, slugs as <slug>, a
    language prefix as <lang>.

    ``/en/2022/06/19/alecso-visits-rabat/`` -> ``/<lang>/<n>/<n>/<n>/<slug>/``. A plain
    lower-case word (``news``, ``node``) is kept, since sections name the shape, except in the
    last segment, where it is the article's own (one-word) slug. A language's articles have the
    shape of another's: what a feed in English shows holds for the Arabic listing.
    """
    segments = urlsplit(url).path.split("/")
    leaf = max((i for i, segment in enumerate(segments) if segment), default=-1)
    shaped = []
    for position, segment in enumerate(segments):
        if segment.isdigit():
            shaped.append("<n>")
        elif _LANGUAGE.match(segment.lower()) and position != leaf:
            shaped.append("<lang>")
        elif not segment or (_WORD.match(segment) and position != leaf):
            shaped.append(segment)
        else:
            shaped.append("<slug>")
    return "/".join(shaped) or "/"


def _literal(text: str) -> str:
    return re.escape(text).replace("\\-", "-")  # a hyphen needs no escape outside [...]


def shape_pattern(shape: str) -> str:
    """The regular expression (on URL paths) of a shape, as sites.toml's article_patterns take."""
    parts = re.split(r"(<n>|<slug>|<lang>)", shape)
    body = "".join(
        {"<n>": r"\d+", "<slug>": "[^/]+", "<lang>": LANGUAGE_PATTERN}.get(p, _literal(p)) for p in parts
    )
    return f"^{body}$"


def article_patterns(urls: list[str], min_group: int = 3) -> list[str]:
    """Regular expressions (on paths) that cover these article URLs, for sites.toml.

    URLs are grouped by shape; within a group of at least ``min_group``, a segment that is the
    same in every URL is kept literally (``/media-center/press-releases/\\d+``), the others
    are generalized. Smaller groups keep their generic shape.
    """
    groups: dict[str, list[list[str]]] = {}
    for url in urls:
        groups.setdefault(url_shape(url), []).append(urlsplit(url).path.split("/"))
    patterns = []
    for shape, paths in sorted(groups.items()):
        if len(paths) < min_group:
            patterns.append(shape_pattern(shape))
            continue
        segments = []
        for position, generic in enumerate(shape.split("/")):
            values = {path[position] for path in paths}
            segments.append(
                _literal(values.pop())
                if len(values) == 1
                else {"<n>": r"\d+", "<lang>": LANGUAGE_PATTERN}.get(generic, "[^/]+")
            )
        patterns.append("^" + "/".join(segments) + "$")
    return list(dict.fromkeys(patterns))


def origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def is_html(response: Response) -> bool:
    """Whether a response says it is an HTML page (a response without a Content-Type may be)."""
    content_type = (response.headers.get("Content-Type") or b"text/html").decode("latin-1").lower()
    return "html" in content_type
