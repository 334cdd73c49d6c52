"""The archive at 100,000 and 1,000,000 articles, as people open it through Datasette.

    .venv/bin/python bench/archive_scale.py                 # 100,000 and 1,000,000
    .venv/bin/python bench/archive_scale.py --sizes 20000   # a quick look

Builds each archive through the loader (storage.archive.Archive.store_many, as a crawl
stores: dedupe rules, search index, captures), from real Arabic, French and English
sentences of ``../shared/data`` (bench/search.py's corpus) recombined into articles of 20
sites over ten years, then serves it with ``newsarchive serve`` and times, over HTTP, each
page a reader opens: the articles list with its facets, each facet, a filter by site and by
language, an article's reading view, a table search, every canned query, the dashboard (and
the query of each of its charts) and the Atom feed. Prints each page's seconds (the slower of
two loads after a first that warms the page cache) and whether Datasette dropped a facet as
timed out; then the file's size per article. The archives are kept in --folder and reused.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search import documents  # noqa: E402

from crawler.serve import QUERIES, dashboard  # noqa: E402
from storage.archive import Archive  # noqa: E402
from storage.records import Article, Capture  # noqa: E402

SITES = [f"org{n:02}" for n in range(20)]
LANGUAGES = ("en", "fr", "ar")
BATCH = 1000
PAGE = """<!doctype html><html lang="{language}"><head><title>{title}</title></head><body>
<header><nav>{menu}</nav></header><main><article><h1>{title}</h1><time>{published}</time>
{paragraphs}</article></main><footer>{menu}</footer></body></html>"""
MENU = " ".join(f'<a href="/section/{n}/">Section {n}</a>' for n in range(60))


def sentences() -> dict[str, list[str]]:
    pool: dict[str, list[str]] = {language: [] for language in LANGUAGES}
    for language, paragraph in documents():
        pool[language] += [s.strip() for s in re.split(r"(?<=[.!?؟])\s+", paragraph) if len(s.split()) >= 6]
    return pool


def articles(count: int, pool: dict[str, list[str]]):
    rng = random.Random(count)
    for n in range(count):
        language = rng.choice(LANGUAGES)
        site = SITES[n % len(SITES)]
        chosen = rng.sample(pool[language], rng.randint(8, 24))
        paragraphs = ["\n".join(chosen[i : i + 3]).replace("\n", " ") for i in range(0, len(chosen), 3)]
        title = " ".join(chosen[0].split()[:10])
        day = 3650 - n * 3650 // count  # newest last, as a backfill stores them
        published = time.strftime("%Y-%m-%d", time.gmtime(time.time() - day * 86400))
        url = f"https://{site}.example.org/{language}/{published.replace('-', '/')}/{n}/"
        article = Article(
            site=site,
            url=url,
            text="\n".join(paragraphs),
            title=title,
            published=published,
            language=language,
            authors=["Press office"],
            categories=[rng.choice(["News", "Events", "Education"])],
            markdown="\n\n".join(paragraphs),
        )
        html = PAGE.format(
            language=language,
            title=title,
            published=published,
            menu=MENU,
            paragraphs="".join(f"<p>{p}</p>" for p in paragraphs),
        )
        capture = Capture(
            url,
            200,
            {"Content-Type": "text/html; charset=utf-8"},
            html.encode(),
            f"{published}T12:00:00+00:00",
        )
        yield article, capture


def build(path: Path, count: int, pool: dict[str, list[str]]) -> float:
    started = time.monotonic()
    with Archive(str(path)) as archive:
        batch = []
        for pair in articles(count, pool):
            batch.append(pair)
            if len(batch) == BATCH:
                archive.store_many(batch)
                batch = []
        archive.store_many(batch)
        archive.checkpoint()
    return time.monotonic() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[float, bytes, str]:
    """The slower of two loads of ``url`` after a first one (which warms the page cache, as a
    page people keep opening is warm), its body, and what went wrong, if anything (a query
    Datasette stopped at its time limit answers 400)."""
    slowest, body, error = 0.0, b"", ""
    for attempt in range(3):
        started = time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                body = response.read()
        except urllib.error.HTTPError as failed:
            body, error = failed.read(), f"HTTP {failed.code}"
        if attempt:
            slowest = max(slowest, time.monotonic() - started)
    return slowest, body, error


def pages(db: str, article_id: int) -> dict[str, str]:
    quote = urllib.parse.quote
    found = {
        "articles list": f"/{db}/articles",
        "articles.json (facets)": f"/{db}/articles.json",
        **{f"facet {f}": f"/{db}/articles.json?_facet={f}" for f in ("site", "language", "year")},
        "filter site": f"/{db}/articles?site=org07",
        "filter language": f"/{db}/articles?language=ar",
        "reading view": f"/{db}/articles/{article_id}",
        "table search": f"/{db}/articles?_search={quote('organisation')}",
        "table search ar": f"/{db}/articles?_search={quote('السودان')}",
        "dashboard": "/-/dashboards/archive",
        "atom feed": f"/{db}/newest.atom",
    }
    params = {"search": f"q={quote('violence')}", "article_history": f"id={article_id}"}
    for name in QUERIES:
        found[f"query {name}"] = f"/{db}/{name}?{params.get(name, '')}"
    for name, chart in dashboard(db)["charts"].items():  # what the dashboard's page asks for
        found[f"dashboard chart {name}"] = f"/{db}.json?" + urllib.parse.urlencode({"sql": chart["query"]})
    return found


def measure(path: Path) -> list[tuple[str, float, str]]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "serve", "--db", str(path), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("newsarchive serve did not answer") from None
                time.sleep(0.5)
        rows = []
        for name, page in pages(path.stem, 1 + int(path.stat().st_size % 97)).items():
            seconds, body, note = fetch(base + page)
            if not note and (page.endswith(".json") or ".json?" in page):
                timed_out = json.loads(body).get("facets_timed_out") or []
                note = f"facets timed out: {', '.join(timed_out)}" if timed_out else "no facet timed out"
            rows.append((name, seconds, note))
        return rows
    finally:
        server.terminate()
        server.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--folder", type=Path, default=Path("bench-archives"))
    parser.add_argument("--measure", action="store_true", help="only measure the archives already built")
    args = parser.parse_args()
    args.folder.mkdir(exist_ok=True)
    pool = sentences()
    results = {}
    for size in args.sizes:
        path = args.folder / f"archive{size}.db"
        if not path.exists() and not args.measure:
            seconds = build(path, size, pool)
            print(
                f"built {path}: {size:,} articles in {seconds:.0f} s ({size / seconds:.0f} articles/s)",
                flush=True,
            )
        results[size] = (measure(path), path.stat().st_size)
    print(f"\n{'page':28}" + "".join(f"{size:>12,}" for size in args.sizes) + "   (seconds, warm)")
    names = [name for name, _, _ in results[args.sizes[0]][0]]
    for i, name in enumerate(names):
        print(
            f"{name:28}"
            + "".join(f"{results[size][0][i][1]:12.3f}" for size in args.sizes)
            + "   "
            + results[args.sizes[-1]][0][i][2]
        )
    print(f"{'bytes per article':28}" + "".join(f"{results[size][1] / size:12,.0f}" for size in args.sizes))


if __name__ == "__main__":
    main()
