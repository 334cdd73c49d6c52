"""How fast the whole job runs on this machine, against what the machine allows and its peers.

A generated organization site of N articles (English and Arabic, WordPress-shaped, pages
padded to a real theme's weight: mega menu, inline styles and scripts, footer) is served on
127.0.0.1 and crawled end to end by `newsarchive crawl` (discovery, fetch, extract, store),
politeness off. In the same run: the ceiling (trafilatura alone extracting the same pages
from memory on every core; and beside it, the crawl's own extraction alone, which does less
than trafilatura's defaults), the nightly re-crawl of the unchanged site and its weekly sweep
for deletions (every sitemap read), the loader alone,
`newsarchive reextract` over the archive, and, on the first size, the peers over the same
site: trafilatura's own command line and news-please, each installed by the benchmark in a
virtual environment of its own (bench/.peers/), their output scored like ours against the
generator's truth by ../shared/data/extraction-dev/evaluate.py. Then the same on real pages:
the 1,200 pages of ../shared/data (extraction-dev, extraction-more), each with its own site's
chrome, served as one site of N articles (the first size), crawled, against the ceilings on
those pages and the peers' crawls of them (their speed; these pages' truth is not by URL).
Peak memory is the RSS of a
command's whole process tree (worker processes included), sampled every 50 ms.

    .venv/bin/python bench/crawl.py                 # N = 1,000 and 10,000
    .venv/bin/python bench/crawl.py --sizes 1000
"""

from __future__ import annotations

import argparse
import configparser
import gzip
import json
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
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import trafilatura

from crawler.demo.reply import Reply
from crawler.demo.server import DemoServer
from crawler.demo.site import DemoSite
from crawler.extract import extract
from storage.archive import Archive
from storage.records import Article, Capture
from storage.urls import canonicalize

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SCORER = DATA / "extraction-dev" / "evaluate.py"
PEERS = Path(__file__).resolve().parent / ".peers"  # the peers' virtual environments

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


class RealPagesSite:
    """The real pages of ../shared/data (extraction-dev, extraction-more: 1,200 pages of news
    sites of many countries, each with its own theme and chrome) as one site's N articles at
    /news/<n>/, rotated where N is larger; a sitemap lists them (robots.txt announces it) and
    a start page links to it."""

    def __init__(self, base_url: str, size: int) -> None:
        files = sorted(DATA.glob("extraction-dev/html/*.html.gz")) + sorted(
            DATA.glob("extraction-more/*/html/*.html.gz")
        )
        self.bodies = [gzip.decompress(path.read_bytes()) for path in files]
        self.base_url = base_url
        self.paths = [f"/news/{n}/" for n in range(size)]

    def page(self, path: str) -> bytes:
        return self.bodies[int(path.split("/")[2]) % len(self.bodies)]

    def respond(self, path: str, query: str = "") -> Reply | None:
        if path in ("/news/", "/"):
            return Reply(
                b'<html><head><title>News</title></head><body><a href="/news/0/">first</a></body></html>'
            )
        if path == "/robots.txt":
            return Reply(f"Sitemap: {self.base_url}/sitemap.xml\n".encode(), "text/plain")
        if path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{self.base_url}{p}</loc></url>" for p in self.paths)
            xml = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            return Reply(xml.encode(), "application/xml")
        if path.startswith("/news/") and path.count("/") == 3 and path.split("/")[2].isdigit():
            return Reply(self.page(path), "text/html; charset=utf-8")
        return None

    def start_urls(self) -> list[str]:
        return [f"{self.base_url}/news/"]

    def pages(self) -> list[tuple[str, str]]:
        return [(self.page(p).decode("utf-8", "replace"), self.base_url + p) for p in self.paths]


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
    """A process and its descendants, from each thread's list of children: a few reads a
    sample (reading every process's /proc/N/stat cost ~9 ms, a tenth of a core at 20 samples
    a second, taken from what is measured)."""
    tree, stack = [], [root]
    while stack:
        pid = stack.pop()
        tree.append(pid)
        for children in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                stack.extend(int(child) for child in children.read_text().split())
            except OSError:  # the thread or the process ended meanwhile
                continue
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


def trafilatura_alone(page: tuple[str, str]) -> bool:
    return trafilatura.bare_extraction(page[0], url=page[1], with_metadata=True) is not None


def extraction_alone(page: tuple[str, str]) -> bool:
    """What the crawl's extraction processes do with a page (crawler/extract.py), as a page a
    sitemap listed."""
    try:
        return extract(page[0], page[1], "org", {"route": "sitemap"}) is not None
    except ValueError:  # too large: the crawl's outcome too
        return False


