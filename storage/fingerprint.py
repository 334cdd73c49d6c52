"""Fingerprints of article text, for telling identical articles apart from changed ones."""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
import zlib
from collections.abc import Set as AbstractSet


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
# archive's size. Texts written from one template share bands far more often (at J around
# 0.4, one in four pairs); the sketches themselves estimate J and spare those the comparison
# shingle by shingle.
SKETCH_BINS = 32
BAND_ROWS = 4
# An empty bin (a text of few shingles) as a stored sketch spells it.
EMPTY_BIN = 2**32 - 1


def shingles(text: str) -> set[str]:
    """The text's runs of three consecutive words (normalized), each joined by a space."""
    words = _WORD.findall(normalize_text(text))
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words)}
    return set(map(" ".join, zip(*(words[i:] for i in range(SHINGLE_WORDS)), strict=False)))


def resemblance(a: AbstractSet[str], b: AbstractSet[str]) -> float:
    """Jaccard index of two shingle sets: 1.0 for the same text, about 0.9 for a copy with a
    sentence added, below 0.75 for distinct articles sharing a template."""
    return len(a & b) / len(a | b) if a or b else 1.0


def sketch(shingle_set: set[str]) -> tuple[int | None, ...]:
    """The text's MinHash sketch: in each bin, the least hash of the shingles falling in it
    (None where none does)."""
    bins: list[int | None] = [None] * SKETCH_BINS
    for shingle in shingle_set:
        value = zlib.crc32(shingle.encode())
        position, rest = value % SKETCH_BINS, value // SKETCH_BINS
        least = bins[position]
        if least is None or rest < least:
            bins[position] = rest
    return tuple(bins)


def band_keys(bins: tuple[int | None, ...]) -> list[int]:
    """The sketch's LSH keys (one per band, as SQLite integers): near-identical texts share one."""
    keys = []
    for band in range(0, SKETCH_BINS, BAND_ROWS):
        # a band spelled as a list, as the archive's first keys were: stored keys stay valid
        digest = hashlib.blake2b(
            f"{band}:{list(bins[band : band + BAND_ROWS])}".encode(), digest_size=7
        ).digest()
        keys.append(int.from_bytes(digest, "big"))
    return keys


def estimated_resemblance(a: tuple[int | None, ...], b: tuple[int | None, ...]) -> float:
    """The resemblance of two texts as their sketches estimate it: the share of bins holding
    the same minimum, among those either text fills (one-permutation MinHash; with 32 bins
    filled, the estimate of a resemblance of 0.8 is off by 0.07 on average)."""
    filled = [(x, y) for x, y in zip(a, b, strict=True) if x is not None or y is not None]
    return sum(x == y for x, y in filled) / len(filled) if filled else 1.0


def pack_sketch(bins: tuple[int | None, ...]) -> bytes:
    """A sketch as the archive stores it (``near_sketches.sketch``)."""
    return struct.pack(f"<{SKETCH_BINS}I", *(EMPTY_BIN if b is None else b for b in bins))


def unpack_sketch(packed: bytes) -> tuple[int | None, ...]:
    return tuple(None if b == EMPTY_BIN else b for b in struct.unpack(f"<{SKETCH_BINS}I", packed))
