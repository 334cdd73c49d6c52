"""Search as people write (storage/search.py): the analysis, the queries, the passages."""

from __future__ import annotations

import sqlite3

import pytest

from storage.search import NOTHING, analyze, analyze_word, search_query, snippet

ARTICLES = [
    ("The Director-General of L'OMEC visits Rabat", "en"),
    ("التَّعليم والثقافة في المنظمة الإسلامية", "ar"),
    ("Education and cultures of the organizations", "en"),
    ("Les organisations culturelles et l'éducation", "fr"),
    ("وزارة التربية بالتعليم للتعليم", "ar"),
    ("Die Organisation", "de"),
]


@pytest.fixture
def index():
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table t using fts5(text, content='')")
    conn.executemany(
        "insert into t (rowid, text) values (?, ?)",
        [(rowid, analyze(text, language)) for rowid, (text, language) in enumerate(ARTICLES, 1)],
    )
    yield lambda typed: [
        rowid
        for (rowid,) in conn.execute(
            "select rowid from t where t match ? order by rowid", [search_query(typed)]
        )
    ]
    conn.close()


@pytest.mark.parametrize(
    ("forms", "language"),
    [
        # the attached article, conjunctions and prepositions; vowel marks; ta marbuta; hamza forms
        (["تعليم", "التعليم", "والتعليم", "بالتعليم", "للتعليم", "فالتعليم", "التَّعليم"], "ar"),
        (["منظمة", "المنظمة", "منظمات", "للمنظمة"], "ar"),
        (["الإسلامي", "الاسلامي", "إسلامي", "اسلامي"], "ar"),
        (["مستشفى", "مستشفي"], "ar"),  # alef maqsura
        (["الثقافة", "الثقـــافة"], "ar"),  # tatweel
        (["organisations", "organisation", "Organisation"], "fr"),
        (["éducation", "education", "Éducation"], "fr"),
        (["organizations", "organization", "organize"], "en"),
        (["cultures", "culture", "cultural"], "en"),
    ],
)
def test_the_written_forms_of_a_word_are_one_term(forms, language):
    assert len({analyze_word(form, language) for form in forms}) == 1, [
        analyze_word(f, language) for f in forms
    ]


def test_words_of_different_meaning_stay_apart():
    assert analyze_word("general", "en") != analyze_word("generate", "en")
    assert analyze_word("مدرسة", "ar") != analyze_word("مدير", "ar")


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("تعليم", [2, 5]),
        ("منظمة", [2]),
        ("الاسلامية", [2]),
        ("organisation", [4, 6]),  # French, and the German word as written
        ("organizations", [3]),
        ("cultures", [3]),
        ("éducation", [3, 4]),
        ("Director-General", [1]),
        ("L'OMEC", [1]),
        ("rab*", [1]),
        ("educ*", [3, 4]),
        ("organisations culturelles", [4]),  # every word must match
        ("and", [3]),
    ],
)
def test_a_search_finds_the_word_in_its_written_forms(index, typed, found):
    assert index(typed) == found


# What people type into a search box, and what an attacker would.
HOSTILE = [
    "Director-General",
    "L'OMEC",
    "AND",
    "OR NOT",
    '"unbalanced',
    "NEAR(rabat visits)",
    "title:Rabat",
    "*",
    "**",
    "-",
    "^",
    "'); drop table t; --",
    "a AND",
    "( ( (",
    "{text}: x",
    "\x00",
    "ـــ",
    "\u064e",
    "١٢٣",
    "x" * 5000,
    "",
]


@pytest.mark.parametrize("typed", [*HOSTILE, None])
def test_anything_typed_is_a_valid_query(index, typed):
    assert isinstance(index(typed), list)  # never an FTS5 error


def test_a_text_without_a_word_matches_nothing(index):
    assert search_query("* -- ''") == NOTHING and index("*") == []


def test_the_passage_with_the_most_matches_is_shown_with_them_marked():
    text = " ".join(["filler"] * 60) + "\nThe organisations met in Rabat.\n" + " ".join(["tail"] * 60)
    passage = snippet(text, "organisation rabat", "en", words=10)
    assert "[organisations]" in passage and "[Rabat]" in passage
    assert passage.startswith("… ") and passage.endswith(" …") and "\n" not in passage
    arabic = snippet("زار الوفد المنظمة الإسلامية للتعليم", "منظمة تعليم", "ar")
    assert arabic == "زار الوفد [المنظمة] الإسلامية [للتعليم]"
    assert (
        snippet("L'OMEC et l'UNESCO", "L'OMEC", "fr") == "L'[OMEC] et l'UNESCO"
    )  # the elided article is no match
    assert snippet("", "x", "en") == "" and "[" not in snippet("nothing here", "absent", "en")