def generated_pages(site: RealisticSite) -> list[tuple[str, str]]:
    return [(site.respond(a.path).body.decode(), site.base_url + a.path) for a in site.articles]


def ceiling(pages: list[tuple[str, str]], extractor: Callable[[tuple[str, str]], bool]) -> float:
    """Pages per second ``extractor`` gets through from memory, on every core."""
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        list(pool.map(extractor, pages[: os.cpu_count() * 2]))  # workers started and warm
        started = time.perf_counter()
        list(pool.map(extractor, pages, chunksize=8))
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


def peer_python(name: str, *packages: str) -> Path:
    """The Python of a virtual environment of the peer's own, made and filled on first use."""
    folder = PEERS / name
    python, installed = folder / "bin" / "python", folder / "installed"
    if not installed.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(folder)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *packages], check=True)
        installed.touch()
    return python


def trafilatura_crawl(folder: Path) -> tuple[dict, dict]:
    """trafilatura's command line downloading and extracting the site's articles, as fast as it
    will (no sleep between requests, local addresses allowed). Given the article URLs the site's
    sitemap lists with ``-i``: its ``--sitemap`` discovery refuses an address with a port
    (courlan's URL check) and then fetches the start page over and over."""
    python = peer_python("trafilatura", "trafilatura", "lxml_html_clean")
    where = "import pathlib, trafilatura; print(pathlib.Path(trafilatura.__file__).with_name('settings.cfg'))"
    defaults = subprocess.run(
        [python, "-c", where], check=True, capture_output=True, text=True
    ).stdout.strip()
    config = configparser.ConfigParser()
    config.read(defaults)
    config["DEFAULT"].update({"SLEEP_TIME": "0", "SSRF_PROTECTION": "off"})
    with open(folder / "trafilatura.cfg", "w") as file:
        config.write(file)
    output = folder / "trafilatura-out"
    command = [
        str(python.parent / "trafilatura"), "-i", "urls.txt", "--json", "--with-metadata",
        "-o", str(output), "--config-file", "trafilatura.cfg", "--parallel", str(os.cpu_count()),
    ]  # fmt: skip
    measured = run_measured(command, folder)
    pages = [json.loads(path.read_text()) for path in output.glob("*.json")]
    return measured, {p["source"]: {"title": p["title"], "body": p["text"], "date": p["date"]} for p in pages}


NEWS_PLEASE = """
import json, sys
from newsplease import NewsPlease

if __name__ == "__main__":
    urls = open("urls.txt").read().split()
    articles = NewsPlease.from_urls(urls, request_args={"timeout": 30}, fetch_images=False)
    with open("news-please.jsonl", "w") as out:
        for url, a in articles.items():
            if a:  # {} where it failed
                date = a.date_publish and a.date_publish.isoformat()
                out.write(json.dumps({"url": url, "title": a.title, "body": a.maintext, "date": date}) + "\\n")
"""


def news_please(folder: Path) -> tuple[dict, dict]:
    """news-please over the same article URLs (``from_urls``: a download thread per URL, then
    extraction on every core)."""
    python = peer_python("news-please", "news-please")
    (folder / "news_please_run.py").write_text(NEWS_PLEASE)
    measured = run_measured([str(python), "news_please_run.py"], folder)
    lines = (folder / "news-please.jsonl").read_text().splitlines()
    return measured, {(p := json.loads(line))["url"]: p for line in lines}


def archived(folder: Path) -> dict:
    """What our crawl stored, as predictions to score."""
    with sqlite3.connect(folder / "archive.db") as conn:
        rows = conn.execute("select url, title, text, published from articles").fetchall()
    return {url: {"title": title, "body": text, "date": published} for url, title, text, published in rows}


def write_truth(site: RealisticSite, folder: Path) -> dict:
    """The generator's truth (canonical URL -> body, title, date), as the scorer reads it."""
    truth = {
        canonicalize(site.base_url + a.path): {
            "source": "generated", "body": a.text, "title": a.title, "date": a.published_iso,
        }
        for a in site.articles
    }  # fmt: skip
    (folder / "truth.json").write_text(json.dumps(truth))
    return truth


