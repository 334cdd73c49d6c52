"""What a person types, as a query of the archive's full-text index (SQLite FTS5).

FTS5 has a query language of its own: ``Director-General`` is a column filter (``no such
column: General``), ``L'OMEC`` a syntax error, ``AND``, ``NEAR(``, quotes and ``*`` operators.
People type words, so every word becomes a quoted string, and the words must all match (FTS5's
implicit AND); a ``*`` right after a word keeps its meaning, a prefix. Words are split where
FTS5's unicode61 tokenizer splits them: anything but letters, digits and combining marks
(Arabic's vowel signs stay inside their word).
"""

from __future__ import annotations

import unicodedata

# An FTS5 query that matches nothing, for input without a word (``*``, ``--``, "").
NOTHING = '""'


def fts_query(text: str | None) -> str:
    """The FTS5 query of every word of ``text``: ``Director-General`` -> ``"Director" "General"``,
    ``educat*`` -> ``"educat"*``; a text without a word matches nothing."""
    terms, word = [], ""
    for char in f"{text or ''} ":
        if char.isalnum() or unicodedata.category(char).startswith("M"):
            word += char
            continue
        if word:
            terms.append(f'"{word}"' + ("*" if char == "*" else ""))
        word = ""
    return " ".join(terms) or NOTHING
