"""Re-run extraction over the archive's stored captures: no network, no new versions."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from crawler.extract import extract
from crawler.extraction_pool import EXTRACTION_FAILURES, extraction_pool, failure_reason
from crawler.settings import NEWSARCHIVE_BATCH_SIZE, NEWSARCHIVE_EXTRACT_TIMEOUT
from crawler.sites import Site
from crawler.wp_content import article_from_capture
from storage.archive import Archive
from storage.records import Article, StoredCapture

# The counts that are not a field's name.
TOTALS = ("articles", "changed", "not_article", "refused", "recovered", *EXTRACTION_FAILURES)


def reextract(archive: Archive, sites: Mapping[str, Site], only: Iterable[str] = ()) -> Counter[str]:
    """Extract every article's newest capture again (of the ``only`` sites, or all) with
    today's extraction and the sites' selectors, on every core, and update what changed.

    The pages a crawl's extraction refused (kept with no article) are read again as well: an
    article found in one is stored as the crawl would have stored it.

    Returns counts: ``articles`` read, ``changed`` articles, ``not_article`` (pages the
    extraction no longer reads as an article: left as they are), ``refused`` pages read and
    those ``recovered`` (now stored as articles), pages whose extraction failed
    (``extract_timeout``, ``extract_crashed``, ``extract_error``: left as they are too), and one
    count per field that changed (``title``, ``published``, ``text``, ...).
    """
    counts: Counter[str] = Counter()
    pool = extraction_pool()
    captures = archive.latest_captures(only)
    # A batch at a time: the pages in memory stay few however large the archive.
    while batch := list(itertools.islice(captures, NEWSARCHIVE_BATCH_SIZE)):
        jobs = [
            pool.schedule(*_task(capture, sites.get(capture.site)), timeout=NEWSARCHIVE_EXTRACT_TIMEOUT)
            for capture in batch
        ]
        updates = []
        for capture, job in zip(batch, jobs, strict=True):
            counts["articles" if capture.article_id else "refused"] += 1
            try:
                article = job.result()
            except Exception as error:  # that page's extraction failed; the others go on
                counts[failure_reason(error)] += 1
                continue
            if article is None:
                counts["not_article"] += capture.article_id is not None
            elif capture.article_id is None:
                archive.recover(capture.page_id, article)
                counts["recovered"] += 1
            else:
                updates.append((capture.article_id, article))
        counts += archive.update_extraction(updates)
    return counts


def _task(capture: StoredCapture, site: Site | None) -> tuple[Callable[..., Article | None], tuple]:
    """The extraction of a stored capture, and its arguments: a page's bytes with the headers
    they came with; a post of the WordPress API from the page of posts that holds it."""
    if "post_url" in capture.hints:  # set by the crawl for a post stored from the API
        return article_from_capture, (capture.body, capture.site, capture.hints)
    content_type = next((v for k, v in capture.headers.items() if k.lower() == "content-type"), None)
    return extract, (
        capture.body,
        capture.url,
        capture.site,
        capture.hints,
        site.selectors if site else None,
        content_type,
    )
