"""What pages state about their articles: the headline among its candidates, the bylines, the
language and the translations."""

from __future__ import annotations

import json

import lxml.html
import pytest

from crawler.metadata import alternates, choose_title, clean_authors, page_facts


@pytest.mark.parametrize(
    ("titles", "publishers", "expected"),
    [
        # <title> and og:title with the site's name glued on; the <h1> is the headline
        (
            {"og": "ICESCO signs an agreement | ICESCO", "h1": "ICESCO signs an agreement"},
            {"ICESCO"},
            "ICESCO signs an agreement",
        ),
        # "Headline - Section - Site": cut back to the candidate it extends
        (
            {"title": "Ukraine: aims and risks | Europe | DW | 28.04.2023", "h1": "Ukraine: aims and risks"},
            set(),
            "Ukraine: aims and risks",
        ),
        # the site name is known (og:site_name) even when no other candidate confirms the cut
        ({"title": "Signature d'un accord – ALECSO"}, {"alecso"}, "Signature d'un accord"),
        ({"title": "توقيع اتفاقية تعاون - الإيسيسكو"}, {"الإيسيسكو"}, "توقيع اتفاقية تعاون"),
        # CJK sites glue their name with full-width bars
        (
            {"og": "大学に不正に支払わせ｜東京新聞", "h1": "大学に不正に支払わせ"},
            set(),
            "大学に不正に支払わせ",
        ),
        # JSON-LD's headline decides the words over an SEO og:title ...
        (
            {"json-ld": "Director General visits Rabat", "og": "Visit to Rabat: what was agreed", "h1": "x"},
            set(),
            "Director General visits Rabat",
        ),
        # ... and og:title the spelling, when the words are the same
        (
            {
                "json-ld": "Strava taps AI, unveils ‘family’ plan",
                "og": "Strava taps AI, unveils 'family' plan | TC",
            },
            set(),
            "Strava taps AI, unveils 'family' plan",
        ),
        # a colon inside a headline is not a separator to cut at
        (
            {"h1": "Rabat: ALECSO's Director visits ICESCO"},
            {"ICESCO"},
            "Rabat: ALECSO's Director visits ICESCO",
        ),
        # og:title cut at 70 characters by the CMS (an ellipsis or none): the <h1> holds it whole
        (
            {
                "og": "Ministers of education of the Islamic world adopt a charter on the…",
                "h1": "Ministers of education of the Islamic world adopt a charter on the future of schools",
            },
            set(),
            "Ministers of education of the Islamic world adopt a charter on the future of schools",
        ),
        (
            {
                "og": "Les ministres de l'éducation du monde islamique adoptent une charte",
                "title": "Les ministres de l'éducation du monde islamique adoptent une charte sur l'école | ISESCO",
            },
            {"ISESCO"},
            "Les ministres de l'éducation du monde islamique adoptent une charte sur l'école",
        ),
        # a short headline is no truncation of a longer one that starts with its words, nor is
        # the JSON-LD headline, unless it says so
        ({"og": "Rabat summit", "h1": "Rabat summit opens with a call for peace"}, set(), "Rabat summit"),
        (
            {
                "json-ld": "ALECSO's Director General receives the ambassador in Tunis",
                "h1": "ALECSO's Director General receives the ambassador in Tunis (video)",
            },
            set(),
            "ALECSO's Director General receives the ambassador in Tunis",
        ),
        (
            {
                "json-ld": "ALECSO's Director General receives the...",
                "h1": "ALECSO's Director General receives the ambassador",
            },
            set(),
            "ALECSO's Director General receives the ambassador",
        ),
        ({}, set(), None),
    ],
)
def test_choose_title(titles, publishers, expected):
    assert choose_title(titles, publishers) == expected


