"""Extraction on real pages nobody here wrote: the crawler's own extraction beside plain
trafilatura and htmldate, on every source of ``../shared/data``, page by page.

Sources (four independent sets of truth):

- ``aeb``: extraction-dev, scrapinghub's article-extraction benchmark (hand-annotated bodies);
- ``fundus``: extraction-dev, fundus' news pages (body, title, date, authors);
- ``text``: extraction-more/text, trafilatura's evaluation corpus (strings that must be in the
  body, and strings that must not);
- ``dates``: extraction-more/dates, htmldate's evaluation set (the publication day).

Systems: ``newsarchive`` (``crawler.extract.extract``, what the pipeline stores, given the raw
bytes as the crawl is, and told the URL is an article as discovery tells it), plain
``trafilatura.bare_extraction(bytes, url=..., with_metadata=True)``, and for dates plain
``htmldate.find_date(bytes, extensive_search=True, original_date=True)``. Speed is CPU time per
page, summed: one core's rate, whatever the number of processes the pages are spread over.

    .venv/bin/python bench/extraction.py              # the table; pages that got worse in extraction-pages.tsv
    .venv/bin/python bench/extraction.py --rules      # also each rule of crawler/extract.py switched off
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import importlib.util
import json
import multiprocessing
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import htmldate
import trafilatura

from crawler.extract import RULES, Rules, extract

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DEV, MORE = DATA / "extraction-dev", DATA / "extraction-more"
# What discovery tells the extraction of each page: an article URL (from a sitemap, say).
ARTICLE_HINTS = {"route": "sitemap"}
SOURCES = ("aeb", "fundus", "text", "dates")


@dataclass(frozen=True)
class Page:
    source: str
    id: str
    path: Path
    url: str | None
    content_type: str | None  # as an HTTP server would have declared it, where known

    @property
    def key(self) -> str:  # an id is unique within its source only
        return f"{self.source}/{self.id}"


def load_pages() -> tuple[list[Page], dict[str, dict]]:
    """Every page of every source, and the truth of each (by id)."""
    pages, truth = [], {}
    dev = json.loads((DEV / "truth.json").read_text(encoding="utf-8"))
    for page_id, record in dev.items():
        # The dev pages were stored as UTF-8, whatever the site served.
        path = DEV / "html" / f"{page_id}.html.gz"
        pages.append(Page(record["source"], page_id, path, record.get("url"), "text/html; charset=utf-8"))
        truth[f"{record['source']}/{page_id}"] = record
    for source, folder in (("text", MORE / "text"), ("dates", MORE / "dates")):
        for page_id, record in json.loads((folder / "truth.json").read_text(encoding="utf-8")).items():
            pages.append(Page(source, page_id, folder / "html" / f"{page_id}.html.gz", record["url"], None))
            truth[f"{source}/{page_id}"] = record
    return pages, truth


# -- the systems: a page's bytes -> {"body", "title", "date", "authors"} ----------------------


def newsarchive(page: Page, body: bytes, rules: Rules) -> dict:
    article = extract(
        body, page.url or "", "bench", ARTICLE_HINTS, content_type=page.content_type, rules=rules
    )
    if article is None:
        return {}
    return {
        "body": article.text,
        "title": article.title,
        "date": article.published,
        "authors": article.authors,
    }


def plain_trafilatura(page: Page, body: bytes, rules: Rules) -> dict:
    document = trafilatura.bare_extraction(body, url=page.url, with_metadata=True)
    if document is None:
        return {}
    authors = [a.strip() for a in (document.author or "").split(";") if a.strip()]
    return {"body": document.text or "", "title": document.title, "date": document.date, "authors": authors}


def plain_htmldate(page: Page, body: bytes, rules: Rules) -> dict:
    return {"date": htmldate.find_date(body, url=page.url, extensive_search=True, original_date=True)}


SYSTEMS: dict[str, Callable[[Page, bytes, Rules], dict]] = {
    "newsarchive": newsarchive,
    "trafilatura": plain_trafilatura,
    "htmldate": plain_htmldate,
}


def _predict(task: tuple[str, Page, Rules]) -> tuple[str, dict, float]:
    system, page, rules = task
    body = gzip.decompress(page.path.read_bytes())
    started = time.process_time()
    prediction = SYSTEMS[system](page, body, rules)
    return page.key, {k: v for k, v in prediction.items() if v}, time.process_time() - started


def predict(pool: multiprocessing.pool.Pool, system: str, pages: list[Page], rules: Rules = RULES):
    """Predictions of one system on every page, and the CPU seconds they took."""
    results = pool.map(_predict, [(system, page, rules) for page in pages], chunksize=8)
    return {key: prediction for key, prediction, _ in results}, sum(cpu for *_, cpu in results)


# -- the scores ------------------------------------------------------------------------------


def _module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.parent.name.replace("-", "_"), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


DEV_SCORER = _module(DEV / "evaluate.py")  # the dev set's own scorer (body shingles, metadata)


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def scores(pages: list[Page], truth: dict[str, dict], predictions: dict[str, dict]) -> tuple[dict, dict]:
    """Per source its figures (``{"aeb": {"body": F1}, ...}``), and per page one figure that
    says how well it went (body F1, share of right strings, right day), for the page diffs."""
    by_source: dict[str, list[Page]] = {}
    for page in pages:
        by_source.setdefault(page.source, []).append(page)
    table: dict[str, dict[str, float]] = {}
    per_page: dict[str, float] = {}
    for source in ("aeb", "fundus"):
        ids = [page.key for page in by_source[source]]
        result = DEV_SCORER.score(truth, ids, {key: predictions[key] for key in ids}, 0, 0, True)
        table[source] = {"body": result["body"][source]["f1"]} if source in result["body"] else {}
        for field in ("title", "date", "authors"):
            if result.get(field) and source == "fundus":
                table[source][field] = result[field]["accuracy"]
        per_page.update((key, result["per_page"].get(key, {}).get("body_f1", 0.0)) for key in ids)
    tp = fp = fn = 0
    for page in by_source["text"]:
        body, record = _norm(predictions[page.key].get("body")), truth[page.key]
        kept = sum(_norm(s) in body for s in record["with"]) if body else 0
        leaked = sum(_norm(s) in body for s in record["without"]) if body else 0
        tp, fn, fp = tp + kept, fn + len(record["with"]) - kept, fp + leaked
        right = kept + len(record["without"]) - leaked
        per_page[page.key] = right / (len(record["with"]) + len(record["without"]))
    precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
    table["text"] = {}
    if tp + fp:  # a system that extracts bodies (not htmldate)
        table["text"] = {
            "body": 2 * precision * recall / max(1e-9, precision + recall),
            "P": precision,
            "R": recall,
        }
    right = wrong = 0
    for page in by_source["dates"]:
        day, true_day = (predictions[page.key].get("date") or "")[:10], truth[page.key]["date"]
        right, wrong = right + (day == true_day), wrong + (bool(day) and day != true_day)
        per_page[page.key] = 1.0 if day == true_day else 0.0 if not day else -1.0
    none = len(by_source["dates"]) - right - wrong
    precision, recall = right / max(1, right + wrong), right / max(1, right + none)
    table["dates"] = {
        "date": 2 * precision * recall / max(1e-9, precision + recall),
        "P": precision,
        "R": recall,
    }
    for source in SOURCES:
        table[source]["empty"] = sum(not predictions[page.key].get("body") for page in by_source[source])
    return table, per_page


# -- the report ------------------------------------------------------------------------------

COLUMNS = (  # (source, figure, header)
    ("aeb", "body", "aeb F1"),
    ("fundus", "body", "fundus F1"),
    ("fundus", "title", "title"),
    ("fundus", "date", "date"),
    ("fundus", "authors", "authors"),
    ("text", "body", "text F1"),
    ("text", "P", "text P"),
    ("text", "R", "text R"),
    ("dates", "date", "dates F1"),
)


def row(name: str, table: dict, speed: str = "") -> str:
    cells = [
        f"{table[source][figure]:>{len(header)}.3f}" if figure in table[source] else f"{'-':>{len(header)}}"
        for source, figure, header in COLUMNS
    ]
    empty = sum(table[source]["empty"] for source in SOURCES if source != "dates")
    return f"{name:<26} {' '.join(cells)} {empty:>5} {speed}"


def header() -> str:
    return f"{'':<26} {' '.join(header for *_, header in COLUMNS)} empty"


def page_diffs(
    pages: list[Page], ours: dict[str, float], plain: dict[str, float], path: Path
) -> dict[str, int]:
    """The pages where the project does worse than plain trafilatura (htmldate for dates),
    worst first, written to ``path``; the count per source."""
    worse = sorted(
        ((ours[page.key] - plain[page.key], page) for page in pages if ours[page.key] < plain[page.key]),
        key=lambda pair: pair[0],
    )
    with path.open("w", encoding="utf-8") as out:
        out.write("source\tid\tnewsarchive\tplain\tdelta\turl\n")
        for delta, page in worse:
            out.write(
                f"{page.source}\t{page.id}\t{ours[page.key]:.3f}\t{plain[page.key]:.3f}\t{delta:.3f}\t{page.url}\n"
            )
    counts = dict.fromkeys(SOURCES, 0)
    for _, page in worse:
        counts[page.source] += 1
    return counts


def rule_variants() -> Iterable[tuple[str, Rules]]:
    for rule in dataclasses.fields(Rules):
        default = getattr(RULES, rule.name)
        if isinstance(default, bool):
            yield (
                f"{rule.name} {'off' if default else 'on'}",
                dataclasses.replace(RULES, **{rule.name: not default}),
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rules", action="store_true", help="also run with each rule switched off")
    parser.add_argument("--pages", type=Path, default=Path("extraction-pages.tsv"), help="per-page diffs")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    pages, truth = load_pages()
    print(f"{len(pages)} pages: " + ", ".join(f"{s} {sum(p.source == s for p in pages)}" for s in SOURCES))
    with multiprocessing.get_context("fork").Pool(args.processes) as pool:
        results = {}
        for system in ("newsarchive", "trafilatura", "htmldate"):
            predictions, cpu = predict(pool, system, pages)
            results[system] = (predictions, *scores(pages, truth, predictions), cpu)
        print(header())
        for system, (_, table, _, cpu) in results.items():
            print(row(system, table, f"{len(pages) / cpu:6.1f} pages/s"))
        speed = results["trafilatura"][3] / results["newsarchive"][3]
        print(f"speed, newsarchive / trafilatura (one core): {speed:.2f}x")
        ours, plain = results["newsarchive"][2], dict(results["trafilatura"][2])
        dated = [page for page in pages if page.source == "dates"]
        plain.update((page.key, results["htmldate"][2][page.key]) for page in dated)
        worse = page_diffs(pages, ours, plain, args.pages)
        print(
            f"pages worse than plain trafilatura (htmldate for dates), in {args.pages}: "
            + ", ".join(f"{source} {count}" for source, count in worse.items())
        )
        lost = [
            page.key
            for page in pages
            if results["trafilatura"][0][page.key].get("body")
            and not results["newsarchive"][0][page.key].get("body")
        ]
        print(f"pages with a body from plain trafilatura and none from the project: {len(lost)} {lost[:10]}")
        if args.rules:
            print("\neach rule switched (figures minus the project's: + means the switch gains that much)")
            print(header())
            base = results["newsarchive"][1]
            for name, rules in rule_variants():
                table = scores(pages, truth, predict(pool, "newsarchive", pages, rules)[0])[0]
                delta = {
                    s: {f: v - base[s].get(f, 0) for f, v in figures.items()} for s, figures in table.items()
                }
                print(row(name, delta))


if __name__ == "__main__":
    main()
