"""Date normalization: as precise as the source, never invented, in English, Arabic and French."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.dates import Dated, as_published_locally, first_date, in_window, parse_date, url_date

NOW = datetime(2024, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2022-06-19T10:32:11+01:00", "2022-06-19T10:32:11+01:00"),  # offset kept, not converted
        ("2022-06-19T10:32:11Z", "2022-06-19T10:32:11+00:00"),
        ("2022-06-19T10:32:11.123456+03:00", "2022-06-19T10:32:11+03:00"),
        ("Sun, 19 Jun 2022 10:00:00 +0000", "2022-06-19T10:00:00+00:00"),  # RSS
        ("2022-06-19", "2022-06-19"),  # date only stays date only: no invented midnight
        ("June 19, 2022", "2022-06-19"),
        ("June 19, 2022 10:30", "2022-06-19T10:30:00"),  # no zone given: none invented
        ("17 juin 2022", "2022-06-17"),
        ("le 17 juin 2022 à 10h30", "2022-06-17T10:30:00"),
        ("19 يونيو 2022", "2022-06-19"),
        ("١٩ يونيو ٢٠٢٢", "2022-06-19"),  # Arabic-Indic digits
        ("الأحد 19 يونيو 2022", "2022-06-19"),
        ("19 حزيران 2022", "2022-06-19"),  # Levantine month name
        ("Mon, 05 Feb 2024 10:00:00 EST", "2024-02-05"),  # unknown zone name: the date only
    ],
)
def test_parse_date(raw, expected):
    assert parse_date(raw, now=NOW) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "March 2019",  # no day
        "2019",  # no month
        "10:30",  # no date at all: dateutil would say today
        "Published 2 hours ago on page 1984",  # fuzzy parsing would invent 1984-<today>
        "99999999999999999999",  # OverflowError inside dateutil
        "2099-01-01",  # the future
        "1970-01-01T00:00:00Z",  # epoch zero: before the web
        "2024-06-03",  # more than a day after NOW
        "x" * 500,
    ],
)
def test_unusable_dates_give_none(raw):
    assert parse_date(raw, now=NOW) is None


def test_first_date_takes_the_first_usable_candidate_and_keeps_its_raw_string_and_source():
    candidates = [
        ("json-ld", None),
        ("meta", "not a date"),
        ("time", " 19  juin 2022 "),
        ("feed", "2021-01-01"),
    ]
    assert first_date(candidates, now=NOW) == Dated("2022-06-19", "19 juin 2022", "time")
    assert first_date([("meta", None), ("time", "March 2019")], now=NOW) is None


@pytest.mark.parametrize(
    ("value", "slack", "inside"),
    [
        ("2022-06-19", 0, True),
        ("2022-06-01T00:30:00+03:00", 0, True),  # the day as written, not converted to UTC
        ("2022-05-31", 0, False),
        ("2022-05-31", 1, True),
        ("2022-07-01", 0, False),
        (None, 0, True),  # an unknown date rules nothing out
        ("not a date", 0, True),
    ],
)
def test_in_window(value, slack, inside):
    assert in_window(value, "2022-06-01", "2022-06-30", slack_days=slack) is inside


def test_in_window_open_ended():
    assert in_window("1995-01-01", None, "2022-06-30") and not in_window("2023-01-01", None, "2022-06-30")


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("https://icesco.org/en/2022/06/19/alecso-visits/", "2022-06-19"),
        ("https://x.org/news/2022/6/9/a/", "2022-06-09"),
        ("https://x.org/news/2022/13/45/a/", None),
        ("https://x.org/node/2022", None),
    ],
)
def test_url_date(url, day):
    assert url_date(url) == day


@pytest.mark.parametrize(
    ("raw", "dayfirst", "expected"),
    [
        ("05.01.2024, 15:23", None, "2024-01-05T15:23:00"),  # dots: the day first, everywhere
        ("06/05/2022", True, "2022-05-06"),  # French, Arabic
        ("06/05/2022", False, "2022-06-05"),  # American English
        ("06/05/2022", None, None),  # language unknown: May or June is not guessed
        ("19/06/2022", None, "2022-06-19"),  # only one reading
        ("2023/12/04 00:05", True, "2023-12-04T00:05:00"),  # year first: dayfirst does not apply
    ],
)
def test_numeric_dates_are_read_as_the_language_writes_them_or_refused(raw, dayfirst, expected):
    assert parse_date(raw, now=NOW, dayfirst=dayfirst) == expected


@pytest.mark.parametrize(
    ("statements", "url", "expected"),
    [
        # the same instant with its offset beside it
        ([("meta", "Sat, 19 Oct 2019 00:04:00 +0200")], "https://x.org/a/", "2019-10-19T00:04:00+02:00"),
        # a local time without a zone: the offset is the difference, in quarter hours
        ([("time", "2019-10-18 15:04:00")], "https://x.org/a/", "2019-10-18T15:04:00-07:00"),
        # the day the permalink or the byline shows: east of UTC, it was the 19th already
        ([], "https://x.org/2019/10/19/a/", "2019-10-19"),
        ([("byline", "19 octobre 2019")], "https://x.org/a/", "2019-10-19"),
        # nothing local, or the page shows the UTC day itself: kept as stated
        ([], "https://x.org/a/", "2019-10-18T22:04:00+00:00"),
        ([("byline", "18 October 2019")], "https://x.org/2019/10/19/a/", "2019-10-18T22:04:00+00:00"),
        # another instant, a time 7 h 13 min away, a day no offset allows: not this moment's
        ([("time", "2019-10-17T10:00:00+02:00")], "https://x.org/a/", "2019-10-18T22:04:00+00:00"),
        ([("time", "2019-10-18 14:51:00")], "https://x.org/a/", "2019-10-18T22:04:00+00:00"),
        ([], "https://x.org/2019/10/16/a/", "2019-10-18T22:04:00+00:00"),
    ],
)
def test_a_utc_date_is_read_on_the_publishers_clock_where_the_page_tells_it(statements, url, expected):
    published = Dated("2019-10-18T22:04:00+00:00", "2019-10-18T22:04:00Z", "json-ld")
    assert as_published_locally(published, statements, url, dayfirst=True).value == expected


def test_a_date_stated_with_its_own_offset_is_never_moved():
    published = Dated("2020-02-19T18:37:32+01:00", "2020-02-19T18:37:32+01:00", "json-ld")
    assert as_published_locally(published, [], "https://x.org/2020/02/18/a/") is published
