"""Distributed crawls: workers sharing a site's queue in a real redis-server, one loader writing
the archive; workers and the loader killed mid-crawl; jobs run by a real Scrapyd."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from conftest import FAST, REPO, free_port, start_newsarchive, write_sites

from crawler.demo.check import score
from crawler.demo.server import DemoServer
from crawler.demo.site import DemoSite
from storage.archive import Archive
from storage.handover import LOADING, QUEUE, Handover, Loader, worker_key, worker_of
from storage.records import Article, Capture


@pytest.fixture
def redis_url(tmp_path) -> Iterator[str]:
    """Debian's redis-server on 127.0.0.1, for this test alone."""
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield url
    client.close()
    server.terminate()
    server.wait(timeout=10)


def site(folder: Path, count: int, **options) -> DemoServer:
    """A demo newsroom of ``count`` articles (a fifth in Arabic), configured in folder/sites.toml."""
    server = DemoServer(
        make_site=lambda base: DemoSite(base, counts={"en": count - count // 5, "ar": count // 5})
    )
    write_sites(folder, {"news": {"start_urls": server.site.start_urls()}})
    return server


def worker(folder: Path, redis_url: str) -> subprocess.Popen[str]:
    return start_newsarchive("crawl", "news", "--redis", redis_url, *FAST, cwd=folder)


@contextmanager
def loader(folder: Path, redis_url: str) -> Iterator[subprocess.Popen[str]]:
    """`newsarchive load` running beside the workers; stopped (SIGTERM) once all is applied."""
    process = start_newsarchive("load", "--from", redis_url, "--db", "archive.db", cwd=folder)
    try:
        yield process
        wait_until_loaded(redis_url)
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err[-3000:]


def wait_until_loaded(redis_url: str, timeout: float = 120) -> None:
    client = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout
    while client.llen(QUEUE) or client.llen(LOADING):
        assert time.monotonic() < deadline, "the loader did not apply the handover"
        time.sleep(0.2)
    time.sleep(0.5)  # the last batch: taken from the list, its transaction committing


def finish(process: subprocess.Popen[str], timeout: int = 300) -> tuple[str, str]:
    """The output and log of a worker that ran to its end."""
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err[-3000:]
    return out, err


def article_fetches(server: DemoServer) -> Counter[str]:
    """How many times each article page was requested from the server."""
    paths = article_paths(server)
    requested = (urllib.parse.unquote(path) for path in server.requests)  # Arabic slugs are %-encoded
    return Counter(path for path in requested if path in paths)


def article_paths(server: DemoServer) -> set[str]:
    return {
        urllib.parse.unquote(urllib.parse.urlsplit(article["url"]).path) for article in server.site.truth()
    }


def stored(folder: Path) -> tuple[int, int, int]:
    """Articles, distinct article URLs, and captures in the archive."""
    with sqlite3.connect(folder / "archive.db") as db:
        return db.execute(
            "select count(*), count(distinct url), (select count(*) from pages) from articles"
        ).fetchone()


def stored_so_far(folder: Path) -> int:
    """Articles in an archive that the loader may be creating."""
    try:
        return stored(folder)[0]
    except sqlite3.OperationalError:  # no file, or its tables not created yet
        return 0


def runs(folder: Path, status: str) -> list[str]:
    """The workers of the runs in ``crawls`` with that status."""
    with sqlite3.connect(folder / "archive.db") as db:
        rows = db.execute("select worker from crawls where status = ? order by id", [status]).fetchall()
    return [worker_of(run) for (run,) in rows]


def wait_for(condition, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_two_workers_and_a_loader_archive_every_article_once(tmp_path, redis_url):
    with site(tmp_path, 1000) as server:
        with loader(tmp_path, redis_url):
            workers = [worker(tmp_path, redis_url) for _ in range(2)]
            summaries = [finish(process)[0] for process in workers]

        fetches = article_fetches(server)
        assert len(fetches) == 1000 and set(fetches.values()) == {1}  # no article fetched twice
        assert stored(tmp_path) == (1000, 1000, 1000)
        handed = [int(summary.split(": ")[1].split()[0]) for summary in summaries]
        assert sum(handed) == 1000 and min(handed) > 100, summaries  # both did their share
        with Archive(str(tmp_path / "archive.db")) as archive:
            runs = list(archive.db.query("select * from crawls order by id"))
            right = score(archive, "news", server.site.truth())
        assert [run["status"] for run in runs] == ["finished", "finished"]
        assert sum(run["new"] for run in runs) == 1000  # counted by the loader, per worker's run
        assert all(run["worker"] for run in runs)
        assert (right.stored, right.titles, right.dates, right.bodies) == (1000,) * 4

        # The next night: the workers know what is archived; nothing is fetched again.
        requests_before = len(server.requests)
        with loader(tmp_path, redis_url):
            for process in [worker(tmp_path, redis_url) for _ in range(2)]:
                finish(process)
        assert set(article_fetches(server).values()) == {1}
        assert len(server.requests) - requests_before <= 10, server.requests[requests_before:]
    assert stored(tmp_path) == (1000, 1000, 1000)


class TimedSite(DemoSite):
    """The demo newsroom, noting when each request reached it and how many it was answering at
    once, each taking ``latency`` seconds."""

    def __init__(self, base_url: str, latency: float = 0.0) -> None:
        super().__init__(base_url, counts={"en": 30})
        self.latency = latency
        self.times: list[float] = []
        self.answering = self.most_at_once = 0
        self.lock = threading.Lock()

    def respond(self, path: str, query: str = ""):
        with self.lock:
            self.times.append(time.monotonic())
            self.answering += 1
            self.most_at_once = max(self.most_at_once, self.answering)
        try:
            time.sleep(self.latency)
            return super().respond(path, query)
        finally:
            with self.lock:
                self.answering -= 1


def polite_workers(folder: Path, redis_url: str, server: DemoServer, delay: float, count: int = 2) -> None:
    """``count`` workers crawling the server's site at ``DOWNLOAD_DELAY`` ``delay`` (AutoThrottle
    off, one request at a time per site: the default), to the end."""
    polite = ["-s", f"DOWNLOAD_DELAY={delay}", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"]
    write_sites(folder, {"news": {"start_urls": server.site.start_urls()}})
    with loader(folder, redis_url):
        workers = [
            start_newsarchive("crawl", "news", "--redis", redis_url, *polite, cwd=folder)
            for _ in range(count)
        ]
        for process in workers:
            finish(process)
    assert stored(folder)[0] == 30


def test_workers_share_the_sites_delay(tmp_path, redis_url):
    delay = 0.4
    with DemoServer(make_site=TimedSite) as server:
        polite_workers(tmp_path, redis_url, server, delay)
        times = server.site.times
    # two workers, one site: its requests came one turn at a time, the delay apart on the whole
    # (each worker alone would allow two requests per delay); a turn's request may reach the
    # server late, which shortens one gap and lengthens another, not their sum
    assert times[-1] - times[0] >= (len(times) - 1) * delay - 2, (len(times), times[-1] - times[0])


def test_workers_share_the_sites_one_request_at_a_time(tmp_path, redis_url):
    # a slow site (each page 0.3 s) and a short delay: each worker alone would have one request
    # in flight at any time, the two together two
    with DemoServer(make_site=lambda base: TimedSite(base, latency=0.3)) as server:
        polite_workers(tmp_path, redis_url, server, delay=0.05)
        assert server.site.most_at_once == 1
    assert redis.Redis.from_url(redis_url).keys("newsarchive:pace:*:in_flight") == []  # every turn ended


def test_a_worker_killed_mid_crawl_loses_nothing(tmp_path, redis_url):
    with site(tmp_path, 300) as server, loader(tmp_path, redis_url):
        doomed, survivor = worker(tmp_path, redis_url), worker(tmp_path, redis_url)
        wait_for(lambda: sum(article_fetches(server).values()) >= 60)
        doomed.kill()  # SIGKILL: no goodbye, its requests in flight die with it
        doomed.communicate()
        _, log = finish(survivor)
        # its run ends once its heartbeat has expired, not before (the loader keeps running)
        wait_for(lambda: len(runs(tmp_path, "interrupted")) == 1)
    assert "Put back" in log  # the requests the killed worker held were crawled by the survivor
    assert runs(tmp_path, "interrupted") == [f"{socket.gethostname()}:{doomed.pid}"]
    assert runs(tmp_path, "finished") == [f"{socket.gethostname()}:{survivor.pid}"]

    articles, urls, captures = stored(tmp_path)
    assert (articles, urls) == (300, 300)
    assert set(article_fetches(server)) == article_paths(server)
    # A page the killed worker had handed over, but not yet marked done, is fetched again by
    # the survivor: the archive keeps that fetch as a revisit of the same bytes (at least once,
    # as a queue delivers), never as a second article or a second copy of the page.
    with sqlite3.connect(tmp_path / "archive.db") as db:
        [[bodies]] = db.execute("select count(*) from pages where revisit_of is null").fetchall()
    assert bodies == 300 and 300 <= captures <= sum(article_fetches(server).values())


def test_the_loader_killed_and_restarted_loses_nothing_and_stores_nothing_twice(tmp_path, redis_url):
    with site(tmp_path, 300) as server:
        first = start_newsarchive("load", "--from", redis_url, "--db", "archive.db", cwd=tmp_path)
        workers = [worker(tmp_path, redis_url) for _ in range(2)]
        wait_for(lambda: stored_so_far(tmp_path) >= 50)
        first.kill()
        first.communicate()
        for process in workers:
            finish(process)  # handing over to nobody meanwhile
        with loader(tmp_path, redis_url):
            pass

    assert stored(tmp_path) == (300, 300, 300)
    with sqlite3.connect(tmp_path / "archive.db") as db:
        twice = db.execute("select url from outcomes group by crawl_id, url having count(*) > 1").fetchall()
        assert twice == []
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert set(article_fetches(server).values()) == {1}


def test_messages_applied_before_the_loader_died_are_not_applied_again(tmp_path, redis_url):
    """Killed after its transaction committed and before it let go of the messages: the loader
    finds them where it left them, and skips what its archive already has."""
    handover = Handover(redis_url, "worker-1")
    run = handover.start_crawl("news", "crawl")
    article = Article(site="news", url="https://news.example/a/1", title="One", text="A first article. " * 20)
    capture = Capture(article.url, 200, {}, b"<html>one</html>", "2026-11-27T01:00:00+00:00")
    handover.store_many([(article, capture)], run)
    handover.record_outcome(run, "https://news.example/a/2", "not_article", 200)
    handover.finish_crawl(run, "finished", "finished", {"requests": 3})
    messages = redis.Redis.from_url(redis_url).lrange(QUEUE, 0, -1)

    with Archive(str(tmp_path / "archive.db")) as archive:
        assert Loader(redis_url, archive).run(lambda: False, once=True) == Counter(
            start=1, new=1, outcome=1, finish=1
        )
        redis.Redis.from_url(redis_url).rpush(LOADING, *messages)  # as if never let go
        assert Loader(redis_url, archive).run(lambda: False, once=True) == Counter(again=2, start=1, finish=1)
        assert archive.db.execute("select count(*) from articles").fetchone()[0] == 1
        assert archive.db.execute("select count(*) from pages").fetchone()[0] == 1
        crawl = archive.db.execute(
            "select worker, status, requests, new, not_articles from crawls"
        ).fetchall()
        assert crawl == [(run, "finished", 3, 1, 1)]
    known = redis.Redis.from_url(redis_url).hgetall("newsarchive:news:known")
    assert set(known) == {article.url.encode()}
    assert json.loads(known[article.url.encode()])[0] == capture.fetched_at


def test_the_loader_ends_the_run_of_a_worker_whose_heartbeat_stopped(tmp_path, redis_url):
    client = redis.Redis.from_url(redis_url)
    dead, alive = Handover(redis_url, "host:1"), Handover(redis_url, "host:2")
    dead_run, alive_run = dead.start_crawl("news", "crawl"), alive.start_crawl("news", "crawl")
    client.set(worker_key("news", "host:2"), "busy")  # host:1 has none: it died (or never beat)
    article = Article(site="news", url="https://news.example/a/1", title="One", text="A first article. " * 20)
    dead.store_many(
        [(article, Capture(article.url, 200, {}, b"<html>one</html>", "2026-11-27T01:00:00+00:00"))], dead_run
    )

    with Archive(str(tmp_path / "archive.db")) as archive:
        # the runs' rows are made by their first messages; then the dead one is found, and
        # its end is applied behind what it handed over
        assert Loader(redis_url, archive).run(lambda: False, once=True) == Counter(start=2, new=1)
        assert Loader(redis_url, archive).run(lambda: False, once=True) == Counter(lost=1)
        rows = archive.db.execute("select worker, status, finish_reason, new from crawls order by id")
        assert rows.fetchall() == [(dead_run, "interrupted", "lost", 1), (alive_run, "running", None, None)]

        # a worker whose heartbeat expired while it was only slow ends its run as it was
        alive.finish_crawl(alive_run, "finished", "finished", {"requests": 2})
        client.delete(worker_key("news", "host:2"))
        assert Loader(redis_url, archive).run(lambda: False, once=True) == Counter(finish=1, again=1)
        status = archive.db.execute("select status from crawls where worker = ?", [alive_run]).fetchone()
        assert status == ("finished",)


def test_scrapyd_runs_news_jobs_deployed_with_scrapyd_deploy(tmp_path, redis_url):
    port = free_port()
    (tmp_path / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = {tmp_path}/eggs\n"
        f"logs_dir = {tmp_path}/logs\ndbs_dir = {tmp_path}/dbs\nitems_dir =\nmax_proc = 2\n",
        encoding="utf-8",
    )
    bin_dir = Path(sys.executable).parent
    log = (tmp_path / "scrapyd.log").open("w")
    scrapyd = subprocess.Popen([bin_dir / "scrapyd"], cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    api = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: _answers(api + "daemonstatus.json"), timeout=30)
        deploy = subprocess.run(
            [bin_dir / "scrapyd-deploy", "remote"],
            cwd=REPO,
            env={**os.environ, "SCRAPYD_URL": api},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert deploy.returncode == 0 and '"status": "ok"' in deploy.stdout, deploy.stderr
        with site(tmp_path, 200) as server, loader(tmp_path, redis_url):
            settings = [
                f"NEWSARCHIVE_SITES={tmp_path / 'sites.toml'}",
                f"NEWSARCHIVE_REDIS_URL={redis_url}",
                "DOWNLOAD_DELAY=0",
                "AUTOTHROTTLE_ENABLED=False",
            ]
            fields = [("project", "newsarchive"), ("spider", "news"), ("site", "news")]
            fields += [("setting", setting) for setting in settings]
            jobs = [_post(api + "schedule.json", fields)["jobid"] for _ in range(2)]
            wait_for(
                lambda: (
                    {job["id"] for job in _get(api + "listjobs.json?project=newsarchive")["finished"]}
                    >= set(jobs)
                )
            )
        logs = [(tmp_path / "logs" / "newsarchive" / "news" / f"{job}.log").read_text() for job in jobs]
        assert all("'finish_reason': 'finished'" in log for log in logs), logs[0][-3000:]
        assert stored(tmp_path) == (200, 200, 200)
        assert set(article_fetches(server).values()) == {1}
    finally:
        scrapyd.terminate()
        scrapyd.wait(timeout=10)
        log.close()


def _answers(url: str) -> bool:
    try:
        return _get(url)["status"] == "ok"
    except OSError:
        return False


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def _post(url: str, fields: list[tuple[str, str]]) -> dict:
    data = urllib.parse.urlencode(fields).encode()
    with urllib.request.urlopen(url, data=data, timeout=10) as response:
        answer = json.load(response)
    assert answer["status"] == "ok", answer
    return answer
