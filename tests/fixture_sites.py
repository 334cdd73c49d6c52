"""Fixture sites of the shapes organizations' newsrooms come in, with their ground truth.

Each is generated (articles drawn by the sample newsroom's generator) and answers
``respond(path, query)`` for :class:`crawler.demo.server.DemoServer`:

- :class:`DrupalSite`: ``/news?page=N`` with a numbered pager only, ``/node/123`` and path
  aliases, a sitemap index at ``/sitemap.xml`` (not in robots.txt) with a gzipped article
  sitemap carrying ``lastmod`` and a sitemap of basic pages; no feed.
- :class:`HandMadeSite`: HTML listings only, "Older posts"/"Load more" links, articles at
  ``/media-center/press-releases/1234``, French pages in ISO-8859-1 and Arabic pages in
  windows-1256 declared only in a meta tag; no robots.txt, sitemap or feed.
- :class:`JoomlaSite`: Joomla 4's shapes in three languages, ``?start=N``, SEF and
  ``index.php?option=com_content`` URLs of the same articles, its ``?format=feed`` feeds.
- :class:`ScriptedSite`: a listing that a script fills from a JSON endpoint, or from what it
  holds itself (only a browser sees it).
- :class:`TrapSite`: a short newsroom wrapped in traps: endless pagination, a calendar with a
  "next month" link forever, session ids, a redirect loop, off-site links and an off-site
  redirect, a section disallowed by robots.txt, PDFs and images.

The WordPress-shaped and multilingual sites are the bundled :class:`crawler.demo.site.DemoSite`
with its options.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import zlib
from email.utils import format_datetime
from html import escape
from urllib.parse import parse_qsl

from crawler.demo.articles import SampleArticle, sample_articles
from crawler.demo.reply import Reply
from crawler.demo.site import DemoSite

HTML = "text/html; charset=UTF-8"


def slug_of(article: SampleArticle) -> str:
    """The article's slug, unique in its language (as the generator made its permalink)."""
    return article.path.rstrip("/").rsplit("/", 1)[1]


def article_page(article: SampleArticle, site_name: str, charset: str = "UTF-8", canonical: str = "") -> str:
    """An article page of a plain theme: menu, breadcrumb, headline, date, body, footer."""
    body = "".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
    canonical_link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (
        f'<!DOCTYPE html><html lang="{article.language}"><head>'
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"<title>{escape(article.title)} | {site_name}</title>{canonical_link}</head><body>"
        '<header><nav class="menu"><a href="/">Home</a> <a href="/about-us">About</a> <a href="/contact">Contact</a></nav></header>'
        f'<nav class="breadcrumb"><a href="/">Home</a> &raquo; News</nav>'
        f'<main><article class="node"><h1 class="page-title">{escape(article.title)}</h1>'
        f'<div class="node__meta"><time datetime="{article.published_iso}">{article.published:%d/%m/%Y}</time></div>'
        f'<div class="field--name-body">{body}</div></article></main>'
        f"<footer><p>{site_name} &copy; 2024</p></footer></body></html>"
    )


def listing_page(
    site_name: str, links: list[tuple[str, str]], nav: str, head: str = "", lang: str = "en"
) -> str:
    items = "".join(f'<li><h2><a href="{href}">{escape(title)}</a></h2></li>' for href, title in links)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="UTF-8"><title>News | {site_name}</title>{head}'
        f'</head><body><nav class="menu"><a href="/">Home</a> <a href="/about-us">About</a></nav>'
        f"<main><h1>News</h1><ul>{items}</ul>{nav}</main><footer>{site_name}</footer></body></html>"
    )


def urlset(base: str, entries: list[tuple[str, str]]) -> bytes:
    urls = "".join(
        f"<url><loc>{base}{path}</loc>{f'<lastmod>{lastmod}</lastmod>' if lastmod else ''}</url>"
        for path, lastmod in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{urls}</urlset>"
    ).encode()


