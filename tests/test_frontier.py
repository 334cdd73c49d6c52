"""The frontier's decisions, one by one, without Scrapy or a network: scope, article or not,
new / known / changed, the backfill's window, once per run, and the deletions sitemaps reveal."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from crawler.discovery import Link
from crawler.frontier import Frontier, Verdict, changed_since, looks_like_article, sitemap_series, sweep_due
from crawler.sites import Site
from storage.records import Known

SITE = Site(
    key="org", name="Org", start_urls=("https://example.org/en/news/",), allowed_domains=("example.org",)
)
ARTICLE = "https://example.org/en/2024/03/05/a-visit-to-rabat/"
SEEN = "2024-03-06T08:00:00+00:00"


def frontier(known: dict[str, Known] | None = None, mode: str = "crawl", **options) -> Frontier:
    return Frontier(options.pop("site", SITE), known or {}, mode, **options)


def test_urls_off_the_site_or_on_a_trap_path_are_out_of_scope():
    f = frontier()
    assert (
        f.offer(Link("https://elsewhere.org/en/2024/03/05/a-visit-to-rabat/"), "feed").verdict
        is Verdict.OUT_OF_SCOPE
    )
    assert (
        f.offer(Link("https://example.org/a/a/a/2024/03/05/visit/"), "feed").verdict is Verdict.OUT_OF_SCOPE
    )
    assert f.in_scope("https://news.example.org/x") and not f.in_scope("https://notexample.org/x")
    assert f.fetching == set()


def test_configured_patterns_decide_what_is_an_article():
    site = Site(**{**SITE.__dict__, "article_patterns": (re.compile(r"^/press/\d+$"),)})
    f = frontier(site=site)
    assert f.offer(Link("https://example.org/press/1234"), "listing").verdict is Verdict.NEW
    # even a feed's entry must match them
    assert f.offer(Link(ARTICLE), "feed").verdict is Verdict.NOT_ARTICLE
    assert f.offered["https://example.org/press/1234"]["route"] == "pattern"


def test_feeds_list_articles_and_teach_listings_their_shape():
    f = frontier()
    # no pattern, no shape learned yet: a listing link is judged by its looks
    assert f.is_article("https://example.org/en/about", "listing") is False
    assert (
        f.offer(Link("https://example.org/en/node/7"), "feed").verdict is Verdict.NEW
    )  # a feed lists articles
    assert f.is_article("https://example.org/en/node/8", "listing")  # the shape the feed showed
    assert not f.is_article(ARTICLE, "listing")  # now only that shape counts on listings


@pytest.mark.parametrize(
    ("path", "is_article"),
    [
        ("/en/2022/06/19/alecso-director-general-visits/", True),
        ("/media-center/press-releases/1234", True),
        ("/news/unesco-and-icesco-sign-a-new-agreement", True),
        ("/en/news/page/2/", False),
        ("/en/category/news/", False),
        ("/en/about-us/", False),
        ("/files/annual-report-2022-final.pdf", False),
        ("/en/2022/06/", False),
        # a static site generator's taxonomies and year archives
        ("/categories/press-releases-and-statements/", False),
        ("/ar/tags/education-and-culture-news/", False),
        ("/authors/jane-doe-and-john-smith/", False),
        ("/2024/", False),
        ("/fr/2023/", False),
        ("/news/2024/", True),  # an id, under a section
    ],
)
def test_article_urls_are_guessed_from_their_shape(path, is_article):
    assert looks_like_article(path) is is_article


@pytest.mark.parametrize(
    ("sitemap", "lists_articles"),
    [
        ("/wp-sitemap-posts-post-1.xml", True),
        ("/post-sitemap2.xml", True),
        ("/sitemap-news.xml", True),
        ("/wp-sitemap-taxonomies-category-1.xml", False),
        ("/post_tag-sitemap.xml", False),
        ("/wp-sitemap-users-1.xml", False),
        ("/page-sitemap.xml", False),
    ],
)
def test_child_sitemaps_of_taxonomies_and_pages_are_not_read(sitemap, lists_articles):
    assert frontier().may_list_articles("https://example.org" + sitemap) is lists_articles


def test_a_new_url_is_fetched_once_with_the_hints_of_every_route():
    f = frontier()
    first = f.offer(Link(ARTICLE, {"published": "2024-03-05"}), "sitemap")
    assert first.fetch and first.verdict is Verdict.NEW and first.known is None and first.found
    again = f.offer(Link(ARTICLE + "?utm_source=x", {"title": "A visit", "published": "2024-03-04"}), "feed")
    assert again.verdict is Verdict.OFFERED and not again.fetch
    # one request, carrying both routes' hints; the first route's date is kept
    assert f.offered[again.url] == {"route": "sitemap", "published": "2024-03-05", "title": "A visit"}
    assert f.fetching == {first.url} and f.unanswered() == {first.url}
    f.answer(ARTICLE)
    assert f.unanswered() == set()


def test_a_known_url_is_fetched_again_only_when_a_source_says_it_changed():
    known = {ARTICLE: Known(SEEN, etag='"v1"', last_modified="Tue, 05 Mar 2024 10:00:00 GMT")}
    f = frontier(known)
    unchanged = f.offer(Link(ARTICLE, {"modified": "2024-03-06T07:00:00+00:00"}), "sitemap")
    assert unchanged.verdict is Verdict.KNOWN and not unchanged.fetch and not unchanged.fresh
    assert f.skipped_known() == 1

    f = frontier(known)
    changed = f.offer(Link(ARTICLE, {"modified": "2024-03-07T07:00:00+00:00"}), "sitemap")
    assert changed.verdict is Verdict.CHANGED and changed.fetch
    assert changed.known is not None and changed.known.etag == '"v1"'  # for If-None-Match
    assert f.skipped_known() == 0


def test_a_backfill_pages_through_listings_of_archived_articles():
    known = {ARTICLE: Known(SEEN)}
    assert not frontier(known, "crawl").offer(Link(ARTICLE), "listing").fresh
    assert frontier(known, "backfill").offer(Link(ARTICLE), "listing").fresh


@pytest.mark.parametrize(
    ("modified", "changed"),
    [
        (None, False),
        ("not a date", False),
        ("2024-03-06", False),  # a day only: the same day as the last sight is no change
        ("2024-03-07", True),
        ("2024-03-06T09:00:00+00:00", True),
        ("2024-03-06T09:00:00+02:00", False),  # 07:00 UTC, before the last sight
        ("2024-03-06T23:00:00", False),  # no zone: days only
    ],
)
def test_changed_since(modified, changed):
    assert changed_since(modified, SEEN) is changed


def test_the_backfill_window_holds_back_what_its_sources_date_outside_it():
    f = frontier(mode="backfill", window=("2024-01-01", "2024-12-31"))
    old = f.offer(Link("https://example.org/en/old-news-of-the-year", {"published": "2019-05-01"}), "sitemap")
    assert old.verdict is Verdict.OUTSIDE_WINDOW and not old.fetch
    # a dated permalink, give or take a day of time zone
    assert f.offer(Link("https://example.org/en/2023/12/31/new-year/"), "sitemap").verdict is Verdict.NEW
    assert (
        f.offer(Link("https://example.org/en/2023/12/30/late/"), "sitemap").verdict is Verdict.OUTSIDE_WINDOW
    )
    assert f.offer(Link("https://example.org/en/undated-but-long-slug"), "sitemap").verdict is Verdict.NEW


def test_a_probe_fetches_no_article_but_learns_what_routes_offer():
    f = frontier(mode="probe")
    offer = f.offer(Link(ARTICLE), "sitemap")
    assert offer.verdict is Verdict.OFFERED and f.fetching == set()
    assert f.route_urls["sitemap"] == {offer.url}


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="mode must be one of"):
        frontier(mode="nightly")


def archived(count: int) -> dict[str, Known]:
    return {f"https://example.org/en/2024/01/{i:02d}/story-{i}/": Known(SEEN) for i in range(1, count + 1)}


def test_archived_urls_the_sitemaps_dropped_are_checked_once_all_are_read():
    known = archived(20)
    f = frontier(known)
    f.sitemap_requested()
    f.sitemap_requested()
    listed = [Link(url) for url in sorted(known)]
    assert f.sitemap_read(listed[:10]) == []  # one still to come
    dropped = f.sitemap_read(listed[10:19])
    assert dropped == [sorted(known)[19]]
    assert sorted(known)[19] in f.fetching
    assert f.dropped_from_sitemaps() == []  # once per run


@pytest.mark.parametrize("with_feed", [False, True])
def test_one_sitemap_file_is_enough_and_a_feed_beside_it_changes_nothing(with_feed):
    # a site's only sitemap (not an index), and a feed its index may list (recent URLs, dated)
    known = archived(20)
    f = frontier(known)
    listed = [Link(url) for url in sorted(known)]
    for _ in range(1 + with_feed):
        f.sitemap_requested()
    if with_feed:
        assert f.sitemap_read([Link(link.url, {"published": "2024-01-20"}) for link in listed[:3]]) == []
    assert f.sitemap_read(listed[:19]) == [sorted(known)[19]]
    assert f.swept


@pytest.mark.parametrize("case", ["failed", "low coverage", "news sitemap", "probe", "aliases and gone"])
def test_no_deletion_is_guessed_from_partial_sitemaps(case):
    known = archived(20)
    if case == "aliases and gone":
        known = {
            url: Known(SEEN, canonical=False) if i % 2 else Known(SEEN, gone_at=SEEN)
            for i, url in enumerate(known)
        }
    f = frontier(known, "probe" if case == "probe" else "crawl")
    listed = [Link(url) for url in sorted(known)]
    if case == "failed":
        f.sitemap_requested()
        f.sitemap_requested()
        f.sitemap_read(failed=True)
        assert f.sitemap_read(listed[:19]) == []
    elif case == "low coverage":  # a sitemap of the last days only lists 5 of the 20
        f.sitemap_requested()
        assert f.sitemap_read(listed[:5]) == []
    elif case == "news sitemap":
        f.sitemap_requested()
        assert f.sitemap_read([Link(link.url, {"published": "2024-01-01"}) for link in listed[:19]]) == []
    else:
        f.sitemap_requested()
        assert f.sitemap_read(listed[:19]) == []


@pytest.mark.parametrize(
    ("last_sweep", "days", "due"),
    [
        (None, 7, True),  # never swept
        ("2024-03-02T02:00:00+00:00", 7, False),  # six nights ago
        ("2024-03-01T14:00:05+00:00", 7, False),
        ("2024-03-01T02:00:05+00:00", 7, True),  # a week of nights, give or take a few seconds
        ("2024-03-07T02:00:00+00:00", 0, True),  # 0: every run
    ],
)
def test_a_sweep_is_due_a_week_of_nights_after_the_last(last_sweep, days, due):
    assert sweep_due(last_sweep, days, datetime(2024, 3, 8, 2, 0, 1, tzinfo=UTC)) is due


def test_numbered_sitemaps_make_a_series():
    assert sitemap_series("https://example.org/wp-sitemap-posts-post-3.xml") == (
        "/wp-sitemap-posts-post-#.xml",
        (3,),
    )
    assert sitemap_series("https://example.org/sitemap.xml?page=12") == ("/sitemap.xml?page=#", (12,))
    assert sitemap_series("https://example.org/s/news-2024-05.xml") == ("/s/news-#-#.xml", (2024, 5))


INDEX = [Link(f"https://example.org/wp-sitemap-posts-post-{n}.xml") for n in range(1, 11)] + [
    Link("https://example.org/wp-sitemap-posts-page-1.xml"),
    Link("https://example.org/yoast-news.xml", {"modified": "2024-03-06T09:00:00+00:00"}),
    Link("https://example.org/yoast-post.xml", {"modified": "2024-03-01T09:00:00+00:00"}),
]


def test_a_nightly_run_reads_the_sitemaps_that_can_hold_new_urls():
    nightly = frontier(archived(20), since=SEEN, sweep=False)
    read = [link.url.rsplit("/", 1)[1] for link in nightly.sitemaps_to_read(INDEX)]
    # the ends of each numbered series (new URLs are appended at one end), and what changed since
    assert read == [
        "wp-sitemap-posts-post-1.xml",
        "wp-sitemap-posts-post-10.xml",
        "wp-sitemap-posts-page-1.xml",
        "yoast-news.xml",
    ]
    # the other sitemaps unread, the run looks for no deletion
    nightly.sitemap_requested()
    assert nightly.sitemap_read([Link(url) for url in sorted(archived(19))]) == []
    assert not nightly.swept


def test_a_sweep_reads_every_sitemap_and_looks_for_deletions():
    sweep = frontier(archived(20), since=SEEN, sweep=True)
    assert sweep.sitemaps_to_read(INDEX) == INDEX
    sweep.sitemap_requested()
    assert sweep.sitemap_read([Link(url) for url in sorted(archived(19))]) == [sorted(archived(20))[19]]
    assert sweep.swept
    # a first run (nothing since) reads every sitemap too
    assert frontier(sweep=False).sitemaps_to_read(INDEX) == INDEX
