"""Retry-After as servers write it: seconds, an HTTP date, or something else."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.middlewares import retry_after

NOW = datetime(2024, 6, 19, 10, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (b"120", 120.0),
        ("  7 ", 7.0),
        (b"Wed, 19 Jun 2024 10:01:30 GMT", 90.0),
        ("Wed, 19 Jun 2024 09:59:00 GMT", 0.0),  # already past: no wait
        (b"soon", None),
        (b"-5", None),
        (None, None),
        (b"", None),
    ],
)
def test_retry_after(header, seconds):
    assert retry_after(header, NOW) == seconds
