"""Evidence CSVs of any size for the crash tests: every row a new finding of the given factors."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

# Long notes make an import's commit write more, so a kill has a wider window to land in it, at no extra
# cost in validating rows (the part of an import that takes time).
NOTES = 8000


def evidence_csv(tag: str, rows: int, factors: Sequence[str], notes: int = NOTES) -> bytes:
    """`rows` findings whose text carries `tag`, so each call's rows are new."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["factor_name", "factor_kind", "outcome", "effect_size", "effect_measure", "source_citation", "notes"]
    )
    for i in range(rows):
        note = (f"{tag}, row {i}: read in the full text. " * (notes // 20 + 1))[:notes]
        factor = factors[i % len(factors)]
        writer.writerow([factor, "risk", f"{tag} outcome {i}", f"0.{10 + i % 80}", "r", f"{tag} study {i % 40}", note])
    return out.getvalue().encode()
