"""The benchmark results as Markdown tables (bench/results/README.md) and charts (PNG).

python -m bench.report                                      # again from bench/results/benchmarks.json
python -m bench.report bench/results/run-<started>.json     # ... with earlier runs beside it

Each run keeps its own tables. A run may cover only some stores or scales (`bench.run --backends neo4j`), so
each store's curve in the growth chart comes from the one run that measured it at the most scales: a curve
never mixes runs, whose machines may have run at different speeds.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

LOAD_TARGETS = {"embedded": 50_000, "neo4j": 20_000}  # links/s at medium scale
P50_TARGET_MS = 100
API_RATIO_TARGET = 1.5
BASELINE_RATIO_TARGET = 10


def _mark(ok: bool) -> str:
    return "met" if ok else "**missed**"


def load_table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| scale | store | nodes/s | links/s (loader) | links/s (per-row MERGE) | × baseline | unchanged reload s "
        "| peak memory of the run so far | machine loop s | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for scale, entry in results["scales"].items():
        for backend, m in entry["stores"].items():
            rate, base = m["load"]["links_per_s"], m["baseline"]["links_per_s"]
            ratio = rate / base
            target = f"≥{BASELINE_RATIO_TARGET}×: {_mark(ratio >= BASELINE_RATIO_TARGET)}"
            if scale != "seed":
                target += f"; ≥{LOAD_TARGETS[backend]:,}/s: {_mark(rate >= LOAD_TARGETS[backend])}"
            peak = f"{m['bench_peak_rss_mb'] / 1024:,.1f} GiB" if "bench_peak_rss_mb" in m else ""
            loop = f"{m['calibration_seconds']:.2f}" if "calibration_seconds" in m else ""
            lines.append(
                f"| {scale} | {backend} | {m['load']['nodes_per_s']:,.0f} | {rate:,.0f} | {base:,.0f} | "
                f"{ratio:.1f} | {m['load']['unchanged_reload_seconds']:,.1f} | {peak} | {loop} | {target} |"
            )
    return lines


def query_table(results: dict[str, Any], before: dict[str, Any] | None = None) -> list[str]:
    """Latency per use case; with `before` (an earlier run's results), its direct p50 beside this run's."""
    lines = [
        "| scale | store | use case | before: direct p50 ms | direct p50 / p95 ms | API p50 / p95 ms | API ÷ direct "
        "| response | target |",
        "|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for scale, entry in results["scales"].items():
        for backend, m in entry["stores"].items():
            for case, d in m["direct"].items():
                a = m["api"][case]
                ratio = a["p50_ms"] / d["p50_ms"]
                target = "" if scale == "seed" else f"p50 ≤{P50_TARGET_MS} ms: {_mark(d['p50_ms'] <= P50_TARGET_MS)}; "
                target += f"≤{API_RATIO_TARGET}×: {_mark(ratio <= API_RATIO_TARGET)}"
                earlier = _earlier(before, scale, backend, case)
                lines.append(
                    f"| {scale} | {backend} | {case} | {earlier} | {d['p50_ms']:,.1f} / {d['p95_ms']:,.1f} | "
                    f"{a['p50_ms']:,.1f} / {a['p95_ms']:,.1f} | {ratio:.2f} | {a['bytes'] / 1024:,.0f} KiB | {target} |"
                )
    return lines


def _earlier(before: dict[str, Any] | None, scale: str, backend: str, case: str) -> str:
    try:
        return f"{before['scales'][scale]['stores'][backend]['direct'][case]['p50_ms']:,.1f}"  # type: ignore[index]
    except (KeyError, TypeError):
        return ""


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
        entries = [e for e in run["scales"].values() if backend in e["stores"]]
        sizes = [e["nodes"] + e["links"] for e in entries]
        for case in entries[0]["stores"][backend]["direct"]:
            ax.plot(sizes, [e["stores"][backend]["direct"][case]["p50_ms"] for e in entries], marker="o", label=case)
        ax.axhline(P50_TARGET_MS, color="grey", linestyle="--", linewidth=1, label=f"target {P50_TARGET_MS} ms")
        ax.set(xscale="log", yscale="log", title=f"{backend}: p50 (direct) vs graph size\nrun {run['started']}")
        ax.set(xlabel="nodes + relationships", ylabel="ms")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(folder / "growth.png", dpi=110)
    plt.close(fig)

    labels, loader, baseline = [], [], []
    for run in runs:
        for scale, entry in run["scales"].items():
            for backend, m in entry["stores"].items():
                labels.append(f"{backend}\n{scale}" + (f"\n{run['started'][11:16]}" if len(runs) > 1 else ""))
                loader.append(m["load"]["links_per_s"])
                baseline.append(m["baseline"]["links_per_s"])
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


def run_section(results: dict[str, Any], before: dict[str, Any] | None, level: str) -> list[str]:
    machine = results["machine"]
    earlier = (
        f" The *before* column is the run of {before['started']} (`bench/results/before.json`), before the use"
        " cases filtered, aggregated and paged in the database."
        if before
        else ""
    )
    sizes = ", ".join(f"{s} {e['nodes']:,} nodes / {e['links']:,} links" for s, e in results["scales"].items())
    speed = (
        f" A pure-Python loop of 10⁷ additions took {machine['calibration_seconds']:.2f} s at the start"
        " (*machine loop*: the same before each store; the machines are shared, and their speed drifts)."
        if "calibration_seconds" in machine
        else ""
    )
    code = f" of commit {results['commit']}" if "commit" in results else ""
    return [
        f"Run {results['started']}{code} on {machine['cpus']} CPUs, Python {machine['python']}; graphs: {sizes}. "
        f"Percentiles over {results['repeat']} calls after 2 warm-up calls.{speed} Reproduce with `make bench`."
        f"{earlier}",
        "",
        f"{level} Load",
        "",
        "Peak memory is the benchmark process's own (it holds the generated nodes, and Ladybug runs inside"
        " it); the Neo4j server and the API server are processes of their own.",
        "",
        *load_table(results),
        "",
        f"{level} Queries",
        "",
        *query_table(results, before),
        "",
    ]


def markdown(runs: list[dict[str, Any]], before: dict[str, Any] | None = None) -> str:
    """One section per run, the latest first; the charts after them."""
    lines = ["# Benchmark results", ""]
    ordered = sorted(runs, key=lambda r: r["started"], reverse=True)
    if len(runs) == 1:
        lines += run_section(runs[0], before, "##")
    else:
        for run in ordered:
            lines += [f"## Run {run['started']}", "", *run_section(run, before, "###")]
        lines += [
            "Each store's curve in the growth chart comes from one run: "
            + ", ".join(f"{b} from {growth_source(runs, b)['started']}" for b in _backends(runs))
            + ".",
            "",
        ]
    return "\n".join([*lines, "![Load rate](load.png)", "", "![Latency against graph size](growth.png)", ""])


def _backends(runs: list[dict[str, Any]]) -> list[str]:
    return sorted({b for r in runs for e in r["scales"].values() for b in e["stores"]})


def write(runs: list[dict[str, Any]], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    charts(runs, folder)
    before_file = folder / "before.json"
    before = json.loads(before_file.read_text()) if before_file.exists() else None
    (folder / "README.md").write_text(markdown(runs, before))
    print(f"wrote {folder / 'README.md'}")


if __name__ == "__main__":
    here = Path(__file__).parent / "results"
    files = [here / "benchmarks.json", *map(Path, sys.argv[1:])]
    write([json.loads(f.read_text()) for f in files], here)
