"""Fixture sites of the shapes organizations' newsrooms come in, with their ground truth.

Each is generated (articles drawn by the sample newsroom's generator) and answers
``respond(path, query)`` for :class:`crawler.demo.server.DemoServer`:

- :class:`DrupalSite`: ``/news?page=N`` with a numbered pager only, ``/node/123`` and path
  aliases, a sitemap index at ``/sitemap.xml`` (not in robots.txt) with a gzipped article
  sitemap carrying ``lastmod`` and a sitemap of basic pages; no feed.
- :class:`HandMadeSite`: HTML listings only, "Older posts"/"Load more" links, articles at
  ``/media-center/press-releases/1234``, French pages in ISO-8859-1 and Arabic pages in
  windows-1256 declared only in a meta tag; no robots.txt, sitemap or feed.
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
from html import escape

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
}