def truth_of(base: str, items: list[tuple[str, SampleArticle]]) -> list[dict[str, str]]:
    return [
        {
            "url": base + path,
            "language": a.language,
            "title": a.title,
            "published": a.published_iso,
            "text": a.text,
        }
        for path, a in items
    ]


class DrupalSite:
    NAME = "Regional Water Agency"
    PER_PAGE = 10

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.articles = sample_articles({"en": 40}, seed=7)
        self.node_ids = {a.path: 100 + i for i, a in enumerate(self.articles)}
        # Two articles in three got a path alias; the rest live at /node/N.
        self.paths = {
            a.path: (f"/node/{self.node_ids[a.path]}" if i % 3 == 0 else f"/news/{slug_of(a)}")
            for i, a in enumerate(self.articles)
        }

    def truth(self) -> list[dict[str, str]]:
        return truth_of(self.base_url, [(self.paths[a.path], a) for a in self.articles])

    def start_urls(self) -> list[str]:
        return [f"{self.base_url}/news"]

    def respond(self, path: str, query: str) -> Reply | None:
        if path == "/robots.txt":
            return Reply(b"User-agent: *\nDisallow: /admin/\nDisallow: /user/login\n", "text/plain")
        if path == "/news":
            page = int(query.removeprefix("page=")) if query.startswith("page=") else 0
            return Reply(self._listing(page).encode())
        if path == "/sitemap.xml":
            index = "".join(
                f"<sitemap><loc>{self.base_url}{p}</loc></sitemap>"
                for p in ("/sitemaps/articles-1.xml.gz", "/sitemaps/pages-1.xml")
            )
            body = f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{index}</sitemapindex>'
            return Reply(body.encode(), "application/xml; charset=utf-8")
        if path == "/sitemaps/articles-1.xml.gz":
            entries = [(self.paths[a.path], (a.modified or a.published).isoformat()) for a in self.articles]
            return Reply(gzip.compress(urlset(self.base_url, entries)), "application/x-gzip")
        if path == "/sitemaps/pages-1.xml":
            return Reply(urlset(self.base_url, [("/about-us", ""), ("/contact", "")]), "application/xml")
        if path in ("/about-us", "/contact"):
            return Reply(listing_page(self.NAME, [], "<p>" + "About the agency. " * 30 + "</p>").encode())
        for a in self.articles:
            node = f"/node/{self.node_ids[a.path]}"
            if path in (self.paths[a.path], node):
                page = article_page(a, self.NAME, canonical=self.base_url + self.paths[a.path]).encode()
                # Drupal's page cache validates with an ETag.
                return Reply(page, headers={"ETag": f'"{hashlib.sha1(page).hexdigest()[:16]}"'})
        return None

    def _listing(self, page: int) -> str:
        count = -(-len(self.articles) // self.PER_PAGE)
        if page >= count:
            return listing_page(self.NAME, [], "<p>No content.</p>")
        chosen = self.articles[page * self.PER_PAGE : (page + 1) * self.PER_PAGE]
        # A full pager of numbers only: no rel="next", no "next" word.
        pager = "".join(
            f'<li class="pager__item"><a href="?page={n}" title="Go to page {n + 1}">{n + 1}</a></li>'
            if n != page
            else f'<li class="pager__item is-active">{n + 1}</li>'
            for n in range(count)
        )
        links = [(self.paths[a.path], a.title) for a in chosen]
        return listing_page(self.NAME, links, f'<nav class="pager"><ul>{pager}</ul></nav>')


class HandMadeSite:
    NAME = "Ministère de la Culture"
    PER_PAGE = 8
    SECTIONS = {  # language -> (listing path, charset, "older" link text)
        "fr": ("/media-center/press-releases", "iso-8859-1", "Articles plus anciens"),
        "ar": ("/ar/media-center/press-releases", "windows-1256", "تحميل المزيد"),
    }

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.articles = sample_articles({"fr": 20, "ar": 12}, seed=11)
        self.paths = {
            a.path: f"{self.SECTIONS[a.language][0]}/{1200 + i}" for i, a in enumerate(self.articles)
        }

    def truth(self) -> list[dict[str, str]]:
        return truth_of(self.base_url, [(self.paths[a.path], a) for a in self.articles])

    def start_urls(self) -> list[str]:
        return [self.base_url + self.SECTIONS["fr"][0]]

    def respond(self, path: str, query: str) -> Reply | None:
        for language, (listing, charset, older) in self.SECTIONS.items():
            if path == listing:
                page = int(query.removeprefix("pg=")) if query.startswith("pg=") else 1
                return self._encoded(self._listing(language, page, older), charset)
        for a in self.articles:
            if path == self.paths[a.path]:
                charset = self.SECTIONS[a.language][1]
                return self._encoded(article_page(a, self.NAME, charset=charset), charset)
        return None

    @staticmethod
    def _encoded(page: str, charset: str) -> Reply:
        # The charset is declared in the page only: the header says nothing about it.
        return Reply(page.encode(charset), "text/html")

    def _listing(self, language: str, page: int, older: str) -> str:
        mine = [a for a in self.articles if a.language == language]
        chosen = mine[(page - 1) * self.PER_PAGE : page * self.PER_PAGE]
        more = page * self.PER_PAGE < len(mine)
        nav = f'<a class="btn" href="{self.SECTIONS[language][0]}?pg={page + 1}">{older}</a>' if more else ""
        other = "ar" if language == "fr" else "fr"
        head = f'<meta charset="{self.SECTIONS[language][1]}"><link rel="alternate" hreflang="{other}" href="{self.SECTIONS[other][0]}">'
        links = [(self.paths[a.path], a.title) for a in chosen]
        return listing_page(self.NAME, links, nav, head, lang=language).replace('<meta charset="UTF-8">', "")


class JoomlaSite:
    """Joomla 4 with its stock template (Cassiopeia), in three languages with associations:
    category blogs at ``/index.php/LANG/news`` paged by ``?start=N`` (icon-only pager links), SEF
    article URLs ``/index.php/LANG/news/ID-ALIAS`` with their canonical, the "latest news" module
    linking the same articles by ``index.php?option=com_content&view=article&id=ID:ALIAS``, the
    category's own feed at ``?format=feed&type=rss``; no sitemap; dynamic pages (no validators)
    counting their hits."""

    NAME = "Arab Organization for Culture"
    PER_PAGE = 5
    LANGUAGES = {"en": "en-GB", "ar": "ar-AA", "fr": "fr-FR"}

    def __init__(self, base_url: str, articles: list[SampleArticle] | None = None) -> None:
        self.base_url = base_url
        # more Arabic and French articles than their feeds hold: their listings must be paged
        self.articles = articles or sample_articles({"en": 18, "ar": 14, "fr": 14}, seed=5)
        # an article keeps its id whatever is published or deleted beside it
        self.ids = {a.path: 100 + zlib.crc32(a.path.encode()) % 90000 for a in self.articles}
        assert len(set(self.ids.values())) == len(self.ids)
        self.hits = itertools.count(1000)
        by_language = {lang: [a for a in self.articles if a.language == lang] for lang in self.LANGUAGES}
        # article i of each language is associated with article i of the others
        self.associated = {
            a.path: {other: by_language[other][i] for other in self.LANGUAGES if i < len(by_language[other])}
            for lang, mine in by_language.items()
            for i, a in enumerate(mine)
        }

    def alias(self, article: SampleArticle) -> str:
        # Joomla makes a non-Latin title's alias from the date and time
        return slug_of(article) if article.language != "ar" else f"{article.published:%Y-%m-%d-%H-%M-%S}"

    def sef(self, article: SampleArticle) -> str:
        return f"/index.php/{article.language}/news/{self.ids[article.path]}-{self.alias(article)}"

    def non_sef(self, article: SampleArticle) -> str:
        item = 101 + list(self.LANGUAGES).index(article.language)
        return (
            f"/index.php?option=com_content&amp;view=article&amp;id={self.ids[article.path]}:{self.alias(article)}"
            f"&amp;catid=8&amp;lang={article.language}&amp;Itemid={item}"
        )

    def truth(self) -> list[dict[str, str]]:
        rows = truth_of(self.base_url, [(self.sef(a), a) for a in self.articles])
        return [
            {**row, "published": a.published.isoformat()} for row, a in zip(rows, self.articles, strict=True)
        ]

    def start_urls(self) -> list[str]:
        return [f"{self.base_url}/index.php/en/news"]

    def respond(self, path: str, query: str) -> Reply | None:
        if path == "/robots.txt":
            disallowed = ("administrator", "bin", "cache", "cli", "components", "includes", "tmp")
            return Reply(
                "User-agent: *\n".join(f"Disallow: /{d}/\n" for d in disallowed).encode(), "text/plain"
            )
        params = dict(parse_qsl(query))
        for language in self.LANGUAGES:
            if path == f"/index.php/{language}/news":
                if params.get("format") == "feed":
                    return Reply(self._feed(language).encode(), "application/rss+xml; charset=utf-8")
                return Reply(self._listing(language, int(params.get("start", 0))).encode())
        for a in self.articles:
            by_id = path == "/index.php" and params.get("view") == "article"
            if path == self.sef(a) or (by_id and params.get("id", "").split(":")[0] == str(self.ids[a.path])):
                return Reply(self._article(a).encode())
        return None

    def _head(self, language: str, title: str, extra: str = "") -> str:
        return (
            f'<!DOCTYPE html><html lang="{self.LANGUAGES[language].lower()}" dir="{"rtl" if language == "ar" else "ltr"}">'
            f'<head><meta charset="utf-8"><meta name="generator" content="Joomla! - Open Source Content Management">'
            f"<title>{escape(title)} - {self.NAME}</title>{extra}"
            '<link href="/media/templates/site/cassiopeia/css/template.min.css" rel="stylesheet"></head>'
        )

    def _chrome(self, language: str) -> str:
        switcher = "".join(
            f'<li><a href="/index.php/{other}/news" lang="{code}">{other.upper()}</a></li>'
            for other, code in self.LANGUAGES.items()
        )
        newest = [a for a in self.articles if a.language == language][:3]
        latest = "".join(f'<li><a href="{self.non_sef(a)}">{escape(a.title)}</a></li>' for a in newest)
        return (
            '<header class="header container-header full-width"><nav class="navbar"><ul class="mod-menu">'
            f'<li><a href="/index.php/{language}/">Home</a></li><li><a href="/index.php/{language}/news">News</a></li>'
            f'<li><a href="/index.php/{language}/about">About</a></li></ul>'
            f'<div class="mod-languages"><ul class="lang-inline">{switcher}</ul></div></nav></header>'
            f'<div class="sidebar-right"><h3>Latest news</h3><ul class="mod-articleslatest latestnews">{latest}</ul></div>'
        )

    def _article(self, a: SampleArticle) -> str:
        alternates = "".join(
            f'<link href="{self.sef(other)}" rel="alternate" hreflang="{self.LANGUAGES[lang]}">'
            for lang, other in self.associated[a.path].items()
        )
        canonical = f'<link href="{self.base_url}{self.sef(a)}" rel="canonical">'
        body = "".join(f"<p>{escape(p)}</p>" for p in a.paragraphs)
        hits = next(self.hits)  # a dynamic page: it counts its views
        return (
            self._head(
                a.language, a.title, canonical + alternates + '<meta name="author" content="Press Office">'
            )
            + f'<body class="site com_content view-article">{self._chrome(a.language)}'
            '<main><div class="com-content-article item-page" itemscope itemtype="https://schema.org/Article">'
            f'<div class="page-header"><h1 itemprop="headline">{escape(a.title)}</h1></div>'
            '<dl class="article-info text-muted"><dt class="article-info-term">Details</dt>'
            '<dd class="createdby" itemprop="author" itemscope itemtype="https://schema.org/Person">'
            'Written by: <span itemprop="name">Press Office</span></dd>'
            f'<dd class="category-name">Category: <a href="/index.php/{a.language}/news" itemprop="genre">News</a></dd>'
            f'<dd class="published"><time datetime="{a.published.isoformat()}" itemprop="datePublished">'
            f"Published: {a.published:%d %B %Y}</time></dd>"
            f'<dd class="hits"><meta itemprop="interactionCount" content="UserPageVisits:{hits}">Hits: {hits}</dd></dl>'
            f'<div itemprop="articleBody" class="com-content-article__body">{body}</div></div></main>'
            f"<footer><p>{self.NAME} &copy; 2024</p></footer></body></html>"
        )

    def _listing(self, language: str, start: int) -> str:
        mine = [a for a in self.articles if a.language == language]
        chosen = mine[start : start + self.PER_PAGE]
        feed = f"/index.php/{language}/news?format=feed&amp;type=rss"
        alternates = "".join(
            f'<link href="/index.php/{other}/news" rel="alternate" hreflang="{code}">'
            for other, code in self.LANGUAGES.items()
            if other != language
        )
        head = f'<link href="{feed}" rel="alternate" type="application/rss+xml" title="RSS 2.0">{alternates}'
        items = "".join(
            f'<div class="blog-item"><h2 itemprop="name"><a href="{self.sef(a)}" itemprop="url">{escape(a.title)}</a></h2>'
            f"<p>{escape(a.paragraphs[0])}</p></div>"
            for a in chosen
        )
        # Joomla 4's pager: icon-only links, the page number in ?start=
        pages = range(0, len(mine), self.PER_PAGE)
        pager = "".join(
            f'<li class="page-item"><a aria-label="Go to page {n // self.PER_PAGE + 1}" href="/index.php/{language}/news?start={n}"'
            f' class="page-link">{n // self.PER_PAGE + 1}</a></li>'
            for n in pages
            if n != start
        )
        if start + self.PER_PAGE < len(mine):
            pager += (
                f'<li class="page-item"><a aria-label="Go to next page" href="/index.php/{language}/news?start={start + self.PER_PAGE}"'
                ' class="page-link"><span class="icon-angle-right" aria-hidden="true"></span></a></li>'
            )
        return (
            self._head(language, "News", head)
            + f'<body class="site com_content view-category">{self._chrome(language)}'
            f'<main><div class="com-content-category-blog blog">{items}</div>'
            f'<nav class="pagination__wrapper"><ul class="pagination">{pager}</ul></nav></main></body></html>'
        )

    def _feed(self, language: str) -> str:
        mine = [a for a in self.articles if a.language == language][:10]
        items = "".join(
            f"<item><title>{escape(a.title)}</title><link>{self.base_url}{self.sef(a)}</link>"
            f'<guid isPermaLink="true">{self.base_url}{self.sef(a)}</guid>'
            f"<pubDate>{format_datetime(a.published)}</pubDate><category>News</category></item>"
            for a in mine
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>News</title><link>{self.base_url}/index.php/{language}/news</link>"
            f"<language>{self.LANGUAGES[language].lower()}</language>{items}</channel></rss>"
        )


class ScriptedSite:
    """A newsroom whose listing is an empty ``<div>`` that a script fills from a JSON endpoint
    (``/api/v1/news?page=N``, ten items a page); the articles themselves are HTML. No sitemap,
    no feed, no robots.txt."""

    NAME = "Gulf Health Council"
    PER_PAGE = 10
    SCRIPT = (
        '(function(){var p=1,el=document.getElementById("news-list");function load(){'
        'fetch("/api/v1/news?page="+p+"&lang=en").then(function(r){return r.json()}).then(function(d){'
        "d.items.forEach(function(i){el.insertAdjacentHTML(\"beforeend\",'<article><a href=\"'+i.url+'\">'"
        "+i.title+'</a></article>')});if(p<d.pages){p++;}})}"
        'document.getElementById("more").addEventListener("click",load);load();})();'
    )

    def __init__(self, base_url: str, endpoint: bool = True) -> None:
        self.base_url = base_url
        self.articles = sample_articles({"en": 25}, seed=17)
        self.endpoint = endpoint  # else the script holds the listing itself: only a browser sees it

    def truth(self) -> list[dict[str, str]]:
        return truth_of(self.base_url, [(a.path.removeprefix("/en"), a) for a in self.articles])

    def start_urls(self) -> list[str]:
        return [f"{self.base_url}/media/news"]

    def _bundled(self) -> str:
        """A script with the listing in it, as an object literal, rendered at once."""
        items = ",".join(
            f"{{t:{json.dumps(a.title, ensure_ascii=False)},u:{json.dumps(a.path.removeprefix('/en'))}}}"
            for a in self.articles
        )
        return (
            f"var N=[{items}];var el=document.getElementById('news-list');el.innerHTML='';"
            "N.forEach(function(i){var a=document.createElement('a');a.href=i.u;a.textContent=i.t;"
            "var h=document.createElement('h2');h.appendChild(a);el.appendChild(h);});"
        )

    def respond(self, path: str, query: str) -> Reply | None:
        if path == "/media/news":
            shell = (
                '<div id="news-list" aria-live="polite"><p class="loading">Loading…</p></div>'
                '<button id="more" type="button">Load more</button>'
                '<script src="/static/js/news.min.js" defer></script>'
            )
            return Reply(listing_page(self.NAME, [], shell).encode())
        if path == "/static/js/news.min.js":
            return Reply(
                (self.SCRIPT if self.endpoint else self._bundled()).encode(), "application/javascript"
            )
        if path == "/api/v1/news":
            page = int(dict(parse_qsl(query)).get("page", "1"))
            chosen = self.articles[(page - 1) * self.PER_PAGE : page * self.PER_PAGE]
            items = [
                {
                    "id": 500 + self.articles.index(a),
                    "title": a.title,
                    "url": a.path.removeprefix("/en"),
                    "date": a.published.date().isoformat(),
                    "summary": a.paragraphs[0][:120],
                }
                for a in chosen
            ]
            pages = -(-len(self.articles) // self.PER_PAGE)
            body = json.dumps({"page": page, "pages": pages, "items": items}, ensure_ascii=False)
            return Reply(body.encode(), "application/json")
        for a in self.articles:
            if path == a.path.removeprefix("/en"):
                return Reply(article_page(a, self.NAME).encode())
        return None


class TrapSite:
    NAME = "Trap Foundation"

    def __init__(self, base_url: str, offsite_url: str) -> None:
        self.base_url = base_url
        self.offsite_url = offsite_url
        self.articles = sample_articles({"en": 12}, seed=5)
        self.paths = {a.path: f"/news/{a.published:%Y/%m}/{slug_of(a)}/" for a in self.articles}
        self.session = itertools.count(1000)

    def truth(self) -> list[dict[str, str]]:
        return truth_of(self.base_url, [(self.paths[a.path], a) for a in self.articles])

    def start_urls(self) -> list[str]:
        return [f"{self.base_url}/news/"]

    def respond(self, path: str, query: str) -> Reply | None:
        if path == "/robots.txt":
            return Reply(b"User-agent: *\nDisallow: /private/\n", "text/plain")
        if path == "/news/":
            return Reply(self._listing(1).encode())
        if path.startswith("/news/page/"):
            # Endless pagination: every page past the last repeats it, with a "next" link.
            number = int(path.strip("/").rsplit("/", 1)[1])
            return Reply(self._listing(number).encode())
        if path == "/events/calendar/":
            return Reply(self._calendar(query).encode())
        if path == "/news/2024/05/loop-one-article-that-redirects-forever/":
            return Reply(
                status=302, headers={"Location": "/news/2024/05/loop-two-article-that-redirects-back/"}
            )
        if path == "/news/2024/05/loop-two-article-that-redirects-back/":
            return Reply(
                status=302, headers={"Location": "/news/2024/05/loop-one-article-that-redirects-forever/"}
            )
        if path == "/news/2024/05/moved-to-the-partner-site-for-good/":
            return Reply(status=301, headers={"Location": f"{self.offsite_url}/news/2024/05/moved-here/"})
        if path == "/news/2024/05/download-the-annual-report-as-pdf/":
            return Reply(b"%PDF-1.4\n% not an article\n", "application/pdf")
        for a in self.articles:
            if path == self.paths[a.path]:
                return Reply(article_page(a, self.NAME).encode())
        return None

    def _listing(self, number: int) -> str:
        last = 2
        chosen = self.articles[(min(number, last) - 1) * 6 : min(number, last) * 6]
        sid = next(self.session)
        links = [(f"{self.paths[a.path]}?PHPSESSID={sid}", a.title) for a in chosen]
        traps = [
            ("/news/2024/05/loop-one-article-that-redirects-forever/", "A loop"),
            ("/news/2024/05/moved-to-the-partner-site-for-good/", "Moved"),
            (f"{self.offsite_url}/news/2024/05/partner-article-on-another-site/", "Partner news"),
            ("/private/2024/05/internal-draft-that-is-not-for-the-public/", "Draft"),
            ("/news/2024/05/download-the-annual-report-as-pdf/", "Report (PDF)"),
            ("/files/annual-report-2024.pdf", "Annual report"),
            ("/images/photo-of-the-signing-ceremony.jpg", "Photo"),
        ]
        nav = (
            f'<a class="next" href="/news/page/{number + 1}/?sid={sid}">Next</a>'
            '<div class="calendar-widget"><a class="next" href="/events/calendar/?month=2024-06">June &raquo;</a></div>'
        )
        return listing_page(self.NAME, links + traps, nav)

    def _calendar(self, query: str) -> str:
        """A month of events, a "next month" link forever, and an event link per month."""
        year, month = (int(x) for x in query.removeprefix("month=").split("-"))
        following = f"{year + month // 12}-{month % 12 + 1:02d}"
        event = (f"/events/{year}/{month:02d}/15/monthly-open-day-at-the-foundation/", "Open day")
        nav = f'<a class="next" href="/events/calendar/?month={following}">Next month</a>'
        return listing_page(self.NAME, [event], nav)


class OffsiteSite:
    """Another organization's server: nothing of it may be fetched."""

    def respond(self, path: str, query: str) -> Reply | None:
        return Reply(b"<html><body>Elsewhere</body></html>")


# Every shape of site, made from a base URL and the URL of an off-site server (for the traps).
FIXTURES = {
    "wordpress": lambda base, offsite: DemoSite(base, counts={"en": 120}),
    "multilingual": lambda base, offsite: DemoSite(
        base, sitemaps=False, feeds=False, api=False, news_sitemap=True, translations=True
    ),
    "drupal": lambda base, offsite: DrupalSite(base),
    "hand-made": lambda base, offsite: HandMadeSite(base),
    "traps": lambda base, offsite: TrapSite(base, offsite),
    "joomla": lambda base, offsite: JoomlaSite(base),
    "scripted": lambda base, offsite: ScriptedSite(base),
    "rendered": lambda base, offsite: ScriptedSite(base, endpoint=False),
}
