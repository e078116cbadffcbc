"""What a large evidence CSV costs the server: 100,000 rows posted to `POST /api/v1/evidence/import` over the
seed in a fresh embedded store, each case in its own process so its peak memory is its own.

    python -m bench.csv_import [--rows N] [CASE ...]

Cases: `bad_grade` (every row has a grade that is no term: one problem a row, found by validation) and
`new_factors` (50 new factors named by 2,000 rows each, all valid: what a meta-analysis table looks like).
Prints, per case: the status, the server's seconds, the size of the answer, how many problems it lists, and
the process's peak RSS. Never run as a test.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = "factor_name,factor_kind,outcome,effect_size,effect_measure,source_citation,grade\n"
CASES = {
    "bad_grade": "excellent",  # not a term of the grade scheme
    "new_factors": "not-assessed",
}


def table(rows: int, grade: str) -> str:
    lines = (f"bench factor {i % 50},risk,outcome {i},0.{i % 97 + 1},r,Bench Study 2023,{grade}\n" for i in range(rows))
    return HEADER + "".join(lines)


def run_case(case: str, rows: int) -> dict[str, object]:
    """One case in this process: load the seed, post the table, measure."""
    from fastapi.testclient import TestClient

    from caleido.api.app import create_app
    from caleido.api.keys import KeyStore
    from caleido.graph.embedded import EmbeddedStore
    from caleido.loaders.load import load_paths
    from caleido.loaders.sources import SEED_FOLDER
    from caleido.settings import Settings

    text = table(rows, CASES[case])
    with tempfile.TemporaryDirectory() as folder, EmbeddedStore(Path(folder) / "store") as store:
        load_paths(store, [SEED_FOLDER], "bench")
        keys = KeyStore(Path(folder) / "keys.sqlite3")
        plain, _ = keys.create("bench", "researcher")
        settings = Settings(request_timeout_seconds=3600)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with TestClient(create_app(settings, store=store, keys=keys)) as client:
            started = time.perf_counter()
            answer = client.post(
                "/api/v1/evidence/import",
                headers={"Authorization": f"Bearer {plain}"},
                files={"file": (f"{case}.csv", text.encode(), "text/csv")},
            )
            seconds = time.perf_counter() - started
        body = answer.json()
        return {
            "case": case,
            "rows": rows,
            "file_bytes": len(text.encode()),
            "status": answer.status_code,
            "server_seconds": round(seconds, 1),
            "body_bytes": len(answer.content),
            "problems_listed": len(body.get("errors", [])),
            "detail": body.get("detail", f"{body.get('rows')} rows imported"),
            "peak_rss_mb_before": before // 1024,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", metavar="CASE", help=f"some of {', '.join(CASES)} (default: all)")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # a child process: one case
    args = parser.parse_args()
    args.cases = args.cases or list(CASES)
    if unknown := set(args.cases) - set(CASES):
        parser.error(f"unknown case(s) {', '.join(sorted(unknown))}; use {', '.join(CASES)}")
    if args.one:
        print(json.dumps(run_case(args.cases[0], args.rows)))
        return
    for case in args.cases:
        command = [sys.executable, "-m", "bench.csv_import", "--one", "--rows", str(args.rows), case]
        print(subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
