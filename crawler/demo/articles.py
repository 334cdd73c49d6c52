"""The sample newsroom's articles: deterministic titles, dates, places and paragraphs in
English, Arabic and French, drawn from crawler/demo/content.py (``sample_articles()``)."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from crawler.demo.content import (
    CITIES,
    COUNTRIES,
    SENTENCES,
    SHORT_NAME,
    TITLES,
    TOPICS,
)

LANGUAGES = {"en": 30, "ar": 18, "fr": 18}  # articles per language
PER_PAGE = 6  # articles per listing page
FEED_SIZE = 10
TZ = timezone(timedelta(hours=1))  # the organization's local time, as WordPress writes it
DIRECTION = {"en": "ltr", "ar": "rtl", "fr": "ltr"}
HTML_LANG = {"en": "en-US", "ar": "ar", "fr": "fr-FR"}


@dataclass(frozen=True)
class SampleArticle:
    language: str
    path: str  # as linked: percent-encoded, with a trailing slash
    title: str
    published: datetime
    date_only: bool  # the page gives only a date (no time), as some themes do
    paragraphs: tuple[str, ...]
    tags: tuple[str, ...] = field(default=())
    modified: datetime | None = None  # set when the article was edited after publication

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def published_iso(self) -> str:
        """The publication date as the archive must hold it."""
        return self.published.date().isoformat() if self.date_only else self.published.isoformat()


def slugify(title: str) -> str:
    """WordPress-like slug: ASCII words for Latin scripts, the Arabic words percent-encoded."""
    decomposed = unicodedata.normalize("NFKD", title.lower())
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.findall(r"[^\W_]+", ascii_only)
    return quote("-".join(words)[:120], safe="-").lower()


def sample_articles(counts: dict[str, int] | None = None, seed: int = 2022) -> list[SampleArticle]:
    """The sample newsroom's articles (``counts`` per language), newest first in each language.

    Every body is distinct (the loader would rightly take two equal ones for one article), and
    dates go back from 2024-05-30 at most about 15 years, however many articles there are.
    """
    rng = random.Random(seed)
    articles: list[SampleArticle] = []
    texts: set[tuple[str, ...]] = set()
    for language, count in (counts or LANGUAGES).items():
        when = datetime(2024, 5, 30, 11, 0, tzinfo=TZ)
        longest_step = max(1, min(17, 5500 // max(count, 1)))  # days between two articles
        seen_slugs: set[str] = set()
        for index in range(count):
            slots = {
                "org": SHORT_NAME[language],
                "country": rng.choice(COUNTRIES[language]),
                "topic": rng.choice(TOPICS[language]),
                "city": rng.choice(CITIES[language]),
            }
            title = rng.choice(TITLES[language]).format(**slots)
            paragraphs = _paragraphs(rng, language, slots)
            while paragraphs in texts:
                paragraphs = _paragraphs(rng, language, slots)
            texts.add(paragraphs)
            slug = slugify(title)
            while slug in seen_slugs:
                slug += "-2"
            seen_slugs.add(slug)
            articles.append(
                SampleArticle(
                    language=language,
                    path=f"/{language}/{when:%Y/%m/%d}/{slug}/",
                    title=title,
                    published=when,
                    date_only=index % 5 == 4,
                    paragraphs=paragraphs,
                    tags=(slots["country"],),
                )
            )
            when -= timedelta(
                days=rng.randint(min(3, longest_step), longest_step), minutes=rng.randint(0, 600)
            )
    return articles


def _paragraphs(rng: random.Random, language: str, slots: dict[str, str]) -> tuple[str, ...]:
    """Three to six paragraphs of one or two sentences, drawn without repeating a sentence."""
    sentences = rng.sample(SENTENCES[language], k=len(SENTENCES[language]))
    paragraphs: list[str] = []
    wanted = rng.randint(3, 6)
    while sentences and len(paragraphs) < wanted:
        size = rng.randint(1, 2)
        take, sentences = sentences[:size], sentences[size:]
        paragraphs.append(" ".join(s.format(n=rng.randint(12, 900), **slots) for s in take))
    return tuple(paragraphs)
