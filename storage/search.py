"""Full-text search as people write: one analysis for the archive's texts and for what is typed.

SQLite's tokenizer takes ``التعليم``, ``والتعليم`` and ``للتعليم`` for three words, ``الإسلامي``
and ``الاسلامي`` for two, ``organisations`` and ``organisation`` for two. So the archive's
search index (``articles_search``, FTS5 without content of its own) holds each word analyzed as
Elasticsearch's ``arabic``, ``french`` and ``english`` analyzers would: Arabic normalized (alef
forms, alef maqsura, ta marbuta, vowel marks, tatweel; Lucene's ArabicNormalizer) and lightly
stemmed (the attached article and conjunctions, common suffixes; Lucene's ArabicStemmer,
"light10"); French and English words by their Snowball stemmer (PyStemmer), by the
article's language; accents dropped after stemming, so that people may type without them.

A typed word does not say its language: each is analyzed every way it could have been indexed
(Arabic script as Arabic; a Latin word as English, French and unstemmed), the forms OR'ed, the
words AND'ed. Every word is quoted, so whatever is typed is a valid FTS5 query (``Director-General``
is not a column filter, ``L'OMEC`` not a syntax error); ``word*`` is a prefix of the word's
analyzed form.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import unicodedata
from collections.abc import Iterator

import Stemmer

# An FTS5 query that matches nothing, for input without a word (``*``, ``--``, "").
NOTHING = '""'

# Words as FTS5's unicode61 splits them: letters and digits, with the combining marks inside
# them (Arabic vowel signs, Latin accents written apart); ``_`` is not a letter.
WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed])+")

ELISION = ("'", "’")

# Languages whose Latin words are stemmed; other languages' are only lowercased and unaccented.
STEMMED = ("en", "fr")
_STEMMERS = {"en": Stemmer.Stemmer("english"), "fr": Stemmer.Stemmer("french")}

# Which analysis built an index: stored beside it, and the index is rebuilt when it changes (a
# contentless FTS5 row is deleted by giving back exactly the terms it was indexed with).
ANALYZER = f"light10 + snowball {Stemmer.version()} / 1"

_ARABIC_LETTERS = re.compile(r"[\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff]")
_ARABIC_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # and tatweel
_TANWEEN_ALEF = re.compile(r"(?:\u064bا|ا\u064b)$")
_ARABIC_LETTER_FORMS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
# Lucene's ArabicStemmer (Larkey, Ballesteros and Connell's light10), on normalized words: the
# first prefix that fits, then each suffix in turn; a word keeps at least two letters.
_ARABIC_PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
_ARABIC_PROCLITICS = ("ب", "ل", "ك", "ف")
_ARABIC_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")  # ية, ة: normalized to يه, ه


def _unaccented(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _arabic_stem(word: str) -> str:
    for prefix in _ARABIC_PREFIXES:
        if word.startswith(prefix) and len(word) >= len(prefix) + 2 and (len(prefix) > 1 or len(word) > 3):
            word = word[len(prefix) :]
            break
    for suffix in _ARABIC_SUFFIXES:
        if word.endswith(suffix) and len(word) >= len(suffix) + 2:
            word = word[: -len(suffix)]
    return word


@functools.lru_cache(maxsize=200_000)  # the words of news are few: most are met again
def analyze_word(word: str, language: str | None) -> str:
    """The indexed form of one ``word`` of a text in ``language`` (a code such as ``fr``)."""
    word = unicodedata.normalize("NFKC", word).casefold()
    if _ARABIC_LETTERS.search(word):
        word = _TANWEEN_ALEF.sub("", word)  # the alef that carries a tanween: لونًا is لون
        word = _ARABIC_MARKS.sub("", word).translate(_ARABIC_LETTER_FORMS)
        digits = "".join(str(unicodedata.decimal(char, char)) for char in word)
        return _arabic_stem(digits)
    stemmer = _STEMMERS.get((language or "")[:2].lower())
    word = _unaccented(word)  # before stemming: a typed "universite" is "université"'s term
    return stemmer.stemWord(word) if stemmer else word


def analyze(text: str | None, language: str | None) -> str:
    """``text`` as the search index holds it: its words' analyzed forms, in order."""
    return " ".join(analyze_word(word, language) for word in WORD.findall(text or ""))


