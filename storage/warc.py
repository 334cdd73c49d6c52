"""The archive's raw captures as a WARC 1.1 file (ISO 28500), for replay tools and other archives.

Each capture becomes a request record and a response record; a capture whose bytes equal the
URL's earlier one becomes a revisit record (profile: identical payload digest) pointing at it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage.reader import ArchiveReader
from storage.records import unpack

# Headers that described the bytes on the wire, not the (decoded) bytes the archive keeps.
TRANSFER_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


def export_warc(
    archive: ArchiveReader, path: str | Path, sites: Iterable[str] = (), software: str = ""
) -> Counter[str]:
    """Write the captures (of ``sites``, or all) to ``path`` (gzipped per record when it ends in
    ``.gz``), oldest first. Returns how many records of each type were written."""
    counts: Counter[str] = Counter()
    written: dict[int, tuple[str, str, str]] = {}  # capture id -> (payload digest, URL, WARC date)
    with open(path, "wb") as output:
        writer = WARCWriter(output, gzip=str(path).endswith(".gz"), warc_version="1.1")
        writer.write_record(
            writer.create_warcinfo_record(
                Path(path).name,
                {"software": software, "format": "WARC File Format 1.1", "isPartOf": archive.path},
            )
        )
        counts["warcinfo"] += 1
        for page in archive.captures(sites):  # one capture in memory at a time
            date = _warc_date(page["fetched_at"])
            request = _request_record(writer, page["url"], date)
            http = _http_headers(page["status"], json.loads(page["headers"] or "{}"))
            concurrent = {
                "WARC-Date": date,
                "WARC-Concurrent-To": request.rec_headers.get_header("WARC-Record-ID"),
            }
            original = written.get(page["revisit_of"])
            if original is not None:
                digest, original_url, original_date = original
                record = writer.create_revisit_record(
                    page["url"],
                    digest,
                    original_url,
                    original_date,
                    http_headers=http,
                    warc_headers_dict=concurrent,
                )
            else:
                held = page if page["body"] is not None else archive.capture(page["revisit_of"])
                body = unpack(held["body"])
                http.replace_header("Content-Length", str(len(body)))
                record = writer.create_warc_record(
                    page["url"],
                    "response",
                    payload=BytesIO(body),
                    length=len(body),  # known: warcio need not spool the body to a temporary file
                    http_headers=http,
                    warc_headers_dict=concurrent,
                )
            writer.write_record(record)
            writer.write_record(request)
            if original is None:
                written[page["id"]] = (
                    record.rec_headers.get_header("WARC-Payload-Digest"),
                    page["url"],
                    date,
                )
            counts[record.rec_type] += 1
            counts["request"] += 1
    return counts


def _request_record(writer: WARCWriter, url: str, date: str):
    """The GET that fetched ``url`` (the archive keeps no request headers: only the target)."""
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += f"?{parts.query}"
    headers = StatusAndHeaders(f"GET {target} HTTP/1.1", [("Host", parts.netloc)], is_http_request=True)
    return writer.create_warc_record(
        url, "request", http_headers=headers, warc_headers_dict={"WARC-Date": date}
    )


def _http_headers(status: int, headers: dict[str, str]) -> StatusAndHeaders:
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    kept = [(name, value) for name, value in headers.items() if name.lower() not in TRANSFER_HEADERS]
    return StatusAndHeaders(f"{status} {reason}".strip(), kept, protocol="HTTP/1.1")


def _warc_date(moment: str) -> str:
    """ISO 8601 with an offset -> WARC-Date (UTC, 'Z')."""
    return datetime.fromisoformat(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
