"""How a distributed crawl scales with its workers: 1, 2 and 4 over the same site, one loader.

The realistic site of bench/crawl.py (1,000 articles, English and Arabic, pages of a real
theme's weight) is served on 127.0.0.1, and a redis-server of Debian's is started beside it.
Each run starts from an empty archive and an empty Redis: `newsarchive load` and N workers
(`newsarchive crawl --redis`), each worker pinned to a share of the machine's cores (its CPU
affinity, which its extraction processes inherit, and as many extraction processes as its
share holds). The time is from the start to the moment every article is stored; the memory is
the sum of the peaks of the loader's and the workers' process trees. The baseline,
in the same run, is the single-machine crawl (no Redis). Two sites:

- a local mirror, answering at once: the crawl is bound by extraction, i.e. by the cores;
- the same site answering each page after 50 ms, crawled one request at a time per worker
  (as a polite crawl of one site is): bound by waiting, which more workers divide.

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
WORKERS = (1, 2, 4)
LATENCY = 0.05  # seconds the slow site takes to answer a page
CORES = sorted(os.sched_getaffinity(0))
CLI = [sys.executable, "-m", "crawler.cli"]


class SlowHandler(Handler):
    def send(self, reply) -> None:
        time.sleep(LATENCY)
        super().send(reply)


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
    base = single(site_url, settings)
    print(
        f"\n{name}\n{'':<16} {'wall s':>7} {'art/s':>6} {'stored':>6} {'twice':>5} {'MB':>5} {'vs one machine':>14}"
    )
    print(
        f"{'one machine':<16} {base['wall']:>7.1f} {base['stored'] / base['wall']:>6.1f} {base['stored']:>6} {'':>5} {base['rss'] / 2**20:>5.0f}"
    )
    for workers in WORKERS:
        before = len(server.requests)
        run = distributed(site_url, settings, workers, redis_url)
        fetched = Counter(path for path in server.requests[before:] if path in articles)
        twice = sum(count > 1 for count in fetched.values())
        print(
            f"{f'{workers} worker' + ('s' if workers > 1 else ''):<16} {run['wall']:>7.1f} {run['stored'] / run['wall']:>6.1f} "
            f"{run['stored']:>6} {twice:>5} {run['rss'] / 2**20:>5.0f} {base['wall'] / run['wall']:>13.2f}x",
            flush=True,
        )


def main() -> None:
    print(f"machine: {len(CORES)} cores; {ARTICLES:,} articles; each worker pinned to {len(CORES)} / N cores")
    counts = {"en": ARTICLES * 7 // 10, "ar": ARTICLES - ARTICLES * 7 // 10}
    with tempfile.TemporaryDirectory() as tmp:
        redis_server, redis_url = start_redis(Path(tmp))
        try:
            with DemoServer(make_site=lambda base: RealisticSite(base, counts)) as server:
                scenario("a local mirror (bound by extraction):", server, FAST, redis_url)
            polite = [*FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
            with DemoServer(
                make_site=lambda base: RealisticSite(base, counts), handler=SlowHandler
            ) as server:
                scenario(
                    f"the site answering in {LATENCY * 1000:.0f} ms, one request at a time per worker:",
                    server,
                    polite,
                    redis_url,
                )
        finally:
            redis_server.terminate()
            redis_server.wait()


if __name__ == "__main__":
    main()
