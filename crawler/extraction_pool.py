"""The processes that extract articles: a pool per crawl (or reextract) process, one per core.

Extraction is CPU-bound (trafilatura parses every page): on the reactor's thread it would
stall every download; in threads, the GIL would keep it on one core. A page gets a hard time
limit: pebble's pool kills the process that overruns it (a pathological page: a million table
rows) or that dies (the OOM killer), starts another, and fails only that page's task.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import signal
import threading
import time

from pebble import ProcessExpired, ProcessPool

# How often an extraction process checks that the process it works for is still alive.
PARENT_WATCH_SECONDS = 0.5
# An extraction process is replaced after this many pages, so that whatever the parsing libraries keep
# (caches, fragmented memory) cannot grow through a backfill of a whole archive.
PAGES_PER_PROCESS = 1000


@functools.cache
def extraction_pool(processes: int = 0) -> ProcessPool:
    """The pool of this process (shared by a run's spiders); ``processes`` 0 means one per core.
    "spawn": an extraction process must not inherit a copy of the running reactor."""
    return ProcessPool(
        processes or os.cpu_count() or 1,
        max_tasks=PAGES_PER_PROCESS,
        initializer=_start_process,
        initargs=(os.getpid(),),
        context=multiprocessing.get_context("spawn"),
    )


# The outcomes of a page whose extraction failed (see failure_reason).
EXTRACTION_FAILURES = ("extract_timeout", "extract_crashed", "extract_error")


def failure_reason(error: BaseException) -> str:
    """Why a page's extraction failed, as an outcome: its time ran out, its process died, or
    extraction raised (a bug it met on that page)."""
    if isinstance(error, TimeoutError):
        return "extract_timeout"
    if isinstance(error, ProcessExpired):
        return "extract_crashed"
    return "extract_error"


def _start_process(parent_pid: int) -> None:
    # Ctrl-C reaches the whole process group; Scrapy stops gracefully on it, and needs its
    # processes alive to finish the pages in progress.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A crawl killed outright (SIGKILL, the OOM killer) cannot stop its extraction processes: they would
    # wait for work forever, holding its output pipes open. They watch for it instead.
    threading.Thread(target=_exit_with, args=(parent_pid,), daemon=True).start()


def _exit_with(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(PARENT_WATCH_SECONDS)
    os._exit(1)
