"""The queries about the nodes with the ids given (queries.EACH_ID) answer the same whether the embedded store
sends the ids as one `IN $ids` list or looks them up one by one, as it does from MANY_IDS ids on: the regional
fixture's lists are shorter, so each query is asked both ways here, with a missing id and a repeated one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from caleido.graph import queries
from caleido.graph.queries import Query
from tests.helpers import FIXTURES, load, open_backend, query_parameters

BY_ID = sorted(name for name, q in vars(queries).items() if isinstance(q, Query) and q.by_id)


def test_the_catalogue_has_queries_by_id() -> None:
    assert {"REASONS", "PROGRAMME_LINKS", "ORGANISATION_PROGRAMMES", "DOERS_OF"} <= set(BY_ID)


@pytest.mark.parametrize("name", BY_ID)
def test_one_by_one_and_as_a_list_agree(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    query = getattr(queries, name)
    label = queries._FIRST_BY_ID.search(query.text).group(2)  # type: ignore[union-attr]
    with open_backend("embedded", tmp_path) as store:
        load(store, FIXTURES / "regional")
        ids = sorted(row[0] for row in store._rows(f"MATCH (n:{label}) RETURN n.id"))  # type: ignore[attr-defined]
        params = query_parameters(query, [*ids, ids[0], "no-such-id"], targets=[""])
        assert query.render("embedded", len(ids)) != query.render("embedded", queries.MANY_IDS)
        as_list = store.read(query, **params)
        monkeypatch.setattr(queries, "MANY_IDS", 1)
        one_by_one = store.read(query, **params)
    assert as_list, f"{name}: the fixture gives it rows to compare"
    assert _rows(one_by_one) == _rows(as_list)


def _rows(rows: list[dict[str, Any]]) -> list[str]:
    """The rows in an order of their own, with what they collected in one too (a plan may collect in any)."""
    return sorted(repr({k: sorted(map(repr, v)) if isinstance(v, list) else v for k, v in row.items()}) for row in rows)
