"""How fast the whole job runs on this machine, against what the machine allows.

A generated organization site of N articles (English and Arabic, WordPress-shaped, pages
padded to a real theme's weight: mega menu, inline styles and scripts, footer) is served on
127.0.0.1 and crawled end to end by `newsarchive crawl` (discovery, fetch, extract, store),
politeness off. In the same run: the ceiling (trafilatura alone extracting the same pages
from memory on every core), the nightly re-crawl of the unchanged site, the loader alone, and
`newsarchive reextract` over the archive. Peak memory is the RSS of the crawl's whole process
tree (its extraction workers included), sampled every 50 ms.

    .venv/bin/python bench/crawl.py                 # N = 1,000 and 10,000
    .venv/bin/python bench/crawl.py --sizes 1000
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import trafilatura

from crawler.demo.reply import Reply
from crawler.demo.server import DemoServer
from crawler.demo.site import DemoSite
from storage.loader import Archive
from storage.records import Article, Capture

# A local mirror: no politeness, as many parallel requests as the machine can use.
FAST = [
    "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING",
    "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
]  # fmt: skip


def theme_weight(language: str) -> str:
    """What a real theme adds to every page (about 60 KB): menus, styles, scripts, footer."""
    menu = "".join(
        f'<li class="menu-item"><a href="/{language}/section-{i}/topic-{j}/">Section {i} topic {j}</a></li>'
        for i in range(12)
        for j in range(15)
    )
    style = "".join(
        f".block-{i} {{ margin: {i}px; padding: {i % 7}px; color: #{i:06x}; }}\n" for i in range(600)
    )
    script = "".join(
        f"window.dataLayer.push({{event: 'view', id: {i}, slot: 'ad-{i}'}});\n" for i in range(300)
    )
    return (
        f'<nav class="mega-menu"><ul>{menu}</ul></nav><style>{style}</style>'
        f"<script>window.dataLayer = [];{script}</script>"
    )


class RealisticSite(DemoSite):
    """The sample newsroom, each article page weighted like a real theme's."""

    def respond(self, path: str, query: str = "") -> Reply | None:
        reply = super().respond(path, query)
        if reply is not None and reply.status == 200 and path in self.weighted:
            body = reply.body.replace(b"</body>", self.weighted[path] + b"</body>", 1)
            return Reply(body, reply.content_type, reply.status, reply.headers)
        return reply

    def __init__(self, base_url: str, counts: dict[str, int]) -> None:
        super().__init__(base_url, counts=counts)
        weights = {language: theme_weight(language).encode() for language in counts}
        self.weighted = {a.path: weights[a.language] for a in self.articles}


class TreeMemory(threading.Thread):
    """Samples the RSS of a process and all its descendants; keeps the peak (Linux /proc)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, sum(_rss(p) for p in _tree(self.pid)))
            time.sleep(0.05)


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry))
    tree, stack = [], [root]
    while stack:
        pid = stack.pop()
        tree.append(pid)
        stack.extend(children.get(pid, []))
    return tree


def _rss(pid: int) -> int:
    try:
        match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    except OSError:
        return 0
    return int(match.group(1)) * 1024 if match else 0


def run_measured(command: list[str], folder: Path) -> dict:
    """Wall time, CPU time (the whole tree) and peak RSS (the whole tree) of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    memory = TreeMemory(process.pid)
    memory.start()
    _, stderr = process.communicate()
    wall = time.perf_counter() - started
    memory.running = False
    memory.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{command} failed: {stderr.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "rss": memory.peak}


def last_crawl(folder: Path) -> dict:
    with sqlite3.connect(folder / "archive.db") as conn:
        conn.row_factory = sqlite3.Row
        return dict(conn.execute("select * from crawls order by id desc limit 1").fetchone())


def _extract(page: tuple[str, str]) -> bool:
    return trafilatura.bare_extraction(page[0], url=page[1], with_metadata=True) is not None


def ceiling(site: RealisticSite) -> float:
    """Pages per second trafilatura alone extracts from memory, on every core."""
    pages = [(site.respond(a.path).body.decode(), site.base_url + a.path) for a in site.articles]
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        list(pool.map(_extract, pages[: os.cpu_count() * 2]))  # workers started and warm
        started = time.perf_counter()
        done = sum(pool.map(_extract, pages, chunksize=8))
    assert done == len(pages)
    return len(pages) / (time.perf_counter() - started)


