"""`newsarchive export-warc`: the captures as a WARC 1.1 file that `warcio check` accepts."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

from conftest import crawl, newsarchive, write_sites
from warcio.archiveiterator import ArchiveIterator

from crawler.demo.server import DemoServer
from storage.archive import Archive
from storage.records import Article, Capture
from storage.warc import export_warc

WARCIO = Path(sys.executable).parent / "warcio"


def records(path: Path) -> list[dict]:
    with open(path, "rb") as stream:
        return [
            {
                "type": record.rec_type,
                "uri": record.rec_headers.get_header("WARC-Target-URI"),
                "headers": dict(record.rec_headers.headers),
                "status": record.http_headers.get_statuscode() if record.http_headers else None,
                "http": dict(record.http_headers.headers) if record.http_headers else {},
                "body": record.content_stream().read(),
            }
            for record in ArchiveIterator(stream)
        ]


def warcio_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(WARCIO), "check", "-v", str(path)], capture_output=True, text=True)


def crawled_and_exported(folder: Path, content: str) -> subprocess.CompletedProcess[str]:
    """The demo newsroom crawled (``--content``) and exported to folder/demo.warc.gz; warcio's
    check of the file."""
    with DemoServer() as server:
        write_sites(folder, {"demo": server.site.config()})
        crawl(folder, "demo", "--content", content)
    result = newsarchive("export-warc", "demo", "-o", "demo.warc.gz", cwd=folder)
    assert result.returncode == 0, result.stderr[-2000:]
    return warcio_check(folder / "demo.warc.gz")


def test_articles_from_the_wordpress_api_export_as_its_answers(tmp_path):
    check = crawled_and_exported(tmp_path, "api")
    assert check.returncode == 0 and "fail" not in check.stdout, check.stdout[-2000:]
    written = records(tmp_path / "demo.warc.gz")
    # the one page of the API that gave the 66 posts, as it was answered: its JSON, once
    [response] = [r for r in written if r["type"] == "response"]
    assert "/wp-json/wp/v2/posts?" in response["uri"] and response["http"]["Content-Type"].startswith(
        "application/json"
    )
    assert len(json.loads(response["body"])) == 66
    # each other post's capture: a revisit of it, no second copy of the bytes
    revisits = [r for r in written if r["type"] == "revisit"]
    assert len(revisits) == 65 and {r["uri"] for r in revisits} == {response["uri"]}


def test_a_crawled_site_exports_to_a_valid_warc_with_every_article_page(tmp_path):
    check = crawled_and_exported(tmp_path, "pages")
    assert check.returncode == 0 and "digest pass" in check.stdout and "fail" not in check.stdout, (
        check.stdout[-2000:]
    )
    written = records(tmp_path / "demo.warc.gz")
    responses = {r["uri"]: r for r in written if r["type"] == "response"}
    requests = {r["uri"] for r in written if r["type"] == "request"}
    assert written[0]["type"] == "warcinfo" and written[0]["headers"]["WARC-Type"] == "warcinfo"
    with sqlite3.connect(tmp_path / "archive.db") as conn:
        pages = conn.execute(
            "select p.url, p.body from pages p join articles a on a.id = p.article_id"
        ).fetchall()
    assert len(pages) == 66 == len(responses) == len(requests)
    for url, body in pages:  # every stored article's page, byte for byte, with its request
        assert responses[url]["body"] == zlib.decompress(body) and responses[url]["status"] == "200"
        assert url in requests
        # the archive keeps decoded bytes: no Content-Encoding may claim otherwise
        assert "Content-Encoding" not in responses[url]["http"]


def test_a_capture_fetched_again_unchanged_is_a_revisit_record(tmp_path):
    url = "https://example.org/en/2022/06/19/visit/"
    text = "The Director-General received the delegation in Rabat.\nBoth sides agreed on a plan."
    with Archive(str(tmp_path / "archive.db")) as archive:
        for when in ("2024-01-01T00:00:00+00:00", "2024-02-01T10:00:00+00:00"):
            headers = {"Content-Type": "text/html", "Content-Encoding": "gzip", "ETag": '"v1"'}
            archive.store(
                Article(site="org", url=url, text=text), Capture(url, 200, headers, b"<p>raw</p>", when)
            )
        counts = export_warc(archive, tmp_path / "org.warc", ["org"])
    assert counts == {"warcinfo": 1, "request": 2, "response": 1, "revisit": 1}

    assert warcio_check(tmp_path / "org.warc").returncode == 0
    response, revisit = [r for r in records(tmp_path / "org.warc") if r["type"] in ("response", "revisit")]
    assert revisit["headers"]["WARC-Refers-To-Target-URI"] == url
    assert revisit["headers"]["WARC-Refers-To-Date"] == "2024-01-01T00:00:00Z"
    assert revisit["headers"]["WARC-Date"] == "2024-02-01T10:00:00Z"
    assert revisit["headers"]["WARC-Payload-Digest"] == response["headers"]["WARC-Payload-Digest"]
    assert revisit["headers"]["WARC-Profile"].endswith("/revisit/identical-payload-digest")
    assert response["body"] == b"<p>raw</p>" and response["http"]["Content-Length"] == "10"
