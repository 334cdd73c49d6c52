"""Fingerprints of article text, for telling identical articles apart from changed ones."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib


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

# Candidates are found by locality-sensitive hashing of a MinHash sketch (one 32-bit hash
# per shingle, CRC-32, a sixth of blake2b's cost and enough to spread distinct shingles;
# 32 bins keep their minimum, 8 bands of 4 bins): two texts share a band with
# probability about J**4 per band, so copies (J >= 0.8) share one at 98.5% and distinct
# articles (J around 0.2) at 1%. Looking candidates up costs 8 index reads, whatever the
# archive's size; only they are compared shingle by shingle.
SKETCH_BINS = 32
BAND_ROWS = 4


def shingles(text: str) -> set[str]:
    """The text's runs of three consecutive words (normalized), each joined by a space."""
    words = _WORD.findall(normalize_text(text))
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words)}
    return set(map(" ".join, zip(*(words[i:] for i in range(SHINGLE_WORDS)), strict=False)))


def resemblance(a: set[str], b: set[str]) -> float:
    """Jaccard index of two shingle sets: 1.0 for the same text, about 0.9 for a copy with a
    sentence added, below 0.75 for distinct articles sharing a template."""
    return len(a & b) / len(a | b) if a or b else 1.0


def band_keys(shingle_set: set[str]) -> list[int]:
    """The text's LSH keys (one per band, as SQLite integers): near-identical texts share one."""
    bins: list[int | None] = [None] * SKETCH_BINS
    for shingle in shingle_set:
        value = zlib.crc32(shingle.encode())
        position, rest = value % SKETCH_BINS, value // SKETCH_BINS
        if bins[position] is None or rest < bins[position]:
            bins[position] = rest
    keys = []
    for band in range(0, SKETCH_BINS, BAND_ROWS):
        digest = hashlib.blake2b(f"{band}:{bins[band : band + BAND_ROWS]}".encode(), digest_size=7).digest()
        keys.append(int.from_bytes(digest, "big"))
    return keys
