"""How a distributed crawl scales with its workers: 1, 2 and 4 over the same site, one loader.

The realistic site of bench/crawl.py (1,000 articles, English and Arabic, pages of a real
theme's weight) is served on 127.0.0.1, and a redis-server of Debian's is started beside it.
Each run starts from an empty archive and an empty Redis: `newsarchive load` and N workers
(`newsarchive crawl --redis`), each worker pinned to a share of the machine's cores (its CPU
affinity, which its extraction processes inherit, and as many extraction processes as its
share holds). The time is from the start to the moment every article is stored; the memory is
the sum of the peaks of the loader's and the workers' process trees. The baseline,
in the same run, is the single-machine crawl (no Redis). Every crawl fetches the article pages
(``--content pages``: distributed workers do not read WordPress content from the API). Two sites:

- a local mirror, answering at once, crawled with no delay: the crawl is bound by extraction,
  i.e. by the cores;
- a polite crawl of a slow site: ``DOWNLOAD_DELAY`` 0.1 s (AutoThrottle off), one request at a
  time (the default), the site answering each page after 200 ms. The delay and the one request
  in flight are the site's, shared by every worker (crawler/distributed.py's ``SharedPace``):
  its requests per second with 4 workers are no more than with one machine.

    .venv/bin/python bench/distributed.py
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import redis
from crawl import FAST, RealisticSite, TreeMemory

from crawler.demo.server import DemoServer, Handler

ARTICLES = 1000
POLITE_ARTICLES = 200
WORKERS = (1, 2, 4)
LATENCY = 0.2  # seconds the polite crawl's site takes to answer a page
DELAY = 0.1  # the polite crawl's DOWNLOAD_DELAY
PAGES = ["--content", "pages"]
CORES = sorted(os.sched_getaffinity(0))
CLI = [sys.executable, "-m", "crawler.cli"]


class TimedHandler(Handler):
    """Notes when each request was answered (``server.times``), to tell the site's load."""

    def send(self, reply) -> None:
        super().send(reply)
        self.server.times.append(time.monotonic())


class SlowHandler(TimedHandler):
    def send(self, reply) -> None:
        time.sleep(LATENCY)
        super().send(reply)


def requests_per_second(times: list[float]) -> float:
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0


def start_redis(folder: Path) -> tuple[subprocess.Popen, str]:
    port = 6400 + os.getpid() % 1000
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(100):
        try:
            redis.Redis.from_url(url).ping()
            return server, url
        except redis.ConnectionError:
            time.sleep(0.05)
    raise SystemExit("redis-server did not start")


def pinned(cores: list[int]):
    return lambda: os.sched_setaffinity(0, cores)


def stored(folder: Path) -> int:
    with sqlite3.connect(folder / "archive.db") as db:
        return db.execute("select count(*) from articles").fetchone()[0]


