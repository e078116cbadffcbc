"""The benchmark results as Markdown tables (bench/results/README.md), each figure against its target (met /
missed, with the profile of a target missed), and charts (PNG); bench/results/summary.md holds the latest run's
tables of targets, for the project README.

python -m bench.report                                      # again from bench/results/benchmarks.json
python -m bench.report bench/results/run-<started>.json     # ... with earlier runs beside it

Each run keeps its own tables. A run may cover only some stores or scales (`bench.run --backends neo4j`), so
each store's curve in the growth chart comes from the one run that measured it at the most scales: a curve
never mixes runs, whose machines may have run at different speeds.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# links/s: issue 19 (the embedded loader at medium and large, Neo4j's bulk import at large); Neo4j's loader at medium
LOAD_TARGETS = {("embedded", "medium"): 50_000, ("embedded", "large"): 30_000, ("neo4j", "medium"): 20_000}
BULK_TARGET = 100_000  # Neo4j at large, through neo4j-admin database import
TARGET_MS = 250.0  # p95 of every use case, direct and through the API (bench/query_latency.py)
WRITE_TARGET_MS = 200.0  # p95 of one evidence write (bench/write_load.py)
MIXED_RATIO_TARGET = 3.0  # read p99 ÷ read p50 while 20 % of requests write
MEMORY_TARGET_MB = 4096  # the API server's peak RSS on the embedded store
FLOOR_RATIO_GOAL = 2.0  # Caleido ÷ DuckDB at the large scale (a goal, not a target)
BASELINE_RATIO_TARGET = 10
FLOOR_NAMES = {"signals": "signal", "map": "map_providers"}  # bench/floor's names for the bench's cases


def _mark(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:,.1f}"


def _stores(results: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for scale, entry in results["scales"].items():
        for backend, m in entry["stores"].items():
            yield scale, backend, m


def load_table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| scale | store | path | nodes/s | links/s | links/s (per-row MERGE) | × baseline | unchanged reload s "
        "| target |",
        "|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for scale, backend, m in _stores(results):
        if "load" not in m:
            continue
        rate = m["load"]["links_per_s"]
        base = m.get("baseline", {}).get("links_per_s")
        ratio = f"{rate / base:.1f}" if base else ""
        targets = [f"≥{BASELINE_RATIO_TARGET}×: {_mark(rate / base >= BASELINE_RATIO_TARGET)}"] if base else []
        wanted = BULK_TARGET if (backend, scale) == ("neo4j", "large") else LOAD_TARGETS.get((backend, scale))
        if wanted:
            targets.append(f"≥{wanted:,}/s: {_mark(rate >= wanted)}")
        reload = m["load"].get("unchanged_reload_seconds")
        lines.append(
            f"| {scale} | {backend} | {m['load'].get('path', 'loader')} | {m['load']['nodes_per_s']:,.0f} "
            f"| {rate:,.0f} "
            f"| {'' if base is None else f'{base:,.0f}'} | {ratio} | {'' if reload is None else f'{reload:,.1f}'} "
            f"| {'; '.join(targets)} |"
        )
    return lines


def _floor(m: dict[str, Any], case: str) -> tuple[float | None, float | None, bool | None]:
    """DuckDB's p50, Caleido ÷ DuckDB and whether the answers were equal, from bench/floor's result (if run)."""
    floor = m.get("floor") or {}
    found = (floor.get("cases") or floor).get(FLOOR_NAMES.get(case, case))
    if not isinstance(found, dict):
        return None, None, None
    duck = found.get("duckdb_p50_ms", (found.get("duckdb") or {}).get("p50_ms"))
    ratio = found.get("ratio_p50", found.get("ratio"))
    if ratio is None and duck:
        ratio = m["direct"][case]["p50_ms"] / duck
    return duck, ratio, found.get("equal")


def query_table(results: dict[str, Any]) -> list[str]:
    """Every use case direct and through the API against the target, and beside DuckDB's floor."""
    lines = [
        f"| scale | store | use case | direct p50 / p95 ms | API p50 / p95 ms | DuckDB p50 ms | Caleido ÷ DuckDB "
        f"| same answer | response | p95 ≤{TARGET_MS:.0f} ms (direct; API) | profile |",
        "|---|---|---|---:|---:|---:|---:|---|---:|---|---|",
    ]
    for scale, backend, m in _stores(results):
        for case, d in m.get("direct", {}).items():
            a = m.get("api", {}).get(case)
            duck, ratio, equal = _floor(m, case)
            target = _mark(d["p95_ms"] <= TARGET_MS)
            if a:
                target += f"; {_mark('error' not in a and a['p95_ms'] <= TARGET_MS)}"
            api, size = _api_cells(a)
            profile = m.get("profiles", {}).get(case)
            lines.append(
                f"| {scale} | {backend} | {case} | {d['p50_ms']:,.1f} / {d['p95_ms']:,.1f} | {api} | {_ms(duck)} "
                f"| {'' if ratio is None else f'{ratio:.1f}'} "
                f"| {'' if equal is None else ('yes' if equal else '**no**')} "
                f"| {size} | {target} | {f'[{profile}]({profile})' if profile else ''} |"
            )
    return lines


