"""Fingerprints of article text, for telling identical articles apart from changed ones."""

from __future__ import annotations

import hashlib
import unicodedata


def normalize_text(text: str) -> str:
    """Text as compared for identity: NFKC, case-folded, white space collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def content_hash(text: str) -> str:
    """SHA-256 (hex) of the normalized text: equal for texts that differ only in spacing or case."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()
