"""Dates as pages write them -> ISO 8601, as precise as the source and never more.

python-dateutil fills whatever a string lacks from its ``default`` (today, unless told
otherwise) and guesses in fuzzy mode. Here a string is parsed twice against two different
defaults: a field that comes out differently was not in the string. A missing year, month or
day makes the string unusable; a missing time gives a date-only value, never an invented
midnight. Time zones are kept as written; an unknown zone name keeps only the date.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

from dateutil.parser import ParserError, UnknownTimezoneWarning, parser, parserinfo

# The web's news is younger than this; anything earlier is a parsing accident (or epoch 0).
EARLIEST_YEAR = 1990
# Clocks and time zones differ: a page may be dated up to a day ahead of our clock.
FUTURE_TOLERANCE = timedelta(days=1)
MAX_LENGTH = 100  # longer strings are prose, not dates

# Arabic-Indic and Eastern Arabic-Indic (Persian) digits -> ASCII.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


class MultilingualParserInfo(parserinfo):
    """dateutil's English words plus French and Arabic month and weekday names."""

    # dateutil takes any number of names per month; typeshed's stub says two or three.
    MONTHS: list[tuple[str, ...]] = [  # type: ignore[assignment]
        ("Jan", "January", "janvier", "janv", "يناير", "جانفي", "كانون الثاني"),
        ("Feb", "February", "février", "fevrier", "févr", "fevr", "فبراير", "فيفري", "شباط"),
        ("Mar", "March", "mars", "مارس", "آذار"),
        ("Apr", "April", "avril", "avr", "أبريل", "ابريل", "إبريل", "أفريل", "نيسان"),
        ("May", "mai", "مايو", "ماي", "أيار"),
        ("Jun", "June", "juin", "يونيو", "يونيه", "جوان", "حزيران"),
        ("Jul", "July", "juillet", "juil", "يوليو", "يوليه", "جويلية", "تموز"),
        ("Aug", "August", "août", "aout", "أغسطس", "اغسطس", "أوت", "آب"),
        ("Sep", "Sept", "September", "septembre", "سبتمبر", "أيلول"),
        ("Oct", "October", "octobre", "أكتوبر", "اكتوبر", "تشرين الأول"),
        ("Nov", "November", "novembre", "نوفمبر", "تشرين الثاني"),
        ("Dec", "December", "décembre", "decembre", "déc", "ديسمبر", "دجنبر", "كانون الأول"),
    ]
    WEEKDAYS: list[tuple[str, ...]] = [  # type: ignore[assignment]
        ("Mon", "Monday", "lundi", "الاثنين", "الإثنين"),
        ("Tue", "Tuesday", "mardi", "الثلاثاء"),
        ("Wed", "Wednesday", "mercredi", "الأربعاء", "الاربعاء"),
        ("Thu", "Thursday", "jeudi", "الخميس"),
        ("Fri", "Friday", "vendredi", "الجمعة"),
        ("Sat", "Saturday", "samedi", "السبت"),
        ("Sun", "Sunday", "dimanche", "الأحد", "الاحد"),
    ]
    JUMP = parserinfo.JUMP + ["le", "à", "a", "،", "في", "de", "du"]


_PARSER = parser(MultilingualParserInfo())
# Day and month as numbers, the year last: 19.06.2022, 06/05/2022, 6-5-22.
_NUMERIC_DATE = re.compile(
    r"^(?P<first>\d{1,2})(?P<separator>[./-])(?P<second>\d{1,2})(?P=separator)\d{2,4}\b"
)
_DEFAULT_A = datetime(1, 1, 1, 0, 0, 0)
_DEFAULT_B = datetime(2, 2, 2, 1, 1, 1)


def parse_date(raw: str | None, now: datetime | None = None, dayfirst: bool | None = None) -> str | None:
    """Normalize a date string to ISO 8601, or None when it is incomplete, ambiguous or implausible.

    All-numeric dates: with dots (19.06.2022) the day comes first, as everywhere dots are
    used; with slashes or dashes (06/05/2022) ``dayfirst`` says how the page's language
    writes them, and when it is not known and both readings are possible, the date is refused.

    >>> parse_date("2022-06-19T10:32:11+01:00")
    '2022-06-19T10:32:11+01:00'
    >>> parse_date("June 19, 2022")
    '2022-06-19'
    >>> parse_date("March 2019") is None  # no day: not a publication date
    True
    """
    if not raw:
        return None
    text = " ".join(raw.translate(_DIGITS).split())
    if not text or len(text) > MAX_LENGTH:
        return None
    if numeric := _NUMERIC_DATE.match(text):
        first, separator, second = int(numeric["first"]), numeric["separator"], int(numeric["second"])
        if separator == ".":
            dayfirst = True
        elif dayfirst is None and first <= 12 and second <= 12 and first != second:
            return None  # 06/05/2022: June or May? Not guessed.
    else:
        dayfirst = False  # year first (2024/12/04) or month names: dateutil's dayfirst would misread them
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UnknownTimezoneWarning)
        try:
            a = _PARSER.parse(text, default=_DEFAULT_A, dayfirst=bool(dayfirst))
            b = _PARSER.parse(text, default=_DEFAULT_B, dayfirst=bool(dayfirst))
        except (ParserError, OverflowError, ValueError, TypeError, ArithmeticError):
            return None
    unknown_zone = any(issubclass(w.category, UnknownTimezoneWarning) for w in caught)
    if (a.year, a.month, a.day) != (b.year, b.month, b.day):
        return None
    if not _plausible(a, now or datetime.now(UTC)):
        return None
    if (a.hour, a.minute) != (b.hour, b.minute) or unknown_zone:
        return a.date().isoformat()
    return a.replace(microsecond=0).isoformat()


