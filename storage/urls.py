"""URL canonicalization: one spelling per page, whatever link led to it."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query keys that only track the visitor or the session: they never change the page.
# Kept short on purpose: a key that some site uses for content (``id``, ``sid``, ``p``) must not be here.
TRACKING_KEYS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "yclid",
        "igshid",
        "phpsessid",
        "sessionid",
        "jsessionid",
    }
)
TRACKING_PREFIXES = ("utm_", "_hs", "pk_", "mtm_")
DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key in TRACKING_KEYS or key.startswith(TRACKING_PREFIXES)


def canonicalize(url: str) -> str:
    """Return the canonical spelling of ``url``.

    Lower-cased scheme and host, no default port, no fragment, no tracking or session
    parameters, sorted query, normalized percent-encoding (w3lib's ``canonicalize_url``).
    The path keeps its case and its trailing slash: servers treat those as different pages.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != DEFAULT_PORTS.get(scheme):
        host = f"{host}:{parts.port}"
    path = parts.path or "/"
    path = path.split(";jsessionid=", 1)[0]
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    )
    return canonicalize_url(urlunsplit((scheme, host, path, query, "")))


def host_of(url: str) -> str:
    """The host of ``url`` without port, lower-cased and without a leading ``www.``."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")
