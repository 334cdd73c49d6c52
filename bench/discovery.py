"""What discovery costs on each fixture site: articles found vs expected, requests per route.

Each site is served on 127.0.0.1 and crawled twice by `newsarchive crawl` from its start URL
alone (politeness delays off: the server is ours): the first run archives it, the second shows
what a nightly run of the unchanged site costs.

    .venv/bin/python bench/discovery.py
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fixture_sites import FIXTURES, OffsiteSite  # noqa: E402

from crawler.demo.server import DemoServer  # noqa: E402
from crawler.demo.site import DemoSite  # noqa: E402
from storage.urls import canonicalize  # noqa: E402

SITES = {
    "WordPress (1,000 posts)": lambda base, off: DemoSite(base, counts={"en": 1000}),
    **{name: make for name, make in FIXTURES.items() if name != "wordpress"},
}
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"]


def crawl(folder: Path, *options: str, mode: str = "crawl") -> tuple[dict, float]:
    """A run (``mode``: crawl, backfill) of the site of folder/sites.toml: its crawls row, and
    how long it took."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "crawler.cli", mode, "site", *options, *FAST],
        cwd=folder,
        check=True,
        capture_output=True,
    )
    elapsed = time.perf_counter() - started
    with sqlite3.connect(folder / "archive.db") as conn:
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute("select * from crawls order by id desc limit 1").fetchone())
    return row, elapsed


def main() -> None:
    print(
        f"{'site':<26}{'found/expected':>15}{'requests':>10}{'again':>7}{'seconds':>9}  per route (requests/found)"
    )
    for label, make in SITES.items():
        with (
            tempfile.TemporaryDirectory() as folder,
            DemoServer(make_site=lambda b: OffsiteSite(), host="127.0.0.2") as off,
        ):
            with DemoServer(make_site=lambda base, make=make: make(base, off.base_url)) as server:
                site = server.site
                start = site.start_urls()[:1]  # the first start URL alone
                (Path(folder) / "sites.toml").write_text(f"[sites.site]\nstart_urls = {json.dumps(start)}\n")
                first, seconds = crawl(Path(folder))
                second, _ = crawl(Path(folder))
                with sqlite3.connect(Path(folder) / "archive.db") as conn:
                    stored = {url for (url,) in conn.execute("select url from articles")}
                expected = {canonicalize(t["url"]) for t in site.truth()}
            routes = "  ".join(
                f"{name} {r['requests']}/{r['found']}" for name, r in json.loads(first["routes"]).items()
            )
            found = f"{len(stored & expected)}/{len(expected)}"
            print(
                f"{label:<26}{found:>15}{first['requests']:>10}{second['requests']:>7}{seconds:>9.1f}  {routes}"
            )


if __name__ == "__main__":
    main()