def scores(truth: dict, predictions: dict, folder: Path) -> dict:
    """Body F1, title and date accuracy of ``predictions`` (URL -> fields) against the truth."""
    mine = {canonicalize(url): fields for url, fields in predictions.items()}
    (folder / "predictions.json").write_text(json.dumps({url: mine[url] for url in truth if url in mine}))
    [result] = json.loads(
        subprocess.run(
            [sys.executable, str(SCORER), "--truth", "truth.json", "--allow-missing", "--json",
             "--n-bootstrap", "10", "predictions.json"],
            cwd=folder, check=True, capture_output=True, text=True,
        ).stdout
    ).values()  # fmt: skip
    return {
        "body": result["body"]["generated"]["f1"],
        "title": result["title"]["accuracy"],
        "date": result["date"]["accuracy"],
        "found": len(truth) - result["n_missing"],
    }


def bench(size: int, peers: bool) -> dict:
    counts = {"en": size * 7 // 10, "ar": size - size * 7 // 10}
    with (
        DemoServer(make_site=lambda base: RealisticSite(base, counts)) as server,
        tempfile.TemporaryDirectory() as tmp,
    ):
        folder = Path(tmp)
        (folder / "sites.toml").write_text(f'[sites.org]\nstart_urls = ["{server.site.start_urls()[0]}"]\n')
        page_kb = sum(len(server.site.respond(a.path).body) for a in server.site.articles[:50]) / 50 / 1024
        # each article's page fetched and extracted: the generated site is WordPress-shaped, and
        # its API's posts (the default route, bench/wp_content.py) would spare the pages
        pages = ["--content", "pages"]
        crawl = run_measured([sys.executable, "-m", "crawler.cli", "crawl", "org", *pages, *FAST], folder)
        first = last_crawl(folder)
        again = run_measured([sys.executable, "-m", "crawler.cli", "crawl", "org", *pages, *FAST], folder)
        second = last_crawl(folder)
        # the weekly deletion sweep (due at once here): every sitemap read
        sweep_now = ["-s", "NEWSARCHIVE_DELETION_SWEEP_DAYS=0"]
        run_measured([sys.executable, "-m", "crawler.cli", "crawl", "org", *pages, *FAST, *sweep_now], folder)
        swept = last_crawl(folder)
        reextract = run_measured([sys.executable, "-m", "crawler.cli", "reextract", "org"], folder)
        top = ceiling(generated_pages(server.site), trafilatura_alone)
        ours = ceiling(generated_pages(server.site), extraction_alone)
        truth = write_truth(server.site, folder)
        compared = {"newsarchive": (crawl, scores(truth, archived(folder), folder))}
        if peers:  # the same article URLs, in urls.txt
            (folder / "urls.txt").write_text(
                "\n".join(server.site.base_url + a.path for a in server.site.articles)
            )
            for name, peer in (("trafilatura", trafilatura_crawl), ("news-please", news_please)):
                measured, predictions = peer(folder)
                compared[name] = (measured, scores(truth, predictions, folder))
    stored = first["new"]
    return {
        "compared": compared,
        "size": size,
        "page_kb": page_kb,
        "stored": stored,
        "crawl": crawl,
        "rate": stored / crawl["wall"],
        "requests_per_article": first["requests"] / stored,
        "ceiling": top,
        "extraction": ours,
        "again_requests": second["requests"],
        "again_wall": again["wall"],
        "sweep_requests": swept["requests"],
        "reextract_rate": stored / reextract["wall"],
    }


def bench_real(size: int, peers: bool) -> dict:
    """The crawl of the real-page site of ``size`` articles, its ceilings, and the peers' crawls."""
    with (
        DemoServer(make_site=lambda base: RealPagesSite(base, size)) as server,
        tempfile.TemporaryDirectory() as tmp,
    ):
        folder = Path(tmp)
        site = server.site
        assert isinstance(site, RealPagesSite)
        (folder / "sites.toml").write_text(f'[sites.org]\nstart_urls = ["{site.start_urls()[0]}"]\n')
        crawl = run_measured([sys.executable, "-m", "crawler.cli", "crawl", "org", *FAST], folder)
        first = last_crawl(folder)
        run_measured([sys.executable, "-m", "crawler.cli", "crawl", "org", *FAST], folder)
        pages = site.pages()
        walls = {"newsarchive": crawl["wall"]}
        if peers:
            (folder / "urls.txt").write_text("\n".join(url for _, url in pages))
            for name, peer in (("trafilatura", trafilatura_crawl), ("news-please", news_please)):
                walls[name] = peer(folder)[0]["wall"]
        return {
            "size": size,
            "page_kb": sum(len(html) for html, _ in pages[:200]) / min(len(pages), 200) / 1024,
            "stored": first["new"] + first["aliases"] + first["duplicates"],
            "crawl": crawl,
            "rate": size / crawl["wall"],
            "ceiling": ceiling(pages, trafilatura_alone),
            "extraction": ceiling(pages, extraction_alone),
            "again_requests": last_crawl(folder)["requests"],
            "walls": walls,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="article counts, comma-separated")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    print(
        f"machine: {os.cpu_count()} cores; Python {sys.version.split()[0]}; trafilatura {trafilatura.__version__}\n"
    )
    print(
        f"{'articles':>8} {'page KB':>7} {'stored':>6} {'wall s':>7} {'art/s':>6} {'CPU s':>6} {'CPU %':>6} "
        f"{'peak MB':>7} {'req/art':>7} {'ceiling p/s':>11} {'vs ceiling':>10} {'ours p/s':>8} {'vs ours':>7} "
        f"{'again req':>9} {'again s':>7} {'sweep req':>9} {'reextract/s':>11}",
        flush=True,
    )
    results = []
    for index, size in enumerate(sizes):  # each row as soon as it is measured
        results.append(r := bench(size, peers=index == 0))
        c = r["crawl"]
        print(
            f"{r['size']:>8,} {r['page_kb']:>7.0f} {r['stored']:>6} {c['wall']:>7.1f} {r['rate']:>6.1f} "
            f"{c['cpu']:>6.1f} {100 * c['cpu'] / c['wall']:>5.0f}% {c['rss'] / 2**20:>7.0f} "
            f"{r['requests_per_article']:>7.2f} {r['ceiling']:>11.1f} {r['rate'] / r['ceiling']:>9.2f}x "
            f"{r['extraction']:>8.1f} {r['rate'] / r['extraction']:>6.2f}x "
            f"{r['again_requests']:>9} {r['again_wall']:>7.1f} {r['sweep_requests']:>9} "
            f"{r['reextract_rate']:>11.1f}",
            flush=True,
        )
    print(
        f"\nthe real pages of ../shared/data ({len(RealPagesSite('', 0).bodies):,}, each with its theme), "
        "as one site, same run:\n"
        f"{'articles':>8} {'page KB':>7} {'stored':>6} {'wall s':>7} {'pages/s':>7} {'CPU %':>6} {'peak MB':>7} "
        f"{'ceiling p/s':>11} {'vs ceiling':>10} {'ours p/s':>8} {'vs ours':>7} {'again req':>9}",
        flush=True,
    )
    real = bench_real(sizes[0], peers=True)
    c = real["crawl"]
    print(
        f"{real['size']:>8,} {real['page_kb']:>7.0f} {real['stored']:>6} {c['wall']:>7.1f} {real['rate']:>7.1f} "
        f"{100 * c['cpu'] / c['wall']:>5.0f}% {c['rss'] / 2**20:>7.0f} {real['ceiling']:>11.1f} "
        f"{real['rate'] / real['ceiling']:>9.2f}x {real['extraction']:>8.1f} {real['rate'] / real['extraction']:>6.2f}x "
        f"{real['again_requests']:>9}"
    )
    for name, wall in real["walls"].items():
        if name != "newsarchive":
            print(
                f"  {name}'s crawl of the same pages: {wall:.1f} s; newsarchive is {wall / c['wall']:.1f}x faster"
            )
    if len(results) > 1:
        growth = results[-1]["crawl"]["rss"] / results[0]["crawl"]["rss"]
        print(f"\npeak memory, {results[-1]['size']:,} vs {results[0]['size']:,} articles: {growth:.2f}x")
    print(
        f"loader alone: {loader_rate(5000):,.0f} articles/s (dedupe, full-text index, captures; batches of 50)"
    )
    first = results[0]
    print(
        f"\nthe same site of {first['size']:,} articles, same run:\n"
        f"{'':<12} {'wall s':>7} {'CPU s':>6} {'peak MB':>7} {'found':>6} {'body F1':>7} {'title':>6} "
        f"{'date':>6} {'newsarchive is':>15}"
    )
    ours = first["compared"]["newsarchive"][0]["wall"]
    for name, (measured, score) in first["compared"].items():
        speedup = f"{measured['wall'] / ours:.1f}x faster" if name != "newsarchive" else ""
        print(
            f"{name:<12} {measured['wall']:>7.1f} {measured['cpu']:>6.1f} {measured['rss'] / 2**20:>7.0f} "
            f"{score['found']:>6} {score['body']:>7.3f} {score['title']:>6.3f} {score['date']:>6.3f} "
            f"{speedup:>15}"
        )


if __name__ == "__main__":
    main()
