"""Settings given on the command line (``-s NAME=VALUE``), checked before any work.

Scrapy takes any string and converts it where the setting is first read, deep in a crawl:
``DOWNLOAD_DELAY=abc`` ended in Twisted tracebacks after the archive was opened. Here a value
is checked against the type of the setting's default (Scrapy's or the project's) the way
Scrapy will read it, and a ``NEWSARCHIVE_`` name that no setting has (a typo, a renamed
setting) is refused rather than silently ignored. Other unknown names pass: an extension of
the user's may read them.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Mapping

from scrapy.settings import BaseSettings, Settings

# Settings that take one of a few words.
CHOICES = {"NEWSARCHIVE_CONTENT": ("api", "pages")}


class OverrideError(ValueError):
    """A ``-s`` value its setting cannot take, or a project setting that does not exist."""


def project_settings() -> Settings:
    """Scrapy's defaults with the project's (crawler/settings.py) over them."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    return settings


def _kind(default: object) -> str | None:
    """How Scrapy reads a setting whose default is ``default``: a number's default does not
    say whether it is read as an int or a float (DOWNLOAD_DELAY's is 1, read as a float)."""
    for kind, types in (
        ("bool", bool),
        ("number", (int, float)),
        ("dict", (dict, BaseSettings)),
        ("list", (list, tuple)),
    ):
        if isinstance(default, types):
            return kind
    return None  # a string, or None: any text


def checked(overrides: Mapping[str, str], defaults: BaseSettings) -> dict[str, str]:
    """``overrides``, each value readable as its setting's type; else OverrideError naming it."""
    for name, value in overrides.items():
        if name not in defaults:
            if name.startswith("NEWSARCHIVE_"):
                known = [key for key in defaults if key.startswith("NEWSARCHIVE_")]
                close = difflib.get_close_matches(name, known, n=1)
                raise OverrideError(
                    f"-s {name}: no such setting" + (f" (did you mean {close[0]}?)" if close else "")
                )
            continue
        if name == "LOG_LEVEL" and value.upper() not in logging.getLevelNamesMapping():
            raise OverrideError(
                f"-s LOG_LEVEL={value}: a level is one of DEBUG, INFO, WARNING, ERROR, CRITICAL"
            )
        if name in CHOICES and value not in CHOICES[name]:
            raise OverrideError(f"-s {name}={value}: {name} is one of {', '.join(CHOICES[name])}")
        kind = _kind(defaults[name])
        if kind is None:
            continue
        try:
            getattr(BaseSettings({name: value}), "getfloat" if kind == "number" else f"get{kind}")(name)
        except (ValueError, TypeError):
            default = defaults[name]
            shown = dict(default) if isinstance(default, BaseSettings) else default
            raise OverrideError(
                f"-s {name}={value}: {name} takes a {kind} (its default: {shown!r})"
            ) from None
    return dict(overrides)
