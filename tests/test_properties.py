"""Properties that hold for any input (hypothesis): dates are never invented, and no sequence
of stores can give one URL two articles, shrink a history or delete anything."""

from __future__ import annotations

import re
import sqlite3
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.dates import parse_date
from storage.archive import Archive
from storage.records import Article, Capture

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"],
    "ar": ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
           "أكتوبر", "نوفمبر", "ديسمبر"],
}  # fmt: skip
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def written(day: date, form: int, language: str) -> str:
    month = MONTHS[language][day.month - 1]
    return [
        day.isoformat(),
        f"{day.day} {month} {day.year}",
        f"{month} {day.day}, {day.year}",
        f"{day.day:02d}.{day.month:02d}.{day.year}",
        f"{day.day} {month} {day.year}".translate(ARABIC_DIGITS),
        f"{day.isoformat()}T10:30:00+03:00",
    ][form]


@given(
    day=st.dates(min_value=date(1995, 1, 1), max_value=date(2025, 12, 31)),
    form=st.integers(0, 5),
    language=st.sampled_from(["en", "fr", "ar"]),
)
def test_a_written_date_reads_as_itself(day, form, language):
    assert parse_date(written(day, form, language)) in (day.isoformat(), f"{day.isoformat()}T10:30:00+03:00")


@given(
    st.text(max_size=40) | st.from_regex(r"\d{1,4}[./ -]\d{1,2}([./ -]\d{1,4})?( \d\d:\d\d)?", fullmatch=True)
)
def test_a_date_comes_from_the_input_or_not_at_all(text):
    """Whatever the string, a date parsed from it has its year and day written in it: nothing
    is filled in from today, nothing guessed from a fragment."""
    value = parse_date(text)
    if value is not None:
        numbers = {
            int(n) for n in re.findall(r"\d+", text.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")))
        }
        year, _, day = (int(part) for part in value[:10].split("-"))
        assert year in numbers or year % 100 in numbers
        assert day in numbers


URLS = [f"https://example.org/news/{n}/" for n in range(4)]
TEXTS = [f"Paragraph {n} of the story, told at some length for the archive to keep." for n in range(3)]
STORE = st.tuples(st.sampled_from(URLS), st.sampled_from(URLS + [None]), st.sampled_from(TEXTS))


@settings(max_examples=40, deadline=None)
@given(st.lists(STORE, min_size=1, max_size=12))
def test_no_sequence_of_stores_loses_or_doubles_anything(stores):
    with tempfile.TemporaryDirectory() as folder, Archive(str(Path(folder) / "archive.db")) as archive:
        seen_versions: dict[int, int] = {}
        articles = versions = 0
        for n, (url, canonical, text) in enumerate(stores):
            when = f"2024-01-{n + 1:02d}T00:00:00+00:00"
            archive.store(
                Article(site="org", url=url, canonical_url=canonical, text=text, title="T"),
                Capture(url, 200, {}, text.encode(), when),
            )
            db = archive.db
            # one article per canonical URL, and every URL leads to one article
            assert db.execute("select count(*) - count(distinct url) from articles").fetchone()[0] == 0
            assert db.execute("select count(*) - count(distinct url) from article_urls").fetchone()[0] == 0
            # nothing deleted, histories only grow
            now_articles = db.execute("select count(*) from articles").fetchone()[0]
            now_versions = db.execute("select count(*) from article_versions").fetchone()[0]
            assert now_articles >= articles and now_versions >= versions
            articles, versions = now_articles, now_versions
            for article_id, version in db.execute("select id, version from articles"):
                assert version >= seen_versions.get(article_id, 1)
                seen_versions[article_id] = version
        with sqlite3.connect(archive.path) as check:
            assert check.execute("pragma integrity_check").fetchone()[0] == "ok"