@pytest.mark.parametrize(
    ("bylines", "publishers", "expected"),
    [
        (["By Jane Doe"], set(), ["Jane Doe"]),
        (["Par Marie Curie"], set(), ["Marie Curie"]),
        (["بقلم أحمد علي"], set(), ["أحمد علي"]),
        (["Jane Doe and John Smith"], set(), ["Jane Doe", "John Smith"]),
        (["Amina Idrissi, Paul Martin et Léa Dubois"], set(), ["Amina Idrissi", "Paul Martin", "Léa Dubois"]),
        (["Elena Oberholzer (obe)", "Oliver Maksan (oma)"], set(), ["Elena Oberholzer", "Oliver Maksan"]),
        (["Sophie Foster", "sophie-foster"], set(), ["Sophie Foster"]),  # a slug of the same name
        # the publisher mixed in with people is dropped, an affiliation too ...
        (["Jane Doe", "ICESCO"], {"ICESCO"}, ["Jane Doe"]),
        (
            ["Povilas Aleksandravičius, Professor at the Faculty of Human and Social Studies, Lrt.lt"],
            set(),
            ["Povilas Aleksandravičius"],
        ),
        # ... but when it is the only credit, it is the credit
        (["Associated Press"], {"Associated Press"}, ["Associated Press"]),
        (
            ["Mediterranean Organization for Education and Culture"],
            set(),
            ["Mediterranean Organization for Education and Culture"],
        ),
        (["press@icesco.org"], set(), []),
    ],
)
def test_clean_authors(bylines, publishers, expected):
    assert clean_authors(bylines, publishers) == expected


def test_page_facts_read_json_ld_open_graph_and_links():
    ld = [
        {
            "@type": "WebPage",
            "name": "A page",
            "mainEntity": {
                "@type": "NewsArticle",
                "headline": "A &amp; B meet",
                "datePublished": "2022-06-19T10:00:00+01:00",
                "author": [{"@type": "Person", "name": "Jane Doe"}],
                "publisher": {"@type": "Organization", "name": "ICESCO"},
            },
        },
    ]
    page = f"""<html lang="fr-FR"><head>
    <script type="application/ld+json">{json.dumps(ld)}</script>
    <meta property="og:title" content="A &amp; B meet - ICESCO"><meta property="og:site_name" content="ICESCO">
    <meta property="article:published_time" content="2022-06-19T09:00:00+00:00">
    <link rel="alternate" hreflang="ar" href="/ar/a-b/"><link rel="alternate" hreflang="en-US" href="/en/a-b/">
    <link rel="alternate" hreflang="fr" href="/fr/a-b/"><link rel="canonical" href="https://icesco.org/fr/a-b/">
    </head><body><article><h1>A &amp; B meet</h1><div class="post-date"><span>19 juin 2022</span> <span>3</span></div>
    <p>Text.</p></article></body></html>"""
    facts = page_facts(lxml.html.fromstring(page))

    assert facts.titles["json-ld"] == facts.titles["h1"] == "A & B meet"  # entities decoded
    assert facts.published == [
        ("json-ld", "2022-06-19T10:00:00+01:00"),
        ("meta", "2022-06-19T09:00:00+00:00"),
    ]
    assert facts.byline_date == "19 juin 2022"  # not "19 juin 2022 3": the counter is not an hour
    assert facts.authors == ["Jane Doe"]
    assert facts.publishers == {"ICESCO"}
    assert facts.language == "fr"
    assert facts.canonical == "https://icesco.org/fr/a-b/"


def test_alternates_are_the_html_pages_of_other_languages_on_the_same_site():
    # a static site generator's head: its translations (relative), its feeds per language,
    # x-default, a second link of one language, and another site's page
    page = """<html lang="en"><head>
    <link rel="alternate" type="application/rss+xml" hreflang="ar" href="../../ar/index.xml">
    <link rel="alternate" type="application/atom+xml" hreflang="fr" href="/fr/feed.atom">
    <link rel="alternate" hreflang="x-default" href="https://org.example/posts/slug/">
    <link rel="alternate" hreflang="ar" href="../../../ar/posts/slug/">
    <link rel="alternate" type="text/html; charset=utf-8" hreflang="fr-FR" href="/fr/posts/slug/">
    <link rel="alternate" hreflang="fr" href="/fr/posts/other/">
    <link rel="alternate" hreflang="es" href="https://partner.example/es/slug/">
    <link rel="alternate" hreflang="de" href="https://de.org.example/posts/slug/">
    <link rel="alternate" hreflang="en" href="https://org.example/en/posts/slug/">
    </head><body></body></html>"""
    assert alternates(lxml.html.fromstring(page).iter("link"), "https://org.example/en/posts/slug/") == {
        "ar": "https://org.example/ar/posts/slug/",
        "fr": "https://org.example/fr/posts/slug/",  # the first of its language
        "de": "https://de.org.example/posts/slug/",  # a subdomain of the same site
        "en": "https://org.example/en/posts/slug/",  # its own: the caller leaves it out
    }
