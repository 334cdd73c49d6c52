"""The sample newsroom's WordPress REST API: ``/wp-json/wp/v2/posts``, as WordPress answers it
(with Polylang's ``lang`` and ``translations`` fields)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from html import escape

from crawler.demo.articles import SampleArticle
from crawler.demo.content import CATEGORIES, ORGANIZATION
from crawler.demo.reply import Reply


def api_posts(
    articles: list[SampleArticle],
    base_url: str,
    query: dict[str, list[str]],
    translations: Mapping[str, Sequence[SampleArticle]] | None = None,
) -> Reply:
    """``/wp-json/wp/v2/posts``: page, per_page (at most 100), modified_after; newest first.
    ``translations``: each article's (by path) other-language versions."""

    def number(name: str, default: int) -> int:
        value = query.get(name, [str(default)])[0]
        return int(value) if value.isdigit() else default

    per_page, page = min(number("per_page", 10), 100), number("page", 1)
    posts = sorted(articles, key=lambda a: a.modified or a.published, reverse=True)
    if after := query.get("modified_after", [""])[0]:
        since = datetime.fromisoformat(after)
        posts = [a for a in posts if (a.modified or a.published) > since]
    pages = max(1, -(-len(posts) // per_page))
    if page > pages:
        error = {
            "code": "rest_post_invalid_page_number",
            "message": "The page number requested is larger than the number of pages available.",
            "data": {"status": 400},
        }
        return Reply(json.dumps(error).encode(), "application/json; charset=UTF-8", status=400)
    chosen = posts[(page - 1) * per_page : page * per_page]
    ids = {a.path: number for number, a in enumerate(articles, start=1)}
    body = json.dumps(
        [_api_post(ids, base_url, a, (translations or {}).get(a.path, ())) for a in chosen],
        ensure_ascii=False,
    ).encode("utf-8")
    headers = {"X-WP-Total": str(len(posts)), "X-WP-TotalPages": str(pages)}
    return Reply(body, "application/json; charset=UTF-8", headers=headers)


def _api_post(
    ids: dict[str, int], base_url: str, article: SampleArticle, translations: Sequence[SampleArticle]
) -> dict[str, object]:
    def local(moment: datetime) -> str:
        return moment.strftime("%Y-%m-%dT%H:%M:%S")

    def gmt(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")

    modified = article.modified or article.published
    words = " ".join(article.paragraphs).split()
    category = {"taxonomy": "category", "name": CATEGORIES[article.language]}
    return {
        "id": ids[article.path],
        "date": local(article.published),
        "date_gmt": gmt(article.published),
        "modified": local(modified),
        "modified_gmt": gmt(modified),
        "status": "publish",
        "link": base_url + article.path,
        "title": {"rendered": escape(article.title)},
        "content": {
            "rendered": "".join(f"<p>{escape(p)}</p>\n" for p in article.paragraphs),
            "protected": False,
        },
        "excerpt": {"rendered": f"<p>{escape(' '.join(words[:55]))} [&hellip;]</p>\n", "protected": False},
        "lang": article.language,
        "translations": {
            article.language: ids[article.path],
            **{other.language: ids[other.path] for other in translations},
        },
        "_embedded": {
            "author": [{"name": ORGANIZATION[article.language]}],
            "wp:term": [[category], [{"taxonomy": "post_tag", "name": tag} for tag in article.tags]],
        },
    }
