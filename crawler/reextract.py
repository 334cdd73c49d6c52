"""Re-run extraction over the archive's stored captures: no network, no new versions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from crawler.extract import extract, page_text
from crawler.sites import Site
from storage.loader import Archive
from storage.records import Article

BATCH_SIZE = 50  # articles per transaction

# The counts that are not a field's name.
TOTALS = ("articles", "changed", "not_article")


def reextract(archive: Archive, sites: Mapping[str, Site], only: Iterable[str] = ()) -> Counter[str]:
    """Extract every article's newest capture again (of the ``only`` sites, or all) with
    today's extraction and the sites' selectors, and update what changed.

    Returns counts: ``articles`` read, ``changed`` articles, ``not_article`` (pages the
    extraction no longer reads as an article: left as they are), and one count per field that
    changed (``title``, ``published``, ``text``, ...).
    """
    counts: Counter[str] = Counter()
    batch: list[tuple[int, Article]] = []
    for capture in archive.latest_captures(only):
        counts["articles"] += 1
        site = sites.get(capture.site)
        content_type = next((v for k, v in capture.headers.items() if k.lower() == "content-type"), None)
        article = extract(
            page_text(capture.body, content_type),
            capture.url,
            capture.site,
            capture.hints,
            site.selectors if site else None,
        )
        if article is None:
            counts["not_article"] += 1
            continue
        batch.append((capture.article_id, article))
        if len(batch) >= BATCH_SIZE:
            counts += _apply(archive, batch)
    return counts + _apply(archive, batch)


def _apply(archive: Archive, batch: list[tuple[int, Article]]) -> Counter[str]:
    changed = archive.update_extraction(batch)
    batch.clear()
    return changed
