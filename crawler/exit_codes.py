"""What ``newsarchive`` exits with, for cron (documented in the README)."""

EXIT_OK = 0
EXIT_ERRORS = 1  # the run finished, but some pages or sites failed
EXIT_CONFIG = 2  # bad sites.toml, bad option, or an unusable database: nothing was fetched
EXIT_LOCKED = 3  # another run holds the archive: nothing was done
EXIT_INTERRUPTED = 4  # stopped by a signal (SIGTERM, SIGINT) or a time limit: run it again
EXIT_UNWRITABLE = 5  # the archive could not be written (disk full?): free space, run it again
