"""What a person types becomes a valid FTS5 query of its words (storage/search.py)."""

from __future__ import annotations

import sqlite3

import pytest

from storage.search import NOTHING, fts_query

TEXTS = [
    "The Director-General of L'OMEC visits Rabat",
    "التَّعليم والثقافة في المنظمة",
    "Education and culture",
]


@pytest.fixture
def index():
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table t using fts5(text)")
    conn.executemany("insert into t (rowid, text) values (?, ?)", enumerate(TEXTS, 1))
    yield conn
    conn.close()


@pytest.mark.parametrize(
    ("typed", "query", "found"),
    [
        ("Director-General", '"Director" "General"', [1]),
        ("L'OMEC", '"L" "OMEC"', [1]),
        ("educat*", '"educat"*', [3]),
        ("and", '"and"', [3]),
        ("AND OR NOT", '"AND" "OR" "NOT"', []),
        ('"unbalanced', '"unbalanced"', []),
        ("NEAR(rabat visits)", '"NEAR" "rabat" "visits"', []),
        ("التَّعليم", '"التَّعليم"', [2]),  # the vowel marks stay in the word, as FTS5 keeps them
        ("*", NOTHING, []),
        ("", NOTHING, []),
        (None, NOTHING, []),
    ],
)
def test_typed_words_are_quoted_and_must_all_match(index, typed, query, found):
    assert fts_query(typed) == query
    rows = index.execute("select rowid from t where t match ? order by rowid", [fts_query(typed)]).fetchall()
    assert [rowid for (rowid,) in rows] == found
