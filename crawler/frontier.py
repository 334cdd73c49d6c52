"""What a crawl does with each URL it discovers: pure decisions, without Scrapy or a network.

Given a site, what the archive holds of it (``Known``), the run's mode and its window, the
``Frontier`` answers, for each URL a sitemap, feed, API page or listing offers: out of scope,
not an article, or an article that is new (fetch it), known and changed since (fetch it
conditionally, with its validators), known and unchanged, or outside the window. Once every
sitemap is read, it names the archived URLs that the sitemaps dropped (their deletion is
checked with a conditional request). A nightly run reads only the child sitemaps that can hold
new URLs; every child, and so the check for deletions, is read by a sweep: on every backfill,
and when the last sweep is ``NEWSARCHIVE_DELETION_SWEEP_DAYS`` old (``sweep_due``). Once
discovery is done, a nightly run asks archived articles again by the revisit policy
(``due_revisits``), for the edits and deletions no source reported. The spider
(crawler/spiders/news.py) turns these answers into requests and counts them.

It is also the one home of "is this an article URL?" (``is_article``).
"""

from __future__ import annotations

import math
import re
import zlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from crawler.dates import in_window, parse_date, url_date
from crawler.discovery import Link, repeating_path, url_shape
from crawler.sites import Site
from storage.records import Known
from storage.urls import canonicalize, host_of

MODES = ("crawl", "backfill", "probe")
# Routes whose every URL is an article (sitemaps also list other pages; listings everything).
ARTICLE_ROUTES = frozenset({"feed", "api", "hreflang", "json"})
# Sources that list a site's newest articles only (what a feed given as a sitemap, or a news
# sitemap, says): their URLs do not keep a listing from paging to older ones.
RECENT_SOURCES = frozenset({"feed", "news-sitemap"})
# A URL missing from the sitemaps is checked for deletion only when the sitemaps list at
# least this share of the archived URLs (news sitemaps, for one, list just the last days).
SITEMAP_COVERAGE = 0.9

# Child sitemaps of an index that list no articles (categories, tags, authors, static pages), or
# only some of the site's feed's (a static generator's feed per category or author).
NOT_ARTICLE_SITEMAP = re.compile(
    r"taxonom|categor|post_tag|[-_/]tags?[-_./]|users?[-_./]|authors?[-_./]|attachment|posts-page-|page-sitemap",
    re.IGNORECASE,
)
# A nightly run at a fixed hour starts a little earlier or later each night: a sweep due every
# 7 days is due from 6.5 days after the last one.
SWEEP_SLACK = timedelta(hours=12)
SLACK_DAYS = SWEEP_SLACK / timedelta(days=1)
# An article is revisited every this share of its age (see revisit_interval).
REVISIT_AGE_SHARE = 4
_NUMBER = re.compile(r"\d+")
# Without configured patterns: a dated permalink, a numeric id, or a long slug.
_DATED = re.compile(r"/(19|20)\d{2}/\d{1,2}/(\d{1,2}/)?[^/]+/?$")
_NUMERIC_ID = re.compile(r"/\d{3,}/?$")
_SLUG = re.compile(r"/[^/]*[-_][^/]*[-_][^/]*[-_][^/]+/?$")  # four words or more
_NOT_ARTICLE = re.compile(
    r"/(page|categor(y|ies)|tags?|authors?|feed|wp-json|search)(/|$)|\.(pdf|jpe?g|png|gif|zip|docx?|xlsx?|mp[34])$",
    re.IGNORECASE,
)


class Verdict(StrEnum):
    """What becomes of an offered URL."""

    OUT_OF_SCOPE = "out_of_scope"  # another site, or a trap's path
    NOT_ARTICLE = "not_article"  # not the shape of the site's articles
    OFFERED = "offered"  # already requested in this run, or a probe (which fetches no article)
    OUTSIDE_WINDOW = "outside_window"  # its sources date it outside the backfill's window
    NEW = "new"  # not archived: fetch it
    CHANGED = "changed"  # archived, and a source says it changed since: fetch it conditionally
    KNOWN = "known"  # archived and unchanged: not fetched


