"""Runs as cron sees them: the lock, exit codes, interruptions, resumable backfills, windows."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from conftest import FAST, crawl, newsarchive, start_newsarchive, write_sites

from crawler.demo.articles import sample_articles
from crawler.demo.server import DemoServer
from crawler.demo.site import DemoSite
from crawler.progress import progress_line
from storage.lock import ArchiveLock


def count(folder, sql="select count(*) from articles"):
    with sqlite3.connect(folder / "archive.db") as conn:
        return conn.execute(sql).fetchone()[0]


def test_a_second_run_exits_with_the_lock_code_and_touches_nothing(demo_server, tmp_path):
    write_sites(tmp_path, {"demo": demo_server.site.config()})
    with ArchiveLock(str(tmp_path / "archive.db")):  # a run in progress
        result = newsarchive("crawl", "demo", *FAST, cwd=tmp_path)
    assert result.returncode == 3
    assert "archive.db.lock is held by pid" in result.stderr
    assert demo_server.requests == [] and not (tmp_path / "archive.db").exists()


def test_a_lock_left_by_a_killed_run_is_recovered(demo_server, tmp_path):
    write_sites(tmp_path, {"demo": demo_server.site.config()})
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from storage.lock import ArchiveLock; import time; ArchiveLock({str(tmp_path / 'archive.db')!r}).acquire(); print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    holder.kill()
    holder.wait()
    holder.stdout.close()
    crawl(tmp_path, "demo")
    assert count(tmp_path) == 66


def test_crawl_all_goes_on_when_one_site_fails(demo_server, tmp_path):
    write_sites(
        tmp_path,
        {"demo": demo_server.site.config(), "down": {"start_urls": ["http://127.0.0.1:9/news/"]}},
    )
    result = newsarchive("crawl", "--all", *FAST, "-s", "RETRY_TIMES=0", cwd=tmp_path)
    assert result.returncode == 1  # finished, with errors
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    assert lines["demo"].startswith("66 new") and ", 0 errors;" in lines["demo"]
    assert "0 new" in lines["down"] and ", 0 errors;" not in lines["down"]
    assert count(tmp_path) == 66


def test_quiet_runs_print_nothing_when_all_went_well(demo_server, tmp_path):
    write_sites(tmp_path, {"demo": demo_server.site.config()})
    result = newsarchive("crawl", "demo", "--quiet", *FAST, cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""
    assert count(tmp_path) == 66


def test_the_log_goes_to_the_log_file(demo_server, tmp_path):
    write_sites(tmp_path, {"demo": demo_server.site.config()})
    result = newsarchive("crawl", "demo", "--log-file", "crawl.log", *FAST, cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("demo: 66 new")
    log = (tmp_path / "crawl.log").read_text()
    assert "Spider closed (finished)" in log and "Overridden settings" in log  # the whole log
    [line] = result.stderr.splitlines()  # the console: what is crawled, no Scrapy start-up dump
    assert line.endswith("INFO: Crawling demo from " + ", ".join(demo_server.site.start_urls()))


def test_the_console_shows_scrapys_log_only_when_verbose(demo_server, tmp_path):
    write_sites(tmp_path, {"demo": demo_server.site.config()})
    verbose = newsarchive("crawl", "demo", "--verbose", *FAST, cwd=tmp_path)
    assert verbose.returncode == 0 and "Enabled extensions" in verbose.stderr


def test_a_site_that_answers_nothing_is_a_failed_run_told_in_a_few_lines(tmp_path):
    write_sites(tmp_path, {"down": {"start_urls": ["http://127.0.0.1:9/news/"]}})
    result = newsarchive("crawl", "down", *FAST, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.strip().endswith("(failed: the site answered nothing)")
    assert (
        count(tmp_path, "select count(*) from crawls where status = 'failed' and finish_reason = 'no_answer'")
        == 1
    )
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) <= 6
    quiet = newsarchive("crawl", "down", "--quiet", *FAST, cwd=tmp_path)
    assert quiet.returncode == 1 and quiet.stdout.count("\n") == 1  # the summary line
    errors = quiet.stderr.splitlines()
    assert "Traceback" not in quiet.stderr and 1 <= len(errors) <= 3
    assert len({line.split(": ", 1)[1].split("<")[0] for line in errors}) == len(errors)  # each distinct once


def start_backfill(folder, delay: str) -> subprocess.Popen:
    """A backfill in the background, slowed down enough to be interrupted midway."""
    return start_newsarchive(
        "backfill", "news", "-s", f"DOWNLOAD_DELAY={delay}", "-s", "AUTOTHROTTLE_ENABLED=False", cwd=folder
    )


def wait_for_articles(folder, at_least, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if count(folder) >= at_least:
                return
        except sqlite3.Error:
            pass  # not created yet
        time.sleep(0.1)
    raise AssertionError(f"fewer than {at_least} articles after {timeout} s")


def test_sigterm_stops_the_run_gracefully_and_it_is_recorded_as_interrupted(tmp_path):
    with DemoServer(make_site=lambda base: DemoSite(base, counts={"en": 300})) as server:
        write_sites(tmp_path, {"news": {"start_urls": server.site.start_urls()}})
        process = start_backfill(tmp_path, "0.05")
        wait_for_articles(tmp_path, 20)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=120)
    assert process.returncode == 4, err[-2000:]
    assert "(shutdown)" in out
    assert count(tmp_path, "select status from crawls") == "interrupted"


def test_a_killed_backfill_resumes_and_stores_everything_once(tmp_path):
    with DemoServer(make_site=lambda base: DemoSite(base, counts={"en": 300})) as server:
        write_sites(tmp_path, {"news": {"start_urls": server.site.start_urls()}})
        process = start_backfill(tmp_path, "0.02")
        wait_for_articles(tmp_path, 60 + os.getpid() % 90)  # a different point each time
        process.kill()  # SIGKILL: no cleanup of any kind
        # Its extraction processes, which hold its output pipes, leave with it.
        process.communicate(timeout=30)
        stored_before = count(tmp_path)
        assert 0 < stored_before < 300
        assert count(tmp_path, "select status from crawls") == "running"  # it said nothing

        result = newsarchive("backfill", "news", *FAST, cwd=tmp_path)
        assert result.returncode == 0, result.stderr[-2000:]
        fetched = [r for r in server.requests if r.startswith("/en/20")]
    assert count(tmp_path) == 300
    assert count(tmp_path, "select count(distinct url) from articles") == 300
    assert count(tmp_path, "pragma integrity_check") == "ok"
    # the next run, holding the archive's lock, knew the first had died
    with sqlite3.connect(tmp_path / "archive.db") as db:
        runs = db.execute("select status, finish_reason from crawls order by id").fetchall()
    assert runs == [("interrupted", "lost"), ("finished", "finished")]
    # The second run fetched only what the first had not stored (plus at most one lost batch).
    assert len(fetched) <= 300 + 50


def test_backfill_window_keeps_only_articles_within_it(tmp_path):
    articles = sample_articles({"en": 40})
    since, until = articles[30].published.date(), articles[10].published.date()
    expected = sum(since <= a.published.date() <= until for a in articles)
    with DemoServer(make_site=lambda base: DemoSite(base, articles=articles)) as server:
        write_sites(tmp_path, {"news": {"start_urls": server.site.start_urls()}})
        result = newsarchive(
            "backfill", "news", "--since", str(since), "--until", str(until), *FAST, cwd=tmp_path
        )
        assert result.returncode == 0, result.stderr[-2000:]
        fetched = [r for r in server.requests if r.startswith("/en/20")]
        api = [r for r in server.requests if r.startswith("/wp-json/wp/v2/posts")]
    assert count(tmp_path) == expected
    assert (
        count(
            tmp_path,
            f"select count(*) from articles where substr(published, 1, 10) < '{since}' or substr(published, 1, 10) > '{until}'",
        )
        == 0
    )
    assert f"after={since}" in api[0] and f"before={until}" in api[0]
    # Pruned before fetching wherever the API gave a date: the first listing page's few links only
    assert len(fetched) <= expected + 6


def test_progress_line():
    stats = {
        "response_received_count": 1240,
        "archive/extracted": 1190,
        "archive/new": 1100,
        "archive/updated": 50,
    }
    assert (
        progress_line("icesco", stats, 5000, 380.0)
        == "icesco: 1,240 pages, 1,190 articles read (1,150 stored) of ~5,000; 6m20s, 3.1/s, ~20m16s left"
    )
    # before the first batch is stored, and with no total announced
    assert (
        progress_line("x", {"archive/extracted": 12}, None, 4.0)
        == "x: 0 pages, 12 articles read (0 stored); 4s, 3.0/s"
    )
    assert progress_line("x", {}, 10, 0) == "x: 0 pages, 0 articles read (0 stored) of ~10; 0s, 0.0/s"
    assert progress_line("x", {"archive/extracted": 9000}, 10_000, 3 * 3600 + 300).endswith(
        "; 3h05m, 0.8/s, ~20m33s left"
    )


def test_no_progress_line_when_stdout_is_not_a_terminal(tmp_path):
    with DemoServer(make_site=lambda base: DemoSite(base, counts={"en": 12})) as server:
        write_sites(tmp_path, {"news": {"start_urls": server.site.start_urls()}})
        result = newsarchive("backfill", "news", *FAST, cwd=tmp_path)
    assert result.returncode == 0
    assert "articles stored" not in result.stderr and "\r" not in result.stderr
