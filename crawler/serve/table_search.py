"""The articles table's ``?_search=``: the analyzed index (storage/search.py), in a plan that
stays fast at a million articles.

Datasette's own search writes ``id in (select rowid from the index ...)``, which SQLite runs by
looking up every matching row and sorting them all: a word in a third of a million articles
took 15 s. ``+id`` keeps SQLite from driving the query by the matches: it reads the articles in
the page's order from an index, keeps those in the matches, and stops at the page's end, which
costs at most one pass over an index however many articles match (bench/archive_scale.py).
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from datasette.filters import FilterArguments

SEARCHED = {"articles": "articles_search"}  # table -> its analyzed index


@hookimpl(trylast=True)  # after Datasette's own search filter, whose "supports_search" this sets
def filters_from_request(request: Any, table: str | None) -> Any:
    index = SEARCHED.get(table or "")
    if index is None:
        return None

    async def inner() -> FilterArguments:
        search = request.args.get("_search")
        context: dict[str, Any] = {"supports_search": True}
        if not search:
            return FilterArguments([], extra_context=context)
        return FilterArguments(
            [f"+id in (select rowid from {index} where {index} match search_query(:search))"],
            {"search": search},
            [f'search matches "{search}"'],
            {**context, "search": search},
        )

    return inner
