"""URL canonicalization: one spelling per page."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.urls import canonicalize, host_of


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://WWW.Example.ORG/en/news/", "https://www.example.org/en/news/"),
        ("https://example.org:443/a/", "https://example.org/a/"),
        ("http://127.0.0.1:8765/a/", "http://127.0.0.1:8765/a/"),  # a real port is kept
        ("https://example.org/a/?utm_source=rss&utm_medium=feed", "https://example.org/a/"),
        ("https://example.org/a/?fbclid=x&id=7", "https://example.org/a/?id=7"),
        ("https://example.org/a/?b=2&a=1", "https://example.org/a/?a=1&b=2"),
        ("https://example.org/a/#comments", "https://example.org/a/"),
        ("https://example.org/a/;jsessionid=ABC", "https://example.org/a/"),
        ("https://example.org/news/?PHPSESSID=abc123&page=2", "https://example.org/news/?page=2"),
        ("https://example.org/a/?ref=twitter&gclid=x&mc_cid=y", "https://example.org/a/"),
        ("https://example.org/ar/%d8%a7/", "https://example.org/ar/%D8%A7/"),
        ("https://example.org/ar/ا/", "https://example.org/ar/%D8%A7/"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org/News/Item/", "https://example.org/News/Item/"),  # paths keep case
        ("https://example.org/story?sid=12", "https://example.org/story?sid=12"),  # content keys stay
    ],
)
def test_canonicalize(url, canonical):
    assert canonicalize(url) == canonical


def test_host_of_ignores_www_and_port():
    assert host_of("https://WWW.icesco.org:8443/en/") == "icesco.org"


@given(
    path=st.lists(
        st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=8), max_size=4
    ),
    query=st.dictionaries(
        st.sampled_from(["a", "id", "utm_source", "page", "fbclid"]), st.text(max_size=5), max_size=3
    ),
)
def test_canonicalize_is_idempotent(path, query):
    from urllib.parse import quote, urlencode

    url = "https://example.org/" + "/".join(quote(p, safe="") for p in path) + "?" + urlencode(query)
    once = canonicalize(url)
    assert canonicalize(once) == once
    assert "utm_source" not in once and "fbclid" not in once


@given(
    first=st.lists(st.text("abcxyz-é0", min_size=1, max_size=6), min_size=1, max_size=3),
    second=st.lists(st.text("abcxyz-é0", min_size=1, max_size=6), min_size=1, max_size=3),
    ids=st.tuples(st.integers(0, 99), st.integers(0, 99)),
)
def test_canonicalize_never_merges_two_articles(first, second, ids):
    """Distinct paths, or distinct values of a content key (?id=), stay distinct URLs."""
    from urllib.parse import quote

    def url(path, number):
        return "https://example.org/" + "/".join(quote(p, safe="") for p in path) + f"/?id={number}"

    if (first, ids[0]) != (second, ids[1]):
        assert canonicalize(url(first, ids[0])) != canonicalize(url(second, ids[1]))
