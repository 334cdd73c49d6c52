"""Search recall and precision, per language: the archive's analyzed index against SQLite's own.

    .venv/bin/python bench/search.py

The corpus: the paragraphs (12 words or more) of the real Arabic, French and English pages of
``../shared/data`` (bodies by plain trafilatura), each paragraph a document. The query set
below was written by hand: each query is a word as a person would type it, with the written
forms a reader would want found (clitics, plural, feminine, hamza written or not, vowel marks
and tatweel aside). A document is relevant when one of its words is one of those forms; a
search returns the documents that FTS5 matches. Two indexes of the same documents, in one
run: SQLite's default tokenizer over the raw text, queried with the word quoted (what the
archive had), and the archive's analyzed index (storage/search.py).
"""

from __future__ import annotations

import gzip
import re
import sqlite3
import sys
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from storage.search import analyze, search_query  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FOLDERS = ("extraction-dev/html", "extraction-more/text/html", "extraction-more/dates/html")
PAGES_PER_LANGUAGE = 60

QUERIES = {
    "ar": {
        "سودان": "سودان السودان للسودان والسودان بالسودان",
        "شعب": "شعب الشعب والشعب للشعب بالشعب لشعب",
        "حرية": "حرية الحرية والحرية للحرية حريات الحريات للحريات والحريات",
        "إصابة": "إصابة اصابة الإصابة الاصابة بإصابة إصابات اصابات الإصابات الاصابات إصابتها اصابتها",
        "اصابات": "إصابة اصابة الإصابة الاصابة بإصابة إصابات اصابات الإصابات الاصابات إصابتها اصابتها",
        "حالة": "حالة الحالة حالات الحالات والحالات",
        "دولة": "دولة الدولة للدولة والدولة بالدولة",
        "منظمة": "منظمة المنظمة منظمات المنظمات للمنظمة",
        "فيروس": "فيروس الفيروس بفيروس وفيروس فيروسات",
        "موقع": "موقع الموقع مواقع المواقع",
        "حرب": "حرب الحرب والحرب بالحرب حروب",
        "لون": "لون اللون بلون ولون لونه لونها ألوان الألوان",
        "شعر": "شعر الشعر بشعر شعره",
        "رئيس": "رئيس الرئيس والرئيس للرئيس",
        "نظام": "نظام النظام والنظام للنظام",
        "حكومة": "حكومة الحكومة والحكومة حكومات",
        "مواطن": "مواطن المواطن مواطنين المواطنين والمواطنين مواطنون المواطنون",
        "صحيفة": "صحيفة الصحيفة لصحيفة وصحيفة",
        "إعلان": "إعلان الإعلان اعلان الاعلان",
        "علاقة": "علاقة العلاقة علاقات العلاقات",
        "الاسلامية": "إسلامية الإسلامية اسلامية الاسلامية",
    },
    "fr": {
        "violence": "violence violences",
        "politique": "politique politiques",
        "journaliste": "journaliste journalistes",
        "migrant": "migrant migrants migrante migrantes",
        "manifestation": "manifestation manifestations",
        "manifestant": "manifestant manifestants manifestante manifestantes",
        "affaire": "affaire affaires",
        "rédaction": "rédaction rédactions",
        "policier": "policier policiers policière policières",
        "européen": "européen européens européenne européennes",
        "public": "public publics publique publiques",
        "social": "social sociaux sociale sociales",
        "national": "national nationaux nationale nationales",
        "blessé": "blessé blessés blessée blessées",
        "victime": "victime victimes",
        "universite": "université universités",
        "ministre": "ministre ministres",
        "emploi": "emploi emplois",
        "immigré": "immigré immigrés immigrée immigrées",
        "inégalités": "inégalité inégalités",
        "organisations": "organisation organisations",
    },
    "en": {
        "company": "company companies",
        "solution": "solution solutions",
        "patient": "patient patients",
        "teachers": "teacher teachers",
        "election": "election elections",
        "official": "official officials",
        "system": "system systems",
        "mission": "mission missions",
        "problem": "problem problems",
        "partner": "partner partners",
        "employee": "employee employees",
        "farmer": "farmer farmers",
        "question": "question questions",
        "galaxy": "galaxy galaxies",
        "family": "family families",
        "voters": "voter voters",
        "country": "country countries",
        "festival": "festival festivals",
        "announced": "announce announces announced announcing",
        "report": "report reports reported reporting",
        "release": "release releases released releasing",
    },
}

