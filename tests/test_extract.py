"""Extraction: clean bodies and the right metadata from real-shaped pages."""

from __future__ import annotations

import json
from html import escape

import pytest
from conftest import SHARED

from crawler.demo.content import CHROME
from crawler.demo.site import DemoSite
from crawler.extract import MAX_TAGS, MAX_TEXT_CHARS, MIN_TEXT_CHARS, PageTooLarge, Rules, extract

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


@pytest.mark.parametrize(
    ("language", "byline", "published"),
    [
        ("en", "June 19, 2022", "2022-06-19"),
        ("en", "19/06/2022", "2022-06-19"),
        ("fr", "06/05/2022", "2022-05-06"),
        ("fr", "17 juin 2022", "2022-06-17"),
        ("fr", "le 17 juin 2022 à 10h30", "2022-06-17T10:30:00"),
        ("ar", "19 يونيو 2022", "2022-06-19"),
        ("ar", "١٩ يونيو ٢٠٢٢", "2022-06-19"),
        ("ar", "الأحد 19 يونيو 2022", "2022-06-19"),
        ("ar", "19 حزيران 2022", "2022-06-19"),
    ],
)
def test_a_date_written_in_the_byline_is_read_and_kept_as_written(language, byline, published):
    title, paragraphs = seed_article()
    page = wordpress_page(title, paragraphs, byline=byline).replace('lang="en-US"', f'lang="{language}"')
    article = extract(page, SEED_URL, "icesco")
    assert (article.published, article.published_raw) == (published, byline)
    assert article.published_source in ("byline", "trafilatura")
    assert byline not in article.text  # the byline is not part of the body


@pytest.mark.parametrize(
    ("head", "hints", "source", "raw", "published"),
    [
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2022-06-19T11:05:00+01:00"}</script>',
            {},
            "json-ld",
            "2022-06-19T11:05:00+01:00",
            "2022-06-19T11:05:00+01:00",
        ),
        (
            '<meta property="article:published_time" content="2022-06-19T10:05:00Z">',
            {},
            "meta",
            "2022-06-19T10:05:00Z",
            "2022-06-19T10:05:00+00:00",
        ),
        (
            "",
            {"published": "2022-06-19T09:00:00+00:00", "published_source": "wp-api"},
            "wp-api",
            "2022-06-19T09:00:00+00:00",
            "2022-06-19T09:00:00+00:00",
        ),
    ],
)
def test_structured_dates_come_first_with_their_source(head, hints, source, raw, published):
    title, paragraphs = seed_article()
    article = extract(
        wordpress_page(title, paragraphs, head, byline="June 1, 2022"), SEED_URL, "icesco", hints
    )
    assert (article.published_source, article.published_raw, article.published) == (source, raw, published)


def test_an_impossible_date_is_never_stored():
    title, paragraphs = seed_article()
    head = '<meta property="article:published_time" content="2099-01-01T00:00:00Z">'
    article = extract(wordpress_page(title, paragraphs, head, byline="31 février 2022"), SEED_URL, "icesco")
    assert article.published is None or article.published.startswith("2022")
    assert not (article.published or "").startswith("2099")


def test_the_markdown_form_keeps_headings_lists_and_paragraphs():
    title, paragraphs = seed_article()
    page = wordpress_page(title, paragraphs).replace(
        f"<p>{escape(paragraphs[1])}</p>",
        f"<h2>Agreements signed</h2><ul><li>A memorandum on culture</li><li>A youth programme</li></ul>"
        f"<p>{escape(paragraphs[1])}</p>",
    )
    article = extract(page, SEED_URL, "icesco")
    assert "## Agreements signed\n" in article.markdown
    assert "- A memorandum on culture\n- A youth programme" in article.markdown
    assert f"{paragraphs[0]}\n\n" in article.markdown  # paragraphs stay apart for a reader
    assert "Agreements signed\n- A memorandum on culture" in article.text  # the plain form: no markup
    assert "#" not in article.text