def _plausible(moment: datetime, now: datetime) -> bool:
    if moment.year < EARLIEST_YEAR:
        return False
    latest = now + FUTURE_TOLERANCE
    if moment.tzinfo is None:
        return moment <= latest.replace(tzinfo=None)
    return moment <= latest


@dataclass(frozen=True)
class Dated:
    """A normalized date with the string it was read from and where that string was found."""

    value: str | None  # ISO 8601; None for a stated date that is impossible or ambiguous
    raw: str  # as the source wrote it
    source: str  # e.g. "json-ld", "meta", "time", "wp-api", "feed", "sitemap", "text"


def first_date(
    candidates: Iterable[tuple[str, str | None]], now: datetime | None = None, dayfirst: bool | None = None
) -> Dated | None:
    """The first (source, raw string) candidate, in order of reliability, that parses to a
    plausible date."""
    for source, raw in candidates:
        if raw and (value := parse_date(raw, now, dayfirst)) is not None:
            return Dated(value, " ".join(raw.split()), source)
    return None


def in_window(value: str | None, since: str | None, until: str | None, slack_days: int = 0) -> bool:
    """Whether a date falls within [since, until] (ISO days, inclusive, widened by
    ``slack_days`` for approximate dates). An unknown date is in: only a known date can rule
    an article out."""
    if not since and not until:  # no window (a nightly crawl): spare dateutil every article
        return True
    day = (parse_date(value) or "")[:10]
    if not day:
        return True
    slack = timedelta(days=slack_days)
    lower = (date.fromisoformat(since) - slack).isoformat() if since else None
    upper = (date.fromisoformat(until) + slack).isoformat() if until else None
    return (not lower or day >= lower) and (not upper or day <= upper)


# How far from UTC a publisher's clock may be: UTC-12 to UTC+14; offsets are whole quarter hours.
WESTMOST, EASTMOST, OFFSET_STEP = timedelta(hours=-12), timedelta(hours=14), timedelta(minutes=15)


def as_published_locally(
    published: Dated, statements: Iterable[tuple[str, str | None]], url: str, dayfirst: bool | None = None
) -> Dated:
    """A publication moment stated in UTC, read as the page means it: on the publisher's clock.

    CMSs write JSON-LD and meta dates in UTC from the server's clock while the page shows its
    own day: a post of 21:18 in Florida is "2020-02-18T02:18:11Z", and its permalink says
    /2020/02/17/. When the page's other ``statements`` (and its dated permalink) tell the local
    time, that is the date kept; nothing is guessed where they do not:

    - the same instant written with its offset ("Sat, 19 Oct 2019 00:04:00 +0200");
    - a local time without a zone, a whole number of quarter hours from the instant
      ("2023-11-08 18:09:55" beside "2023-11-09T01:09:55Z"): the offset is the difference;
    - the day the permalink or the byline shows, when it is the day before or after the UTC
      day and an offset of -12 to +14 hours allows it: that day, without a time.
    """
    if published.value is None or len(published.value) == 10:
        return published
    moment = datetime.fromisoformat(published.value)
    if moment.utcoffset() != timedelta(0):
        return published  # stated in local time already
    days = [("url", day, day)] if (day := url_date(url)) else []
    for source, raw in statements:
        value = parse_date(raw, dayfirst=dayfirst) if raw else None
        if not raw or value is None or value == published.value:
            continue
        if len(value) == 10:
            days.append((source, raw, value))
            continue
        other = datetime.fromisoformat(value)
        if other.tzinfo is not None:
            if other == moment and other.utcoffset():
                return Dated(value, " ".join(raw.split()), source)
            continue
        offset = other - moment.replace(tzinfo=None)
        if offset and WESTMOST <= offset <= EASTMOST and offset % OFFSET_STEP == timedelta(0):
            return Dated(other.replace(tzinfo=timezone(offset)).isoformat(), " ".join(raw.split()), source)
    if any(day == moment.date().isoformat() for *_, day in days):
        return published  # the page shows the UTC day itself
    earliest, latest = (moment + WESTMOST).date().isoformat(), (moment + EASTMOST).date().isoformat()
    for source, raw, day in days:
        if earliest <= day <= latest:
            return Dated(day, " ".join(raw.split()), source)
    return published


_URL_DATE = re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/")


def url_date(url: str) -> str | None:
    """The day a dated permalink (``/2022/06/19/slug/``) names, or None."""
    if match := _URL_DATE.search(url):
        year, month, day = (int(part) for part in match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return None
    return None
