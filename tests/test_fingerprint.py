"""Rule 3's sketches: what the loader's shortcut relies on."""

from __future__ import annotations

import random

from storage.dedupe import NEAR_DUPLICATE_RESEMBLANCE, SKETCH_MARGIN
from storage.fingerprint import (
    estimated_resemblance,
    pack_sketch,
    resemblance,
    shingles,
    sketch,
    unpack_sketch,
)

VOCABULARY = [f"word{i}" for i in range(3000)]


def text(rng: random.Random, words: int = 400) -> list[str]:
    return [rng.choice(VOCABULARY) for _ in range(words)]


def edited(rng: random.Random, words: list[str], share: float) -> list[str]:
    """A copy with ``share`` of its words replaced."""
    return [rng.choice(VOCABULARY) if rng.random() < share else word for word in words]


def test_sketches_estimate_resemblance():
    rng = random.Random(7)
    for share in (0.0, 0.02, 0.05, 0.15, 0.4, 1.0):
        original = text(rng)
        a, b = shingles(" ".join(original)), shingles(" ".join(edited(rng, original, share)))
        assert abs(estimated_resemblance(sketch(a), sketch(b)) - resemblance(a, b)) < 0.2


def test_no_near_duplicate_is_estimated_below_the_loaders_floor():
    """The loader compares shingle by shingle only the candidates estimated at or above the
    threshold minus SKETCH_MARGIN: copies (resemblance >= 0.8) must all be among them."""
    rng = random.Random(11)
    floor = NEAR_DUPLICATE_RESEMBLANCE - SKETCH_MARGIN
    copies = 0
    for _ in range(300):
        original = text(rng, rng.randrange(30, 800))
        a, b = shingles(" ".join(original)), shingles(" ".join(edited(rng, original, rng.uniform(0, 0.08))))
        if resemblance(a, b) >= NEAR_DUPLICATE_RESEMBLANCE:
            copies += 1
            assert estimated_resemblance(sketch(a), sketch(b)) >= floor
    assert copies > 100  # the test saw enough of them


def test_a_sketch_is_stored_as_it_was_made():
    for words in (["one", "two"], VOCABULARY[:500]):  # empty bins, and all filled
        bins = sketch(shingles(" ".join(words)))
        assert unpack_sketch(pack_sketch(bins)) == bins
    assert None in sketch(shingles("one two three"))