@dataclass(frozen=True)
class Offer:
    """The frontier's answer for one offered URL."""

    verdict: Verdict
    url: str = ""  # canonical
    hints: dict[str, str] = field(default_factory=dict)  # of every route that offered it (shared)
    known: Known | None = None  # what the archive holds, for a conditional request
    fresh: bool = False  # news on a listing page: pagination goes on while a page brings some
    found: bool = False  # the first time this route offers it

    @property
    def fetch(self) -> bool:
        return self.verdict in (Verdict.NEW, Verdict.CHANGED)


# A year's archive (``/2024/``, ``/fr/2024/``), which the numeric id rule would take for an article.
_YEAR_ARCHIVE = re.compile(r"^(/[a-z]{2}([-_][a-z]{2})?)?/(19|20)\d{2}/?$", re.IGNORECASE)


# A CMS that names its article in the query: Joomla's index.php?option=com_content&view=article&id=,
# WordPress's plain ?p=1234 (an id, as long as _NUMERIC_ID's; ?p=2 pages some listings).
_QUERY_ARTICLE = re.compile(r"(^|&)(view=article|p=\d{3,})(&|$)", re.IGNORECASE)


def looks_like_article(path: str, query: str = "") -> bool:
    """A guess from the shape of a URL's path and query, for sites that configure no pattern."""
    if _NOT_ARTICLE.search(path) or _YEAR_ARCHIVE.match(path):
        return False
    return bool(
        _DATED.search(path) or _NUMERIC_ID.search(path) or _SLUG.search(path) or _QUERY_ARTICLE.search(query)
    )


def requested_url(meta: Mapping[str, Any], url: str) -> str:
    """The canonical URL a request was first made for, before any redirect (from the request's
    or its response's ``meta`` and ``url``)."""
    return canonicalize(meta.get("redirect_urls", [url])[0])


def changed_since(modified: str | None, last_seen: str) -> bool:
    """Whether a source's modification date is later than our last sight of the page."""
    if not (modified := parse_date(modified)):
        return False
    if len(modified) == 10:  # a date only: later on the calendar
        return modified > last_seen[:10]
    changed = datetime.fromisoformat(modified)
    if changed.tzinfo is None:  # no zone given: the comparison would be a guess
        return changed.date().isoformat() > last_seen[:10]
    return changed > datetime.fromisoformat(last_seen)


def sweep_due(last_sweep: str | None, days: float, now: datetime) -> bool:
    """Whether a nightly run should read every sitemap (and check the archive for deletions):
    none ever did, or the last sweep started ``days`` ago (0: every run sweeps)."""
    if last_sweep is None or days <= 0:
        return True
    return now - datetime.fromisoformat(last_sweep) >= timedelta(days=days) - SWEEP_SLACK


def revisit_interval(age_days: float, days: float) -> float:
    """Days between two revisits of an article ``age_days`` old: corrections come early, so a
    quarter of its age, at least a day, at most ``days``."""
    return min(days, max(1.0, age_days / REVISIT_AGE_SHARE))


def due_revisits(known: Mapping[str, Known], now: datetime, days: float) -> list[str]:
    """The archived articles to ask again tonight (the revisit policy), the most overdue first:
    those not seen for their ``revisit_interval``; and a rolling slice of the old ones, each on
    its night of a ``days``-night cycle (by a hash of its URL), so that a backfill's thousands
    do not all fall due on one night. Not those seen in the last day; ``days`` 0: none."""
    if days <= 0:
        return []
    cycle = max(1, math.ceil(days))
    tonight = now.toordinal() % cycle
    due = []
    for url, facts in known.items():
        if not (facts.article and facts.canonical) or facts.gone_at:
            continue
        elapsed = (now - _moment(facts.last_seen)) / timedelta(days=1)
        if elapsed < 1 - SLACK_DAYS:
            continue
        published = _moment(facts.published) if facts.published else None
        age = (now - published) / timedelta(days=1) if published else math.inf
        interval = revisit_interval(age, days)
        on_its_night = interval >= days and zlib.crc32(url.encode()) % cycle == tonight
        if on_its_night or elapsed >= interval - SLACK_DAYS:
            due.append((elapsed / interval, url))
    due.sort(reverse=True)
    return [url for _, url in due]


