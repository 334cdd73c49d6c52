"""Discovery parsers on fixture bodies: robots.txt, sitemaps (plain, gzip, broken), feeds, listings."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse

from crawler import discovery

BASE = "https://example.org"
URLSET = (
    b'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    b"<url><loc>https://example.org/en/2022/06/19/a/</loc><lastmod>2022-06-20T10:00:00+00:00</lastmod></url>"
    b"<url><loc> https://example.org/en/2022/06/18/b/ </loc></url></urlset>"
)


def test_sitemaps_in_robots():
    robots = TextResponse(
        f"{BASE}/robots.txt",
        body=b"User-agent: *\nDisallow: /wp-admin/\nSitemap: https://example.org/wp-sitemap.xml\nsitemap: /news.xml\n",
    )
    assert discovery.sitemaps_in_robots(robots) == [f"{BASE}/wp-sitemap.xml", f"{BASE}/news.xml"]


def test_urlset_gives_pages_with_lastmod_hints():
    children, pages = discovery.parse_sitemap(XmlResponse(f"{BASE}/sitemap.xml", body=URLSET), max_size=10**6)
    assert children == []
    assert pages == [
        discovery.Link(f"{BASE}/en/2022/06/19/a/", {"modified": "2022-06-20T10:00:00+00:00"}),
        discovery.Link(f"{BASE}/en/2022/06/18/b/", {}),
    ]


def test_sitemap_index_gives_children():
    index = (
        b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://example.org/s1.xml</loc></sitemap><sitemap><loc>https://example.org/s2.xml.gz</loc></sitemap>"
        b"</sitemapindex>"
    )
    children, pages = discovery.parse_sitemap(XmlResponse(f"{BASE}/index.xml", body=index), max_size=10**6)
    assert [c.url for c in children] == [f"{BASE}/s1.xml", f"{BASE}/s2.xml.gz"] and pages == []


def test_gzipped_sitemap_is_inflated_within_the_limit():
    body = gzip.compress(URLSET)
    _, pages = discovery.parse_sitemap(Response(f"{BASE}/sitemap.xml.gz", body=body), max_size=10**6)
    assert len(pages) == 2
    with pytest.raises(discovery.InvalidSitemap, match="more than 100 bytes once decompressed"):
        discovery.parse_sitemap(Response(f"{BASE}/sitemap.xml.gz", body=body), max_size=100)


@pytest.mark.parametrize(
    "response",
    [
        HtmlResponse(f"{BASE}/sitemap.xml", body=b"<html><body>Page not found</body></html>"),
        Response(f"{BASE}/sitemap.xml.gz", body=b"\x1f\x8b\x08\x00broken"),
        XmlResponse(f"{BASE}/sitemap.xml", body=b"<?xml version='1.0'?><html><body/></html>"),
    ],
)
def test_what_is_no_sitemap_is_refused(response):
    with pytest.raises(discovery.InvalidSitemap):
        discovery.parse_sitemap(response, max_size=10**6)


@pytest.mark.parametrize(
    "feed",
    [
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
        b"<item><title>One</title><link>/ar/posts/one/</link><pubDate>Mon, 30 Nov 2026 09:00:00 +0300</pubDate></item>"
        b"</channel></rss>",
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>News</title>'
        b'<entry><title>One</title><link href="/ar/posts/one/"/><published>2026-11-30T09:00:00+03:00</published></entry>'
        b"</feed>",
    ],
)
def test_a_feed_given_as_a_sitemap_is_read_as_a_feed(feed):
    # the Sitemaps protocol accepts RSS and Atom feeds as sitemaps; an index may list them
    children, pages = discovery.parse_sitemap(XmlResponse(f"{BASE}/ar/index.xml", body=feed), max_size=10**6)
    assert children == [] and [page.url for page in pages] == [f"{BASE}/ar/posts/one/"]
    assert pages[0].hints["published_source"] == "feed" and pages[0].hints["title"] == "One"


def test_sitemap_entities_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://example.org/&x;</loc></url></urlset>'
    ).encode()
    _, pages = discovery.parse_sitemap(XmlResponse(f"{BASE}/sitemap.xml", body=body), max_size=10**6)
    assert all("TOP-SECRET" not in p.url for p in pages)


def test_feed_entries_carry_dates_and_titles():
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
        b"<item><title>A visit</title><link>https://example.org/en/2022/06/19/a/?utm_source=rss</link>"
        b"<pubDate>Sun, 19 Jun 2022 10:00:00 +0000</pubDate></item>"
        b"<item><title>No link</title></item></channel></rss>"
    )
    [link] = discovery.parse_feed(XmlResponse(f"{BASE}/feed/", body=rss))
    assert link.url == f"{BASE}/en/2022/06/19/a/?utm_source=rss"
    assert link.hints == {
        "published": "Sun, 19 Jun 2022 10:00:00 +0000",
        "published_source": "feed",
        "title": "A visit",
    }


def test_atom_feed_with_relative_links():
    atom = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>N</title>'
        b'<entry><title>B</title><link href="/fr/2022/06/17/b/"/><updated>2022-06-18T08:00:00Z</updated>'
        b"<published>2022-06-17T09:00:00Z</published></entry></feed>"
    )
    [link] = discovery.parse_feed(XmlResponse(f"{BASE}/fr/feed/atom/", body=atom))
    assert link.url == f"{BASE}/fr/2022/06/17/b/"
    assert (
        link.hints["published"] == "2022-06-17T09:00:00Z" and link.hints["modified"] == "2022-06-18T08:00:00Z"
    )


def test_junk_is_no_feed():
    with pytest.raises(discovery.InvalidFeed):
        discovery.parse_feed(
            HtmlResponse(f"{BASE}/feed/", body=b"<html><body><p>Maintenance</p></body></html>")
        )


LISTING = b"""<html><head>
<link rel="alternate" type="application/rss+xml" href="/en/feed/">
<link rel="alternate" hreflang="ar" href="/ar/news/">
<link rel="next" href="https://example.org/en/news/page/2/"></head><body>
<a href="/en/2022/06/19/a/">A</a> <a href=" /en/2022/06/18/b/ ">B</a> <a href="mailto:x@example.org">mail</a>
<a class="next page-numbers" href="/en/news/page/2/">Older posts</a></body></html>"""


def test_listing_links_feeds_and_next_page():
    page = HtmlResponse(f"{BASE}/en/news/", body=LISTING)
    assert discovery.feed_links(page) == [f"{BASE}/en/feed/"]
    assert list(discovery.page_links(page)) == [
        f"{BASE}/en/2022/06/19/a/",
        f"{BASE}/en/2022/06/18/b/",
        f"{BASE}/en/news/page/2/",
    ]
    assert discovery.next_pages(page) == [f"{BASE}/en/news/page/2/"]


def test_comment_feeds_are_not_article_feeds():
    head = "".join(
        f'<link rel="alternate" type="application/rss+xml" href="{href}">'
        for href in ("/en/feed/", "/en/comments/feed/", "/?feed=comments-rss2", "/en/category/news/feed/")
    )
    page = HtmlResponse(f"{BASE}/en/category/news/", body=f"<html><head>{head}</head></html>".encode())
    assert discovery.feed_links(page) == [f"{BASE}/en/feed/", f"{BASE}/en/category/news/feed/"]


def test_translations_are_read_from_the_head_alone():
    body = (
        '<html><HEAD><link rel="alternate" hreflang="ar" href="/ar/2022/06/19/a/">'
        '<link rel="alternate" hreflang="en" href="/en/2022/06/19/a/"></head >'
        '<body><link rel="alternate" hreflang="fr" href="/fr/2022/06/19/a/">'
        + "<p>Text.</p>" * 10_000
        + "</body></html>"
    )
    page = HtmlResponse(f"{BASE}/en/2022/06/19/a/", body=body.encode(), encoding="utf-8")
    # the page itself left out; a link in the body is not where a translation is announced
    assert discovery.alternate_languages(page) == [f"{BASE}/ar/2022/06/19/a/"]
    headless = HtmlResponse(f"{BASE}/en/", body=b'<link rel="alternate" hreflang="ar" href="/ar/">')
    assert discovery.alternate_languages(headless) == [f"{BASE}/ar/"]
    # a feed in another language is not a translation to fetch as an article
    feeds = b'<link rel="alternate" type="application/rss+xml" hreflang="ar" href="/ar/feed/">'
    assert discovery.alternate_languages(HtmlResponse(f"{BASE}/en/", body=feeds)) == []
    # no </head>: the head ends where the body begins, and the body is not parsed
    unclosed = body.replace("</head >", "")
    page = HtmlResponse(f"{BASE}/en/2022/06/19/a/", body=unclosed.encode(), encoding="utf-8")
    assert discovery.alternate_languages(page) == [f"{BASE}/ar/2022/06/19/a/"]


def listing(url: str, body: str) -> HtmlResponse:
    return HtmlResponse(url, body=f"<html><body>{body}</body></html>".encode(), encoding="utf-8")


@pytest.mark.parametrize(
    ("url", "body", "expected"),
    [
        # the words of "older" links, in the archive's languages
        ("/news", '<a class="btn" href="/news?pg=2">Load more</a>', "/news?pg=2"),
        (
            "/fr/actualites/",
            '<a href="/fr/actualites/?start=10">Articles plus anciens »</a>',
            "/fr/actualites/?start=10",
        ),
        ("/ar/news/", '<a href="/ar/news/page/2/">التالي</a>', "/ar/news/page/2/"),
        # a pager of numbers only: the page after the current one (Drupal counts from 0)
        (
            "/news",
            '<a href="?page=1">2</a> <a href="?page=2">3</a> <a href="?page=9">Last</a>',
            "/news?page=1",
        ),
        ("/news?page=1", '<a href="?page=0">1</a> <a href="?page=2">3</a>', "/news?page=2"),
        ("/en/news/page/2/", '<a href="/en/news/">1</a><a href="/en/news/page/3/">3</a>', "/en/news/page/3/"),
    ],
)
def test_next_page_of_a_listing(url, body, expected):
    assert discovery.next_pages(listing(BASE + url, body)) == [BASE + expected]


def test_a_next_link_that_leaves_the_listing_is_not_its_next_page():
    body = '<a class="next" href="/events/calendar/?month=2024-07">July »</a><a href="/other/">Next</a>'
    assert discovery.next_pages(listing(f"{BASE}/news/", body)) == []


def test_last_page_has_no_next():
    assert (
        discovery.next_pages(
            listing(f"{BASE}/news?page=3", '<a href="?page=2">3</a><a href="/about/">About</a>')
        )
        == []
    )


def test_news_sitemap_gives_publication_dates_and_titles():
    body = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">'
        b"<url><loc>https://example.org/ar/2022/06/19/a/</loc>"
        b'<xhtml:link rel="alternate" hreflang="en" href="https://example.org/en/2022/06/19/a/"/>'
        b"<news:news><news:publication><news:name>Org</news:name><news:language>ar</news:language></news:publication>"
        b"<news:publication_date>2022-06-19T10:00:00+01:00</news:publication_date>"
        b"<news:title>\xd8\xb2\xd9\x8a\xd8\xa7\xd8\xb1\xd8\xa9</news:title></news:news></url></urlset>"
    )
    _, [page] = discovery.parse_sitemap(XmlResponse(f"{BASE}/news-sitemap.xml", body=body), max_size=10**6)
    assert page.url == f"{BASE}/ar/2022/06/19/a/"
    assert page.hints == {
        "published": "2022-06-19T10:00:00+01:00",
        "published_source": "news-sitemap",
        "title": "زيارة",
        "translations": '{"en": "https://example.org/en/2022/06/19/a/"}',  # its xhtml:link alternates
    }


def test_sitemap_alternates_are_translations_of_other_languages():
    body = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        b'xmlns:xhtml="http://www.w3.org/1999/xhtml"><url><loc>https://example.org/fr/posts/a/</loc>'
        b'<xhtml:link rel="alternate" hreflang="fr" href="https://example.org/fr/posts/a/"/>'
        b'<xhtml:link rel="alternate" hreflang="ar" href="https://example.org/ar/posts/a/"/>'
        b'<xhtml:link rel="alternate" hreflang="x-default" href="https://example.org/posts/a/"/>'
        b'<xhtml:link rel="alternate" hreflang="en" href="https://other.example/en/a/"/>'
        b"</url><url><loc>https://example.org/fr/posts/b/</loc></url></urlset>"
    )
    _, pages = discovery.parse_sitemap(XmlResponse(f"{BASE}/sitemap.xml", body=body), max_size=10**6)
    assert [json.loads(page.hints.get("translations", "{}")) for page in pages] == [
        {"ar": "https://example.org/ar/posts/a/"},  # not itself, not x-default, not another site
        {},
    ]


def test_wordpress_api_root_from_header_or_tag():
    header = HtmlResponse(
        f"{BASE}/news/",
        body=b"<html></html>",
        headers={"Link": '<https://example.org/wp-json/>; rel="https://api.w.org/"'},
    )
    tag = HtmlResponse(
        f"{BASE}/news/", body=b'<html><head><link rel="https://api.w.org/" href="/wp-json/"></head></html>'
    )
    none = HtmlResponse(
        f"{BASE}/news/",
        body=b"<html></html>",
        headers={"Link": '<https://example.org/?p=1>; rel="shortlink"'},
    )
    assert discovery.wp_api_root(header) == discovery.wp_api_root(tag) == f"{BASE}/wp-json/"
    assert discovery.wp_api_root(none) is None
    assert discovery.wp_posts_url(f"{BASE}/wp-json/", 2, "2024-06-01T00:00:00+00:00") == (
        f"{BASE}/wp-json/wp/v2/posts?per_page=100&page=2&_embed=author%2Cwp%3Aterm%2Cwp%3Afeaturedmedia"
        "&orderby=modified"
        "&modified_after=2024-06-01T00%3A00%3A00%2B00%3A00"
    )


def test_wordpress_posts_carry_their_fields_as_hints():
    posts = [
        {
            "id": 7,
            "link": "https://example.org/2022/06/19/visit/",
            "date": "2022-06-19T12:00:00",  # the site's time, three hours ahead
            "date_gmt": "2022-06-19T09:00:00",
            "modified_gmt": "2022-06-20T08:00:00",  # no local time: UTC
            "title": {"rendered": "ALECSO <em>&#8217;s</em> visit"},
            "content": {"rendered": "<p>Text.</p>", "protected": False},
            "_embedded": {"author": [{"name": "ICESCO Media"}]},
            "lang": "fr",  # Polylang
        },
        {"id": 8},  # no link: skipped
        {"id": 9, "link": "/p/9/", "content": {"rendered": "", "protected": True}},
        {"id": 10, "link": "/p/10/", "status": "private", "content": {"rendered": "<p>Hidden.</p>"}},
        {
            "id": 11,
            "link": "/p/11/",
            "content": {"rendered": " "},
            "date": "bad",
            "date_gmt": "2022-01-01T00:00:00",
        },
    ]
    response = TextResponse(
        f"{BASE}/wp-json/wp/v2/posts", body=json.dumps(posts).encode(), headers={"X-WP-TotalPages": "3"}
    )
    link, protected, private, empty = discovery.parse_wp_posts(response)[0]
    assert discovery.parse_wp_posts(response)[1] == 3
    assert link.hints == {
        "wp_post": "7",
        "wp_content": "ok",
        "published": "2022-06-19T12:00:00+03:00",
        "published_source": "wp-api",
        "modified": "2022-06-20T08:00:00+00:00",
        "title": "ALECSO ’s visit",
        "authors": "ICESCO Media",
        "language": "fr",
    }
    assert [protected.url, protected.hints["wp_content"]] == [f"{BASE}/p/9/", "protected"]
    assert private.hints["wp_content"] == "private"
    assert empty.hints["wp_content"] == "empty"
    assert empty.hints["published"] == "2022-01-01T00:00:00+00:00"  # no readable local time: UTC
    with pytest.raises(discovery.InvalidFeed):
        discovery.parse_wp_posts(
            TextResponse(f"{BASE}/wp-json/wp/v2/posts", body=b'{"code": "rest_no_route"}')
        )


@pytest.mark.parametrize(
    ("url", "shape"),
    [
        ("https://x.org/en/2022/06/19/alecso-visits-rabat/", "/<lang>/<n>/<n>/<n>/<slug>/"),
        ("https://x.org/node/123", "/node/<n>"),
        ("https://x.org/news/water", "/news/<slug>"),  # a one-word slug is still a slug
        ("https://x.org/ar/2022/%D8%A7%D9%84/", "/<lang>/<n>/<slug>/"),
        ("https://x.org/index.php/fr-FR/news/12-visite", "/<slug>/<lang>/news/<slug>"),
    ],
)
def test_url_shape(url, shape):
    assert discovery.url_shape(url) == shape


def test_article_patterns_keep_constant_sections_literally():
    urls = [f"https://x.org/media-center/press-releases/{n}" for n in (12, 13, 14)] + ["https://x.org/node/9"]
    assert discovery.article_patterns(urls) == [r"^/media-center/press-releases/\d+$", r"^/node/\d+$"]


def test_article_patterns_of_several_languages_are_one():
    urls = [f"https://x.org/{lang}/news/{n}-a-visit" for lang in ("en", "ar", "fr") for n in (1, 2)]
    [pattern] = discovery.article_patterns(urls)
    assert pattern == r"^/[a-z]{2}(?:[-_][a-z]{2})?/news/[^/]+$"
    assert re.search(pattern, "/ar/news/9-2024-05-30") and not re.search(pattern, "/ar/about/x")
    english = [f"https://x.org/en/news/{n}-a-visit" for n in (1, 2, 3)]
    assert discovery.article_patterns(english) == [r"^/en/news/[^/]+$"]  # one language: kept as it is


@pytest.mark.parametrize(
    ("url", "trap"),
    [
        ("https://example.org/news/news/news/", True),
        ("https://example.org/en/news/a/a/a/a/", True),
        ("https://example.org/en/en/news/", False),  # twice is a real shape (/en/en/: a slug "en")
        ("https://example.org/news/2024/05/news/", False),
        ("https://example.org/", False),
    ],
)
def test_repeating_paths_are_traps(url, trap):
    assert discovery.repeating_path(url) is trap


def test_the_json_endpoints_a_script_names():
    script = (
        'fetch("/api/v1/news?page="+p+"&lang=en");var cfg={feed:"https://example.org/data/news.json"};'
        "load(`/newsroom?_format=json`);img.src='/img/logo.png';go('/about/');"
    )
    assert discovery.json_endpoints(script, "https://example.org/media/news") == [
        "https://example.org/api/v1/news?page=1",  # the page number the script appends: the first
        "https://example.org/data/news.json",
        "https://example.org/newsroom?_format=json",
    ]


def test_a_page_names_its_own_scripts_only():
    page = HtmlResponse(
        "https://example.org/news",
        body=b'<script src="/js/app.js"></script><script src="https://cdn.example.net/x.js"></script>'
        b"<script>var u='/api/news';</script>",
    )
    assert discovery.script_sources(page) == ["https://example.org/js/app.js"]
    assert "/api/news" in discovery.inline_scripts(page)


def test_a_json_listing_gives_every_object_with_a_url_and_a_title():
    body = {
        "meta": {"page": 1, "url": "/api/news?page=1"},  # a URL without a title: not an article
        "data": {
            "items": [
                {"title": "A <b>visit</b>", "url": "/news/2024/05/a-visit"},
                {"headline": "B", "link": "https://example.org/b"},
            ]
        },
        "categories": [{"name": "Press", "href": "/news/press"}],
    }
    response = TextResponse("https://example.org/api/news?page=1", body=json.dumps(body).encode())
    links = discovery.parse_json_listing(response)
    assert [(link.url, link.hints["title"]) for link in links] == [
        ("https://example.org/news/2024/05/a-visit", "A visit"),
        ("https://example.org/b", "B"),
    ]  # a category has a name, not a title
    with pytest.raises(discovery.InvalidFeed):
        discovery.parse_json_listing(TextResponse("https://example.org/api/x", body=b"<html>"))


def test_the_next_page_of_a_json_listing():
    assert discovery.next_numbered_page("https://example.org/api/news?page=2&lang=en") == (
        "https://example.org/api/news?page=3&lang=en"
    )
    assert (
        discovery.next_numbered_page("https://example.org/api/news?offset=20") is None
    )  # not a number of pages
