"""The signal matcher against its evaluation set (bench/signals/signals.yaml): precision@3 and recall@3 per
signal, their macro averages, and how many signals matched no factor, for the dev and the held-out split
apart. A benchmark, not a test: it reports, it does not fail.

    python -m bench.signals_eval            # or: make bench-signals

The seed is loaded into a fresh embedded store in a temporary folder (the matcher reads labels and
definitions from the store), the shipped synonyms are used as they are. The JSON result goes to
bench/results/signals-eval.json with the commit it was run on.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from bench.run import commit
from caleido.graph.embedded import EmbeddedStore
from caleido.graph.usecases.signals import match_signal
from caleido.loaders.load import load_paths
from caleido.loaders.signal_lexicon import seed_lexicon
from caleido.loaders.sources import SEED_FOLDER

HERE = Path(__file__).parent
EVAL_SET = HERE / "signals" / "signals.yaml"
RESULT = HERE / "results" / "signals-eval.json"
K = 3


def split_of(n: int) -> str:
    """Odd numbers tune, even numbers are held out (fixed before any synonym was written)."""
    return "dev" if n % 2 else "heldout"


def evaluate(store: EmbeddedStore, signals: list[dict[str, Any]]) -> dict[str, Any]:
    lexicon = seed_lexicon()
    rows = []
    for signal in signals:
        match = match_signal(store, signal["text"], lexicon, limit=K)
        got = [f.id for f in match.factors]
        expected = set(signal["expected"])
        hits = len(expected & set(got))
        rows.append(
            {
                "n": signal["n"],
                "split": split_of(signal["n"]),
                "text": signal["text"],
                "expected": sorted(expected),
                "top3": got,
                "precision_at_3": hits / K,
                "precision_at_3_of_returned": hits / len(got) if got else 0.0,
                "recall_at_3": hits / len(expected),
                "no_match": not match.exact_match,
                "suggestions": [s.id for s in match.suggestions],
            }
        )
    return {split: summary([r for r in rows if r["split"] == split]) for split in ("dev", "heldout")} | {
        "all": summary(rows),
        "signals": rows,
    }


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(rows) or 1
    return {
        "signals": len(rows),
        "precision_at_3": round(sum(r["precision_at_3"] for r in rows) / n, 3),
        "precision_at_3_of_returned": round(sum(r["precision_at_3_of_returned"] for r in rows) / n, 3),
        "recall_at_3": round(sum(r["recall_at_3"] for r in rows) / n, 3),
        "no_match": sum(r["no_match"] for r in rows),
    }


def main() -> int:
    signals = yaml.safe_load(EVAL_SET.read_text(encoding="utf-8"))["signals"]
    with tempfile.TemporaryDirectory() as folder:
        store = EmbeddedStore(Path(folder) / "store")
        try:
            load_paths(store, [SEED_FOLDER], "bench-signals")
            result = evaluate(store, signals)
        finally:
            store.close()
    result = {"started": datetime.now(UTC).isoformat(timespec="seconds"), "commit": commit(), "k": K, **result}
    RESULT.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for split in ("dev", "heldout", "all"):
        s = result[split]
        print(
            f"{split:8} {s['signals']:3} signals  P@3 {s['precision_at_3']:.3f}  "
            f"(of returned {s['precision_at_3_of_returned']:.3f})  R@3 {s['recall_at_3']:.3f}  no match {s['no_match']}"
        )
    if "-v" in sys.argv:
        for r in result["signals"]:
            mark = "" if set(r["expected"]) <= set(r["top3"]) else " <-"
            print(f"{r['n']:3} {r['split']:7} {r['top3']} vs {r['expected']}{mark}")
    print(f"written to {RESULT.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
