"""The archive (storage/archive.py) on real SQLite files: dedupe rules 1 and 2, versions, captures, FTS, safety."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
import threading
import zlib
from pathlib import Path

import pytest

from storage.archive import Archive
from storage.records import Article, Capture, Known, Outcome
from storage.schema import SCHEMA_VERSION, SchemaError
from storage.search import search_query

BODY = "The Director-General received the delegation in Rabat.\nBoth sides agreed on a plan."


def article(url="https://example.org/en/2022/06/19/visit/", text=BODY, site="org", **fields) -> Article:
    return Article(site=site, url=url, text=text, title=fields.pop("title", "A visit"), **fields)


def capture(
    url="https://example.org/en/2022/06/19/visit/", when="2024-01-01T00:00:00+00:00", body=b"<html>x</html>"
):
    return Capture(url=url, status=200, headers={"Content-Type": "text/html"}, body=body, fetched_at=when)


@pytest.fixture
def archive(tmp_path):
    with Archive(str(tmp_path / "archive.db")) as archive:
        yield archive


def test_new_article_is_stored_with_its_urls_and_capture(archive):
    stored = archive.store(article(published="2022-06-19", authors=["A. B."]), capture(body=b"<p>raw</p>"))

    assert stored.outcome is Outcome.NEW
    row = archive.db["articles"].get(stored.article_id)
    assert (row["title"], row["published"], row["version"], row["word_count"]) == (
        "A visit",
        "2022-06-19",
        1,
        13,
    )
    assert row["authors"] == '["A. B."]'
    assert set(archive.known_urls("org")) == {"https://example.org/en/2022/06/19/visit/"}
    page = next(archive.db["pages"].rows)
    assert zlib.decompress(page["body"]) == b"<p>raw</p>" and page["article_id"] == stored.article_id
    assert len(page["sha256"]) == 64


def test_a_body_packed_beforehand_is_stored_as_it_came(archive):
    # packed by an extraction process (the pipeline), at a level the loader would not choose
    raw = b"<p>raw</p>" * 100
    packed = zlib.compress(raw, 9)
    archive.store(article(), dataclasses.replace(capture(body=raw), packed=packed))
    stored = next(archive.db["pages"].rows)["body"]
    assert stored == packed and zlib.decompress(stored) == raw


def test_an_identical_capture_of_a_url_is_stored_once_as_a_revisit(archive):
    first = archive.store(article(), capture(body=b"<p>raw</p>"))
    archive.store(article(), capture(when="2024-02-01T00:00:00+00:00", body=b"<p>raw</p>"))
    archive.store(article(), capture(when="2024-03-01T00:00:00+00:00", body=b"<p>raw</p>"))
    archive.store(
        article(text=BODY + "\nUpdated."), capture(when="2024-04-01T00:00:00+00:00", body=b"<p>new</p>")
    )

    pages = list(archive.db["pages"].rows_where(order_by="id"))
    assert [p["body"] is None for p in pages] == [False, True, True, False]
    assert [p["revisit_of"] for p in pages] == [None, pages[0]["id"], pages[0]["id"], None]
    assert len({p["sha256"] for p in pages}) == 2 and pages[2]["fetched_at"] == "2024-03-01T00:00:00+00:00"
    # a re-extraction of a revisit reads the bytes of the capture that holds them
    archive.store(
        article(text=BODY + "\nUpdated."), capture(when="2024-05-01T00:00:00+00:00", body=b"<p>new</p>")
    )
    [latest] = archive.latest_captures(["org"])
    assert (latest.article_id, latest.body) == (first.article_id, b"<p>new</p>")


def test_a_refetch_with_the_same_bytes_is_a_revisit_without_extraction(archive):
    first = archive.store(article(), capture(body=b"<p>raw</p>"))
    # what the pipeline asks before extracting a fetched page
    later = capture(when="2024-02-01T00:00:00+00:00", body=b"<p>raw</p>")
    assert archive.revisit(later) == first.article_id
    assert archive.revisit(capture(body=b"<p>changed</p>")) is None  # new bytes: extract them
    assert archive.revisit(capture(url="https://example.org/never-seen/")) is None

    row = archive.db["articles"].get(first.article_id)
    assert (row["last_seen"], row["version"]) == ("2024-02-01T00:00:00+00:00", 1)
    pages = list(archive.db["pages"].rows_where(order_by="id"))
    assert [(p["revisit_of"], p["body"] is None) for p in pages] == [(None, False), (pages[0]["id"], True)]


def test_same_url_same_text_only_touches_last_seen(archive):
    first = archive.store(article(), capture(when="2024-01-01T00:00:00+00:00"))
    again = archive.store(
        article(text=BODY.upper().replace("\n", "  \n ")), capture(when="2024-02-01T00:00:00+00:00")
    )

    assert again == type(again)(Outcome.UNCHANGED, first.article_id)
    row = archive.db["articles"].get(first.article_id)
    assert (row["first_seen"], row["last_seen"], row["version"]) == (
        "2024-01-01T00:00:00+00:00",
        "2024-02-01T00:00:00+00:00",
        1,
    )
    assert archive.db["article_versions"].count == 0


def test_changed_text_makes_a_new_version_and_keeps_the_old(archive):
    first = archive.store(article(), capture(when="2024-01-01T00:00:00+00:00"))
    changed = archive.store(article(text=BODY + "\nA correction."), capture(when="2024-03-01T00:00:00+00:00"))

    assert changed.outcome is Outcome.UPDATED and changed.article_id == first.article_id
    row = archive.db["articles"].get(first.article_id)
    assert row["version"] == 2 and row["text"].endswith("A correction.")
    [old] = archive.db["article_versions"].rows
    assert (old["version"], old["text"], old["replaced_at"]) == (1, BODY, "2024-03-01T00:00:00+00:00")


def test_tracking_variant_of_a_url_is_the_same_article(archive):
    first = archive.store(article(), capture())
    again = archive.store(
        article(url="https://EXAMPLE.org/en/2022/06/19/visit/?utm_source=rss#comments"), capture()
    )
    assert again.outcome is Outcome.UNCHANGED and again.article_id == first.article_id


def test_page_canonical_url_is_the_articles_url(archive):
    stored = archive.store(
        article(url="https://example.org/?p=123", canonical_url="https://example.org/en/2022/06/19/visit/"),
        capture(),
    )
    assert archive.db["articles"].get(stored.article_id)["url"] == "https://example.org/en/2022/06/19/visit/"
    assert set(archive.known_urls("org")) == {
        "https://example.org/?p=123",
        "https://example.org/en/2022/06/19/visit/",
    }


def test_identical_text_at_another_url_is_an_alias(archive):
    first = archive.store(article(), capture())
    alias = archive.store(article(url="https://example.org/en/news/visit-print/"), capture())

    assert alias.outcome is Outcome.ALIAS and alias.article_id == first.article_id
    assert archive.db["articles"].count == 1
    kinds = {r["url"]: r["kind"] for r in archive.db["article_urls"].rows}
    assert kinds["https://example.org/en/news/visit-print/"] == "alias"
    # Nothing is silently dropped: the alias's capture is kept and points at the article.
    assert [p["article_id"] for p in archive.db["pages"].rows] == [first.article_id] * 2


def test_identical_text_on_another_site_is_its_own_article_marked_a_duplicate(archive):
    first = archive.store(article(), capture())
    other = archive.store(article(url="https://partner.org/news/visit/", site="partner"), capture())
    assert other.outcome is Outcome.DUPLICATE
    assert archive.db["articles"].count == 2
    assert archive.db["articles"].get(other.article_id)["duplicate_of"] == first.article_id


PRESS_RELEASE = (
    "The Director-General of the Islamic World Educational, Scientific and Cultural Organization "
    "received on Sunday the Director-General of the Arab League Educational, Cultural and Scientific "
    "Organization at the headquarters in Rabat.\nThe two sides discussed joint programmes for early "
    "childhood education, the preservation of heritage in the Sahel, and the training of teachers in "
    "artificial intelligence.\nThey agreed to hold a joint forum on the future of education in the Arab "
    "region next autumn, with the participation of ministers and experts from twenty member states."
)


def test_near_duplicates_point_at_the_earliest_and_distinct_articles_stay_apart(archive):
    original = archive.store(article(text=PRESS_RELEASE), capture())
    # the same release on a partner's site, with its own dateline and footer
    partner = archive.store(
        article(
            url="https://partner.org/news/joint-statement/",
            site="partner",
            text="RABAT —\n" + PRESS_RELEASE + "\nFor more information, contact the press office.",
        ),
        capture(),
    )
    # and copied again from the partner, with a typo fixed: still the first one's duplicate
    again = archive.store(
        article(
            url="https://example.org/en/2022/06/20/visit/", text=PRESS_RELEASE.replace("Sunday", "Sunday,")
        ),
        capture(),
    )
    # the same template, another meeting: a distinct article
    other = archive.store(
        article(
            url="https://example.org/en/2022/07/01/visit/",
            text=PRESS_RELEASE.replace(
                "Arab League Educational, Cultural and Scientific", "Organisation of Islamic Cooperation"
            )
            .replace("early childhood education", "water science")
            .replace("heritage in the Sahel", "manuscripts in Timbuktu")
            .replace("next autumn", "in December")
            .replace("twenty", "twelve"),
        ),
        capture(),
    )
    rows = {row["id"]: row["duplicate_of"] for row in archive.db["articles"].rows}
    assert (partner.outcome, again.outcome, other.outcome) == (
        Outcome.DUPLICATE,
        Outcome.DUPLICATE,
        Outcome.NEW,
    )
    assert rows == {
        original.article_id: None,
        partner.article_id: original.article_id,
        again.article_id: original.article_id,
        other.article_id: None,
    }


def test_the_near_duplicate_threshold_is_configurable(tmp_path):
    with Archive(str(tmp_path / "strict.db"), near_duplicate_resemblance=1.0) as strict:
        strict.store(article(text=PRESS_RELEASE), capture())
        copy = strict.store(
            article(url="https://partner.org/x/", site="partner", text="RABAT —\n" + PRESS_RELEASE), capture()
        )
    assert copy.outcome is Outcome.NEW


def test_full_text_search_follows_inserts_and_updates(archive):
    first = archive.store(article(), capture())
    archive.store(
        article(url="https://example.org/ar/1/", text="استقبل المدير العام وفد المنظمة في الرباط اليوم"),
        capture(),
    )

    def search(term):
        return [
            rowid
            for (rowid,) in archive.db.execute(
                "select rowid from articles_search where articles_search match ?", [search_query(term)]
            )
        ]

    assert search("Rabat") == [first.article_id]
    assert len(search("الرباط")) == len(search("رباط")) == len(search("بالرباط")) == 1
    archive.store(article(text="Entirely rewritten: the meeting moved to Tunis."), capture())
    assert search("Rabat") == [] and search("Tunis") == [first.article_id]
    archive.update_extraction(
        [
            (
                first.article_id,
                article(title="Meetings in Tunis", text="Entirely rewritten: the meeting moved to Tunis."),
            )
        ]
    )
    assert search("meeting") == [first.article_id]  # the new title's "Meetings", stemmed
    in_title = "select rowid from articles_search where articles_search match 'title:tunis'"
    assert [rowid for (rowid,) in archive.db.execute(in_title)] == [first.article_id]


def test_an_article_seen_again_is_not_indexed_again(archive):
    stored = archive.store(article(), capture())
    index = "select count(*), sum(length(block)) from articles_search_data"
    before = archive.db.execute(index).fetchone()
    archive.touch(capture().url, "2024-02-01T00:00:00+00:00")  # a 304
    archive.store(article(), capture(when="2024-03-01T00:00:00+00:00"))  # refetched, unchanged
    assert archive.db["articles"].get(stored.article_id)["last_seen"] == "2024-03-01T00:00:00+00:00"
    assert archive.db.execute(index).fetchone() == before  # the full-text index was not written


def test_a_failing_batch_stores_nothing_of_that_batch(archive):
    archive.store(article(), capture())
    broken = article(
        url="https://example.org/en/2/", text="Yet another text.", site=None
    )  # NOT NULL, mid-batch
    with pytest.raises(sqlite3.IntegrityError):
        archive.store_many(
            [
                (article(url="https://example.org/en/1/", text="Another text entirely."), capture()),
                (broken, capture()),
            ]
        )
    assert archive.db["articles"].count == 1
    assert archive.db["pages"].count == 1


def test_crawl_runs_are_recorded(archive):
    crawl_id = archive.start_crawl("org", "crawl", "2.19.0")
    assert archive.last_crawl("org")["status"] == "running"
    archive.finish_crawl(crawl_id, "finished", "finished", {"requests": 12, "new": 3})
    row = archive.last_crawl("org")
    assert (row["status"], row["requests"], row["new"], row["scrapy_version"]) == (
        "finished",
        12,
        3,
        "2.19.0",
    )
    assert row["finished"] >= row["started"]


def test_archive_is_in_wal_mode_with_its_schema_version(tmp_path):
    path = tmp_path / "archive.db"
    Archive(str(path)).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"
        assert conn.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_newer_archive_is_refused_untouched(tmp_path):
    path = tmp_path / "archive.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"pragma user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(SchemaError, match="upgrade newsarchive"):
        Archive(str(path))


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"this is not a database at all" * 100, "not an SQLite archive"), (None, "not an archive")],
)
def test_foreign_files_are_refused_untouched(tmp_path, content, message):
    path = tmp_path / "other.db"
    if content is None:
        with sqlite3.connect(path) as conn:
            conn.execute("create table notes (body text)")
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    with pytest.raises(SchemaError, match=message):
        Archive(str(path))
    assert path.read_bytes() == before


def test_translations_link_articles_across_languages(archive):
    en = archive.store(
        article(translations={"ar": "https://example.org/ar/2022/06/19/visit/?utm_source=x"}, language="en"),
        capture(),
    )
    ar_url = "https://example.org/ar/2022/06/19/visit/"
    ar = archive.store(
        article(url=ar_url, text="زيارة المدير العام إلى الرباط", language="ar"), capture(ar_url)
    )
    rows = list(archive.db.query("select article_id, language, translation_id from translations"))
    # a translation goes both ways: the Arabic page, which names none, links back
    assert sorted(rows, key=lambda r: r["article_id"]) == [
        {"article_id": en.article_id, "language": "ar", "translation_id": ar.article_id},
        {"article_id": ar.article_id, "language": "en", "translation_id": en.article_id},
    ]


def test_a_translation_stored_first_gets_the_link_of_the_one_stored_after(archive):
    fr_url = "https://example.org/fr/2022/06/19/visite/"
    fr = archive.store(
        article(url=fr_url, text="Le Directeur général à Rabat.", language="fr"), capture(fr_url)
    )
    en = archive.store(article(translations={"fr": fr_url}, language="en"), capture())
    rows = {
        (r["article_id"], r["language"], r["translation_id"])
        for r in archive.db.query("select * from translations")
    }
    assert rows == {(en.article_id, "fr", fr.article_id), (fr.article_id, "en", en.article_id)}


def test_update_extraction_changes_fields_in_place_without_a_new_version(archive):
    stored = archive.store(article(published="2022-06-19"), capture())
    [latest] = archive.latest_captures(["org"])
    assert (latest.article_id, latest.body, latest.hints) == (stored.article_id, b"<html>x</html>", {})

    same = archive.update_extraction([(stored.article_id, article(published="2022-06-19"))])
    assert same == {}
    better = article(title="The real headline", text=BODY + "\nA third paragraph.", published=None)
    changed = archive.update_extraction([(stored.article_id, better)])
    assert changed == {"changed": 1, "title": 1, "text": 1}
    row = archive.db["articles"].get(stored.article_id)
    assert (row["title"], row["version"], row["published"]) == ("The real headline", 1, "2022-06-19")
    assert archive.db["article_versions"].count == 0
    # the new text is what the next crawl compares against
    again = archive.store(better, capture(when="2024-02-01T00:00:00+00:00"))
    assert again.outcome is Outcome.UNCHANGED


def test_an_archive_of_the_first_schema_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(Path(__file__).parent / "data" / "archive-v1.db", path)
    tables = ("articles", "article_urls", "article_versions", "pages", "crawls")
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        before = {t: [dict(row) for row in conn.execute(f"select * from {t} order by rowid")] for t in tables}
    conn.close()

    with Archive(str(path)) as archive:
        assert archive.db.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION
        # nothing lost: every row of the first schema, every value, is still there
        for table, rows in before.items():
            after = [dict(row) for row in archive.db.query(f"select * from {table} order by rowid")]
            assert [{k: row[k] for k in old} for row, old in zip(after, rows, strict=True)] == rows, table
        assert {"routes", "worker"} <= set(archive.db["crawls"].columns_dict)
        # a distributed crawl's loader finds a worker's run by its name
        run = archive.start_crawl("org", "crawl", worker="host:1/org/2026-11-27T00:00:00+00:00")
        assert archive.crawl_of_worker("host:1/org/2026-11-27T00:00:00+00:00") == run
        assert {"published_raw", "published_source", "markdown"} <= set(archive.db["articles"].columns_dict)
        assert {"hints", "revisit_of"} <= set(archive.db["pages"].columns_dict)
        assert "translations" in archive.db.view_names()
        [capture_v1] = archive.latest_captures()  # its raw page can be read again
        assert capture_v1.body and capture_v1.hints == {}
        [old] = archive.db["articles"].rows
        assert (old["duplicate_of"], old["year"]) == (None, old["published"][:4])
        assert old["title"] == "First schema article"
        # The upgraded archive takes new articles, deduplicates against old ones and searches both.
        again = archive.store(article(url=old["url"], text=old["text"]), capture())
        assert again.outcome is Outcome.UNCHANGED
        archive.store(article(), capture())
        hits = archive.db.execute(
            "select count(*) from articles_search where articles_search match ?",
            [f"{search_query('upgrades')} OR {search_query('Rabat')}"],
        )
        assert hits.fetchone()[0] == 2
        # the analyzed index replaced sqlite-utils' and its triggers (schema 10)
        assert not {"articles_fts", "articles_au"} & set(
            archive.db.table_names() + [t.name for t in archive.db.triggers]
        )
        # the old article is in rule 3's index: a copy of it is found
        assert archive.db["near_keys"].count_where("article_id = ?", [old["id"]]) == 8
        copy = archive.store(
            article(url="https://partner.org/x/", site="partner", text="RABAT —\n" + old["text"]), capture()
        )
        assert archive.db["articles"].get(copy.article_id)["duplicate_of"] == old["id"]


def test_an_archive_of_schema_4_gets_its_sketches_again(tmp_path):
    """Schema 5 changed the sketch's hash: keys of the old hash would never meet new ones."""
    path = tmp_path / "archive.db"
    text = BODY + "\nThe plan covers schools, libraries and museums in twelve cities over five years."
    with Archive(str(path)) as archive:
        old = archive.store(article(text=text), capture())
        archive.db.execute("update near_keys set key = key + 1")  # the keys of another hash
        archive.db["articles"].disable_fts()  # sqlite-utils' triggers, as schema 4 had them
        archive.db["articles"].enable_fts(["title", "text"], create_triggers=True)
        archive.db.execute("drop table articles_search")  # schema 10's
        archive.db.execute("drop table search_analyzer")
        archive.db.execute("pragma user_version = 4")
    with Archive(str(path)) as archive:
        assert archive.db.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION
        copy = archive.store(
            article(url="https://partner.org/x/", site="partner", text="RABAT —\n" + text),
            capture("https://partner.org/x/"),
        )
        assert copy.outcome is Outcome.DUPLICATE
        assert archive.db["articles"].get(copy.article_id)["duplicate_of"] == old.article_id
        # new articles are indexed for search once, by the loader, not by the old trigger too
        assert "articles_ai" not in {t.name for t in archive.db.triggers}
        hits = archive.db.execute("select rowid from articles_search where articles_search match 'rabat'")
        assert sorted(row[0] for row in hits) == [old.article_id, copy.article_id]


