"""The sample newsroom: the pages a WordPress theme would serve, and the truth.

``sample_articles()`` (crawler/demo/articles.py) draws the articles; ``DemoSite`` renders them at a base URL as a
WordPress-shaped site (date permalinks under /en/, /ar/, /fr/, paginated listings, RSS feeds,
a core sitemap announced in robots.txt) with the chrome real themes carry: skip link, menus,
comment counters, share buttons, related posts, comment form, widgets, footer.
"""

from __future__ import annotations

import json
from email.utils import format_datetime
from html import escape
from urllib.parse import parse_qs

from crawler.demo.articles import (
    DIRECTION,
    FEED_SIZE,
    HTML_LANG,
    PER_PAGE,
    SampleArticle,
    sample_articles,
    slugify,
)
from crawler.demo.content import (
    CATEGORIES,
    CHROME,
    MONTHS,
    ORGANIZATION,
    SHORT_NAME,
)
from crawler.demo.reply import Reply
from crawler.demo.wp_api import api_posts


class DemoSite:
    """The sample newsroom rendered at ``base_url``, answering like its WordPress server would.

    Options make it the shape a test needs: ``counts`` of articles per language, a core
    sitemap (``sitemap_size`` URLs per child sitemap, 2,000 as WordPress's), feeds, the REST API
    (``/wp-json/``), a Google News sitemap, and ``translations`` (article i of each language is
    a translation of article i of the others, linked by hreflang).
    """

    def __init__(
        self,
        base_url: str,
        articles: list[SampleArticle] | None = None,
        sitemaps: bool = True,
        feeds: bool = True,
        api: bool = True,
        news_sitemap: bool = False,
        translations: bool = False,
        counts: dict[str, int] | None = None,
        sitemap_size: int = 2000,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.articles = sample_articles(counts) if articles is None else articles
        self.languages = list(dict.fromkeys(a.language for a in self.articles))
        self.sitemaps = sitemaps
        self.feeds = feeds
        self.api = api
        self.news_sitemap = news_sitemap
        self.translations = translations
        self.sitemap_size = sitemap_size
        self.pages: dict[str, tuple[str, str]] = {}
        self.alternates: dict[str, list[SampleArticle]] = {}  # path -> its translations
        self._render()

    def respond(self, path: str, query: str = "") -> Reply | None:
        """The reply for a percent-encoded path and its query, None for a 404."""
        if self.api and path == "/wp-json/wp/v2/posts":
            return api_posts(self.articles, self.base_url, parse_qs(query), self.alternates)
        found = self.pages.get(path)
        if found is None:
            return None
        content_type, body = found
        headers = {"Link": f'<{self.base_url}/wp-json/>; rel="https://api.w.org/"'} if self.api else {}
        return Reply(body.encode("utf-8"), content_type, headers=headers if "html" in content_type else {})

    def truth(self, from_api: bool = False) -> list[dict[str, str]]:
        """What the archive must hold: url, language, title, published, text. ``from_api``: as
        the REST API gives it, whose dates have their time where a page may show the day only."""
        return [
            {
                "url": self.base_url + a.path,
                "language": a.language,
                "title": a.title,
                "published": a.published.isoformat() if from_api and self.api else a.published_iso,
                "text": a.text,
            }
            for a in self.articles
        ]

    def start_urls(self) -> list[str]:
        """The news listing of each language, English first."""
        return [f"{self.base_url}/{language}/news/" for language in self.languages]

    def config(self) -> dict[str, object]:
        """The site's entry as sites.toml would hold it (the shipped ``demo`` entry at port 8765)."""
        return {
            "name": "Sample newsroom (MOEC)",
            "start_urls": self.start_urls(),
            "languages": self.languages,
            "article_patterns": [r"^/(en|ar|fr)/\d{4}/\d{2}/\d{2}/[^/]+/$"],
        }

    # -- rendering -------------------------------------------------------------------

    def _render(self) -> None:
        html = "text/html; charset=UTF-8"
        by_language = {lang: [a for a in self.articles if a.language == lang] for lang in self.languages}
        # the same widgets on every page of a language: made once, not once per page
        self.sidebars = {lang: self._sidebar_and_footer(lang) for lang in self.languages}
        for language, articles in by_language.items():
            pages = [articles[i : i + PER_PAGE] for i in range(0, len(articles), PER_PAGE)] or [[]]
            for number, items in enumerate(pages, start=1):
                path = self._listing_path(language, number)
                self.pages[path] = (html, self._listing(language, items, number, len(pages)))
            self.pages[f"/{language}/category/news/"] = self.pages[f"/{language}/news/"]
            for position, article in enumerate(articles):
                related = [articles[(position + k) % len(articles)] for k in (1, 2, 3)]
                translations = [
                    others[position]
                    for lang, others in by_language.items()
                    if self.translations and lang != language and position < len(others)
                ]
                self.alternates[article.path] = translations
                self.pages[article.path] = (html, self._article(article, related, translations))
            if self.feeds:
                self.pages[f"/{language}/feed/"] = (
                    "application/rss+xml; charset=UTF-8",
                    self._feed(language, articles[:FEED_SIZE]),
                )
        choose = "".join(
            f'<li><a href="/{lang}/news/" hreflang="{lang}">{ORGANIZATION[lang]}</a></li>'
            for lang in self.languages
        )
        self.pages["/"] = (
            html,
            f"<!DOCTYPE html><html><head><title>{SHORT_NAME['en']}</title></head><body><ul>{choose}</ul></body></html>",
        )
        robots = "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n"
        if self.sitemaps:
            robots += f"\nSitemap: {self.base_url}/wp-sitemap.xml\n"
            self._render_sitemaps()
        if self.news_sitemap:
            robots += f"Sitemap: {self.base_url}/news-sitemap.xml\n"
            self.pages["/news-sitemap.xml"] = ("application/xml; charset=UTF-8", self._news_sitemap())
        if self.api:
            self.pages["/wp-json/"] = (
                "application/json; charset=UTF-8",
                json.dumps({"name": SHORT_NAME["en"], "namespaces": ["wp/v2"]}),
            )
        self.pages["/robots.txt"] = ("text/plain; charset=UTF-8", robots)

    def _render_sitemaps(self) -> None:
        xml = "application/xml; charset=UTF-8"
        size = self.sitemap_size
        posts = [self.articles[i : i + size] for i in range(0, len(self.articles), size)] or [[]]
        post_maps = [f"/wp-sitemap-posts-post-{n}.xml" for n in range(1, len(posts) + 1)]
        children = [*post_maps, "/wp-sitemap-taxonomies-category-1.xml"]
        self.pages["/wp-sitemap.xml"] = (
            xml,
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"<sitemap><loc>{self.base_url}{c}</loc></sitemap>" for c in children)
            + "</sitemapindex>",
        )
        # WordPress core sitemaps carry no lastmod.
        for path, chunk in zip(post_maps, posts, strict=True):
            self.pages[path] = (xml, self._urlset(a.path for a in chunk))
        self.pages[children[-1]] = (xml, self._urlset(f"/{lang}/category/news/" for lang in self.languages))

    def _news_sitemap(self) -> str:
        """A Google News sitemap: publication date and title of every article."""
        entries = "".join(
            f"<url><loc>{self.base_url}{a.path}</loc><news:news><news:publication>"
            f"<news:name>{escape(SHORT_NAME[a.language])}</news:name><news:language>{a.language}</news:language>"
            f"</news:publication><news:publication_date>{a.published_iso}</news:publication_date>"
            f"<news:title>{escape(a.title)}</news:title></news:news></url>"
            for a in self.articles
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{entries}</urlset>'
        )

    def _urlset(self, paths) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"<url><loc>{self.base_url}{p}</loc></url>" for p in paths)
            + "</urlset>"
        )

    def _feed(self, language: str, articles: list[SampleArticle]) -> str:
        items = "".join(
            "<item>"
            f"<title>{escape(a.title)}</title>"
            f"<link>{self.base_url}{a.path}?utm_source=rss&amp;utm_medium=feed</link>"
            f"<pubDate>{format_datetime(a.published)}</pubDate>"
            f"<category><![CDATA[{CATEGORIES[language]}]]></category>"
            f"<description><![CDATA[{a.paragraphs[0]}]]></description>"
            "</item>"
            for a in articles
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>{escape(ORGANIZATION[language])}</title>"
            f"<link>{self.base_url}/{language}/</link><language>{HTML_LANG[language]}</language>"
            f"{items}</channel></rss>"
        )

    @staticmethod
    def _listing_path(language: str, number: int) -> str:
        return f"/{language}/news/" if number == 1 else f"/{language}/news/page/{number}/"

    def _display_date(self, article: SampleArticle) -> str:
        d = article.published
        month = MONTHS[article.language][d.month - 1]
        return f"{month} {d.day}, {d.year}" if article.language == "en" else f"{d.day} {month} {d.year}"

    def _head(self, language: str, title: str, extra: str = "") -> str:
        feed = (
            f'<link rel="alternate" type="application/rss+xml" '
            f'title="{escape(ORGANIZATION[language])} &raquo; Feed" href="{self.base_url}/{language}/feed/">'
            if self.feeds
            else ""
        )
        api = f'<link rel="https://api.w.org/" href="{self.base_url}/wp-json/">' if self.api else ""
        return (
            f'<!DOCTYPE html>\n<html lang="{HTML_LANG[language]}" dir="{DIRECTION[language]}"><head>'
            '<meta charset="UTF-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)} &#8211; {escape(SHORT_NAME[language])}</title>{feed}{api}{extra}"
            '<link rel="stylesheet" href="/wp-content/themes/newsroom/style.css">'
            "</head>"
        )

    def _masthead(self, language: str) -> str:
        chrome = CHROME[language]
        menu = "".join(
            f'<li class="menu-item"><a href="/{language}/{slug}/">{escape(label)}</a></li>'
            for slug, label in zip(
                ["", "about", "programmes", "news", "contact"], chrome["menu"], strict=True
            )
        )
        languages = "".join(
            f'<li><a href="/{lang}/" hreflang="{lang}">{lang.upper()}</a></li>' for lang in self.languages
        )
        return (
            f'<a class="skip-link screen-reader-text" href="#content">{chrome["skip"]}</a>'
            '<header id="masthead" class="site-header"><div class="site-branding">'
            f'<p class="site-title"><a href="/{language}/" rel="home">{escape(ORGANIZATION[language])}</a></p></div>'
            f'<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">{menu}</ul></nav>'
            f'<ul class="language-switcher">{languages}</ul></header>'
        )

    def _sidebar_and_footer(self, language: str) -> str:
        chrome = CHROME[language]
        mine = [a for a in self.articles if a.language == language]
        recent = "".join(f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in mine[:5])
        # WordPress's archives widget: month archives, which are listings, not articles.
        months = dict.fromkeys(f"/{language}/{a.published:%Y/%m}/" for a in mine)
        archives = "".join(
            f'<li><a href="{m}">{m.strip("/").split("/", 1)[1]}</a></li>' for m in list(months)[:6]
        )
        return (
            '<aside id="secondary" class="widget-area">'
            f'<section class="widget widget_recent_entries"><h2 class="widget-title">{chrome["recent"]}</h2><ul>{recent}</ul></section>'
            f'<section class="widget widget_archive"><ul>{archives}</ul></section>'
            f'<section class="widget widget_newsletter"><h2 class="widget-title">{chrome["newsletter"]}</h2>'
            '<form><input type="email" name="email"><button>OK</button></form></section></aside></div>'
            '<footer id="colophon" class="site-footer"><div class="site-info">'
            f"<p>&copy; 2024 {escape(ORGANIZATION[language])}. {chrome['rights']}</p>"
            f'<a href="/{language}/privacy-policy/">{chrome["privacy"]}</a></div></footer></body></html>'
        )

    def _article(
        self, article: SampleArticle, related: list[SampleArticle], translations: list[SampleArticle]
    ) -> str:
        language, chrome = article.language, CHROME[article.language]
        url = self.base_url + article.path
        when = article.published_iso
        meta = (
            f'<link rel="canonical" href="{url}">'
            f'<meta name="description" content="{escape(article.paragraphs[0][:150])}">'
            f'<meta property="og:type" content="article"><meta property="og:title" content="{escape(article.title)}">'
            f'<meta property="og:url" content="{url}"><meta property="og:site_name" content="{escape(SHORT_NAME[language])}">'
        )
        if not article.date_only:
            meta += f'<meta property="article:published_time" content="{when}">'
        if article.modified:
            meta += f'<meta property="article:modified_time" content="{article.modified.isoformat()}">'
        alternates = "".join(
            f'<link rel="alternate" hreflang="{t.language}" href="{self.base_url}{t.path}">'
            for t in translations
        )
        share = "".join(
            f'<li class="share-{i}"><a class="share-icon" href="#" rel="nofollow"><span>{escape(label)}</span></a></li>'
            for i, label in enumerate(chrome["share_on"])
        )
        related_items = "".join(
            f'<li><a href="{r.path}">{escape(r.title)}</a> <span class="date">{self._display_date(r)}</span></li>'
            for r in related
        )
        tags = "".join(
            f'<a href="/{language}/tag/{slugify(t)}/" rel="tag">{escape(t)}</a>' for t in article.tags
        )
        body = "".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
        return (
            self._head(language, article.title, meta + alternates)
            + f'<body class="post-template-default single single-post">{self._masthead(language)}'
            '<div id="content" class="site-content"><main id="main" class="site-main">'
            '<article class="post type-post status-publish format-standard hentry category-news">'
            f'<header class="entry-header"><h1 class="entry-title">{escape(article.title)}</h1>'
            '<div class="entry-meta"><span class="posted-on">'
            f'<time class="entry-date published" datetime="{when}">{self._display_date(article)}</time></span> '
            '<span class="comments-link"><a href="#respond">0</a></span></div></header>'
            # Themes repeat the date and the comment count inside the content, add a share bar,
            # and some print a second skip link at the end (as the seed article shows).
            '<div class="entry-content"><ul class="post-info">'
            f'<li>{self._display_date(article)}</li><li><i class="icon-comment"></i> 0</li></ul>'
            f"{body}"
            f'<div class="a2a_kit addtoany_list"><span class="a2a_label">{chrome["share"]}</span><ul>{share}</ul></div>'
            f'</div><a class="skip-link" href="#content">{chrome["skip"]}</a>'
            f'<footer class="entry-footer"><span class="cat-links">{chrome["posted_in"]} '
            f'<a href="/{language}/category/news/" rel="category tag">{escape(CATEGORIES[language])}</a></span> '
            f'<span class="tags-links">{tags}</span></footer></article>'
            f'<section class="related-posts"><h2>{chrome["related"]}</h2><ul>{related_items}</ul></section>'
            f'<div id="comments" class="comments-area"><div id="respond" class="comment-respond">'
            f'<h3 id="reply-title" class="comment-reply-title">{chrome["reply"]}</h3>'
            f'<form id="commentform"><label for="comment">{chrome["comment"]}</label><textarea id="comment"></textarea>'
            f'<input type="submit" value="{chrome["post_comment"]}"></form></div></div></main>'
            + self.sidebars[language]
        )

    def _listing(self, language: str, items: list[SampleArticle], number: int, last: int) -> str:
        chrome = CHROME[language]
        links, nav = "", ""
        if number < last:
            older = self.base_url + self._listing_path(language, number + 1)
            links += f'<link rel="next" href="{older}">'
            nav += f'<a class="next page-numbers" href="{older}">{chrome["older"]}</a>'
        if number == 1:  # the same listing in the site's other languages, as WPML announces it
            links += "".join(
                f'<link rel="alternate" hreflang="{lang}" href="{self.base_url}/{lang}/news/">'
                for lang in self.languages
                if lang != language
            )
        if number > 1:
            newer = self.base_url + self._listing_path(language, number - 1)
            links += f'<link rel="prev" href="{newer}">'
            nav = f'<a class="prev page-numbers" href="{newer}">{chrome["newer"]}</a>' + nav
        entries = "".join(
            '<article class="post type-post"><header class="entry-header">'
            f'<h2 class="entry-title"><a href="{a.path}" rel="bookmark">{escape(a.title)}</a></h2>'
            f'<div class="entry-meta"><time datetime="{a.published_iso}">{self._display_date(a)}</time></div></header>'
            f'<div class="entry-summary"><p>{escape(a.paragraphs[0][:160])}&hellip;</p>'
            f'<a class="more-link" href="{a.path}">{chrome["read_more"]}</a></div></article>'
            for a in items
        )
        return (
            self._head(language, CATEGORIES[language], links)
            + f'<body class="archive category">{self._masthead(language)}'
            '<div id="content" class="site-content"><main id="main" class="site-main">'
            f'<header class="page-header"><h1 class="page-title">{escape(CATEGORIES[language])}</h1></header>'
            f'{entries}<nav class="navigation posts-navigation">{nav}</nav></main>' + self.sidebars[language]
        )
