"""A newsroom whose server does what ../shared/RELIABILITY.md's catalogue warns of, beside good articles.

:class:`HostileSite` answers like :class:`tests.fixture_sites.TrapSite` does, and
:class:`HostileHandler` misbehaves at the socket where a reply asks it to (a server stuck after
its headers, a body cut short). ``BAD`` names each hostile article URL with the outcome the
archive must record for it; ``good_articles()`` are the articles served beside them.
"""

from __future__ import annotations

import gzip
import time
from html import escape

from fixture_sites import article_page, listing_page, slug_of, urlset

from crawler.demo.articles import SampleArticle, sample_articles
from crawler.demo.reply import Reply
from crawler.demo.server import Handler

NAME = "Hostile Agency"
HANG_SECONDS = 30  # longer than any DOWNLOAD_TIMEOUT a test sets
MIB = 1024 * 1024
ARTICLE_PATTERN = r"^/news/(\d{4}/\d{2}|items)/[^/]+/$"

# Each hostile article URL and the outcome recorded for it.
BAD = {
    "/news/2024/05/video-served-as-an-article/": "too_large",  # 17 MiB > DOWNLOAD_MAXSIZE
    "/news/2024/05/compression-bomb/": "too_large",  # 64 MiB of zeros gzipped to 64 KB
    "/news/2024/05/gzip-file-served-as-html/": "not_article",  # never decompressed
    "/news/2024/05/redirect-to-a-local-file/": "http_error",  # file:// is not followed
    "/news/2024/05/redirect-loop-one/": "dropped",  # one -> two -> one: filtered as a duplicate
    "/news/2024/05/moved-to-another-host/": "dropped",  # filtered as off-site
    "/news/2024/05/server-hangs-after-headers/": "timeout",
    "/news/2024/05/body-cut-short/": "truncated",
    "/news/2024/05/always-unavailable/": "http_error",  # 503 with Retry-After, every time
    "/news/2024/05/never-existed/": "http_error",  # 404
    "/news/2024/05/server-error/": "http_error",  # 500
    "/news/2024/05/a-million-table-rows/": "too_large",  # 900,000 tags, never parsed
    "/news/2024/05/fifty-thousand-tiny-paragraphs/": "too_large",  # 100,000 tags
    "/news/2024/05/a-book-in-one-paragraph/": "too_large",  # 3 MB of text
    "/news/2024/05/annual-report-as-pdf/": "not_html",
    "/news/2024/05/internal-draft/": "robots",  # disallowed by robots.txt
}

# The hostile sitemaps, with the outcome recorded for each.
BAD_SITEMAPS = {
    "/sitemap-bomb.xml.gz": "invalid_sitemap",  # gzip without Content-Encoding, 64 MiB unpacked
    "/sitemap-encoded-bomb.xml": "too_large",  # Content-Encoding: gzip, 64 MiB unpacked
    "/sitemap-broken.xml": "invalid_sitemap",  # an HTML error page
}


