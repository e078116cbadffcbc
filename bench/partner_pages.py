"""The size and time of the partner finder and the municipal brief for one municipality at a synthetic scale
(issue 19: the national lines and roles paged). Loads the scale once into an embedded store kept in a folder
(reused by later runs), then times 5 calls of each and measures the answer in bytes of its JSON.

    .venv/bin/python -m bench.partner_pages medium /tmp/page-medium GM0363"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from bench.load_rate import loader_rate
from bench.synthetic import cached
from caleido.graph import usecases
from caleido.graph.embedded import EmbeddedStore

CALLS = 5


def measure(store: EmbeddedStore, code: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, call in (
        ("partners", lambda: usecases.partners(store, code)),
        ("brief", lambda: usecases.brief(store, code)),
    ):
        seconds = []
        for _ in range(CALLS):
            started = time.perf_counter()
            answer = call()
            seconds.append(time.perf_counter() - started)
        found[name] = {"seconds": sorted(seconds), "bytes": len(answer.model_dump_json())}
    return found


def main(scale: str, folder: Path, code: str) -> None:
    fresh = not folder.exists()
    with EmbeddedStore(folder) as store:
        if fresh:
            loader_rate(store, cached(scale), reload=False)
        print(json.dumps({"scale": scale, "municipality": code, **measure(store, code)}, indent=1))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "GM0363")
