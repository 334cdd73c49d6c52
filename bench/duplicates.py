"""Near-duplicates (dedupe rule 3): precision and recall on planted copies, per threshold.

Distinct articles written from the same templates (the sample newsroom's generator: the hard
case, "two monthly bulletins with the same template") are stored in a real archive, then
copies of some of them as a partner site would republish them (a dateline, a footer, a
sentence added, a typo fixed, a paragraph dropped), among more distinct articles. A copy is
found when its ``duplicate_of`` is its original; a false alarm is a distinct article given a
``duplicate_of``. The same pairs are also measured with trafilatura's simhash.

    .venv/bin/python bench/duplicates.py
"""

from __future__ import annotations

import itertools
import random
import tempfile
from collections import Counter
from pathlib import Path

from trafilatura.deduplication import Simhash

from crawler.demo.articles import sample_articles
from storage.archive import Archive
from storage.records import Article, Capture, Outcome

THRESHOLDS = (0.6, 0.7, 0.75, 0.8, 0.85, 0.9)
EDITS = {
    "dateline": lambda paragraphs, rng: ["RABAT —", *paragraphs],
    "footer": lambda paragraphs, rng: [*paragraphs, "For more information, please contact the press office."],
    "sentence": lambda paragraphs, rng: _edit(
        paragraphs, rng, lambda p: p + " The statement was issued jointly."
    ),
    "typo": lambda paragraphs, rng: _edit(paragraphs, rng, lambda p: p.replace(" the ", " teh ", 1)),
    "dropped paragraph": lambda paragraphs, rng: paragraphs[:-1],
}


def _edit(paragraphs: list[str], rng: random.Random, change) -> list[str]:
    position = rng.randrange(len(paragraphs))
    return [change(p) if i == position else p for i, p in enumerate(paragraphs)]


def planted(seed: int = 5) -> tuple[list[str], list[tuple[int, str, str]], list[str]]:
    """(originals, copies as (original index, kind, text), more distinct articles)."""
    rng = random.Random(seed)
    texts = [a.text for a in sample_articles({"en": 200, "fr": 100, "ar": 100}, seed=seed)]
    originals, later = texts[:300], texts[300:]
    copies = []
    for index in rng.sample(range(len(originals)), 150):
        kind = rng.choice(list(EDITS))
        copies.append((index, kind, "\n".join(EDITS[kind](originals[index].split("\n"), rng))))
    return originals, copies, later


def store(archive: Archive, site: str, number: int, text: str) -> tuple[int, Outcome]:
    url = f"https://{site}.example/news/{number}/"
    stored = archive.store(
        Article(site=site, url=url, text=text), Capture(url, 200, {}, b"", "2024-01-01T00:00:00+00:00")
    )
    return stored.article_id, stored.outcome


def measure(threshold: float, originals, copies, later) -> dict:
    with tempfile.TemporaryDirectory() as folder, Archive(str(Path(folder) / "a.db"), threshold) as archive:
        ids = [store(archive, "org", i, text)[0] for i, text in enumerate(originals)]
        found, kinds = 0, Counter()
        false_alarms = sum(
            store(archive, "org", len(originals) + i, text)[1] is Outcome.DUPLICATE
            for i, text in enumerate(later)
        )
        for number, (index, kind, text) in enumerate(copies):
            article_id, outcome = store(archive, "partner", number, text)
            duplicate_of = archive.db["articles"].get(article_id)["duplicate_of"]
            if duplicate_of == ids[index]:
                found += 1
                kinds[kind] += 1
            elif duplicate_of is not None:
                false_alarms += 1
    precision = found / (found + false_alarms) if found + false_alarms else 1.0
    return {"precision": precision, "recall": found / len(copies), "false": false_alarms, "kinds": kinds}


def main() -> None:
    originals, copies, later = planted()
    per_kind = Counter(kind for _, kind, _ in copies)
    print(
        f"{len(originals)} articles, then {len(later)} distinct ones and {len(copies)} planted copies "
        f"({', '.join(f'{n} {k}' for k, n in per_kind.items())})\n"
    )
    print("resemblance >=   precision  recall  false alarms   recall per edit")
    for threshold in THRESHOLDS:
        m = measure(threshold, originals, copies, later)
        kinds = "  ".join(f"{k} {m['kinds'][k]}/{n}" for k, n in per_kind.items())
        print(f"{threshold:>14.2f}   {m['precision']:>9.3f}  {m['recall']:>6.3f}  {m['false']:>12}   {kinds}")

    hashes = [Simhash(text).hash for text in originals + later]
    distinct = Counter((a ^ b).bit_count() for a, b in itertools.combinations(hashes, 2))
    planted_distance = [(Simhash(text).hash ^ hashes[index]).bit_count() for index, _, text in copies]
    print("\ntrafilatura simhash (64 bits), for comparison:")
    print("distance <=   distinct pairs within   planted copies within")
    for k in (3, 6, 9, 12, 15, 18):
        within = sum(n for d, n in distinct.items() if d <= k)
        print(f"{k:>11}   {within:>21}   {sum(d <= k for d in planted_distance):>7}/{len(copies)}")


if __name__ == "__main__":
    main()