def test_site_selectors_override_the_generic_extraction():
    title, paragraphs = seed_article()
    page = wordpress_page(title, paragraphs, byline="").replace(
        '<div class="entry-content">',
        '<p class="kicker">Press release</p><span class="when" data-day="2022-06-18">Saturday</span>'
        '<div class="entry-content">',
    )
    page = page.replace("<footer>", f"<div class='box'><p>{'Unrelated boxed text. ' * 30}</p></div><footer>")
    selectors = {
        "title": "p.kicker",
        "published": "//span[@class='when']/@data-day",
        "body": "div.entry-content",
    }
    article = extract(page, SEED_URL, "icesco", selectors=selectors)
    assert article.title == "Press release"
    assert (article.published, article.published_source) == ("2022-06-18", "selector")
    assert article.text.split("\n") == paragraphs
    # a selector that no longer matches (the site was redesigned) falls back to the generic path
    fallback = extract(page, SEED_URL, "icesco", selectors={"body": "div.gone", "title": "h6.gone"})
    assert fallback.title == title and paragraphs[0] in fallback.text


def test_language_is_detected_when_the_page_does_not_declare_it():
    title, paragraphs = seed_article()
    page = wordpress_page(title, paragraphs).replace(' lang="en-US"', "")
    assert extract(page, SEED_URL, "icesco").language == "en"
    assert extract(page, SEED_URL, "icesco", hints={"language": "fr_FR"}).language == "fr"


def test_translations_are_absolute_urls_of_other_languages():
    title, paragraphs = seed_article()
    head = (
        '<link rel="alternate" hreflang="ar" href="/ar/2022/06/19/visit/">'
        '<link rel="alternate" hreflang="en" href="/en/2022/06/19/visit/">'
        '<link rel="alternate" type="application/rss+xml" hreflang="fr" href="/fr/feed/">'
    )
    article = extract(wordpress_page(title, paragraphs, head), SEED_URL, "icesco")
    assert article.language == "en"
    assert article.translations == {"ar": "https://www.icesco.org/ar/2022/06/19/visit/"}
    # a sitemap's (or the API's) alternates fill in the languages the page does not announce
    hinted = {
        "translations": '{"fr": "https://www.icesco.org/fr/visite/", "ar": "https://www.icesco.org/ar/x/"}'
    }
    article = extract(wordpress_page(title, paragraphs, head), SEED_URL, "icesco", hints=hinted)
    assert article.translations == {
        "ar": "https://www.icesco.org/ar/2022/06/19/visit/",
        "fr": "https://www.icesco.org/fr/visite/",
    }


def test_the_sites_menus_are_not_the_articles_categories():
    title, paragraphs = seed_article()
    # a Bootstrap footer: its section menu in a div.row, where trafilatura looks for categories
    menu = "".join(
        f'<li><a href="/en/category/{name.lower()}/">{name}</a></li>'
        for name in ("Culture", "Science", "Sports")
    )
    page = wordpress_page(title, paragraphs).replace(
        "<footer>", f'<footer><div class="row"><nav class="footer-nav"><ul>{menu}</ul></nav></div>'
    )
    article = extract(page, SEED_URL, "icesco")
    assert article.categories == []
    assert article.text.splitlines() == paragraphs  # the body is the same without the menus
    filed = page.replace(
        '<div class="share-buttons">',
        '<footer class="entry-footer"><a href="/en/category/news/" rel="category tag">News</a></footer>'
        '<div class="share-buttons">',
    )
    assert extract(filed, SEED_URL, "icesco").categories == ["News"]


def test_no_chrome_of_the_sample_site_reaches_the_text_or_the_markdown():
    site = DemoSite("http://127.0.0.1:8765")
    for sample in site.articles:
        strings = CHROME[sample.language].values()
        strings = [s for value in strings for s in ([value] if isinstance(value, str) else value)]
        article = extract(site.respond(sample.path).body.decode("utf-8"), site.base_url + sample.path, "demo")
        for form in (article.text, article.markdown):
            lines = {line.strip("-#*> ") for line in form.splitlines()}
            for chrome in strings:
                assert chrome not in lines, (sample.path, chrome)
                assert len(chrome) < 15 or chrome not in form, (sample.path, chrome)


HEADLINES = {
    "en": ("ICESCO and ALECSO sign a cooperation agreement", "ICESCO"),
    "fr": ("L'ICESCO et l'ALECSO signent un accord de coopération", "ICESCO"),
    "ar": ("الإيسيسكو والألكسو توقعان اتفاقية تعاون", "الإيسيسكو"),
}


