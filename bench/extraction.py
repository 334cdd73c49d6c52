"""Extraction quality on real pages: the crawler's own extraction beside plain trafilatura.

Runs ``crawler.extract.extract`` (what the pipeline stores) and plain
``trafilatura.bare_extraction(html, url=..., with_metadata=True)`` over the 219 pages of
``../shared/data/extraction-dev`` and prints both through that folder's own scorer.

    .venv/bin/python bench/extraction.py
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from crawler.extract import extract

DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "extraction-dev"


def ours(html: str, url: str) -> dict:
    article = extract(html, url, "bench")
    if article is None:
        return {}
    return {
        "body": article.text,
        "title": article.title,
        "date": article.published,
        "authors": article.authors,
    }


def plain_trafilatura(html: str, url: str) -> dict:
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if document is None:
        return {}
    authors = [a.strip() for a in (document.author or "").split(";") if a.strip()]
    return {"body": document.text or "", "title": document.title, "date": document.date, "authors": authors}


def predict(extractor: Callable[[str, str], dict], truth: dict) -> tuple[dict, float]:
    """Predictions for every page, and the seconds they took (pages already in memory)."""
    pages = {
        page_id: gzip.decompress((DEV / "html" / f"{page_id}.html.gz").read_bytes()).decode(
            "utf-8", "replace"
        )
        for page_id in truth
    }
    for page_id in list(pages)[:3]:  # warm up: lazy imports and models load once, not per page
        extractor(pages[page_id], truth[page_id].get("url", ""))
    started = time.perf_counter()
    predictions = {}
    for page_id, html in pages.items():
        predictions[page_id] = {k: v for k, v in extractor(html, truth[page_id].get("url", "")).items() if v}
    return predictions, time.perf_counter() - started


def main() -> None:
    truth = json.loads((DEV / "truth.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        files, speed = [], {}
        for name, extractor in (("newsarchive", ours), ("trafilatura", plain_trafilatura)):
            predictions, seconds = predict(extractor, truth)
            path = Path(folder) / f"{name}.json"
            path.write_text(json.dumps(predictions, ensure_ascii=False), encoding="utf-8")
            files.append(str(path))
            speed[name] = len(truth) / seconds
            print(f"{name}: {len(truth)} pages in {seconds:.1f} s ({speed[name]:.1f} pages/s, one core)")
        print(f"speed, newsarchive / trafilatura: {speed['newsarchive'] / speed['trafilatura']:.2f}x")
        subprocess.run([sys.executable, str(DEV / "evaluate.py"), "--allow-missing", *files], check=True)


if __name__ == "__main__":
    main()