# Vowel marks and tatweel: a reader does not write them, and their presence does not make another word.
_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u0640]")
_WORD = re.compile(r"\w+")


def documents() -> list[tuple[str, str]]:
    """(language, paragraph) of the real pages in Arabic, French and English."""
    docs: list[tuple[str, str]] = []
    pages: dict[str, int] = {}
    for folder in FOLDERS:
        for path in sorted((DATA / folder).iterdir()):
            raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
            declared = re.search(rb'<html[^>]*\blang="?([a-zA-Z]{2})', raw[:5000])
            language = declared.group(1).decode().lower() if declared else None
            if language not in QUERIES or pages.get(language, 0) >= PAGES_PER_LANGUAGE:
                continue
            text = trafilatura.extract(raw, favor_precision=True) or ""
            paragraphs = [p for p in text.split("\n") if len(p.split()) >= 12]
            if paragraphs:
                pages[language] = pages.get(language, 0) + 1
                docs += [(language, paragraph) for paragraph in paragraphs]
    return docs


def relevant(docs: list[tuple[str, str]], forms: str) -> set[int]:
    wanted = set(forms.split())
    return {
        rowid
        for rowid, (_, text) in enumerate(docs, 1)
        if wanted & {word.lower() for word in _WORD.findall(_MARKS.sub("", text))}
    }


def main() -> None:
    docs = documents()
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table plain using fts5(text)")
    conn.execute("create virtual table ours using fts5(text, content='')")
    conn.executemany(
        "insert into plain (rowid, text) values (?, ?)", [(i, text) for i, (_, text) in enumerate(docs, 1)]
    )
    conn.executemany(
        "insert into ours (rowid, text) values (?, ?)",
        [(i, analyze(text, language)) for i, (language, text) in enumerate(docs, 1)],
    )

    def found(table: str, query: str) -> set[int]:
        return {
            rowid for (rowid,) in conn.execute(f"select rowid from {table} where {table} match ?", [query])
        }

    print(
        f"{len(docs)} documents: "
        + ", ".join(f"{lang} {sum(1 for d in docs if d[0] == lang)}" for lang in QUERIES)
    )
    print(
        f"{'language':9} {'queries':>7} {'relevant':>8}   {'sqlite recall':>13} {'precision':>9}   {'ours recall':>11} {'precision':>9}   {'same language':>13} {'precision':>9}"
    )
    worst: list[str] = []
    for language, queries in QUERIES.items():
        # [retrieved, retrieved and relevant]; "within": ours, with the results filtered to the
        # query's language (?language=), where cross-language stems (policier, policies) drop out
        totals = {"relevant": 0, "plain": [0, 0], "ours": [0, 0], "within": [0, 0, 0]}
        same_language = {rowid for rowid, (lang, _) in enumerate(docs, 1) if lang == language}
        used = 0
        for typed, forms in queries.items():
            truth = relevant(docs, forms)
            if not truth:
                continue
            used += 1
            totals["relevant"] += len(truth)
            for table, query in (("plain", f'"{typed}"'), ("ours", search_query(typed))):
                hits = found(table, query)
                totals[table][0] += len(hits)
                totals[table][1] += len(hits & truth)
                if table == "ours":
                    totals["within"][0] += len(hits & same_language)
                    totals["within"][1] += len(hits & truth & same_language)
                    totals["within"][2] += len(truth & same_language)
                if table == "ours" and (hits - truth or truth - hits):
                    worst.append(
                        f"  {language} {typed}: {len(hits & truth)}/{len(truth)} found, {len(hits - truth)} more"
                    )
        row = [f"{language:9} {used:7} {totals['relevant']:8}"]
        for table in ("plain", "ours", "within"):
            retrieved, right, *among = totals[table]
            row.append(
                f"{right / (among[0] if among else totals['relevant']):13.2f} {right / retrieved if retrieved else 0:9.2f}"
            )
        print("   ".join(row))
    print("queries where ours differs from the truth:")
    print("\n".join(worst))


if __name__ == "__main__":
    main()
