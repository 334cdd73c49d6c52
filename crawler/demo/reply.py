"""What a sample site answers to one request."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Reply:
    """One HTTP response of a sample site."""

    body: bytes = b""
    content_type: str = "text/html; charset=UTF-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


NOT_FOUND = Reply(b"<!DOCTYPE html><html><body><h1>Not Found</h1></body></html>", status=404)
