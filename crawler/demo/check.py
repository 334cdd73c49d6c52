"""How close an archive comes to the sample newsroom's truth."""

from __future__ import annotations

from dataclasses import dataclass

from storage.reader import ArchiveReader
from storage.urls import canonicalize


@dataclass(frozen=True)
class Score:
    expected: int
    stored: int
    titles: int
    dates: int
    bodies: int

    def __str__(self) -> str:
        return (
            f"{self.stored}/{self.expected} articles stored; right titles {self.titles}, "
            f"dates {self.dates}, bodies {self.bodies}"
        )


def score(archive: ArchiveReader, site: str, truth: list[dict[str, str]]) -> Score:
    """Compare the archived articles of ``site`` with the truth, field by field."""
    rows = {row["url"]: row for row in archive.articles(site)}
    found = [(expected, rows.get(canonicalize(expected["url"]))) for expected in truth]
    stored = [(e, r) for e, r in found if r is not None]
    return Score(
        expected=len(truth),
        stored=len(stored),
        titles=sum(r["title"] == e["title"] for e, r in stored),
        dates=sum(r["published"] == e["published"] for e, r in stored),
        bodies=sum(r["text"] == e["text"] for e, r in stored),
    )
