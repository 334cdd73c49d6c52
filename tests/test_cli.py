"""The `newsarchive` command: demo, sites, errors, and help that documents every command."""

from __future__ import annotations

import json
import re
import socket
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import REPO, crawl, newsarchive, write_sites

from crawler.cli import cli
from storage.archive import Archive


def test_demo_crawls_the_sample_site_and_checks_it(tmp_path):
    result = newsarchive("demo", "--port", "0", "--truth", "truth.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert len(truth) == 66 and {t["language"] for t in truth} == {"en", "ar", "fr"}
    assert "66/66 articles stored; right titles 66, dates 66, bodies 66" in result.stdout
    assert "newsarchive serve --db demo.db" in result.stdout and "8001/demo/articles" in result.stdout
    assert "newsarchive sites --db demo.db" in result.stdout  # the demo's archive is not the default one
    with sqlite3.connect(tmp_path / "demo.db") as conn:
        assert conn.execute("select count(*) from articles").fetchone()[0] == 66


def test_sites_lists_counts_and_last_crawl(demo_server, tmp_path):
    write_sites(
        tmp_path, {"demo": demo_server.site.config(), "other": {"start_urls": ["https://example.org/news/"]}}
    )
    crawl(tmp_path, "demo")
    result = newsarchive("sites", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    demo_line, other_line = result.stdout.splitlines()
    assert demo_line.split()[0] == "demo" and " 66 articles" in demo_line and "(finished)" in demo_line
    assert other_line.split()[0] == "other" and " 0 articles" in other_line and "never crawled" in other_line
    assert demo_line.index(" articles") == other_line.index(" articles")  # in columns


def test_sites_file_from_the_environment(demo_server, tmp_path, monkeypatch):
    path = write_sites(tmp_path, {"elsewhere": demo_server.site.config()})
    monkeypatch.setenv("NEWSARCHIVE_SITES", str(path))
    result = CliRunner().invoke(cli, ["sites", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 0 and result.output.startswith("elsewhere ")
    assert not (tmp_path / "none.db").exists()  # listing sites creates no archive


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crawl"], "name at least one SITE, or --all"),
        (["crawl", "demo", "-s", "NOVALUE"], "'NOVALUE' is not NAME=VALUE"),
        (["crawl", "nope"], "no site named nope (configured: demo)"),
        (
            ["crawl", "demo", "-s", "DOWNLOAD_DELAY=abc"],
            "-s DOWNLOAD_DELAY=abc: DOWNLOAD_DELAY takes a number",
        ),
        (["backfill", "demo", "-s", "ROBOTSTXT_OBEY=maybe"], "ROBOTSTXT_OBEY takes a bool"),
        (["crawl", "demo", "-s", "ITEM_PIPELINES={oops"], "ITEM_PIPELINES takes a dict"),
        (["crawl", "demo", "-s", "LOG_LEVEL=LOUD"], "-s LOG_LEVEL=LOUD: a level is one of"),
        (["crawl", "demo", "-s", "NEWSARCHIVE_CONTENT=rss"], "NEWSARCHIVE_CONTENT is one of api, pages"),
        (["backfill", "demo", "--content", "rss"], "'rss' is not one of 'api', 'pages'"),
        # a renamed or mistyped setting of the project's is not silently ignored
        (
            ["crawl", "demo", "-s", "NEWSARCHIVE_EXTRACT_WORKERS=2"],
            "did you mean NEWSARCHIVE_EXTRACT_PROCESSES?",
        ),
    ],
)
def test_usage_errors_are_refused_with_exit_code_2(tmp_path, args, message):
    write_sites(tmp_path, {"demo": {"start_urls": ["http://127.0.0.1:9/news/"]}})
    result = newsarchive(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "archive.db").exists()  # refused before any work


def test_commands_that_read_a_site_refuse_one_the_archive_does_not_hold(demo_server, tmp_path):
    write_sites(tmp_path, {"demo": demo_server.site.config()})
    crawl(tmp_path, "demo")
    for args in (["export-warc", "nosuchsite", "-o", "x.warc.gz"], ["reextract", "nosuchsite"]):
        result = newsarchive(*args, cwd=tmp_path)
        assert result.returncode == 2, args
        assert result.stderr.strip() == "Error: archive.db holds no site named nosuchsite (it holds: demo)"
    assert not (tmp_path / "x.warc.gz").exists()


def test_serve_on_a_port_in_use_is_a_usage_error(tmp_path):
    with Archive(str(tmp_path / "archive.db")):
        pass
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = newsarchive("serve", "--port", str(port), cwd=tmp_path)
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"Error: cannot listen on 127.0.0.1:{port}: Address already in use; choose another --port"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "the news spider crawls one site: scrapy crawl news -a site=NAME"),
        (["-a", "site=nope"], "no site named nope (configured: demo)"),
    ],
)
def test_scrapy_crawl_news_checks_its_site_first(tmp_path, args, message):
    write_sites(tmp_path, {"demo": {"start_urls": ["http://127.0.0.1:9/news/"]}})
    (tmp_path / "scrapy.cfg").write_text((REPO / "scrapy.cfg").read_text())
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_an_unusable_database_is_refused_before_crawling(tmp_path):
    write_sites(tmp_path, {"demo": {"start_urls": ["http://127.0.0.1:9/news/"]}})
    (tmp_path / "archive.db").write_bytes(b"not a database" * 200)
    result = newsarchive("crawl", "demo", cwd=tmp_path)
    assert result.returncode == 2 and "is not an SQLite archive" in result.stderr


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_with_an_example_and_a_place_in_the_readme(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example: newsarchive " + command in result.output
    assert f"newsarchive {command}" in (REPO / "README.md").read_text(encoding="utf-8")


def test_the_exit_codes_are_in_the_help():
    from crawler import exit_codes

    text = CliRunner().invoke(cli, ["--help"]).output
    codes = [value for name, value in vars(exit_codes).items() if name.startswith("EXIT_")]
    listed = [int(line.split()[0]) for line in text.splitlines() if re.match(r"\s+\d  ", line)]
    assert "Exit codes" in text and listed == sorted(codes)