def failure(measured: dict[str, Any], *, short: bool = False) -> str:
    """How a case that did not answer failed: after how long, with which error (its type alone when short)."""
    error = measured["error"].split(":")[0] if short else measured["error"]
    return f"failed after {measured['seconds']:,.0f} s ({error})"


def _api_cells(a: dict[str, Any] | None) -> tuple[str, str]:
    """The API's p50 / p95 and response size, or how it failed."""
    if not a:
        return "", ""
    if "error" in a:
        return failure(a, short=True), ""
    return f"{a['p50_ms']:,.1f} / {a['p95_ms']:,.1f}", f"{a['bytes'] / 1024:,.0f} KiB"


def write_table(results: dict[str, Any]) -> list[str]:
    lines = [
        f"| scale | store | evidence write p50 / p95 ms | p95 ≤{WRITE_TARGET_MS:.0f} ms "
        "| mixed: worst read p50 / p99 ms "
        f"| p99 ÷ p50 | ≤{MIXED_RATIO_TARGET:.0f}× | mixed: requests (writes), errors, writes lost | profile |",
        "|---|---|---:|---|---:|---:|---|---|---|",
    ]
    for scale, backend, m in _stores(results):
        w, x = m.get("write"), m.get("mixed")
        if not w and not x:
            continue
        cells = [f"{w['p50_ms']:,.1f} / {w['p95_ms']:,.1f}", _mark(w["p95_ms"] <= WRITE_TARGET_MS)] if w else ["", ""]
        if x and "read_p50_ms" in x:
            ratio = x["read_p99_over_p50"]
            cells += [
                f"{x.get('worst_read', 'all')}: {x['read_p50_ms']:,.1f} / {x['read_p99_ms']:,.1f}",
                f"{ratio:.1f}",
                _mark(ratio <= MIXED_RATIO_TARGET),
                f"{x['reads'] + x['writes']:,} ({x['writes']:,}), {x['errors']}, {x['writes_lost']}",
            ]
        else:
            cells += ["", "", "", ""]
        profile = m.get("profiles", {}).get("write")
        cells.append(f"[{profile}]({profile})" if profile else "")
        lines.append(f"| {scale} | {backend} | " + " | ".join(cells) + " |")
    return lines


