"""A crawl writes while Datasette serves readers: WAL and the busy timeout, no "database is locked"."""

from __future__ import annotations

import urllib.error

from conftest import FAST, free_port, get_json, serving, start_newsarchive, write_sites

from crawler.demo.server import DemoServer
from crawler.demo.site import DemoSite
from storage.archive import Archive

READS = [
    "/archive/articles.json?_size=5&_facet=site&_facet=language",
    "/archive/articles.json?_search=water&_size=5",
    "/archive/articles_per_month.json",
    "/archive/latest_per_site.json",
]


def test_datasette_reads_all_through_a_crawl_without_a_lock_error(tmp_path):
    Archive(str(tmp_path / "archive.db")).close()  # served from the start, empty
    with DemoServer(make_site=lambda base: DemoSite(base, counts={"en": 150, "ar": 50})) as site_server:
        write_sites(tmp_path, {"demo": {"start_urls": site_server.site.start_urls()[:1]}})
        with serving(tmp_path, "archive.db", free_port()) as base:
            # One article per transaction: as many write locks as a crawl can take.
            crawl = start_newsarchive("crawl", "demo", *FAST, "-s", "NEWSARCHIVE_BATCH_SIZE=1", cwd=tmp_path)
            reads, failures, counts = 0, [], []
            while crawl.poll() is None:
                for path in READS:
                    try:
                        data = get_json(base + path)
                    except urllib.error.HTTPError as error:
                        failures.append(f"{path}: {error.code} {error.read()[:300]!r}")
                        continue
                    reads += 1
                    if "filtered_table_rows_count" in data and "_search" not in path:
                        counts.append(data["filtered_table_rows_count"])
            stdout, stderr = crawl.communicate()
            final = get_json(base + READS[0])["filtered_table_rows_count"]

    assert crawl.returncode == 0, stderr[-3000:]
    assert failures == []
    assert "locked" not in stderr
    assert reads > 50 and len(set(counts)) > 5  # the readers saw the archive grow, run after run
    assert counts == sorted(counts) and final == 200
