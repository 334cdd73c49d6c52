"""The frontier's decisions, one by one, without Scrapy or a network: scope, article or not,
new / known / changed, the backfill's window, once per run, and the deletions sitemaps reveal."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from crawler.discovery import Link
from crawler.frontier import (
    Frontier,
    Verdict,
    changed_since,
    due_revisits,
    looks_like_article,
    revisit_interval,
    sitemap_series,
    sweep_due,
)
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


def test_a_sitemap_url_of_the_shape_the_feeds_showed_is_an_article():
    f = frontier()
    short = "https://example.org/posts/visit/"  # a generator's short slug: no article's looks
    assert f.offer(Link(short), "sitemap").verdict is Verdict.NOT_ARTICLE
    f.offer(Link("https://example.org/posts/forum/"), "feed")
    assert f.offer(Link(short), "sitemap").verdict is Verdict.NEW
    # a shape only a sitemap showed does not make its other pages articles
    f.offer(Link("https://example.org/en/about-the-regional-office-and-its-staff/"), "sitemap")
    assert f.offer(Link("https://example.org/en/contact/"), "sitemap").verdict is Verdict.NOT_ARTICLE


def test_a_page_that_held_no_article_is_asked_again_only_when_its_source_says_it_changed():
    page = "https://example.org/en/2024/03/05/a-gallery-of-the-visit/"
    other = Known(SEEN, etag='"abc"', article=False)
    f = frontier({page: other})
    assert f.offer(Link(page, {"modified": "2024-03-01"}), "sitemap").verdict is Verdict.KNOWN
    changed = frontier({page: other}).offer(Link(page, {"modified": "2024-03-07"}), "sitemap")
    assert changed.verdict is Verdict.CHANGED and changed.known.etag == '"abc"'
    # and it is no article whose absence from the sitemaps would be a deletion
    f = frontier({**archived(20), page: other})
    f.sitemap_requested()
    assert f.sitemap_read([Link(url) for url in archived(20)]) == []


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
    ("query", "is_article"),
    [
        ("option=com_content&view=article&id=12:visit-to-rabat&catid=8&Itemid=101", True),  # Joomla
        ("option=com_content&view=category&id=8&Itemid=101", False),
        ("option=com_content&view=featured", False),
        ("p=1234", True),  # WordPress without permalinks
        ("p=2", False),  # a listing's page
        ("page_id=12", False),
        ("format=feed&type=rss", False),
    ],
)
def test_a_cms_that_names_its_articles_in_the_query(query, is_article):
    assert looks_like_article("/index.php", query) is is_article


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
        ("/fr/authors/jane-doe.xml", False),  # a generator's feed per author, or per tag
        ("/tags/education.xml", False),
        ("/ar/rss.xml", True),
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


def listed_by(sitemap: str, count: int, start: int = 1) -> dict[str, Known]:
    return {
        f"https://example.org/en/2024/01/{i:02d}/story-{i}/": Known(SEEN, sitemap=sitemap)
        for i in range(start, start + count)
    }


@pytest.mark.parametrize("other", ["failed", "unread"])
def test_one_sitemap_failing_or_unread_hides_only_the_deletions_of_its_own_urls(other):
    first, second = "https://example.org/s-1.xml", "https://example.org/s-2.xml"
    known = {**listed_by(first, 20), **listed_by(second, 20, start=21)}
    f = frontier(known, since=SEEN, sweep=other == "failed")
    index = [Link(first, {"modified": "2024-03-07"}), Link(second, {"modified": "2024-03-01"})]
    to_read = f.sitemaps_to_read(index)
    assert [link.url for link in to_read] == ([first, second] if other == "failed" else [first])
    for _ in to_read:
        f.sitemap_requested()
    if other == "failed":
        f.sitemap_read(failed=True, url=second)
    # the first sitemap no longer lists its story 20; the second's URLs are not suspected
    assert f.sitemap_read([Link(url) for url in sorted(known)[:19]], url=first) == [
        "https://example.org/en/2024/01/20/story-20/"
    ]
    assert not f.swept  # not a sweep: the deletions of what the second lists are not known


def test_the_sitemap_that_lists_an_article_rides_with_its_request():
    f = frontier()
    f.sitemap_requested()
    offer = f.offer(Link(ARTICLE), "feed")
    f.sitemap_read([Link(ARTICLE)], url="https://example.org/sitemap.xml")
    assert offer.hints["sitemap"] == "https://example.org/sitemap.xml"  # stored with its capture


NOW = datetime(2024, 6, 1, 2, 0, tzinfo=UTC)


def seen(days_ago: float, published_days_ago: float | None = None) -> Known:
    published = (NOW - timedelta(days=published_days_ago)).isoformat() if published_days_ago else None
    return Known((NOW - timedelta(days=days_ago)).isoformat(), published=published)


@pytest.mark.parametrize(("age", "interval"), [(0.5, 1), (2, 1), (8, 2), (40, 10), (119, 29.75), (3000, 30)])
def test_an_article_is_revisited_every_quarter_of_its_age_between_a_day_and_the_cycle(age, interval):
    assert revisit_interval(age, 30) == interval


def test_recent_articles_are_revisited_more_often_than_old_ones():
    known = {
        "https://example.org/yesterday": seen(1, published_days_ago=2),  # due daily
        "https://example.org/last-week": seen(1, published_days_ago=8),  # every 2 days: not yet
        "https://example.org/last-week-2": seen(2, published_days_ago=9),  # due
        "https://example.org/just-seen": seen(0.1, published_days_ago=1),  # seen in the last day
        "https://example.org/last-year": seen(31),  # overdue: a month unseen
        "https://example.org/gone": Known((NOW - timedelta(days=40)).isoformat(), gone_at="2024-01-01"),
        "https://example.org/alias": Known((NOW - timedelta(days=40)).isoformat(), canonical=False),
        "https://example.org/no-article": Known((NOW - timedelta(days=40)).isoformat(), article=False),
    }
    # the most overdue first: 31 days of a 30-day interval, 1 of 1, then 2 of 2.25
    assert due_revisits(known, NOW, 30) == [
        "https://example.org/last-year",
        "https://example.org/yesterday",
        "https://example.org/last-week-2",
    ]
    assert due_revisits(known, NOW, 0) == []  # 0: never


def test_old_articles_are_revisited_in_a_rolling_slice_each_in_a_cycle_of_nights():
    # a backfill's 3,000 old articles, all seen on one day: a thirtieth of them each night
    known = {f"https://example.org/en/2020/story-{i}/": seen(1, published_days_ago=1500) for i in range(3000)}
    nights = []
    for night in range(60):
        tonight = NOW + timedelta(days=night)
        nights.append(due_revisits(known, tonight, 30))
        for url in nights[-1]:  # a 304: seen tonight
            known[url] = Known(tonight.isoformat(), published=known[url].published)
    assert all(60 <= len(urls) <= 140 for urls in nights)
    for cycle in (nights[:30], nights[30:]):
        revisited = [url for urls in cycle for url in urls]
        assert len(revisited) == len(set(revisited)) == 3000  # each once in each cycle


def test_the_nightly_budget_takes_the_most_overdue_and_defers_the_rest():
    known = {f"https://example.org/story-{days}/": seen(days) for days in range(31, 41)}
    f = frontier(known)
    assert f.revisits(NOW, 30, budget=3) == [f"https://example.org/story-{days}/" for days in (40, 39, 38)]
    assert f.revisits_deferred == 7
    assert {f"https://example.org/story-{days}/" for days in (40, 39, 38)} <= f.fetching
    assert frontier(known, "backfill").revisits(NOW, 30, 3) == []  # nightly runs only
