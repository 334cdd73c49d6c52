"""Datasette, really run by `newsarchive serve` on a crawled archive, lists and searches it."""

from __future__ import annotations

import html
import urllib.parse
import urllib.request
from xml.etree import ElementTree

import dateutil.parser
import pytest
from conftest import crawl, free_port, get_json, serving, write_sites
from selenium import webdriver
from selenium.webdriver.chrome.service import Service as ChromeService
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from crawler.demo.server import DemoServer
from storage.archive import Archive
from storage.records import Article, Capture
from storage.urls import canonicalize

# Debian's packages, installed by .ci/run.
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

# The joint statement a partner republished, and a correction of one article's text.
PARTNER_URL = "https://partner.example/news/joint-statement/"
CORRECTION = "\nCorrection: the forum takes place in October, not in September."


def add_history_and_a_duplicate(db_path, truth) -> None:
    first, corrected = truth[0], truth[1]
    with Archive(str(db_path)) as archive:
        archive.store(
            Article(
                site="partner",
                url=PARTNER_URL,
                title=first["title"],
                text="RABAT —\n" + first["text"],
                published=first["published"],
                language=first["language"],
            ),
            Capture(PARTNER_URL, 200, {}, b"<html></html>", "2030-01-01T00:00:00+00:00"),
        )
        archive.store(
            Article(
                site="demo",
                url=corrected["url"],
                title=corrected["title"],
                text=corrected["text"] + CORRECTION,
                published=corrected["published"],
                language=corrected["language"],
                categories=["News"],
            ),
            Capture(corrected["url"], 200, {}, b"<html>v2</html>", "2030-01-02T00:00:00+00:00"),
        )
        # an Arabic article that links to its English version (hreflang)
        arabic, english = (next(t for t in truth if t["language"] == lang) for lang in ("ar", "en"))
        [[arabic_id]] = archive.db.execute(
            "select id from articles where url = ?", [canonicalize(arabic["url"])]
        )
        archive.db["article_translations"].insert(
            {"article_id": arabic_id, "language": "en", "url": english["url"]}
        )
        last_run = archive.last_crawl("demo")["id"]
        archive.record_outcome(
            last_run, f"{truth[2]['url']}?print=1", "timeout", None, "took longer than 30 s"
        )


def query(base: str, name: str, **params) -> list[dict]:
    arguments = urllib.parse.urlencode({**params, "_shape": "objects"})
    return get_json(f"{base}/archive/{name}.json?{arguments}")["rows"]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The sample newsroom crawled into an archive, and Datasette serving that archive."""
    folder = tmp_path_factory.mktemp("served")
    with DemoServer() as site_server:
        write_sites(folder, {"demo": site_server.site.config()})
        crawl(folder, "demo", "--content", "pages")  # the pages' dates: some a day, with no time
        truth = site_server.site.truth()
    add_history_and_a_duplicate(folder / "archive.db", truth)
    with serving(folder, "archive.db", free_port()) as base:
        yield base, truth


def test_datasette_lists_every_article_newest_first(served):
    base, truth = served
    data = get_json(f"{base}/archive/articles.json?_shape=objects&_size=100&site=demo")
    assert data["filtered_table_rows_count"] == len(truth) == 66
    published = [row["published"][:10] for row in data["rows"]]
    assert published == sorted(published, reverse=True)  # sorted by publication date by default
    assert {row["title"] for row in data["rows"]} == {t["title"] for t in truth}


def unique_word(truth: list[dict], language: str) -> tuple[str, dict]:
    """A word of one article's body that no other body has (the city or the number it names)."""

    def words(text):
        return {w.strip(".,:;") for w in text.split()}

    for expected in (t for t in truth if t["language"] == language):
        others = set().union(*(words(t["text"]) for t in truth if t is not expected))
        if unique := sorted(w for w in words(expected["text"]) - others if len(w) > 2):
            return unique[0], expected
    raise AssertionError(f"no article in {language} has a word of its own")


