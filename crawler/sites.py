"""sites.toml -> validated :class:`Site` objects, refused before any request when wrong.

Which file: ``--sites PATH``, else ``$NEWSARCHIVE_SITES``, else ``./sites.toml``.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from crawler.selectors import SELECTOR_FIELDS, InvalidSelector, compile_selector
from storage.urls import host_of

SITE_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")


class SitesConfigError(ValueError):
    """A sites file that cannot be used; the message names the file, the site and the field."""

    def __init__(self, path: str | Path, message: str, site: str | None = None, field: str | None = None):
        where = str(path)
        if site is not None:
            where += f": [sites.{site}]"
        if field is not None:
            where += f" {field}"
        super().__init__(f"{where}: {message}")
        self.path, self.site, self.field = str(path), site, field


class SitesConfigErrors(SitesConfigError):
    """Several sites of one file that cannot be used: each one's error, one a line."""

    def __init__(self, errors: list[SitesConfigError]):
        ValueError.__init__(self, "\n".join(str(error) for error in errors))
        self.errors = errors
        self.path, self.site, self.field = errors[0].path, errors[0].site, errors[0].field


@dataclass(frozen=True)
class Site:
    """One organization's news section, as configured."""

    key: str
    name: str
    start_urls: tuple[str, ...]
    languages: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    article_patterns: tuple[re.Pattern[str], ...] = ()
    listing_patterns: tuple[re.Pattern[str], ...] = ()
    allowed_domains: tuple[str, ...] = ()
    # Extraction overrides (title, body, published -> CSS or XPath), where the generic path fails.
    selectors: Mapping[str, str] = field(default_factory=dict)

    def is_listing_url(self, url: str) -> bool:
        """Whether ``url`` is one of the listing pages configured to paginate through."""
        parts = urlsplit(url)
        target = f"{parts.path}?{parts.query}" if parts.query else parts.path
        return any(p.search(target) for p in self.listing_patterns)