def loader_rate(count: int) -> float:
    """Articles per second the loader stores (dedupe, versions, full-text index, captures)."""
    articles = [
        Article(site="org", url=f"https://org.example/news/{i}/", title=f"Article {i}", text=_text(i))
        for i in range(count)
    ]
    with tempfile.TemporaryDirectory() as folder, Archive(str(Path(folder) / "a.db")) as archive:
        started = time.perf_counter()
        for start in range(0, count, 50):
            archive.store_many(
                (a, Capture(a.url, 200, {}, b"<html>...</html>", "2024-01-01T00:00:00+00:00"))
                for a in articles[start : start + 50]
            )
        return count / (time.perf_counter() - started)


def _text(i: int) -> str:
    """Six paragraphs of 60 words drawn from a 5,000-word vocabulary: distinct articles."""
    rng = random.Random(i)
    return "\n".join(" ".join(f"w{rng.randrange(5000)}" for _ in range(60)) for _ in range(6))


def bench(size: int) -> dict:
    counts = {"en": size * 7 // 10, "ar": size - size * 7 // 10}
    with (
        DemoServer(make_site=lambda base: RealisticSite(base, counts)) as server,
        tempfile.TemporaryDirectory() as tmp,
    ):
        folder = Path(tmp)
        (folder / "sites.toml").write_text(f'[sites.org]\nstart_urls = ["{server.site.start_urls()[0]}"]\n')
        page_kb = sum(len(server.site.respond(a.path).body) for a in server.site.articles[:50]) / 50 / 1024
        crawl = run_measured([sys.executable, "-m", "crawler.cli", "crawl", "org", *FAST], folder)
        first = last_crawl(folder)
        again = run_measured([sys.executable, "-m", "crawler.cli", "crawl", "org", *FAST], folder)
        second = last_crawl(folder)
        reextract = run_measured([sys.executable, "-m", "crawler.cli", "reextract", "org"], folder)
        top = ceiling(server.site)
    stored = first["new"]
    return {
        "size": size,
        "page_kb": page_kb,
        "stored": stored,
        "crawl": crawl,
        "rate": stored / crawl["wall"],
        "requests_per_article": first["requests"] / stored,
        "ceiling": top,
        "again_requests": second["requests"],
        "again_wall": again["wall"],
        "reextract_rate": stored / reextract["wall"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="article counts, comma-separated")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    print(
        f"machine: {os.cpu_count()} cores; Python {sys.version.split()[0]}; trafilatura {trafilatura.__version__}\n"
    )
    results = [bench(size) for size in sizes]
    print(
        f"{'articles':>8} {'page KB':>7} {'stored':>6} {'wall s':>7} {'art/s':>6} {'CPU s':>6} {'CPU %':>6} "
        f"{'peak MB':>7} {'req/art':>7} {'ceiling p/s':>11} {'vs ceiling':>10} "
        f"{'again req':>9} {'again s':>7} {'reextract/s':>11}"
    )
    for r in results:
        c = r["crawl"]
        print(
            f"{r['size']:>8,} {r['page_kb']:>7.0f} {r['stored']:>6} {c['wall']:>7.1f} {r['rate']:>6.1f} "
            f"{c['cpu']:>6.1f} {100 * c['cpu'] / c['wall']:>5.0f}% {c['rss'] / 2**20:>7.0f} "
            f"{r['requests_per_article']:>7.2f} {r['ceiling']:>11.1f} {r['rate'] / r['ceiling']:>9.2f}x "
            f"{r['again_requests']:>9} {r['again_wall']:>7.1f} {r['reextract_rate']:>11.1f}"
        )
    if len(results) > 1:
        growth = results[-1]["crawl"]["rss"] / results[0]["crawl"]["rss"]
        print(f"\npeak memory, {results[-1]['size']:,} vs {results[0]['size']:,} articles: {growth:.2f}x")
    print(
        f"loader alone: {loader_rate(5000):,.0f} articles/s (dedupe, full-text index, captures; batches of 50)"
    )


if __name__ == "__main__":
    main()
