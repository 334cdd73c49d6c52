"""WordPress posts from the REST API against their pages: what each backfill costs, and how far
the articles they store agree, field by field.

Each WordPress fixture is served on 127.0.0.1 (politeness off: the server is ours) and
backfilled twice from its first start URL, into two archives: ``--content api`` (each post from
the API's pages of 100) and ``--content pages`` (each post's page fetched and extracted, as
before). Then a nightly run of each. The articles of the two archives are compared URL by URL;
a date agrees when it is the same instant, or the same day where the page shows only the day
(the API always has the time).

    .venv/bin/python bench/wp_content.py
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path

from discovery import crawl  # bench/discovery.py: a run of folder/sites.toml's site, timed

from crawler.demo.server import DemoServer
from crawler.demo.site import DemoSite

FIXTURES = {
    "WordPress, 1,000 posts in English": {"en": 1000},
    "WordPress, 1,000 posts in 3 languages": {"en": 400, "ar": 300, "fr": 300},
}
FIELDS = ("title", "text", "published", "language", "authors", "categories", "tags", "translations")


def articles(folder: Path) -> dict[str, dict]:
    with sqlite3.connect(folder / "archive.db") as conn:
        conn.row_factory = sqlite3.Row
        rows = {row["url"]: dict(row) for row in conn.execute("select * from articles")}
        for url, language, other in conn.execute(
            "select a.url, t.language, t.url from article_translations t join articles a on a.id = t.article_id"
        ):
            rows[url].setdefault("links", {})[language] = other
    for row in rows.values():
        row["translations"] = json.dumps(row.pop("links", {}), sort_keys=True)
    return rows


def agree(field: str, api: dict, page: dict) -> bool:
    if field == "published" and page["published"] and len(page["published"]) == 10:
        return (api["published"] or "")[:10] == page["published"]
    return api[field] == page[field]


def main() -> None:
    print(f"{'fixture':<40}{'content':>8}{'stored':>7}{'requests':>9}{'seconds':>8}{'night req':>10}")
    for label, counts in FIXTURES.items():
        stored: dict[str, dict[str, dict]] = {}
        with DemoServer(
            make_site=lambda base, c=counts: DemoSite(base, counts=c, translations=True)
        ) as server:
            for content in ("api", "pages"):
                with tempfile.TemporaryDirectory() as tmp:
                    folder = Path(tmp)
                    start = server.site.start_urls()[0]
                    (folder / "sites.toml").write_text(f'[sites.site]\nstart_urls = ["{start}"]\n')
                    backfill, seconds = crawl(folder, "--content", content, mode="backfill")
                    night, _ = crawl(folder, "--content", content)
                    stored[content] = articles(folder)
                print(
                    f"{label:<40}{content:>8}{backfill['new']:>7}{backfill['requests']:>9}{seconds:>8.1f}"
                    f"{night['requests']:>10}",
                    flush=True,
                )
        api, pages = stored["api"], stored["pages"]
        both = sorted(set(api) & set(pages))
        shares = "  ".join(
            f"{field} {sum(agree(field, api[u], pages[u]) for u in both) / max(len(both), 1):.3f}"
            for field in FIELDS
        )
        print(f"{'':<40}agreement over {len(both):,} articles (api only {len(set(api) - set(pages))}, "
              f"pages only {len(set(pages) - set(api))}): {shares}\n")  # fmt: skip


if __name__ == "__main__":
    main()