def load_sites(path: str | Path) -> dict[str, Site]:
    """Read and validate every site of a sites file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SitesConfigError(path, "no such file (use --sites PATH or $NEWSARCHIVE_SITES)") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SitesConfigError(path, f"not valid TOML: {error}") from None
    unknown = set(data) - {"sites"}
    if unknown:
        raise SitesConfigError(path, f"unknown top-level key(s): {', '.join(sorted(unknown))}")
    sites = data.get("sites", {})
    if not isinstance(sites, dict):
        raise SitesConfigError(path, "[sites] must be a table of [sites.NAME] tables")
    parsed, errors = {}, []
    for key, value in sites.items():  # every site's mistakes at once, not one per attempt
        try:
            parsed[key] = parse_site(path, key, value)
        except SitesConfigError as error:
            errors.append(error)
    if len(errors) > 1:
        raise SitesConfigErrors(errors)
    if errors:
        raise errors[0]
    return parsed


_FIELDS = {
    "name",
    "start_urls",
    "languages",
    "sitemaps",
    "feeds",
    "article_patterns",
    "listing_patterns",
    "allowed_domains",
    "selectors",
}


def parse_site(path: str | Path, key: str, table: object) -> Site:
    """Validate one ``[sites.KEY]`` table."""

    def fail(message: str, field: str | None = None) -> SitesConfigError:
        return SitesConfigError(path, message, site=key, field=field)

    if not SITE_KEY.match(key):
        raise fail("site names are lower-case letters, digits, '-' and '_' (at most 64)")
    if not isinstance(table, dict):
        raise fail("must be a table")
    if unknown := set(table) - _FIELDS:
        raise fail(f"unknown field(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(_FIELDS))}")

    def strings(name: str, required: bool = False) -> tuple[str, ...]:
        value = table.get(name, [])
        if (
            isinstance(value, str)
            or not isinstance(value, list)
            or not all(isinstance(v, str) for v in value)
        ):
            raise fail("must be a list of strings", name)
        if required and not value:
            raise fail("must list at least one URL", name)
        return tuple(v.strip() for v in value)

    def urls(name: str, required: bool = False) -> tuple[str, ...]:
        values = strings(name, required)
        for url in values:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise fail(f"{url!r} is not an http(s) URL", name)
        return values

    def patterns(name: str) -> tuple[re.Pattern[str], ...]:
        compiled = []
        for pattern in strings(name):
            try:
                compiled.append(re.compile(pattern))
            except re.error as error:
                raise fail(f"{pattern!r} is not a valid regular expression: {error}", name) from None
        return tuple(compiled)

    def selectors() -> dict[str, str]:
        value = table.get("selectors", {})
        if not isinstance(value, dict):
            raise fail('must be a table, e.g. [sites.KEY.selectors] with title = "h1.headline"', "selectors")
        for name, selector in value.items():
            where = f"selectors.{name}"
            if name not in SELECTOR_FIELDS:
                raise fail(f"unknown selector; known: {', '.join(SELECTOR_FIELDS)}", where)
            if not isinstance(selector, str) or not selector.strip():
                raise fail("must be a CSS selector or an XPath expression (a string)", where)
            try:
                compile_selector(selector)
            except InvalidSelector as error:
                raise fail(str(error), where) from None
        return {name: selector.strip() for name, selector in value.items()}

    name = table.get("name", key)
    if not isinstance(name, str) or not name.strip():
        raise fail("must be a non-empty string", "name")
    start_urls = urls("start_urls", required=True)
    languages = strings("languages")
    for language in languages:
        if not LANGUAGE.match(language):
            raise fail(f"{language!r} is not a language code such as 'en', 'ar', 'fr'", "languages")
    domains = strings("allowed_domains")
    for domain in domains:
        if "/" in domain or ":" in domain or not domain:
            raise fail(f"{domain!r} is not a domain name (no scheme, port or path)", "allowed_domains")
    # The site's own hosts are always in scope; the configured ones add to them.
    own = [host_of(u) for u in start_urls] + [d.lower().removeprefix("www.") for d in domains]
    return Site(
        key=key,
        name=name.strip(),
        start_urls=start_urls,
        languages=languages,
        sitemaps=urls("sitemaps"),
        feeds=urls("feeds"),
        article_patterns=patterns("article_patterns"),
        listing_patterns=patterns("listing_patterns"),
        allowed_domains=tuple(dict.fromkeys(own)),
        selectors=selectors(),
    )


def select_sites(sites: dict[str, Site], names: list[str], path: str | Path) -> list[Site]:
    """The named sites, in order; an unknown name is a configuration error."""
    unknown = [n for n in names if n not in sites]
    if unknown:
        known = ", ".join(sorted(sites)) or "none"
        raise SitesConfigError(path, f"no site named {', '.join(unknown)} (configured: {known})")
    return [sites[n] for n in names]


def toml_table(key: str, table: dict[str, object]) -> str:
    """A ``[sites.KEY]`` table as TOML text: strings, lists of strings (regexes as literals),
    and tables of strings (inline)."""

    def value(name: str, item: object) -> str:
        if isinstance(item, list):
            return "[" + ", ".join(value(name, i) for i in item) + "]"
        if isinstance(item, dict):
            return "{ " + ", ".join(f"{json.dumps(k)} = {value(k, v)}" for k, v in item.items()) + " }"
        text = str(item)
        if name.endswith("_patterns") and "'" not in text and "\n" not in text:
            return f"'{text}'"  # literal string: a regex's backslashes stay as written
        return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string

    lines = [f"[sites.{key}]"] + [f"{name} = {value(name, item)}" for name, item in table.items()]
    return "\n".join(lines) + "\n"


def append_site(path: str | Path, key: str, table: dict[str, object], comment: str = "") -> Site:
    """Add a site to a sites file (created when absent); the file is left as it was on error."""
    path = Path(path)
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    if before:
        existing = load_sites(path)
        if key in existing:
            raise SitesConfigError(path, "already configured: choose another --name", site=key)
    addition = ("\n" if before else "") + (f"# {comment}\n" if comment else "") + toml_table(key, table)
    path.write_text(before + addition, encoding="utf-8")
    try:
        return load_sites(path)[key]
    except SitesConfigError:
        path.write_text(before, encoding="utf-8")
        raise
