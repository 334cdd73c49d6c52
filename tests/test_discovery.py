"""Discovery parsers on fixture bodies: robots.txt, sitemaps (plain, gzip, broken), feeds, listings."""

from __future__ import annotations

import gzip

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
        XmlResponse(f"{BASE}/sitemap.xml", body=b"<?xml version='1.0'?><rss><channel/></rss>"),
    ],
)
def test_what_is_no_sitemap_is_refused(response):
    with pytest.raises(discovery.InvalidSitemap):
        discovery.parse_sitemap(response, max_size=10**6)


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
    assert link.hints == {"published": "Sun, 19 Jun 2022 10:00:00 +0000", "title": "A visit"}


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