def memory_table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| scale | store | API server peak RSS | embedded page cache (server) | target | benchmark process peak |",
        "|---|---|---:|---:|---|---:|",
    ]
    for scale, backend, m in _stores(results):
        server = m.get("server") or {}
        peak = server.get("peak_rss_mb")
        if peak is None:
            continue
        pool = server.get("buffer_pool_mb")
        target = (
            f"≤{MEMORY_TARGET_MB / 1024:.0f} GiB: {_mark(peak <= MEMORY_TARGET_MB)}" if backend == "embedded" else ""
        )
        bench = m.get("bench_peak_rss_mb")
        lines.append(
            f"| {scale} | {backend} | {peak / 1024:,.2f} GiB | {f'{pool:,} MiB' if pool else ''} | {target} "
            f"| {'' if bench is None else f'{bench / 1024:,.1f} GiB'} |"
        )
    return lines


def stopped(results: dict[str, Any]) -> list[str]:
    return [f"- {scale} / {backend}: {m['stopped']}" for scale, backend, m in _stores(results) if "stopped" in m]


def growth_source(runs: list[dict[str, Any]], backend: str) -> dict[str, Any]:
    """The run that measured this store at the most scales (the latest of equals)."""
    holding = [r for r in runs if any(backend in e["stores"] for e in r["scales"].values())]
    return max(holding, key=lambda r: (sum(backend in e["stores"] for e in r["scales"].values()), r["started"]))


def charts(runs: list[dict[str, Any]], folder: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    backends = _backends(runs)
    fig, axes = plt.subplots(1, len(backends), figsize=(6 * len(backends), 4.2), squeeze=False)
    for ax, backend in zip(axes[0], backends, strict=True):
        run = growth_source(runs, backend)
        entries = [e for e in run["scales"].values() if "direct" in e["stores"].get(backend, {})]
        sizes = [e["nodes"] + e["links"] for e in entries]
        for case in entries[0]["stores"][backend]["direct"] if entries else []:
            ax.plot(sizes, [e["stores"][backend]["direct"][case]["p95_ms"] for e in entries], marker="o", label=case)
        ax.axhline(TARGET_MS, color="grey", linestyle="--", linewidth=1, label=f"target {TARGET_MS:.0f} ms")
        ax.set(xscale="log", yscale="log", title=f"{backend}: p95 (direct) vs graph size\nrun {run['started']}")
        ax.set(xlabel="nodes + relationships", ylabel="ms")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(folder / "growth.png", dpi=110)
    plt.close(fig)

    labels, loader, baseline = [], [], []
    for run in runs:
        for scale, entry in run["scales"].items():
            for backend, m in entry["stores"].items():
                if "load" not in m:
                    continue
                labels.append(f"{backend}\n{scale}" + (f"\n{run['started'][11:16]}" if len(runs) > 1 else ""))
                loader.append(m["load"]["links_per_s"])
                baseline.append(m.get("baseline", {}).get("links_per_s", math.nan))  # not run at large
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(labels)), 4))
    xs = range(len(labels))
    ax.bar([x - 0.2 for x in xs], loader, width=0.4, label="loader (plan_and_write)")
    ax.bar([x + 0.2 for x in xs], baseline, width=0.4, label="one MERGE per row")
    ax.set_xticks(list(xs), labels)
    ax.set(yscale="log", ylabel="relationships / s", title="Load rate, side by side in each run")
    ax.legend()
    fig.tight_layout()
    fig.savefig(folder / "load.png", dpi=110)
    plt.close(fig)
    return ["growth.png", "load.png"]