def _forms(word: str) -> set[str]:
    """Every form a typed ``word`` may have been indexed under, whatever the article's language;
    an Arabic word also with the prepositions and conjunction of one letter that light10 leaves
    attached (بفيروس, لصحيفة): on the query's side, where they cannot eat a word's own first
    letter (فيروس)."""
    forms = {analyze_word(word, language) for language in (*STEMMED, None)}
    if _ARABIC_LETTERS.search(word):
        forms |= {proclitic + form for form in forms if len(form) > 2 for proclitic in _ARABIC_PROCLITICS}
    return forms


def _typed(text: str | None) -> Iterator[tuple[set[str], bool]]:
    """Each typed word's forms, and whether a ``*`` right after it makes it a prefix. An elided
    article or pronoun (``L'OMEC``, ``qu'il``) is not a word to look for."""
    text = text or ""
    for match in WORD.finditer(text):
        after = text[match.end() : match.end() + 1]
        if after in ELISION and len(match.group()) <= 2 and not _ARABIC_LETTERS.search(match.group()):
            continue
        yield _forms(match.group()), after == "*"


def search_query(text: str | None) -> str:
    """The FTS5 query of what a person typed: ``Organisations culturelles`` ->
    ``("organis" OR "organisations") AND ("cultur" OR "culturel" OR "culturelles")``; a
    text without a word matches nothing."""
    terms = []
    for forms, prefix in _typed(text):
        quoted = [f'"{form}"' + ("*" if prefix else "") for form in sorted(forms) if form]
        if not quoted:  # a tatweel, a vowel sign alone
            continue
        terms.append(quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")")
    return " AND ".join(terms) or NOTHING


def snippet(text: str | None, typed: str | None, language: str | None, words: int = 30) -> str:
    """The passage of ``text`` with the most of the typed words, of about ``words`` words, each
    match in [brackets] and `` … `` where the passage cuts the text."""
    text = text or ""
    wanted = list(_typed(typed))

    def hit(word: str) -> bool:
        form = analyze_word(word, language)
        return any(
            form in forms or prefix and any(form.startswith(f) for f in forms) for forms, prefix in wanted
        )

    spans = [(match.start(), match.end(), hit(match.group())) for match in WORD.finditer(text)]
    if not spans:
        return ""
    best = max(
        range(max(1, len(spans) - words + 1)),
        key=lambda first: (sum(found for _, _, found in spans[first : first + words]), -first),
    )
    window = spans[best : best + words]
    start, end = window[0][0], window[-1][1]
    out, position = [], start
    for word_start, word_end, found in window:
        if found:
            out += [text[position:word_start], "[", text[word_start:word_end], "]"]
            position = word_end
    out.append(text[position:end])
    passage = "".join(out).replace("\n", " ")
    return ("… " if best else "") + passage + (" …" if end < len(text.rstrip()) else "")


# -- the index ---------------------------------------------------------------------------

_INSERT = "insert into articles_search (rowid, title, text) values (?, ?, ?)"


def _terms(
    article_id: int, title: str | None, text: str | None, language: str | None
) -> tuple[int, str, str]:
    """An article's row of ``articles_search``: its rowid, and its title and text analyzed."""
    return article_id, analyze(title, language), analyze(text, language)


def index_article(
    conn: sqlite3.Connection, article_id: int, title: str | None, text: str | None, language: str | None
) -> None:
    """Add an article's title and text to ``articles_search``."""
    conn.execute(_INSERT, _terms(article_id, title, text, language))


def unindex_article(
    conn: sqlite3.Connection, article_id: int, title: str | None, text: str | None, language: str | None
) -> None:
    """Take an article out of ``articles_search``, given what it was indexed with."""
    conn.execute(
        "insert into articles_search (articles_search, rowid, title, text) values ('delete', ?, ?, ?)",
        _terms(article_id, title, text, language),
    )


def build_index(conn: sqlite3.Connection) -> None:
    """(Re)build ``articles_search`` from the articles, and record the analysis it was built with."""
    conn.execute("insert into articles_search (articles_search) values ('delete-all')")
    rows = conn.execute("select id, title, text, language from articles")
    conn.executemany(_INSERT, (_terms(*row) for row in rows))
    conn.execute("delete from search_analyzer")
    conn.execute("insert into search_analyzer (analyzer) values (?)", [ANALYZER])
    conn.execute("insert into articles_search (articles_search) values ('optimize')")