def single(site_url: str, settings: list[str]) -> dict:
    """The single-machine crawl: no Redis, the archive written in place."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "sites.toml").write_text(f'[sites.org]\nstart_urls = ["{site_url}"]\n')
        started = time.perf_counter()
        process = subprocess.Popen([*CLI, "crawl", "org", *settings], cwd=folder, stdout=subprocess.DEVNULL)
        memory = TreeMemory(process.pid)
        memory.start()
        process.wait()
        memory.running = False
        return {"wall": time.perf_counter() - started, "stored": stored(folder), "rss": memory.peak}


def distributed(site_url: str, settings: list[str], workers: int, redis_url: str) -> dict:
    """A loader and ``workers`` workers over an empty archive; timed until all is stored."""
    redis.Redis.from_url(redis_url).flushall()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "sites.toml").write_text(f'[sites.org]\nstart_urls = ["{site_url}"]\n')
        loader = subprocess.Popen([*CLI, "load", "--from", redis_url, "--quiet"], cwd=folder)
        share = max(1, len(CORES) // workers)
        started = time.perf_counter()
        crawls = []
        for index in range(workers):
            cores = [CORES[(index * share + k) % len(CORES)] for k in range(share)]
            extract = ["-s", f"NEWSARCHIVE_EXTRACT_PROCESSES={share}"]
            command = [*CLI, "crawl", "org", "--redis", redis_url, *settings, *extract]
            crawls.append(
                subprocess.Popen(command, cwd=folder, stdout=subprocess.DEVNULL, preexec_fn=pinned(cores))
            )
        memory = [TreeMemory(process.pid) for process in [loader, *crawls]]
        for sampler in memory:
            sampler.start()
        for process in crawls:
            process.wait()
        client = redis.Redis.from_url(redis_url)
        while client.llen("newsarchive:handover") or client.llen("newsarchive:handover:loading"):
            time.sleep(0.05)
        wall = time.perf_counter() - started
        for sampler in memory:
            sampler.running = False
        loader.send_signal(signal.SIGTERM)
        loader.wait()
        return {"wall": wall, "stored": stored(folder), "rss": sum(sampler.peak for sampler in memory)}


def scenario(name: str, server: DemoServer, settings: list[str], redis_url: str) -> None:
    site_url = server.site.start_urls()[0]
    articles = {a.path for a in server.site.articles}
    server.times = []
    base = single(site_url, settings)
    base["req/s"] = requests_per_second(server.times)
    print(
        f"\n{name}\n{'':<16} {'wall s':>7} {'art/s':>6} {'site req/s':>10} {'stored':>6} {'twice':>5} "
        f"{'MB':>5} {'vs one machine':>14}"
    )
    print(
        f"{'one machine':<16} {base['wall']:>7.1f} {base['stored'] / base['wall']:>6.1f} {base['req/s']:>10.1f} "
        f"{base['stored']:>6} {'':>5} {base['rss'] / 2**20:>5.0f}"
    )
    for workers in WORKERS:
        before = len(server.requests)
        server.times = []
        run = distributed(site_url, settings, workers, redis_url)
        fetched = Counter(path for path in server.requests[before:] if path in articles)
        twice = sum(count > 1 for count in fetched.values())
        print(
            f"{f'{workers} worker' + ('s' if workers > 1 else ''):<16} {run['wall']:>7.1f} {run['stored'] / run['wall']:>6.1f} "
            f"{requests_per_second(server.times):>10.1f} {run['stored']:>6} {twice:>5} {run['rss'] / 2**20:>5.0f} "
            f"{base['wall'] / run['wall']:>13.2f}x",
            flush=True,
        )


def counts(articles: int) -> dict[str, int]:
    return {"en": articles * 7 // 10, "ar": articles - articles * 7 // 10}


def main() -> None:
    print(f"machine: {len(CORES)} cores; each worker pinned to {len(CORES)} / N cores")
    with tempfile.TemporaryDirectory() as tmp:
        redis_server, redis_url = start_redis(Path(tmp))
        try:
            with DemoServer(
                make_site=lambda base: RealisticSite(base, counts(ARTICLES)), handler=TimedHandler
            ) as server:
                scenario(
                    f"a local mirror, {ARTICLES:,} articles, no delay (bound by extraction):",
                    server,
                    [*FAST, *PAGES],
                    redis_url,
                )
            polite = [
                "-s", f"DOWNLOAD_DELAY={DELAY}", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING", *PAGES
            ]  # fmt: skip
            with DemoServer(
                make_site=lambda base: RealisticSite(base, counts(POLITE_ARTICLES)), handler=SlowHandler
            ) as server:
                scenario(
                    f"polite: {POLITE_ARTICLES} articles, DOWNLOAD_DELAY {DELAY} s, one request at a time, "
                    f"the site answering in {LATENCY * 1000:.0f} ms:",
                    server,
                    polite,
                    redis_url,
                )
        finally:
            redis_server.terminate()
            redis_server.wait()


if __name__ == "__main__":
    main()