def page_with(language: str, head: str, h1: str = "") -> str:
    _, paragraphs = seed_article()
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<html lang="{language}"><head><meta charset="utf-8">{head}</head><body>'
        f'<nav class="menu"><a href="/">Home</a></nav><article>{h1}<div class="entry-content">{body}</div></article>'
        "</body></html>"
    )


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
@pytest.mark.parametrize(
    "pattern",
    [
        # <title> with " | Site" glued on, the site named by og:site_name, no <h1>
        lambda h, site: (f'<title>{h} | {site}</title><meta property="og:site_name" content="{site}">', ""),
        # og:title and <title> with " - Publisher" glued on, the <h1> the headline alone
        lambda h, site: (
            f'<title>{h} - {site}</title><meta property="og:title" content="{h} – {site}">',
            f"<h1>{h}</h1>",
        ),
        # "Headline - Section - Site"
        lambda h, site: (f"<title>{h} - News - {site}</title>", f"<h1>{h}</h1>"),
        # JSON-LD's headline over an SEO <title> and a kicker in the <h1>
        lambda h, site: (
            f'<title>Read: {site} news today</title><script type="application/ld+json">'
            f"{json.dumps({'@type': 'NewsArticle', 'headline': h})}</script>",
            f"<h1><span>Rabat</span> {h}</h1>",
        ),
    ],
)
def test_the_headline_is_found_in_every_language(language, pattern):
    headline, site = HEADLINES[language]
    head, h1 = pattern(escape(headline), escape(site))
    article = extract(page_with(language, head, h1), SEED_URL, "icesco")
    assert article.title == headline
    assert not article.text.startswith(headline)  # not repeated as the first paragraph


def plain_page(container: str, paragraphs: list[str], title: str = "A headline", head: str = "") -> str:
    """A theme's page whose article sits in ``container`` (an opening tag), menus around it."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} | Org</title>
{head}</head><body><header><nav><a href="/">Org</a> <a href="/news/">News</a> <a href="/about/">About</a></nav></header>
{container}<h2>{escape(title)}</h2>{body}</div>
<footer><p>Copyright Org. All rights reserved.</p></footer></body></html>"""


@pytest.mark.parametrize(
    "container",
    [
        '<div class="entry themeform share">',  # a theme's article wrapper
        '<div class="post type-post category-social-issues tag-social">',  # WordPress's post classes
        '<div class="content js-truncate-related-to-my-size">',
        '<div class="no-share breadcrumbs-enabled">',
    ],
)
def test_class_names_with_chrome_words_never_cost_the_article(container):
    title, paragraphs = seed_article()
    article = extract(plain_page(container, paragraphs, title), SEED_URL, "icesco")
    assert article is not None and article.text.split("\n") == paragraphs
    assert article.extracted_by == "newsarchive"


HUNDRED_WORDS = (
    "The Organization opened a new regional office in Tunis on Monday to coordinate its education "
    "programmes in North Africa. The office will support ministries in training teachers, "
    "digitizing school libraries and expanding access to early childhood education. Its first "
    "director, appointed last month, said the office would work closely with national "
    "commissions and universities. Funding for the first three years comes from member states "
    "and two partner foundations. A first meeting with the region's ministers is planned for "
    "the autumn, when the office will present its work plan, its budget and the projects it "
    "has selected for its first year."
)


def test_a_short_real_article_that_discovery_found_is_kept():
    brief = "The Director-General will visit Cairo on 3 May to sign the new cooperation agreement."
    assert len(brief) < MIN_TEXT_CHARS
    head = '<meta property="article:published_time" content="2024-03-04T09:00:00+01:00">'
    page = plain_page('<div class="entry">', [brief], "Visit to Cairo", head)
    for route in ("sitemap", "feed", "api", "pattern"):
        article = extract(page, "https://example.org/news/visit/", "org", hints={"route": route})
        assert article is not None and article.text == brief and article.title == "Visit to Cairo"
        assert article.published == "2024-03-04T09:00:00+01:00"
    # a page only a listing linked to, as short, is a stub, not an article
    assert extract(page, "https://example.org/news/visit/", "org", hints={"route": "listing"}) is None
    assert extract(page, "https://example.org/news/visit/", "org") is None


def test_a_page_declaring_two_charsets_is_read_as_its_bytes_are_written():
    paragraphs = [
        "L'Organisation a réuni à Genève les ministres de l'éducation et de la culture.",
        "المنظمة الإسلامية للتربية والعلوم والثقافة تعقد اجتماعها السنوي في الرباط.",
        "Les délégués ont adopté une déclaration sur la protection du patrimoine.",
    ]
    page = plain_page('<div class="entry">', paragraphs, "Réunion à Genève")
    # A theme's stale declaration above the CMS's own
    page = page.replace(
        '<meta charset="utf-8">',
        '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><meta charset="utf-8">',
    )
    for content_type in (None, "text/html", "text/html; charset=ISO-8859-1"):
        article = extract(page.encode("utf-8"), SEED_URL, "org", content_type=content_type)
        assert article.title == "Réunion à Genève" and article.text.split("\n") == paragraphs