class HostileHandler(Handler):
    """Misbehaves where a reply's ``X-Fixture`` header (not sent) says how."""

    def send(self, reply: Reply) -> None:
        behaviour = reply.headers.get("X-Fixture")
        if behaviour is None:
            return super().send(reply)
        reply = Reply(reply.body, reply.content_type, reply.status, {"Cache-Control": "no-store"})
        self.send_head(reply, len(reply.body))
        if behaviour == "hang":  # the headers, then nothing
            self.wfile.flush()
            time.sleep(HANG_SECONDS)
        elif behaviour == "truncate":  # half the announced body, then the connection closes
            self.wfile.write(reply.body[: len(reply.body) // 2])
        self.close_connection = True


class HostileSite:
    def __init__(self, base_url: str, offsite_url: str) -> None:
        self.base_url = base_url
        self.offsite_url = offsite_url
        self.articles = sample_articles({"en": 6, "fr": 1, "ar": 1}, seed=8)
        self.paths = {a.path: f"/news/{a.published:%Y/%m}/{slug_of(a)}/" for a in self.articles}
        # the dates of RELIABILITY.md's section C that no page may be stored with
        self.dated = {
            "/news/items/an-impossible-date/": "2024-02-30",
            "/news/items/an-ambiguous-date/": "06/05/2022",
        }
        self.rate_limited: list[float] = []  # when the article that asks to wait was requested
        self.bad = self._bad_replies()

    def start_urls(self) -> list[str]:
        return [f"{self.base_url}/news/"]

    def good_paths(self) -> list[str]:
        return [*self.paths.values(), *self.dated]

    def respond(self, path: str, query: str) -> Reply | None:
        if path == "/robots.txt":  # 1 MB of comments before the rules
            rules = (
                f"User-agent: *\nDisallow: /news/2024/05/internal-\nSitemap: {self.base_url}/sitemap.xml\n"
            )
            return Reply((("# " + "x" * 98 + "\n") * 10_000 + rules).encode(), "text/plain")
        if path == "/news/" or path.startswith("/news/page/"):  # pagination without end
            number = int(path.strip("/").rsplit("/", 1)[1]) if "/page/" in path else 1
            return Reply(self._listing(number).encode())
        if path in self.bad:
            return self.bad[path]()
        if path in self.dated:
            return Reply(self._dated_page(path).encode())
        for article in self.articles:
            if path == self.paths[article.path]:
                return self._good(article)
        return self._sitemaps_and_feeds(path)

    # -- the good articles, in the encodings and with the flaws real ones have ------------------

    def _good(self, article: SampleArticle) -> Reply:
        if article.language == "ar":  # windows-1256, declared in a meta tag only
            return Reply(article_page(article, NAME, "windows-1256").encode("cp1256"), "text/html")
        if article.language == "fr":  # Latin-1, declared in the header
            return Reply(
                article_page(article, NAME, "ISO-8859-1").encode("latin-1"), "text/html; charset=ISO-8859-1"
            )
        page = article_page(article, NAME)
        if article is self.articles[0]:  # control characters in the text
            page = page.replace("<p>", "<p>\x00\x0b\x1b", 1)
        if article is self.articles[2]:  # declared UTF-8, with a Latin-1 byte in its footer
            return Reply(page.encode().replace(b"&copy;", b"\xa9"))
        if article is self.articles[1]:  # asks to wait, once
            self.rate_limited.append(time.monotonic())
            if len(self.rate_limited) == 1:
                return Reply(b"Too many requests", "text/plain", 429, {"Retry-After": "1"})
        return Reply(page.encode())

    def _dated_page(self, path: str) -> str:
        date = self.dated[path]
        topic = path.split("/")[-2].replace("-", " ")
        paragraphs = "".join(
            f"<p>Meeting {n} on {topic}: {word} delegates reviewed the programme of the agency in"
            f" the region, and adopted {n * 3 + len(topic)} recommendations for its member states.</p>"
            for n, word in enumerate(topic.split() * 2)
        )
        return (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><title>Committee meeting {escape(date)}</title>'
            f"</head><body><main><article><h1>Committee meeting on {escape(path.split('/')[-2])}</h1>"
            f'<time datetime="{date}">{date}</time>{paragraphs}</article></main></body></html>'
        )

    # -- the hostile ones ------------------------------------------------------------------------

    def _bad_replies(self) -> dict:
        bomb = gzip.compress(b"\0" * 64 * MIB, compresslevel=9)
        table = "".join(f"<tr><td>{n}</td><td>row {n}</td></tr>" for n in range(300_000))
        tiny = "".join(f"<p>word {n}</p>" for n in range(50_000))
        book = " ".join(f"word{n}" for n in range(300_000))
        return {
            "/news/2024/05/video-served-as-an-article/": lambda: Reply(b"\0" * 17 * MIB, "text/html"),
            "/news/2024/05/compression-bomb/": lambda: Reply(bomb, headers={"Content-Encoding": "gzip"}),
            "/news/2024/05/gzip-file-served-as-html/": lambda: Reply(gzip.compress(b"<p>hidden</p>" * 1000)),
            "/news/2024/05/redirect-to-a-local-file/": lambda: Reply(status=302, headers={"Location": "file:///etc/passwd"}),
            "/news/2024/05/redirect-loop-one/": lambda: Reply(status=302, headers={"Location": "/news/2024/05/redirect-loop-two/"}),
            "/news/2024/05/redirect-loop-two/": lambda: Reply(status=302, headers={"Location": "/news/2024/05/redirect-loop-one/"}),
            "/news/2024/05/moved-to-another-host/": lambda: Reply(status=301, headers={"Location": f"{self.offsite_url}/news/"}),
            "/news/2024/05/server-hangs-after-headers/": lambda: Reply(b"<html>" * 1000, headers={"X-Fixture": "hang"}),
            "/news/2024/05/body-cut-short/": lambda: Reply(b"<html><body>" + b"<p>words</p>" * 5000, headers={"X-Fixture": "truncate"}),
            "/news/2024/05/always-unavailable/": lambda: Reply(b"Down", "text/plain", 503, {"Retry-After": "1"}),
            "/news/2024/05/never-existed/": lambda: None,
            "/news/2024/05/server-error/": lambda: Reply(b"<h1>Internal Server Error</h1>", status=500),
            "/news/2024/05/a-million-table-rows/": lambda: Reply(f"<html><body><table>{table}</table></body></html>".encode()),
            "/news/2024/05/fifty-thousand-tiny-paragraphs/": lambda: Reply(f"<html><body><article>{tiny}</article></body></html>".encode()),
            "/news/2024/05/a-book-in-one-paragraph/": lambda: Reply(f"<html><body><article><p>{book}</p></article></body></html>".encode()),
            "/news/2024/05/annual-report-as-pdf/": lambda: Reply(b"%PDF-1.4\n% not an article\n", "application/pdf"),
            "/news/2024/05/internal-draft/": lambda: Reply(b"<p>draft</p>"),
        }  # fmt: skip

    def _listing(self, number: int) -> str:
        links = [(path, "News") for path in (*self.good_paths(), *BAD)] if number == 1 else []
        links.append(("/news/news/news/news/news/", "More news"))  # a repeating path, a trap
        nav = f'<a class="next" href="/news/page/{number + 1}/">Next</a>'  # forever
        feed = '<link rel="alternate" type="application/rss+xml" href="/feed/">'
        return listing_page(NAME, links, nav, head=feed)

    def _sitemaps_and_feeds(self, path: str) -> Reply | None:
        xml = "application/xml"
        if path == "/sitemap.xml":
            children = (
                "sitemap-articles.xml",
                "sitemap-xxe.xml",
                "sitemap-bomb.xml.gz",
                "sitemap-encoded-bomb.xml",
                "sitemap-broken.xml",
            )
            entries = "".join(f"<sitemap><loc>{self.base_url}/{child}</loc></sitemap>" for child in children)
            index = f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'
            return Reply(index.encode(), xml)
        if path == "/sitemap-articles.xml":
            return Reply(urlset(self.base_url, [(p, "") for p in (*self.good_paths(), *BAD)]), xml)
        if path == "/sitemap-xxe.xml":  # an external entity: the file must never be read
            return Reply(
                b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&xxe;</loc></url></urlset>',
                xml,
            )
        if path == "/sitemap-bomb.xml.gz":  # gzip, no Content-Encoding: 64 MiB once unpacked
            return Reply(
                gzip.compress(b"<!-- " + b" " * 64 * MIB + b" -->", compresslevel=9), "application/x-gzip"
            )
        if path == "/sitemap-encoded-bomb.xml":  # Content-Encoding: gzip, 64 MiB once unpacked
            bomb = gzip.compress(b"<!-- " + b" " * 64 * MIB + b" -->", compresslevel=9)
            return Reply(bomb, xml, headers={"Content-Encoding": "gzip"})
        if path == "/sitemap-broken.xml":
            return Reply(b"<html><body><h1>Database error</h1></body></html>", "text/html")
        if path == "/feed/":  # entity expansion ("billion laughs")
            lol = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
            feed = (  # and an external entity
                f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">{lol}'
                '<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                '<rss version="2.0"><channel><title>&lol9;</title><item><title>&xxe;</title>'
                f"<link>{self.base_url}/news/items/an-impossible-date/</link></item></channel></rss>"
            )
            return Reply(feed.encode(), "application/rss+xml")
        return None
