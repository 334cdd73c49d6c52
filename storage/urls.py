"""URL canonicalization: one spelling per page, whatever link led to it."""

from __future__ import annotations

import functools
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from courlan import normalize_url
from w3lib.url import canonicalize_url

# Session ids that courlan's tracker list lets through (it strips utm_*, fbclid, gclid, ref,
# source, sessionid and the like). Kept short on purpose: a key that some site uses for
# content (``id``, ``sid``, ``p``) must not be here.
SESSION_KEYS = frozenset({"phpsessid", "jsessionid", "aspsessionid", "cfid", "cftoken"})


# A crawl canonicalizes each URL several times (the sitemap's, the API's and the feed's link
# to it, the page's own URL, the archive's lookups): with w3lib and courlan, 40 us a time.
@functools.lru_cache(maxsize=2**16)
def canonicalize(url: str) -> str:
    """Return the canonical spelling of ``url``.

    courlan's normalization (lower-cased scheme and host, no default port, no tracking
    parameters), then w3lib's canonicalization (sorted query, normalized percent-encoding, no
    fragment), without session ids. The path keeps its case and its trailing slash: servers
    treat those as different pages.
    """
    parts = urlsplit(url.strip())
    path = parts.path.split(";jsessionid=", 1)[0] or "/"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in SESSION_KEYS]
    )
    cleaned = urlunsplit((parts.scheme, parts.netloc, path, query, parts.fragment))
    try:
        cleaned = normalize_url(cleaned)
    except ValueError:  # courlan gives up on some malformed URLs; w3lib still cleans them
        pass
    return canonicalize_url(cleaned)


def host_of(url: str) -> str:
    """The host of ``url`` without port, lower-cased and without a leading ``www.``."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")
