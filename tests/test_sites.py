"""sites.toml: good files load, bad ones are refused naming the file, the site and the field."""

from __future__ import annotations

import pytest
from conftest import REPO, toml_table

from crawler.frontier import Frontier
from crawler.paths import sites_file
from crawler.sites import SitesConfigError, load_sites, select_sites

GOOD = {"name": "Org", "start_urls": ["https://example.org/en/news/"]}


def write(tmp_path, text: str):
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_sites_file_loads():
    sites = load_sites(REPO / "sites.toml")
    assert {"icesco", "alecso", "demo"} <= set(sites)
    icesco = sites["icesco"]
    assert icesco.languages == ("en", "ar", "fr")
    frontier = Frontier(icesco, {})
    assert frontier.is_article(
        "https://www.icesco.org/en/2022/06/19/alecso-director-general-visits-icescos-headquarters-in-rabat/",
        "listing",
    )
    assert not frontier.is_article("https://icesco.org/en/category/news/", "listing")
    assert "icesco.org" in icesco.allowed_domains


def test_minimal_site_gets_defaults(tmp_path):
    site = load_sites(write(tmp_path, toml_table("org", GOOD)))["org"]
    assert site.name == "Org" and site.sitemaps == () and site.allowed_domains == ("example.org",)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"name": "Org"}, "[sites.org] start_urls: must list at least one URL"),
        ({**GOOD, "start_urls": "https://example.org/"}, "[sites.org] start_urls: must be a list of strings"),
        (
            {**GOOD, "start_urls": ["ftp://example.org/"]},
            "[sites.org] start_urls: 'ftp://example.org/' is not an http(s) URL",
        ),
        ({**GOOD, "feeds": ["/feed/"]}, "[sites.org] feeds: '/feed/' is not an http(s) URL"),
        (
            {**GOOD, "article_patterns": ["(unclosed"]},
            "[sites.org] article_patterns: '(unclosed' is not a valid regular expression",
        ),
        ({**GOOD, "languages": ["English"]}, "[sites.org] languages: 'English' is not a language code"),
        (
            {**GOOD, "allowed_domains": ["https://x.org/"]},
            "[sites.org] allowed_domains: 'https://x.org/' is not a domain name",
        ),
        ({**GOOD, "start_url": ["https://x.org/"]}, "[sites.org]: unknown field(s) start_url"),
        ({**GOOD, "name": ""}, "[sites.org] name: must be a non-empty string"),
        ({**GOOD, "selectors": "h1"}, "[sites.org] selectors: must be a table"),
        ({**GOOD, "selectors": {"headline": "h1"}}, "[sites.org] selectors.headline: unknown selector"),
        ({**GOOD, "selectors": {"body": "div..x"}}, "[sites.org] selectors.body: 'div..x' is neither"),
        (
            {**GOOD, "selectors": {"published": "//span[@"}},
            "[sites.org] selectors.published: '//span[@' is neither",
        ),
        ({**GOOD, "selectors": {"title": ""}}, "[sites.org] selectors.title: must be a CSS selector"),
    ],
)
def test_bad_site_is_refused_naming_file_site_and_field(tmp_path, table, message):
    path = write(tmp_path, toml_table("org", table))
    with pytest.raises(SitesConfigError) as error:
        load_sites(path)
    assert str(error.value).startswith(f"{path}: {message}")


def test_selectors_are_read_from_their_own_table(tmp_path):
    path = write(
        tmp_path,
        toml_table("org", GOOD)
        + "[sites.org.selectors]\n"
        + 'title = "h1.headline"\n'
        + "published = \"//span[@class='date']/@content\"\n",
    )
    assert load_sites(path)["org"].selectors == {
        "title": "h1.headline",
        "published": "//span[@class='date']/@content",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[sites.org\nname = 1", "not valid TOML"),
        ("[other]\nx = 1", "unknown top-level key(s): other"),
        ("[sites.Bad Name]\nstart_urls = []", "not valid TOML"),
        (
            '[sites."Bad Name"]\nstart_urls = ["https://x.org/"]',
            "[sites.Bad Name]: site names are lower-case",
        ),
    ],
)
def test_bad_file_is_refused(tmp_path, text, message):
    with pytest.raises(SitesConfigError, match=None) as error:
        load_sites(write(tmp_path, text))
    assert message in str(error.value)


def test_missing_file_and_unknown_site_are_named(tmp_path):
    with pytest.raises(SitesConfigError, match="no such file"):
        load_sites(tmp_path / "absent.toml")
    sites = load_sites(write(tmp_path, toml_table("org", GOOD)))
    with pytest.raises(SitesConfigError, match=r"no site named nope \(configured: org\)"):
        select_sites(sites, ["nope"], tmp_path / "sites.toml")


def test_sites_file_option_then_environment_then_working_directory(monkeypatch):
    monkeypatch.setenv("NEWSARCHIVE_SITES", "/etc/news/sites.toml")
    assert str(sites_file("mine.toml")) == "mine.toml"
    assert str(sites_file(None)) == "/etc/news/sites.toml"
    monkeypatch.delenv("NEWSARCHIVE_SITES")
    assert str(sites_file(None)) == "sites.toml"


def test_every_bad_site_of_a_file_is_reported_at_once(tmp_path):
    path = write(
        tmp_path,
        toml_table("one", {**GOOD, "name": ""})
        + toml_table("good", GOOD)
        + toml_table("two", {**GOOD, "selectors": "h1"}),
    )
    with pytest.raises(SitesConfigError) as error:
        load_sites(path)
    one, two = str(error.value).splitlines()
    assert one.startswith(f"{path}: [sites.one] name: must be a non-empty string")
    assert two.startswith(f"{path}: [sites.two] selectors: must be a table")