@pytest.mark.parametrize("language", ["en", "ar", "fr"])
def test_full_text_search_finds_an_article_by_a_word_of_its_body(served, language):
    base, truth = served
    word, expected = unique_word(truth, language)
    query = urllib.parse.urlencode({"_search": word, "site": "demo", "_shape": "objects"})
    data = get_json(f"{base}/archive/articles.json?{query}")
    assert [row["title"] for row in data["rows"]] == [expected["title"]]


def test_the_archive_has_its_metadata_and_facets(served):
    base, truth = served
    data = get_json(f"{base}/archive/articles.json?_size=0&site=demo")
    facets = {
        name: {f["value"]: f["count"] for f in data["facet_results"][name]["results"]}
        for name in ("language", "year")
    }
    assert facets["language"] == {"en": 30, "ar": 18, "fr": 18}
    years = {}
    for t in truth:
        years[t["published"][:4]] = years.get(t["published"][:4], 0) + 1
    assert facets["year"] == years
    # categories, a JSON list, is a facet to ask for: by default it would read every row's body
    assert "categories" not in data["facet_results"]
    asked = get_json(f"{base}/archive/articles.json?_size=0&site=demo&_facet_array=categories")
    categories = {f["value"]: f["count"] for f in asked["facet_results"]["categories"]["results"]}
    assert categories == {"News": 30, "Actualités": 18, "الأخبار": 18}
    info = get_json(f"{base}/-/metadata.json")
    assert info["title"] == "newsarchive" and info["license"] and info["source"]


def test_canned_queries(served):
    base, truth = served
    latest = query(base, "latest_per_site")
    assert [row["site"] for row in latest] == ["demo"] * 10  # the partner's only article is a duplicate
    assert latest[0]["published"] == max(t["published"] for t in truth)

    months = query(base, "articles_per_month")
    assert sum(row["articles"] for row in months if row["site"] == "demo") == 66

    [hit] = query(base, "search", q="Correction October")
    assert hit["title"] == truth[1]["title"] and "[Correction]" in hit["snippet"]

    [duplicate] = query(base, "duplicates")
    assert (duplicate["url"], duplicate["original_url"]) == (PARTNER_URL, truth[0]["url"])

    [failure] = query(base, "failures")
    assert (failure["site"], failure["outcome"], failure["reason"]) == (
        "demo",
        "timeout",
        "took longer than 30 s",
    )

    article_id = hit["id"]
    history = query(base, "article_history", id=article_id)
    assert [row["version"] for row in history] == [1, 2]
    assert history[0]["text"] == truth[1]["text"] and history[1]["text"].endswith(CORRECTION.strip())
    assert history[0]["seen_until"] == history[1]["seen_from"] == "2030-01-02T00:00:00+00:00"


# What people type, and what FTS5 would take for its own syntax: a column filter, a syntax
# error, operators, an unbalanced quote, no word at all.
HOSTILE_SEARCHES = [
    "Director-General",
    "L'OMEC",
    '"unbalanced',
    "AND",
    "OR NOT",
    "NEAR(",
    "title:x",
    "a -b",
    "()",
    "*",
    "",
    "؟",
    "'; drop table articles; --",
]


@pytest.mark.parametrize("q", HOSTILE_SEARCHES)
def test_any_search_a_person_types_answers_never_an_error(served, q):
    base, _ = served
    query(base, "search", q=q)  # an HTTP 400 (FTS5 syntax error) raises here
    get_json(f"{base}/archive/articles.json?" + urllib.parse.urlencode({"_search": q, "_shape": "objects"}))


def test_search_words_joined_by_punctuation_are_found(served):
    base, truth = served
    for q in ("Correction-October", '"Correction October', "correct* (October)"):
        assert [row["title"] for row in query(base, "search", q=q)] == [truth[1]["title"]], q
    assert query(base, "search", q="*") == []


def test_plain_datasette_gets_the_archives_metadata_and_queries(served, tmp_path):
    """`datasette archive.db`, with the package installed: the plugin gives the same metadata,
    canned queries and search as `newsarchive serve`."""
    _, truth = served
    with Archive(str(tmp_path / "archive.db")) as archive:
        archive.store(
            Article(
                site="org",
                url="https://org.example/a/",
                title="Director-General visits",
                text=truth[0]["text"],
            ),
            Capture("https://org.example/a/", 200, {}, b"<html></html>", "2030-01-01T00:00:00+00:00"),
        )
    with serving(tmp_path, "archive.db", free_port(), plain=True) as plain:
        assert get_json(f"{plain}/-/metadata.json")["title"] == "newsarchive"
        [hit] = query(plain, "search", q="Director-General")
        assert hit["title"] == "Director-General visits"
        facets = get_json(f"{plain}/archive/articles.json?_size=0")["facet_results"]
        assert {"site", "language", "year"} <= set(facets)


