"""Datasette, really run by `newsarchive serve` on a crawled archive, lists and searches it."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from conftest import crawl, write_sites

from crawler.demo.server import DemoServer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The sample newsroom crawled into an archive, and Datasette serving that archive."""
    folder = tmp_path_factory.mktemp("served")
    with DemoServer() as site_server:
        write_sites(folder, {"demo": site_server.site.config()})
        crawl(folder, "demo")
        truth = site_server.site.truth()
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "serve", "--db", "archive.db", "--port", str(port)],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                get_json(f"{base}/-/versions.json")
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"newsarchive serve exited: {process.stdout.read()}")
                time.sleep(0.1)
        yield base, truth
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def test_datasette_lists_every_article_newest_first(served):
    base, truth = served
    data = get_json(f"{base}/archive/articles.json?_shape=objects&_size=100")
    assert data["filtered_table_rows_count"] == len(truth) == 66
    published = [row["published"][:10] for row in data["rows"]]
    assert published == sorted(published, reverse=True)  # sorted by publication date by default
    assert {row["title"] for row in data["rows"]} == {t["title"] for t in truth}


@pytest.mark.parametrize("language", ["en", "ar", "fr"])
def test_full_text_search_finds_an_article_by_a_word_of_its_body(served, language):
    base, truth = served

    def words(text):
        return {w.strip(".,:;") for w in text.split()}

    # An article with a word no other body has: the city or the number it mentions.
    for expected in (t for t in truth if t["language"] == language):
        others = set().union(*(words(t["text"]) for t in truth if t is not expected))
        unique = sorted(w for w in words(expected["text"]) - others if len(w) > 2)
        if unique:
            word = unique[0]
            break
    query = urllib.parse.urlencode({"_search": word, "_shape": "objects"})
    data = get_json(f"{base}/archive/articles.json?{query}")
    assert [row["title"] for row in data["rows"]] == [expected["title"]]


def test_the_archive_has_its_metadata_and_facets(served):
    base, _ = served
    data = get_json(f"{base}/archive/articles.json?_facet=language&_size=0")
    facets = {f["value"]: f["count"] for f in data["facet_results"]["language"]["results"]}
    assert facets == {"en": 30, "ar": 18, "fr": 18}
    assert get_json(f"{base}/-/metadata.json")["title"] == "newsarchive"
