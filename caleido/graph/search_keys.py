"""Search keys: a node's labels, normalised, kept by the stores in a column so search runs in the database.

The keys of a node are its distinct normalised labels, sorted, each between bars: "|den haag|s gravenhage|".
Normalised text never holds a bar, so for a normalised query q one CONTAINS per rank tells how a node
matches (the same test on both stores, no per-call work on every label):

- exact:    some label is q            <=> keys contain "|q|"
- prefix:   some label starts with q   <=> keys contain "|q"
- contains: some label contains q      <=> keys contain "q"
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from caleido.graph.schema import Column
from caleido.ontology.records import NodeRow

# A store column, not an ontology field: stores write it with every node and never return it in a row.
COLUMN = Column("search_keys", "string")
LABEL_COLUMNS = ("label_nl", "label_en", "alt_labels")
_BAR = "|"


def normalise(text: str) -> str:
    """Lower case, accents and punctuation removed: 'Vertrouwen in de overheid!' ~ 'vertrouwen in de overheid'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", plain).split())


def search_keys(values: Mapping[str, Any]) -> str:
    """The keys of a node with these column values ("||" when it has no label)."""
    names = [values.get("label_nl"), values.get("label_en"), *(values.get("alt_labels") or [])]
    keys = sorted({key for key in (normalise(name) for name in names if name) if key})
    return _BAR + _BAR.join(keys) + _BAR


def stored_columns(node_columns: Mapping[str, list[Column]]) -> dict[str, list[Column]]:
    """The columns a store keeps per class: the ontology's, then the search keys."""
    return {name: [*columns, COLUMN] for name, columns in node_columns.items()}


def stored_values(node: NodeRow) -> dict[str, Any]:
    """A node's row as the stores write it: its id, its column values and its search keys."""
    return {"id": node.id, **node.values, COLUMN.name: search_keys(node.values)}


def patterns(wanted: str) -> dict[str, str]:
    """The CONTAINS operands of each rank for a normalised query (see the module docstring)."""
    return {"exact": f"{_BAR}{wanted}{_BAR}", "prefix": f"{_BAR}{wanted}", "contains": wanted}