def test_one_atom_feed_follows_every_site(served):
    base, truth = served
    with urllib.request.urlopen(f"{base}/archive/newest.atom", timeout=30) as response:
        assert response.headers["Content-Type"].startswith("application/xml")
        feed = ElementTree.fromstring(response.read())
    atom = "{http://www.w3.org/2005/Atom}"
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == 50
    # newest archived first: the partner's copy, stored last
    assert entries[0].findtext(f"{atom}id") == "tag:newsarchive,partner:67"
    assert entries[0].find(f"{atom}link").get("href") == PARTNER_URL
    # each entry: published, the article's own date (with its offset); updated, when the
    # archive stored its current text (the corrected article's second version)
    dates = {canonicalize(t["url"]): t["published"] for t in truth} | {PARTNER_URL: truth[0]["published"]}
    with_time = 0
    for entry in entries:
        published, date = entry.findtext(f"{atom}published"), dates[entry.find(f"{atom}link").get("href")]
        if "T" in date:
            with_time += 1
            assert dateutil.parser.isoparse(published) == dateutil.parser.isoparse(date)
        else:  # a day without a time is not made an instant: it is in the content
            assert published is None and date in entry.findtext(f"{atom}content")
    assert with_time > 25
    corrected = next(e for e in entries if e.findtext(f"{atom}title") == truth[1]["title"])
    assert corrected.findtext(f"{atom}updated").startswith("2030-01-02T00:00:00")


def test_the_dashboard_charts_the_archive(served):
    base, truth = served
    with urllib.request.urlopen(f"{base}/-/dashboards/archive", timeout=10) as response:
        page = response.read().decode()
    for title in ("Articles per month, per site", "Articles per month, per language", "Crawl runs"):
        assert title in page
    dashboard = get_json(f"{base}/-/metadata.json")["plugins"]["datasette-dashboards"]["archive"]
    for name, chart in dashboard["charts"].items():  # each chart's data, as the page's script asks for it
        rows = get_json(
            f"{base}/archive.json?{urllib.parse.urlencode({'sql': chart['query'], '_shape': 'objects'})}"
        )["rows"]
        if name == "crawl-health":
            assert rows and rows[-1]["new"] == 66 and rows[-1]["errors"] == 0
        else:
            assert sum(row["articles"] for row in rows) == 67  # the sample's 66 and the partner's copy


