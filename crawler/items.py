"""What the spider hands to the pipeline: a fetched article page, a page of the WordPress API
whose posts are articles, or a URL that gave none."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from scrapy.http import Response


@dataclass
class FetchedPage:
    site: str
    url: str  # after redirects
    status: int
    headers: dict[str, str]
    body: bytes  # raw, as served (after transfer decompression)
    fetched_at: str  # ISO 8601, UTC
    hints: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, response: Response, site: str, hints: dict[str, str]) -> FetchedPage:
        """The page a response brought, fetched now."""
        headers = {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}
        now = datetime.now(UTC).replace(microsecond=0).isoformat()
        return cls(site, response.url, response.status, headers, response.body, now, hints)


@dataclass
class ApiPosts(FetchedPage):
    """A page of the WordPress API, and the posts of it to store as articles (their canonical
    URL, and discovery's hints, which name the post: ``wp_post``)."""

    posts: list[tuple[str, dict[str, str]]] = field(default_factory=list)


@dataclass
class NotStored:
    """A URL of the run that gave no page to extract: a request that failed for good (after
    its retries), or a response that is not HTML; and why."""

    url: str
    outcome: str  # timeout, too_large, http_error, dns, refused, truncated, robots, not_html, ...
    status: int | None  # the HTTP status, when the server answered
    reason: str  # the error's message, or what the response was
