"""Fingerprints of article text, for telling identical articles apart from changed ones."""

from __future__ import annotations

import hashlib
import re
import unicodedata


def normalize_text(text: str) -> str:
    """Text as compared for identity: NFKC, case-folded, white space collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def content_hash(text: str) -> str:
    """SHA-256 (hex) of the normalized text: equal for texts that differ only in spacing or case."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


# Near-duplicates (dedupe rule 3) are told by resemblance: the Jaccard index of the texts'
# word 3-shingles. trafilatura's 64-bit simhash was measured first (bench/duplicates.py): on
# news-length texts written from the same templates it puts distinct articles 3 bits apart
# and lightly edited copies up to 18, so it cannot be the test.
SHINGLE_WORDS = 3
_WORD = re.compile(r"\w+")


def shingles(text: str) -> set[tuple[str, ...]]:
    """The text's runs of three consecutive words (normalized)."""
    words = _WORD.findall(normalize_text(text))
    return {tuple(words[i : i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}


def resemblance(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    """Jaccard index of two shingle sets: 1.0 for the same text, about 0.9 for a copy with a
    sentence added, below 0.75 for distinct articles sharing a template."""
    return len(a & b) / len(a | b) if a or b else 1.0


def distinctive_words(text: str, count: int = 24) -> list[str]:
    """The text's longest distinct words (long words are the rare ones): what a search for
    texts like it asks for."""
    words = dict.fromkeys(_WORD.findall(normalize_text(text)))
    return sorted(words, key=len, reverse=True)[:count]