@pytest.fixture
def browser():
    """Debian's headless Chromium, through chromedriver; quit whatever the test does."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=ChromeService(CHROMEDRIVER), options=options)
    yield browser
    browser.quit()


def test_the_articles_page_renders_in_chromium_and_a_search_typed_in_finds_the_article(
    served, browser, tmp_path_factory
):
    base, truth = served
    browser.get(f"{base}/archive/articles")
    rows = browser.find_elements(By.CSS_SELECTOR, "ol.article-list li")
    assert len(rows) == 67 and "articles" in browser.title  # the sample's 66 and the partner's copy
    word, expected = unique_word(truth, "ar")
    browser.find_element(By.CSS_SELECTOR, "input#_search").send_keys(word + Keys.ENTER)
    WebDriverWait(browser, 60).until(lambda b: "_search=" in b.current_url)
    titles = [link.text for link in browser.find_elements(By.CSS_SELECTOR, "ol.article-list a.headline")]
    assert titles == [expected["title"]]
    browser.execute_script("document.querySelector('ol.article-list').scrollIntoView()")
    screenshot = tmp_path_factory.getbasetemp() / "datasette-articles-search.png"
    assert browser.save_screenshot(str(screenshot)) and screenshot.stat().st_size > 10_000
    print(f"screenshot: {screenshot}")


def article_id(base: str, url: str) -> int:
    query = urllib.parse.urlencode({"url": canonicalize(url), "_shape": "objects"})
    return get_json(f"{base}/archive/articles.json?{query}")["rows"][0]["id"]


def test_the_articles_list_shows_excerpts_not_bodies(served):
    base, truth = served
    with urllib.request.urlopen(f"{base}/archive/articles?site=demo", timeout=30) as response:
        page = html.unescape(response.read().decode())
    longest = max(truth, key=lambda t: len(t["text"]))
    assert longest["title"] in page and longest["text"] not in page  # an excerpt of its body only
    assert longest["text"].split()[0] in page
    assert 'dir="rtl"' in page and 'dir="ltr"' in page
    with urllib.request.urlopen(f"{base}/archive/articles?site=demo&_view=columns", timeout=30) as response:
        assert "rows-and-columns" in response.read().decode()  # the columns, when asked for


def test_the_reading_view_shows_an_article_with_its_history_duplicates_and_captures(served):
    base, truth = served
    original, corrected = truth[0], truth[1]
    with urllib.request.urlopen(
        f"{base}/archive/articles/{article_id(base, corrected['url'])}", timeout=30
    ) as response:
        page = html.unescape(response.read().decode())
    assert f"<h1>{corrected['title']}</h1>" in page
    for paragraph in (corrected["text"] + CORRECTION).split("\n"):
        assert f"<p>{paragraph.strip()}</p>" in page  # the body in paragraphs
    assert "Earlier versions" in page and "version 1," in page and "/archive/article_history?id=" in page
    assert page.count("HTTP 200") == 2  # both captures
    with urllib.request.urlopen(
        f"{base}/archive/articles/{article_id(base, original['url'])}", timeout=30
    ) as response:
        page = response.read().decode()
    assert "Near-duplicates" in page and "(partner)" in page


def test_canned_search_marks_the_matching_words(served):
    base, truth = served
    word, expected = unique_word(truth, "fr")
    with urllib.request.urlopen(
        f"{base}/archive/search?" + urllib.parse.urlencode({"q": word}), timeout=30
    ) as response:
        page = response.read().decode()
    assert f"<mark>{word}</mark>" in page


def test_an_arabic_article_reads_right_to_left_in_chromium(served, browser, tmp_path_factory):
    """The reading view in a real browser: the Arabic body laid out right to left, its URL
    decoded, its English version linked; screenshots of an article in each language."""
    base, truth = served
    for language in ("ar", "en", "fr"):
        expected = next(t for t in truth if t["language"] == language)
        browser.get(f"{base}/archive/articles/{article_id(base, expected['url'])}")
        article = WebDriverWait(browser, 60).until(
            lambda b: b.find_element(By.CSS_SELECTOR, "article.article")
        )
        body = article.find_element(By.CSS_SELECTOR, ".body p")
        direction = browser.execute_script("return getComputedStyle(arguments[0]).direction", body)
        assert direction == ("rtl" if language == "ar" else "ltr")
        assert article.find_element(By.TAG_NAME, "h1").text == expected["title"]
        screenshot = tmp_path_factory.getbasetemp() / f"reading-view-{language}.png"
        assert browser.save_screenshot(str(screenshot)) and screenshot.stat().st_size > 10_000
        if language == "ar":
            # right-aligned: the first line ends at the right edge of the column
            box = browser.execute_script(
                "const r = document.createRange(); r.selectNodeContents(arguments[0]);"
                "const line = r.getClientRects()[0], col = arguments[0].getBoundingClientRect();"
                "return [line.right, col.right, line.left, col.left]",
                body,
            )
            assert (
                abs(box[0] - box[1]) < 2
                and box[2] > box[3]
                or abs(box[2] - box[3]) < 2
                and abs(box[0] - box[1]) < 2
            )
            source = article.find_element(By.CSS_SELECTOR, ".source a")
            assert source.text == urllib.parse.unquote(expected["url"]) and "%" not in source.text
            links = browser.find_elements(By.CSS_SELECTOR, ".article-links a")
            english = next(t for t in truth if t["language"] == "en")
            assert english["title"] in [link.text for link in links]  # its translation, archived
