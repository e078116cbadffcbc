"""A bounded load on a running Caleido API: N concurrent clients for D seconds, mixed reads (coverage,
gaps, partners, neighbourhood, search) and evidence writes (POST /api/v1/findings with a researcher key),
then a check that every acknowledged write can be read back.

    .venv/bin/python -m bench.api_load --url http://127.0.0.1:8000 --key KEY [--seconds 60] [--clients 50]

tests/reliability/test_load.py starts `caleido serve` on each store and runs this: for 15 s in `make test`,
for 60 s with `make load`.
"""

from __future__ import annotations

import argparse
import json
import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx

MUNICIPALITIES = ("GM0363", "GM0518", "GM0344", "GM0014", "GM0796", "GM0193", "Den Haag", "Groningen")
NODES = ("rf-politieke-vervreemding", "theme-maatschappelijke-weerbaarheid", "pf-veerkracht", "val-vertrouwen")
SEARCHES = ("vertrouwen", "trust", "sociale media", "radicalisering", "gemeente", "weerbaarheid")
READS = ("coverage", "gaps", "partners", "neighbourhood", "search")
WRITE_SHARE = 0.2
SEED_SOURCE = "src-kamerbrief-29754-770"  # the letter itself: every write cites it, so writes add findings only


@dataclass
class LoadResult:
    seconds: float
    clients: int
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)  # ids of findings the API answered 201 for
    lost: list[str] = field(default_factory=list)  # acknowledged but not readable afterwards

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    def summary(self) -> dict[str, Any]:
        every = sorted(x for v in self.latencies.values() for x in v)
        return {
            "seconds": round(self.seconds, 1),
            "clients": self.clients,
            "requests": self.requests,
            "throughput_per_s": round(self.requests / self.seconds, 1),
            "p50_ms": round(_quantile(every, 0.50) * 1000, 1),
            "p99_ms": round(_quantile(every, 0.99) * 1000, 1),
            "errors": len(self.errors),
            "writes_acknowledged": len(self.acknowledged),
            "writes_lost": len(self.lost),
            "per_kind": {
                kind: {
                    "requests": len(v),
                    "p50_ms": round(_quantile(sorted(v), 0.50) * 1000, 1),
                    "p99_ms": round(_quantile(sorted(v), 0.99) * 1000, 1),
                }
                for kind, v in sorted(self.latencies.items())
            },
            "first_errors": self.errors[:5],
        }


def _quantile(ordered: list[float], q: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _request(http: httpx.Client, kind: str, rng: random.Random, client: int, n: int, source: str) -> httpx.Response:
    if kind == "coverage":
        return http.get("/api/v1/coverage", params={"include_proposed": rng.choice(["true", "false"])})
    if kind == "gaps":
        return http.get("/api/v1/gaps")
    if kind == "partners":
        return http.get("/api/v1/partners", params={"municipality": rng.choice(MUNICIPALITIES)})
    if kind == "neighbourhood":
        return http.get(f"/api/v1/nodes/{rng.choice(NODES)}/neighbourhood", params={"depth": 2})
    if kind == "search":
        return http.get("/api/v1/search", params={"q": rng.choice(SEARCHES)})
    return http.post("/api/v1/findings", json=finding_body("Load test", client, n, source))


def finding_body(kind: str, writer: int, n: int, source: str = SEED_SOURCE) -> dict[str, Any]:
    """The n-th finding of a writer: its own text, so each write makes a new node (and REPORTED_IN link)."""
    return {
        "statement": {"en": f"{kind} finding {writer}-{n}: mentoring lowers isolation"},
        "outcome": "isolation",
        "grade": "not-assessed",
        "source": {"id": source, "locator": f"{kind}, writer {writer}, request {n}"},
    }


def run_load(
    url: str,
    key: str,
    *,
    seconds: float = 60,
    clients: int = 50,
    source: str = SEED_SOURCE,
    seed: int = 7,
) -> LoadResult:
    result = LoadResult(seconds=seconds, clients=clients)
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    headers = {"Authorization": f"Bearer {key}"}

    def client(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
            n = 0
            while time.perf_counter() < deadline:
                n += 1
                kind = "write" if rng.random() < WRITE_SHARE else rng.choice(READS)
                started = time.perf_counter()
                try:
                    response = _request(http, kind, rng, number, n, source)
                except httpx.HTTPError as exc:
                    with lock:
                        result.errors.append(f"{kind}: {type(exc).__name__}: {exc}")
                    continue
                took = time.perf_counter() - started
                with lock:
                    result.latencies[kind].append(took)
                    if response.status_code >= 300:
                        result.errors.append(f"{kind}: {response.status_code} {response.text[:200]}")
                    elif kind == "write":
                        result.acknowledged.append(response.json()["id"])

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    result.lost = unreadable(url, key, result.acknowledged)
    return result


def unreadable(url: str, key: str, ids: list[str]) -> list[str]:
    """The acknowledged findings that the API cannot show afterwards (should be none)."""
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=60) as http:
        return [i for i in sorted(set(ids)) if http.get(f"/api/v1/nodes/{i}").status_code != 200]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", required=True, help="a researcher key (caleido keys create --role researcher)")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    print(json.dumps(run_load(args.url, args.key, seconds=args.seconds, clients=args.clients).summary(), indent=2))


if __name__ == "__main__":
    main()
