"""The processes that extract articles: a pool per crawl (or reextract) process, one per core.

Extraction is CPU-bound (trafilatura parses every page): on the reactor's thread it would
stall every download; in threads, the GIL would keep it on one core. A page gets a hard time
limit: pebble's pool kills the process that overruns it (a pathological page: a million table
rows) or that dies (the OOM killer), starts another, and fails only that page's task. A page
also gets a memory limit: a process watches its own resident size and exits when a page grows
it past the limit, before the machine's OOM killer picks a victim of its own.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import signal
import threading
import time

from pebble import ProcessExpired, ProcessPool

from crawler.extract import PageTooLarge
from crawler.settings import NEWSARCHIVE_EXTRACT_MEMORY_MB

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")

# How often an extraction process checks its memory, and that the process it works for is
# still alive: a page that grows it by a gigabyte a second overshoots the limit by 20 MB.
WATCH_SECONDS = 0.02
# The exit status of a process that a page grew past its memory limit.
EXIT_TOO_LARGE = 75
# An extraction process is replaced after this many pages, so that whatever the parsing libraries keep
# (caches, fragmented memory) cannot grow through a backfill of a whole archive.
PAGES_PER_PROCESS = 1000


@functools.cache
def extraction_pool(processes: int = 0, memory_mb: int = NEWSARCHIVE_EXTRACT_MEMORY_MB) -> ProcessPool:
    """The pool of this process (shared by a run's spiders); ``processes`` 0 means one per core,
    each allowed ``memory_mb`` megabytes (0: no limit). "spawn": an extraction process must not
    inherit a copy of the running reactor."""
    return ProcessPool(
        processes or os.cpu_count() or 1,
        max_tasks=PAGES_PER_PROCESS,
        initializer=_start_process,
        initargs=(os.getpid(), memory_mb * 1024 * 1024),
        context=multiprocessing.get_context("spawn"),
    )


# The outcomes of a page whose extraction failed (see failure_reason).
EXTRACTION_FAILURES = ("extract_timeout", "too_large", "extract_crashed", "extract_error")


def failure_reason(error: BaseException) -> str:
    """Why a page's extraction failed, as an outcome: its time ran out, it grew its process
    past the memory limit or was too large to parse, its process died, or extraction raised (a
    bug it met on that page)."""
    if isinstance(error, TimeoutError):
        return "extract_timeout"
    if isinstance(error, ProcessExpired):
        return "too_large" if error.exitcode == EXIT_TOO_LARGE else "extract_crashed"
    if isinstance(error, PageTooLarge):
        return "too_large"
    return "extract_error"


def _start_process(parent_pid: int, memory_limit: int) -> None:
    # Ctrl-C reaches the whole process group; Scrapy stops gracefully on it, and needs its
    # processes alive to finish the pages in progress.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch, args=(parent_pid, memory_limit), daemon=True).start()


def resident_bytes() -> int:
    """This process's resident memory (Linux)."""
    with open("/proc/self/statm", "rb") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE


def _watch(parent_pid: int, memory_limit: int) -> None:
    # A crawl killed outright (SIGKILL, the OOM killer) cannot stop its extraction processes:
    # they would wait for work forever, holding its output pipes open. They watch for it.
    while os.getppid() == parent_pid:
        if memory_limit and resident_bytes() > memory_limit:
            os._exit(EXIT_TOO_LARGE)
        time.sleep(WATCH_SECONDS)
    os._exit(1)