def _moment(text: str) -> datetime:
    """An ISO date or moment of the archive as an aware datetime (UTC where it names no zone)."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def sitemap_series(url: str) -> tuple[str, tuple[int, ...]]:
    """(the series, the number in it) of a child sitemap: ``/wp-sitemap-posts-post-3.xml`` is
    number (3,) of ``/wp-sitemap-posts-post-#.xml``, ``/sitemap.xml?page=2`` (2,) of
    ``/sitemap.xml?page=#``, ``/sitemap-2024-05.xml`` (2024, 5) of ``/sitemap-#-#.xml``."""
    parts = urlsplit(url)
    folder, _, leaf = parts.path.rpartition("/")
    leaf += f"?{parts.query}" if parts.query else ""
    return f"{folder}/{_NUMBER.sub('#', leaf)}", tuple(int(n) for n in _NUMBER.findall(leaf))


class Frontier:
    """One run's decisions for one site (see the module's docstring)."""

    def __init__(
        self,
        site: Site,
        known: dict[str, Known],
        mode: str = "crawl",
        window: tuple[str | None, str | None] = (None, None),
        since: str | None = None,
        sweep: bool = True,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.site = site
        self.known = known
        self.mode = mode
        self.window = window  # backfill --since, --until (ISO days)
        self.since = since  # when the last finished run started: what changed after is news
        self.sweep = sweep  # read every sitemap, not only those that can hold new URLs
        self.offered: dict[str, dict[str, str]] = {}  # canonical URL -> hints, shared with its request
        self.fetching: set[str] = set()  # canonical URLs requested in this run
        self.listed: set[str] = set()  # ... offered by a route that lists more than the newest
        self.answered: set[str] = set()  # ... that came back, as a response or an error
        self.route_urls: dict[str, set[str]] = defaultdict(set)  # route -> article URLs it offered
        self.learned_shapes: set[str] = set()  # URL shapes of articles that routes other than listings showed
        self.article_shapes: set[str] = set()  # ... that routes listing only articles showed
        self.pending_sitemaps = 0
        self.swept = False  # every sitemap was read, and the archive compared with their union
        self.sitemaps_complete = True  # none failed nor was left unread: their union is the site's list
        self.sitemap_urls: set[str] = set()  # canonical URLs listed by (non-news) sitemaps
        self.read_sitemaps: set[str] = set()  # ... and the sitemaps that listed them
        self.revisits_deferred = 0  # due for a revisit, beyond the night's budget

    # -- scope and shape ---------------------------------------------------------------

    def in_scope(self, url: str) -> bool:
        """On the site (its allowed domains), and not a trap's path."""
        # Not scrapy.utils.url.url_is_from_any_domain: it compares the netloc, port included,
        # so http://127.0.0.1:8765/ is outside ["127.0.0.1"].
        host = host_of(url)
        domains = self.site.allowed_domains
        on_site = host in domains or any(host.endswith("." + domain) for domain in domains)
        return on_site and not repeating_path(url)

    def is_article(self, url: str, route: str) -> bool:
        """Whether ``url``, offered by ``route``, is one of the site's articles: its configured
        patterns say so; else a route that lists only articles offered it; else it has the shape
        of the articles other routes showed; else it looks like one."""
        path, query = urlsplit(url)[2:4]
        if self.site.article_patterns:
            return any(pattern.search(path) for pattern in self.site.article_patterns)
        if route in ARTICLE_ROUTES:
            return True
        if route == "listing" and self.learned_shapes:
            return url_shape(url) in self.learned_shapes
        # Sitemaps list every page, but a shape the feeds' articles have is an article's (a short slug).
        return looks_like_article(path, query) or (
            route == "sitemap" and url_shape(url) in self.article_shapes
        )

    def may_be_article(self, url: str) -> bool:
        """Whether ``url`` could be one of the site's articles, by any route's judgement (a
        listing that links to none such is filled by a script)."""
        return self.in_scope(url) and (
            self.is_article(url, "sitemap")
            or (not self.site.article_patterns and url_shape(url) in self.learned_shapes)
        )

    def may_list_articles(self, sitemap_url: str) -> bool:
        """Whether a child sitemap of an index may list articles (not the categories', tags',
        authors' or static pages' sitemap of a CMS)."""
        return not NOT_ARTICLE_SITEMAP.search(urlsplit(sitemap_url).path)

    def sitemaps_to_read(self, children: Sequence[Link]) -> list[Link]:
        """Of an index's child sitemaps that may list articles, those to read: every one in a
        sweep; else those that can hold URLs new since the last run: a child whose lastmod is
        later, or, where children carry no lastmod (WordPress core's), the first and the last
        of each numbered series (sitemaps append new URLs at one end). Leaving one unread makes
        the run's sitemaps incomplete: no deletion is looked for."""
        if self.sweep or self.since is None:
            return list(children)
        ends: dict[str, list[Link]] = defaultdict(list)
        chosen = []
        for link in children:
            if "modified" in link.hints:
                if changed_since(link.hints["modified"], self.since):
                    chosen.append(link)
            else:
                ends[sitemap_series(link.url)[0]].append(link)
        for series in ends.values():
            series.sort(key=lambda link: sitemap_series(link.url)[1])
            chosen.extend(series[:1] + series[1:][-1:])
        self.sitemaps_complete &= len(chosen) == len(children)
        return [link for link in children if link in chosen]

    # -- article URLs --------------------------------------------------------------------

    def offer(self, link: Link, route: str) -> Offer:
        """Consider an article URL found by ``route``.

        A URL is fetched at most once per run, with the hints of every route that found it:
        when the archive lacks it, or holds it but a route says it changed since (then with a
        conditional request). Probing fetches no article.
        """
        if not self.in_scope(link.url):
            return Offer(Verdict.OUT_OF_SCOPE)
        if not self.is_article(link.url, route):
            return Offer(Verdict.NOT_ARTICLE)
        url = canonicalize(link.url)
        found = url not in self.route_urls[route]
        self.route_urls[route].add(url)
        first_listed = url not in self.listed
        if not (route == "feed" or link.hints.get("published_source") in RECENT_SOURCES):
            self.listed.add(url)
        hints = self.offered.setdefault(url, {})
        # How discovery knows it for an article's URL: extraction keeps a short page of a route
        # that lists articles only, or that matched the site's own article patterns.
        hints.setdefault("route", "pattern" if route == "listing" and self.site.article_patterns else route)
        for key, value in link.hints.items():
            hints.setdefault(key, value)
        if route != "listing":
            self.learned_shapes.add(url_shape(url))
        if route in ARTICLE_ROUTES:
            self.article_shapes.add(url_shape(url))
        known = self.known.get(url)

        def answer(verdict: Verdict) -> Offer:
            if verdict in (Verdict.NEW, Verdict.CHANGED):
                self.fetching.add(url)
            # News to a listing: what no route listed before in the run (a feed or a news sitemap,
            # which show the newest only, aside), unless archived (a backfill pages to the end).
            fresh = first_listed and (verdict is not Verdict.KNOWN or self.mode == "backfill")
            return Offer(verdict, url, hints, known, fresh, found)

        if url in self.fetching or self.mode == "probe":
            return answer(Verdict.OFFERED)
        if not self.in_window(url, hints):
            return answer(Verdict.OUTSIDE_WINDOW)
        if known is None:
            return answer(Verdict.NEW)
        if changed_since(link.hints.get("modified"), known.last_seen):
            return answer(Verdict.CHANGED)
        return answer(Verdict.KNOWN)

    def in_window(self, url: str, hints: dict[str, str]) -> bool:
        """Whether a URL may hold an article of the backfill's window, as far as its sources
        (or a dated permalink, give or take a day of time zone) tell before fetching it."""
        if dated := hints.get("published") or hints.get("modified"):
            return in_window(dated, *self.window)
        return in_window(url_date(url), *self.window, slack_days=1)

    def answer(self, url: str) -> None:
        """A requested URL came back (as a response or an error)."""
        self.answered.add(canonicalize(url))

    def unanswered(self) -> set[str]:
        """Article URLs requested that never came back: Scrapy dropped them on the way (a
        redirect off-site, or back to a URL already requested), or the run stopped first."""
        return self.fetching - self.answered

    def skipped_known(self) -> int:
        """Archived URLs that discovery offered and the run did not fetch again."""
        return sum(url in self.known and url not in self.fetching for url in self.offered)

    def revisits(self, now: datetime, days: float, budget: int) -> list[str]:
        """The archived articles to ask again (``due_revisits``) that this run has not requested,
        at most ``budget`` (the others are ``revisits_deferred``); each is marked as requested.
        None in a backfill or a probe."""
        if self.mode != "crawl":
            return []
        due = due_revisits({u: k for u, k in self.known.items() if u not in self.fetching}, now, days)
        urls, self.revisits_deferred = due[: max(budget, 0)], max(len(due) - max(budget, 0), 0)
        self.fetching.update(urls)
        return urls

    # -- deletions -----------------------------------------------------------------------

    def sitemap_requested(self) -> None:
        self.pending_sitemaps += 1

    def sitemap_read(self, links: Sequence[Link] = (), *, failed: bool = False, url: str = "") -> list[str]:
        """The sitemap at ``url`` came back with its page ``links``, or ``failed`` (a guessed
        location that is not there is no failure: not read, not counted). Once the last one is
        in: the archived URLs to check for deletion (see dropped_from_sitemaps)."""
        self.pending_sitemaps -= 1
        self.sitemaps_complete &= not failed
        if not any("published" in link.hints for link in links):  # news sitemaps list days only
            listed = {canonicalize(link.url) for link in links}
            self.sitemap_urls |= listed
            if listed and not failed:
                self.read_sitemaps.add(url)
            for page in listed & self.offered.keys():  # where the archive will say it was listed
                self.offered[page].setdefault("sitemap", url)
        return self.dropped_from_sitemaps()

    def dropped_from_sitemaps(self) -> list[str]:
        """Once every sitemap is read: the archived articles they no longer list, when they list
        nearly all the others (SITEMAP_COVERAGE). Where some sitemap failed or was left unread,
        only among the articles that the sitemaps read listed when they were fetched: one
        unreadable sitemap does not hide the deletions the others show. Once per run; each is
        marked as requested."""
        if self.pending_sitemaps or not self.sitemap_urls or self.mode == "probe":
            return []
        alive = {
            url
            for url, known in self.known.items()
            if known.article
            and known.canonical
            and not known.gone_at
            and (self.sitemaps_complete or known.sitemap in self.read_sitemaps)
        }
        missing = alive - self.sitemap_urls - self.fetching
        self.sitemap_urls = set()  # once per run
        self.swept = self.sitemaps_complete
        if not alive or len(missing) > (1 - SITEMAP_COVERAGE) * len(alive):
            return []
        for url in missing:
            self.offered[url] = {}
            self.fetching.add(url)
        return sorted(missing)
