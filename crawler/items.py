"""What the spider hands to the pipeline: one fetched article page."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FetchedPage:
    site: str
    url: str  # after redirects
    status: int
    headers: dict[str, str]
    body: bytes  # raw, as served (after transfer decompression)
    text: str  # decoded by Scrapy (HTTP header, BOM, then <meta charset>)
    fetched_at: str  # ISO 8601, UTC
    hints: dict[str, str] = field(default_factory=dict)
