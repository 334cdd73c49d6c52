"""Articles from the WordPress REST API: a post's fields as the archive keeps them, and a crawl
that takes the posts from the API, with what it cannot give (protected posts, empty content,
an API that fails mid-run) handled post by post, nothing lost."""

from __future__ import annotations

import json
import sqlite3

from conftest import crawl, write_sites

from crawler.demo.articles import sample_articles
from crawler.demo.reply import Reply
from crawler.demo.server import DemoServer
from crawler.demo.site import DemoSite
from crawler.wp_content import article_from_post
from storage.urls import canonicalize

POST = {
    "id": 12,
    "link": "https://example.org/fr/2024/03/05/visite/",
    "date": "2024-03-05T13:00:00",
    "date_gmt": "2024-03-05T12:00:00",
    "title": {"rendered": "Visite du Directeur g&eacute;n&eacute;ral &#8211; Rabat"},
    "content": {
        "rendered": "<p>Le Directeur général a reçu la délégation à Rabat pour discuter du plan.</p>\n"
        "<h2>Un plan</h2><ul><li>Éducation</li><li>Science</li></ul>"
        "<p>Les deux parties ont convenu d'un calendrier de travail pour l'année prochaine.</p>",
        "protected": False,
    },
    "excerpt": {"rendered": "<p>Le Directeur général a reçu la délégation [&hellip;]</p>"},
    "_embedded": {
        "author": [{"name": "Service de presse"}],
        "wp:term": [
            [{"taxonomy": "category", "name": "Actualit&eacute;s"}],
            [{"taxonomy": "post_tag", "name": "Maroc"}],
        ],
        "wp:featuredmedia": [{"source_url": "https://example.org/wp-content/uploads/visite.jpg"}],
    },
}
HINTS = {
    "wp_post": "12",
    "title": "Visite du Directeur général – Rabat",
    "published": "2024-03-05T13:00:00+01:00",
    "published_source": "wp-api",
    "authors": "Service de presse",
    "language": "fr",
    "translations": json.dumps({"ar": "https://example.org/ar/2024/03/05/zyara/"}),
}


def test_a_post_is_an_article_with_the_apis_own_fields():
    article = article_from_post(POST, POST["link"], "org", HINTS)
    assert article is not None
    assert article.title == "Visite du Directeur général – Rabat"
    assert article.text.split("\n") == [
        "Le Directeur général a reçu la délégation à Rabat pour discuter du plan.",
        "Un plan",
        "- Éducation",  # list items as the page route writes them
        "- Science",
        "Les deux parties ont convenu d'un calendrier de travail pour l'année prochaine.",
    ]
    assert "## Un plan" in (article.markdown or "")  # the same Markdown as a page's
    assert (article.published, article.published_source) == ("2024-03-05T13:00:00+01:00", "wp-api")
    assert article.language == "fr" and article.canonical_url == POST["link"]
    assert article.authors == ["Service de presse"]
    assert (article.categories, article.tags) == (["Actualités"], ["Maroc"])
    assert article.image == "https://example.org/wp-content/uploads/visite.jpg"
    assert article.description == "Le Directeur général a reçu la délégation […]"
    assert article.translations == {"ar": "https://example.org/ar/2024/03/05/zyara/"}


class TroubledApiSite(DemoSite):
    """A WordPress site whose API protects one post, renders another's content empty, and
    fails from its second page on (disabled mid-run)."""

    def respond(self, path: str, query: str = "") -> Reply | None:
        if path == "/wp-json/wp/v2/posts" and "page=1&" not in query:
            return Reply(b'{"code": "rest_disabled"}', "application/json", status=503)
        reply = super().respond(path, query)
        if path != "/wp-json/wp/v2/posts" or reply is None:
            return reply
        posts = json.loads(reply.body)
        posts[0]["content"] = {"rendered": "", "protected": True}
        posts[1]["content"] = {"rendered": "", "protected": False}
        return Reply(json.dumps(posts).encode(), reply.content_type, headers=reply.headers)


def test_what_the_api_cannot_give_comes_from_the_pages_and_nothing_is_lost(tmp_path):
    articles = sample_articles({"en": 150})  # two pages of the API
    with DemoServer(make_site=lambda base: TroubledApiSite(base, articles=articles)) as server:
        write_sites(tmp_path, {"news": {"start_urls": server.site.start_urls()}})
        crawl(tmp_path, "news", "--content", "api", "-s", "RETRY_TIMES=0")
        base, requests = server.base_url, list(server.requests)
    with sqlite3.connect(tmp_path / "archive.db") as conn:
        stored = dict(conn.execute("select url, extracted_by from articles"))
        protected = conn.execute("select url from outcomes where outcome = 'protected'").fetchall()
        captures = dict(conn.execute("select p.url, count(*) from pages p group by p.url"))
    newest = sorted(articles, key=lambda a: a.published, reverse=True)
    # every post but the protected one, once; the protected one is an outcome, its page unfetched
    assert set(stored) == {canonicalize(base + a.path) for a in newest[1:]}
    assert protected == [(canonicalize(base + newest[0].path),)]
    assert newest[0].path not in requests
    # the empty one's page was fetched and extracted; the API's first page gave the other 98;
    # the 50 of the page that failed came from the page route (sitemaps, listings)
    assert newest[1].path in requests
    api_page = next(url for url in captures if "/wp-json/" in url)
    assert captures[api_page] == 98
    assert sum(1 for url in captures if "/wp-json/" not in url) == 51