def test_every_url_of_a_run_has_its_outcome(archive):
    crawl = archive.start_crawl("org", "crawl")
    archive.store(article(), capture(), crawl)
    archive.store(article(url="https://example.org/en/copy/"), capture("https://example.org/en/copy/"), crawl)
    archive.revisit(capture(when="2024-02-01T00:00:00+00:00"), crawl)
    archive.mark_gone("https://example.org/en/2022/06/19/visit/", "2024-03-01T00:00:00+00:00", 410, crawl)
    archive.record_outcome(crawl, "https://example.org/en/huge/", "too_large", None, "larger than 16 MiB")
    counts = archive.db.execute(
        "select outcome, count(*) from outcomes where crawl_id = ? group by outcome", [crawl]
    )
    assert dict(counts.fetchall()) == {"alias": 1, "gone": 1, "new": 1, "too_large": 1, "unchanged": 1}
    rows = archive.db.execute(
        "select url, status, reason from outcomes where outcome = 'too_large'"
    ).fetchall()
    assert rows == [("https://example.org/en/huge/", None, "larger than 16 MiB")]


def test_a_wal_cut_short_by_a_power_loss_recovers_to_the_last_whole_batch(tmp_path):
    """Power lost in the middle of a commit: the copy of the files as they were on disk opens,
    sound, with every batch committed before and nothing of the one that was being written."""
    path, copy = tmp_path / "archive.db", tmp_path / "copy" / "archive.db"

    def batch(first: int) -> list[tuple[Article, Capture]]:
        urls = [f"https://example.org/en/{n}/" for n in range(first, first + 10)]
        return [(article(url=url, text=f"{BODY}\nStory {url}."), capture(url)) for url in urls]

    with Archive(str(path)) as archive:
        archive.store_many(batch(0))
        committed = Path(f"{path}-wal").stat().st_size
        archive.store_many(batch(10))
        written = Path(f"{path}-wal").read_bytes()
        assert len(written) > committed  # the second batch is in the WAL, not yet in the file
        copy.parent.mkdir()
        shutil.copy(path, copy)
        Path(f"{copy}-wal").write_bytes(written[: (committed + len(written)) // 2])

    with Archive(str(copy)) as recovered:
        assert recovered.db.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert recovered.db.execute("select count(*) from articles").fetchone()[0] == 10
        # an article's rows and its capture were one transaction: they survive together
        assert recovered.db.execute("select count(distinct article_id) from pages").fetchone()[0] == 10
        assert recovered.db.execute("select count(*) from outcomes").fetchone()[0] == 10


def test_a_store_waits_for_another_writer_instead_of_failing(tmp_path):
    """SQLITE_BUSY is waited out (the busy timeout), not raised as 'database is locked'."""
    path = tmp_path / "archive.db"
    Archive(str(path)).close()
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("begin immediate")  # another writer holds the write lock for a second
    releasing = threading.Event()

    def release() -> None:
        releasing.set()
        other.execute("commit")

    threading.Timer(1.0, release).start()
    with Archive(str(path)) as archive:
        assert archive.store(article(), capture()).outcome is Outcome.NEW
        assert releasing.is_set()  # it did wait for the other writer
    other.close()


def test_an_exact_copy_published_earlier_becomes_the_article_and_the_later_url_its_alias(archive):
    # The re-post (five days later) was crawled first; then the original turns up.
    repost = "https://example.org/en/2022/06/24/visit-again/"
    original = "https://example.org/en/2022/06/19/visit/"
    first = archive.store(article(url=repost, published="2022-06-24T09:00:00+01:00"), capture(url=repost))
    second = archive.store(article(url=original, published="2022-06-19"), capture(url=original))

    assert second.outcome is Outcome.ALIAS and second.article_id == first.article_id
    row = archive.db["articles"].get(first.article_id)
    assert (row["url"], row["published"]) == (original, "2022-06-19")
    kinds = {r["url"]: r["kind"] for r in archive.db["article_urls"].rows}
    assert kinds == {original: "canonical", repost: "alias"}
    # a later copy changes nothing; the original is found again by its URL
    archive.store(article(url="https://example.org/en/print/visit/", published="2022-07-01"), capture())
    assert archive.db["articles"].get(first.article_id)["url"] == original
    assert (
        archive.store(article(url=original, published="2022-06-19"), capture(url=original)).outcome
        is Outcome.UNCHANGED
    )


@pytest.mark.parametrize(
    ("first", "second", "earlier"),
    [
        ("2022-06-19", "2022-06-24T09:00:00+01:00", True),
        ("2022-06-19T23:30:00-05:00", "2022-06-20T05:00:00+01:00", False),  # 04:30 UTC after 04:00 UTC
        ("2022-06-19T10:00:00+00:00", "2022-06-19", False),  # the same day: not earlier
        (None, "2022-06-19", False),
        ("2022-06-19T10:00:00", "2022-06-20T01:00:00+02:00", True),  # one without a zone: by days
    ],
)
def test_which_publication_came_first(first, second, earlier):
    from storage.dedupe import published_before

    assert published_before(first, second) is earlier


def test_a_refused_page_keeps_its_capture_and_its_outcome(archive):
    crawl_id = archive.start_crawl("org", "crawl")
    refused = capture(url="https://example.org/en/tag/visits/", body=b"<html>a tag page</html>")
    archive.refuse(refused, "org", crawl_id)
    archive.refuse(refused, "org", crawl_id)  # the same bytes the next night: not stored twice

    pages = list(archive.db["pages"].rows)
    assert [p["article_id"] for p in pages] == [None, None]
    assert zlib.decompress(pages[0]["body"]) == b"<html>a tag page</html>"
    assert pages[1]["body"] is None and pages[1]["revisit_of"] == pages[0]["id"]
    assert archive.outcome_counts(crawl_id) == {"not_article": 2}
    assert archive.db["articles"].count == 0
    [latest] = archive.latest_captures(["org"])
    assert (latest.article_id, latest.page_id, latest.body) == (
        None,
        pages[1]["id"],
        b"<html>a tag page</html>",
    )


def test_an_article_recovered_from_a_refused_page_is_stored_with_that_capture(archive):
    url = "https://example.org/en/2022/06/19/short/"
    archive.refuse(capture(url=url), "org", archive.start_crawl("org", "crawl"))
    [refused] = archive.latest_captures(["org"])

    stored = archive.recover(refused.page_id, article(url=url, extracted_by="trafilatura"))

    assert stored.outcome is Outcome.NEW
    row = archive.db["articles"].get(stored.article_id)
    assert (row["url"], row["extracted_by"], row["first_seen"]) == (
        url,
        "trafilatura",
        "2024-01-01T00:00:00+00:00",
    )
    assert [p["article_id"] for p in archive.db["pages"].rows] == [stored.article_id]
    # now an article's capture, no longer a refused page's
    assert [(c.article_id, c.page_id) for c in archive.latest_captures(["org"])] == [
        (stored.article_id, refused.page_id)
    ]


def test_pages_that_hold_no_article_are_remembered_with_their_validators(archive):
    crawl = archive.start_crawl("org", "crawl")
    tags = "https://example.org/en/tags/education-and-culture-of-the-region/"
    page = Capture(
        tags,
        200,
        {"ETag": '"v1"', "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"},
        b"<p>",
        "2024-01-01T00:00:00+00:00",
    )
    archive.refuse(page, "org", crawl)
    archive.record_outcome(
        crawl, "https://example.org/files/report-2023.pdf", "not_html", 200, "application/pdf"
    )
    archive.record_outcome(
        crawl, "https://example.org/en/broken/", "http_error", 500, "boom"
    )  # may come back
    known = archive.known_urls("org")
    assert set(known) == {tags, "https://example.org/files/report-2023.pdf"}
    assert known[tags] == Known(
        "2024-01-01T00:00:00+00:00", etag='"v1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT", article=False
    )
    archive.touch(tags, "2024-02-01T00:00:00+00:00", crawl)  # a 304: seen again
    assert archive.known_urls("org")[tags].last_seen == "2024-02-01T00:00:00+00:00"
    # the page becomes an article (its theme changed): it is remembered as one
    archive.store(article(url=tags), capture(tags, "2024-03-01T00:00:00+00:00"), crawl)
    assert archive.known_urls("org")[tags].article
    assert archive.db["non_articles"].count == 1
    archive.mark_gone("https://example.org/files/report-2023.pdf", "2024-03-01T00:00:00+00:00", 404, crawl)
    assert archive.db["non_articles"].count == 0  # gone: forgotten (its outcome recorded)
    assert archive.known_urls("other") == {}


def test_what_the_archive_knows_of_an_article_for_the_next_run(archive):
    page = capture()
    page.hints["sitemap"] = "https://example.org/sitemap-posts-2.xml"
    page.headers["ETag"] = '"v2"'
    archive.store(article(published="2022-06-19T10:00:00+01:00"), page)
    known = archive.known_urls("org")["https://example.org/en/2022/06/19/visit/"]
    # the sitemap that listed it (deletions), its date (revisits), its validators (304s)
    assert (known.sitemap, known.published, known.etag, known.article) == (
        "https://example.org/sitemap-posts-2.xml",
        "2022-06-19T10:00:00+01:00",
        '"v2"',
        True,
    )
