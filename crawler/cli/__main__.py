"""`python -m crawler.cli`: the newsarchive command."""

from crawler.cli import main

if __name__ == "__main__":  # not when the extraction pool's "spawn" imports it again
    main()
