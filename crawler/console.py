"""What a run prints on the console: for people, and for cron, which mails all of it.

Scrapy's root handler shows everything at LOG_LEVEL, start-up dump and tracebacks included;
that stays for ``--verbose`` (and goes to ``--log-file`` always). The console shows instead:
the project's own lines (what is crawled, what was stopped or dropped) and the warnings and
errors of Scrapy and Twisted, each on one line, its exception reduced to its message.
``--quiet`` shows only errors, each distinct one once.
"""

from __future__ import annotations

import logging
import sys

from scrapy.settings import BaseSettings

# Loggers of the project: crawler.*, storage.*, and the spider's own ("news").
OURS = ("crawler", "storage", "news")


def _ours(name: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in OURS)


class ForPeople(logging.Filter):
    """The project's lines from ``level``, others' from WARNING (``quiet``: errors only, once each)."""

    def __init__(self, level: int, quiet: bool) -> None:
        super().__init__()
        self.level, self.quiet = level, quiet
        self.seen: set[tuple[str, str, str]] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if self.quiet:
            if record.levelno < logging.ERROR:
                return False
            kind = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
            key = (record.name, str(record.msg).splitlines()[0] if record.msg else "", kind)
            if key in self.seen:
                return False
            self.seen.add(key)
            return True
        return record.levelno >= (self.level if _ours(record.name) else max(self.level, logging.WARNING))


class OneLine(logging.Formatter):
    """A record on one line: a traceback (logged, or written into the message by Twisted) is
    reduced to the exception's message."""

    def __init__(self) -> None:
        super().__init__(datefmt="%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        lines = [line.strip() for line in record.getMessage().splitlines() if line.strip()]
        text = " … ".join(lines[:1] + lines[1:][-1:])
        if record.exc_info and record.exc_info[1] is not None and str(record.exc_info[1]) not in text:
            text += f": {record.exc_info[1]}"
        return f"{self.formatTime(record, self.datefmt)} {record.levelname}: {text}"


_installed: list[logging.Handler] = []


def install(settings: BaseSettings) -> None:
    """The console (and the log file, if any) of a run whose settings say
    LOG_INSTALL_ROOT_HANDLER = False (crawler/runner.run_overrides); after Scrapy's own
    logging set-up (CrawlerProcess), which would close them."""
    root = logging.getLogger()
    for handler in _installed:  # a run before this one's, in the same process
        root.removeHandler(handler)
        handler.close()
    _installed.clear()
    root.setLevel(logging.NOTSET)
    level = logging.getLevelNamesMapping()[settings.get("LOG_LEVEL", "INFO").upper()]
    if settings.get("LOG_FILE"):
        log_file = logging.FileHandler(
            settings["LOG_FILE"], mode="a" if settings.getbool("LOG_FILE_APPEND") else "w", encoding="utf-8"
        )
        log_file.setFormatter(logging.Formatter(settings.get("LOG_FORMAT"), settings.get("LOG_DATEFORMAT")))
        log_file.setLevel(level)
        _installed.append(log_file)
    console = logging.StreamHandler(sys.stderr)
    console.addFilter(ForPeople(max(level, logging.INFO), settings.getbool("NEWSARCHIVE_QUIET")))
    console.setFormatter(OneLine())
    _installed.append(console)
    for handler in _installed:
        root.addHandler(handler)
