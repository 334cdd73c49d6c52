"""The extraction pool on real worker processes: a page that hangs or kills its worker fails
alone, with its reason, and the pool goes on with fresh workers."""

from __future__ import annotations

import os
import signal
import time

import pytest

from crawler.extract import extract
from crawler.extraction_pool import extraction_pool, failure_reason

PAGE = (
    '<html lang="en"><head><title>A visit</title></head><body><article><h1>A visit</h1>'
    + "".join(
        f"<p>The Director-General received delegation {n} in Rabat, and both sides agreed on a plan of"
        f" {n * 7} projects for schools, libraries and museums over the next five years.</p>"
        for n in range(6)
    )
    + "</article></body></html>"
)


def hang() -> None:
    time.sleep(3600)


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would


def fail() -> None:
    raise ValueError("a bug met on one page")


@pytest.fixture(scope="module")
def pool():
    return extraction_pool(2)


@pytest.mark.parametrize(
    ("function", "reason"), [(hang, "extract_timeout"), (die, "extract_crashed"), (fail, "extract_error")]
)
def test_a_failing_page_fails_alone_and_the_pool_goes_on(pool, function, reason):
    bad = pool.schedule(function, timeout=2)
    good = [pool.schedule(extract, (PAGE, f"https://example.org/{i}/", "org"), timeout=30) for i in range(4)]
    # exception() raises TimeoutError itself if the pool never ends the task
    assert failure_reason(bad.exception(timeout=60)) == reason
    assert [job.result(timeout=60).title for job in good] == ["A visit"] * 4
    # and the workers that replaced the killed one extract as before
    assert (
        pool.schedule(extract, (PAGE, "https://example.org/again/", "org")).result(timeout=60).title
        == "A visit"
    )


def grow() -> None:
    """What a pathological page does to its parser, 50 MB at a time up to 2 GB."""
    held = []
    for _ in range(40):
        held.append(b"x" * 50 * 1024 * 1024)


def test_a_page_that_grows_its_process_past_the_memory_limit_is_too_large_and_fails_alone():
    """At the limit the process exits, and is replaced."""
    pool = extraction_pool(1, 300)
    assert failure_reason(pool.schedule(grow).exception(timeout=300)) == "too_large"
    assert (
        pool.schedule(extract, (PAGE, "https://example.org/after/", "org")).result(timeout=60).title
        == "A visit"
    )
    pool.stop()
    pool.join()


def test_a_page_too_large_to_parse_is_too_large_without_its_memory_or_time(pool):
    """300,000 table rows would take a parser past 1 GB and 30 s: refused before parsing."""
    table = "".join(f"<tr><td>{n}</td><td>row {n}</td></tr>" for n in range(300_000))
    huge = pool.schedule(
        extract, (f"<html><body><table>{table}</table></body></html>", "https://example.org/t/", "org")
    )
    assert failure_reason(huge.exception(timeout=300)) == "too_large"
