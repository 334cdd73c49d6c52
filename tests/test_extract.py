"""Extraction: clean bodies and the right metadata from real-shaped pages."""

from __future__ import annotations

import json
from html import escape

import pytest
from conftest import SHARED

from crawler.demo.site import DemoSite
from crawler.extract import extract

SEED = SHARED / "data" / "seed" / "icesco-2022-06-19.txt"
SEED_URL = (
    "https://www.icesco.org/en/2022/06/19/alecso-director-general-visits-icescos-headquarters-in-rabat/"
)


def seed_article() -> tuple[str, list[str]]:
    """The seed article's title and six body paragraphs (see shared/data/seed/README.md)."""
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()]
    title, date_line, *rest = lines
    assert date_line == "June 19, 2022 0"
    body = [line for line in rest if line and line != "Skip to content"]
    return title, body


def wordpress_page(title: str, paragraphs: list[str], head: str = "", byline: str = "June 19, 2022") -> str:
    """A page shaped like the ICESCO theme's: chrome around, date and comment counter in the byline."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="en-US"><head><meta charset="UTF-8">
<title>{escape(title)} - ICESCO</title><meta property="og:site_name" content="ICESCO">{head}</head>
<body class="post-template-default single">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<nav class="menu"><ul><li><a href="/en/">Home</a></li><li><a href="/en/about/">About ICESCO</a></li>
<li><a href="/en/news/">News</a></li><li><a href="/en/contact/">Contact us</a></li></ul></nav>
<div id="content"><article class="post">
<h1 class="entry-title">{escape(title)}</h1>
<div class="post-date"><span>{byline}</span> <span class="comments"><i class="fa fa-comment"></i> 0</span></div>
<div class="entry-content">{body}</div>
<div class="share-buttons"><span>Share</span><a href="#">Facebook</a><a href="#">Twitter</a></div>
</article>
<div class="related-news"><h3>Related news</h3><ul><li><a href="/en/2022/06/18/x/">ICESCO holds a forum on the future of education in the region</a></li></ul></div>
</div><footer><p>Copyright 2022 ICESCO. All rights reserved.</p></footer></body></html>"""


def test_seed_article_is_extracted_clean():
    title, paragraphs = seed_article()
    article = extract(wordpress_page(title, paragraphs), SEED_URL, "icesco")

    assert article.title == title
    assert article.published == "2022-06-19"
    assert article.text.split("\n") == paragraphs
    assert article.language == "en"
    for chrome in (
        "Skip to content",
        "Share",
        "Facebook",
        "Related news",
        "All rights reserved",
        "About ICESCO",
    ):
        assert chrome not in article.text


def test_structured_metadata_wins_over_guesses():
    title, paragraphs = seed_article()
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "ICESCO"},
            {
                "@type": "NewsArticle",
                "headline": title,
                "datePublished": "2022-06-19T11:05:00+01:00",
                "dateModified": "2022-06-20T08:00:00+01:00",
                "author": [{"@type": "Person", "name": "ICESCO Media"}],
            },
        ],
    }
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script><link rel="canonical" href="{SEED_URL}">'
    article = extract(
        wordpress_page(title + " (draft)", paragraphs, head, byline="June 1, 2022"),
        SEED_URL + "?amp",
        "icesco",
    )

    assert article.title == title
    assert (article.published, article.modified) == ("2022-06-19T11:05:00+01:00", "2022-06-20T08:00:00+01:00")
    assert article.authors == ["ICESCO Media"]
    assert article.canonical_url == SEED_URL


def test_xhtml_page_with_an_encoding_declaration():
    title, paragraphs = seed_article()
    page = '<?xml version="1.0" encoding="iso-8859-1"?>\n' + wordpress_page(title, paragraphs)
    article = extract(page, SEED_URL, "icesco")
    assert article.title == title and article.text.split("\n") == paragraphs


def test_discovery_hints_fill_in_a_missing_date():
    title, paragraphs = seed_article()
    page = wordpress_page(title, paragraphs, byline="")
    article = extract(page, SEED_URL, "icesco", hints={"published": "Sun, 19 Jun 2022 10:00:00 +0000"})
    assert article.published == "2022-06-19T10:00:00+00:00"


def test_site_name_glued_to_the_title_is_removed():
    _, paragraphs = seed_article()
    page = wordpress_page("x", paragraphs).replace('<h1 class="entry-title">x</h1>', "")
    page = page.replace("<title>x - ICESCO</title>", "<title>ICESCO signs an agreement | ICESCO</title>")
    assert extract(page, SEED_URL, "icesco").title == "ICESCO signs an agreement"


def test_a_canonical_url_on_another_site_is_not_trusted():
    title, paragraphs = seed_article()
    page = wordpress_page(title, paragraphs, '<link rel="canonical" href="https://spam.example/copied/">')
    assert extract(page, SEED_URL, "icesco").canonical_url is None


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><ul><li><a href='/a/'>One</a></li><li><a href='/b/'>Two</a></li></ul></body></html>",
        "<html><body><p>Short stub.</p></body></html>",
        "",
        "\x00\x01 not html at all",
    ],
)
def test_pages_without_an_article_give_none(html):
    assert extract(html, "https://example.org/x/", "org") is None


def test_every_sample_article_matches_its_truth():
    site = DemoSite("http://127.0.0.1:8765")
    for sample, truth in zip(site.articles, site.truth(), strict=True):
        html = site.respond(sample.path).body.decode("utf-8")
        article = extract(html, truth["url"], "demo")
        assert (article.title, article.published, article.language) == (
            truth["title"],
            truth["published"],
            truth["language"],
        )
        assert article.text == truth["text"], truth["url"]
