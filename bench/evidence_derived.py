"""The evidence map before and after its derived entries (issue 19, point 1), side by side in one run on one
store: coverage, gaps and a factor's evidence as the use cases computed them from every link on each call (the
module as of the base commit, read from git) and as they read them now, with a check that the answers are equal;
one evidence write (a finding with two evidence links through the API's function) with and without the
maintenance of derived entries; the load with maintenance, and a rebuild from scratch.

    .venv/bin/python -m bench.evidence_derived --scale medium --backend embedded --repeat 5
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.load_rate import loader_rate
from bench.query_latency import percentiles
from bench.stores import fresh_store, neo4j_env
from bench.synthetic import generate
from caleido.api import schemas
from caleido.api.evidence_routes import record_finding
from caleido.graph.derived import core
from caleido.graph.store import GraphStore

BASE = "113cf99"  # the commit before the derived entries
PAGE = 100


def old_module() -> Any:
    """The evidence map as it was at BASE, importable beside the current one."""
    text = subprocess.run(
        ["git", "show", f"{BASE}:caleido/graph/usecases/evidence_map.py"], capture_output=True, text=True, check=True
    ).stdout
    path = Path(tempfile.mkdtemp()) / "evidence_map_before.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location("evidence_map_before", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def timed(call: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    call()  # warm
    seconds, answer = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        answer = call()
        seconds.append(time.perf_counter() - started)
    return seconds, answer


@contextlib.contextmanager
def without_maintenance() -> Iterator[None]:
    """Writes as before the derived entries: the stores' hook adds nothing."""
    kept = core.derived_for
    core.derived_for = lambda *args, **kwargs: []
    try:
        yield
    finally:
        core.derived_for = kept


def evidence_writes(store: GraphStore, factor: str, intervention: str, count: int, tag: str) -> list[float]:
    seconds = []
    for n in range(count):
        body = schemas.FindingIn.model_validate(
            {
                "statement": {"nl": f"Bevinding {tag} {n}"},
                "source": {"citation": f"Bench source {tag}", "locator": f"p. {n}"},
                "evidence": {"factor": factor, "intervention": intervention, "direction": "supports"},
            }
        )
        started = time.perf_counter()
        record_finding(store, body, "key:bench:researcher")
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="medium")
    parser.add_argument("--backend", default="embedded", choices=["embedded", "neo4j"])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--writes", type=int, default=20)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--plain-load", action="store_true", help="Load without maintenance, then reindex")
    args = parser.parse_args()
    before = old_module()
    from caleido.graph.usecases import evidence_map as after

    workdir = Path(tempfile.mkdtemp())
    graph = generate(args.scale, spill=workdir / "links.bin")
    store = fresh_store(args.backend, workdir, neo4j_env() if args.backend == "neo4j" else None)
    result: dict[str, Any] = {"scale": args.scale, "backend": args.backend, "repeat": args.repeat}
    with store:
        with without_maintenance() if args.plain_load else contextlib.nullcontext():
            result["load"] = loader_rate(store, graph)
        print("load", result["load"], file=sys.stderr)
        started = time.perf_counter()
        result["reindex_report"] = core.reindex(store).lines()
        result["reindex_s"] = time.perf_counter() - started
        factor = next(r["id"] for r in store.iter_nodes("RiskFactor") if r.get("status") == "accepted")
        calls: dict[str, Callable[[Any], Any]] = {
            "coverage": lambda m: m.coverage(store, limit=PAGE),
            "coverage_proposed": lambda m: m.coverage(store, limit=PAGE, include_proposed=True),
            "gaps": lambda m: m.gaps(store, limit=PAGE),
            "gaps_proposed": lambda m: m.gaps(store, limit=PAGE, include_proposed=True),
            "factor_evidence": lambda m: m.target_cell(store, factor),
        }
        result["reads"] = {}
        for name, call in calls.items():
            old_s, old_answer = timed(functools.partial(call, before), args.repeat)
            new_s, new_answer = timed(functools.partial(call, after), args.repeat)
            equal = old_answer.model_dump() == new_answer.model_dump()
            result["reads"][name] = {"before": percentiles(old_s), "after": percentiles(new_s), "equal": equal}
            print(name, "before", percentiles(old_s)["p50_ms"], "after", percentiles(new_s)["p50_ms"], "equal", equal)
        intervention = next(r["id"] for r in store.iter_nodes("Intervention") if r.get("status") == "accepted")
        with without_maintenance():
            plain = evidence_writes(store, factor, intervention, args.writes, "plain")
        maintained = evidence_writes(store, factor, intervention, args.writes, "derived")
        result["write"] = {"before": percentiles(plain), "after": percentiles(maintained)}
        core.reindex(store)  # the writes without maintenance left stale entries
    json.dump(result, sys.stdout, indent=1, default=str)
    print()
    if args.out:
        args.out.write_text(json.dumps(result, indent=1, default=str))


if __name__ == "__main__":
    main()