def run_section(results: dict[str, Any], level: str) -> list[str]:
    machine = results["machine"]
    sizes = ", ".join(f"{s} {e['nodes']:,} nodes / {e['links']:,} links" for s, e in results["scales"].items())
    speed = (
        f" A pure-Python loop of 10⁷ additions took {machine['calibration_seconds']:.2f} s at the start"
        " (the same before each store is in the JSON; the machines are shared, and their speed drifts)."
        if "calibration_seconds" in machine
        else ""
    )
    code = f" of commit {results['commit']}" if "commit" in results else ""
    target = results.get("targets", {}).get("run_minutes")
    against = f" (target: under {target} min)" if target else ""
    took = f" The run took {results['seconds'] / 60:,.1f} min{against}." if "seconds" in results else ""
    lines = [
        f"Run {results['started']}{code} on {machine['cpus']} CPUs, Python {machine['python']}; graphs: {sizes}. "
        f"Percentiles over up to {results['repeat']} calls after 2 warm-up calls (fewer, at least 3, when a case's"
        f" calls pass its time budget).{speed}{took}",
        "",
        *targets_section(results, level),
        f"{level} Load",
        "",
        "The per-row baseline and the unchanged reload are measured below the large scale only.",
        "",
        *load_table(results),
        "",
    ]
    if halted := stopped(results):
        lines += [f"{level} Stopped for the time budget", "", *halted, ""]
    return lines


def targets_section(results: dict[str, Any], level: str) -> list[str]:
    """The tables of figures against the issue's targets: the block the project README includes."""
    return [
        f"{level} Use cases",
        "",
        f"Direct: the use-case function on the store; API: the HTTP route or page on loopback (`/kaart` and"
        f" `/gemeente/…` render the whole page). DuckDB: the same answer from Parquet files of the graph"
        f" (bench/floor), checked equal; the goal is at most {FLOOR_RATIO_GOAL:.0f}× at the large scale.",
        "",
        *query_table(results),
        "",
        f"{level} Writes, and reads while writing",
        "",
        "One evidence write: POST /api/v1/findings with two evidence links, as a researcher, its derived data"
        " maintained in the same write. Mixed: a few clients, a fifth of their requests writes; per kind of read"
        " its p99 ÷ its p50, the worst kind shown (all kinds pooled are in the JSON).",
        "",
        *write_table(results),
        "",
        f"{level} Memory",
        "",
        "Peak RSS (VmHWM) of the `caleido serve` process over the store, measured at the end of its requests.",
        "",
        *memory_table(results),
        "",
    ]


def markdown(runs: list[dict[str, Any]]) -> str:
    """One section per run, the latest first; the charts after them."""
    lines = ["# Benchmark results", ""]
    ordered = sorted(runs, key=lambda r: r["started"], reverse=True)
    if len(runs) == 1:
        lines += run_section(runs[0], "##")
    else:
        for run in ordered:
            lines += [f"## Run {run['started']}", "", *run_section(run, "###")]
        lines += [
            "Each store's curve in the growth chart comes from one run: "
            + ", ".join(f"{b} from {growth_source(runs, b)['started']}" for b in _backends(runs))
            + ".",
            "",
        ]
    lines += ["Earlier runs and what they found: [LOG.md](LOG.md).", ""]
    return "\n".join([*lines, "![Load rate](load.png)", "", "![Latency against graph size](growth.png)", ""])


def _backends(runs: list[dict[str, Any]]) -> list[str]:
    return sorted({b for r in runs for e in r["scales"].values() for b in e["stores"]})


def write(runs: list[dict[str, Any]], folder: Path) -> None:
    """README.md (every run given, with charts) and summary.md (the latest run's targets: for the README)."""
    folder.mkdir(parents=True, exist_ok=True)
    charts(runs, folder)
    (folder / "README.md").write_text(markdown(runs))
    latest = max(runs, key=lambda r: r["started"])
    summary = [
        f"Benchmark of {latest['started']} (commit {latest.get('commit', '?')}), from `make bench-large`;"
        " details in [bench/results/README.md](bench/results/README.md).",
        "",
        *targets_section(latest, "####"),
    ]
    (folder / "summary.md").write_text("\n".join(summary).replace("](profiles/", "](bench/results/profiles/"))
    print(f"wrote {folder / 'README.md'} and {folder / 'summary.md'}")


if __name__ == "__main__":
    here = Path(__file__).parent / "results"
    files = [here / "benchmarks.json", *map(Path, sys.argv[1:])]
    write([json.loads(f.read_text()) for f in files], here)