def test_a_single_byte_page_is_read_by_the_declaration_that_fits_its_bytes():
    paragraphs = [
        "Le Secrétaire général a présenté le rapport annuel devant le Conseil exécutif à Paris.",
        "Les États membres ont salué les progrès réalisés dans l'éducation des filles.",
        "Le prochain rapport sera présenté à la session d'automne, à Genève.",
    ]
    page = plain_page('<div class="entry">', paragraphs, "Rapport annuel présenté")
    page = page.replace('<meta charset="utf-8">', '<meta charset="utf-8"><meta charset="windows-1252">')
    article = extract(page.encode("cp1252"), SEED_URL, "org", content_type="text/html")
    assert article.title == "Rapport annuel présenté" and article.text.split("\n") == paragraphs


def test_what_the_projects_rules_lose_plain_trafilatura_finds():
    # A broken theme wraps its content in a <nav> (no headline in it): the rule that drops
    # menus would take the article with them; plain trafilatura's body is kept instead.
    brief = "The Director-General will visit Cairo on 3 May to sign the new cooperation agreement."
    page = plain_page('<div class="layout"><nav class="content"><div class="entry">', [brief], "Visit")
    page = page.replace("</div>\n<footer>", "</div></nav></div>\n<footer>")
    article = extract(page, "https://example.org/news/visit/", "org", hints={"route": "sitemap"})
    assert article.extracted_by == "trafilatura" and brief in article.text
    assert (
        extract(
            page,
            "https://example.org/news/visit/",
            "org",
            hints={"route": "sitemap"},
            rules=Rules(fallback=False),
        )
        is None
    )


def test_a_microdata_publication_date_is_read():
    title, paragraphs = seed_article()
    head = '<meta itemprop="datePublished" content="2022-06-18"><meta itemprop="dateModified" content="2022-06-20">'
    article = extract(wordpress_page(title, paragraphs, head, byline=""), SEED_URL, "icesco")
    assert (article.published, article.published_source, article.modified) == (
        "2022-06-18",
        "microdata",
        "2022-06-20",
    )


def test_a_utc_date_is_read_on_the_publishers_clock_when_the_page_tells_it():
    title, paragraphs = seed_article()
    ld = json.dumps({"@type": "NewsArticle", "headline": title, "datePublished": "2022-06-19T02:18:11Z"})
    head = f'<script type="application/ld+json">{ld}</script>'
    # the permalink says the 18th: the post went out in the evening of the 18th, west of UTC
    url = "https://www.icesco.org/en/2022/06/18/visit/"
    article = extract(wordpress_page(title, paragraphs, head, byline=""), url, "icesco")
    assert (article.published, article.published_source) == ("2022-06-18", "url")
    # a local spelling of the same instant beside it gives the time too
    local = head + '<meta name="date" content="Sat, 18 Jun 2022 22:18:11 -0400">'
    article = extract(wordpress_page(title, paragraphs, local, byline=""), url, "icesco")
    assert article.published == "2022-06-18T22:18:11-04:00"


def test_a_page_too_large_for_an_article_is_refused_before_it_is_parsed():
    def page(body: str) -> str:
        return f"<html><head><title>A report</title></head><body><article>{body}</article></body></html>"

    paragraph = "<p>The committee met in Geneva.</p>"
    assert extract(page(paragraph * (MAX_TAGS // 2 - 10)), "https://example.org/a/", "org") is not None
    with pytest.raises(PageTooLarge, match="tags"):
        extract(page(paragraph * (MAX_TAGS // 2 + 10)), "https://example.org/a/", "org")
    # characters of text count, not those of scripts, styles or attributes (inline images)
    words = "word " * (MAX_TEXT_CHARS // 5 + 10)
    with pytest.raises(PageTooLarge, match="characters of text"):
        extract(page(f"<p>{words}</p>"), "https://example.org/a/", "org")
    inline = f'<script>var x = "{words}";</script><img src="data:image/png;base64,{"A" * MAX_TEXT_CHARS}">'
    assert extract(page(inline + paragraph * 20), "https://example.org/a/", "org") is not None
