"""Views: time and size of the explorer page's HTML for neighbourhoods of 100 to 10,000 nodes, side by side
with pyvis 0.3.2 building the same network (when pyvis is installed), and how long headless Chromium takes
to draw each page and answer afterwards.

    .venv/bin/python -m bench.bench_views [--repeats 5] [--no-browser] [--out bench/results]

Rendering = caleido.viz.explorer.explorer_view + the explore.html template, the same calls the
/explore/{id} page makes after its query (query time is in the query benchmarks). Neighbourhoods are
synthetic and deterministic: a centre, a tenth of the nodes at depth 1, the rest at depth 2.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from importlib.resources import files
from pathlib import Path
from typing import Any

from caleido.graph.usecases.results import Neighbourhood
from caleido.viz.explorer import explorer_view
from caleido.viz.network import PHYSICS_LIMIT
from caleido.viz.render import render

SIZES = (100, 500, 2_000, 10_000)
TARGET_2000_S = 0.5
ORIGIN = "http://127.0.0.1:9"  # every request is answered by the page's route; nothing listens there
CLASSES = ("Finding", "Intervention", "Organisation", "RiskFactor", "ProtectiveFactor", "Source", "Region")
RELS = ("EVIDENCE_FOR", "RUNS", "ADDRESSES", "REPORTED_IN", "OPERATES_IN")


def neighbourhood(size: int) -> Neighbourhood:
    """A neighbourhood result shaped like caleido.graph.usecases.neighbourhood's."""
    first = max(1, size // 10)
    nodes = [{"id": "n0", "class": "RiskFactor", "label_nl": "Centrum", "label_en": "Centre", "depth": 0}]
    links = []
    for i in range(1, size):
        depth = 1 if i <= first else 2
        cls = CLASSES[i % len(CLASSES)]
        label = f"{cls} {i}: een naam van gewone lengte voor een knoop"
        nodes.append({"id": f"n{i}", "class": cls, "label_nl": label, "label_en": label, "depth": depth})
        parent = "n0" if depth == 1 else f"n{1 + i % first}"
        links.append({"from": f"n{i}", "rel": RELS[i % len(RELS)], "to": parent})
    return Neighbourhood.model_validate(
        {"center": "n0", "depth": 2, "limit": size, "truncated": False, "nodes": nodes, "links": links}
    )


def render_page(hood: Neighbourhood) -> str:
    node: dict[str, Any] = {
        "label": "Centrum",
        "class": "Risicofactor",
        "definition": "",
        "fields": [],
        "source_href": None,
        "links": 0,
    }
    return render(
        "explore.html",
        lang="nl",
        page="explore",
        switch_url="/explore/n0?lang=en",
        node=node,
        view=explorer_view(hood, "nl"),
        depth=2,
        limit=hood.limit,
        max_limit=10_000,
        here="/explore/n0",
        truncated=False,
        more_url="",
    )


def pyvis_page(hood: Neighbourhood) -> str | None:
    """The same network through pyvis (in_line, so it would render offline), or None without pyvis."""
    try:
        from pyvis.network import Network
    except ImportError:
        return None
    net = Network(cdn_resources="in_line", directed=True)
    for n in hood.nodes:
        net.add_node(n.id, label=n.label_nl, title=n.label_nl)
    for link in hood.links:
        net.add_edge(link.from_, link.to, title=link.rel)
    if len(hood.nodes) > PHYSICS_LIMIT:
        net.toggle_physics(False)
    return str(net.generate_html())


def timed(build: Any, hood: Neighbourhood, repeats: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        html = build(hood)
        times.append(time.perf_counter() - started)
        if html is None:
            return float("nan"), 0
        size = len(html.encode())
    return statistics.median(times), size


def _server(html: str, static: Any) -> Any:
    """A route handler answering the page and its static files (Playwright passes only the route)."""

    def serve(route: Any) -> None:
        path = route.request.url.removeprefix(ORIGIN).split("?")[0]
        if path.startswith("/static/"):
            kinds = {".css": "text/css", ".svg": "image/svg+xml"}
            kind = kinds.get(Path(path).suffix, "text/javascript")
            route.fulfill(body=(static / path.removeprefix("/static/")).read_bytes(), content_type=kind)
        elif path == "/explore/n0":
            route.fulfill(body=html, content_type="text/html")
        else:
            route.fulfill(status=404, body="")

    return serve


def browser_times(pages: dict[int, str]) -> dict[int, dict[str, float]]:
    """Seconds from navigation to the network's first drawing in Debian's headless Chromium, and the
    round trip of a script call right after it (a page busy simulating would hold that up)."""
    from playwright.sync_api import sync_playwright

    from tests.pages.conftest import CHROMIUM, CHROMIUM_FLAGS

    static = files("caleido.viz") / "static"
    results: dict[int, dict[str, float]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for size, html in pages.items():
            page = browser.new_page(viewport={"width": 1400, "height": 1000})

            page.route(f"{ORIGIN}/**", _server(html, static))
            started = time.perf_counter()
            page.goto(f"{ORIGIN}/explore/n0")
            page.wait_for_selector("#explorer[data-drawn='true']", timeout=300_000)
            drawn = time.perf_counter() - started
            started = time.perf_counter()
            page.evaluate("() => 1")
            results[size] = {"drawn_s": round(drawn, 3), "script_roundtrip_s": round(time.perf_counter() - started, 4)}
            page.close()
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    pages: dict[int, str] = {}
    for size in SIZES:
        hood = neighbourhood(size)
        ours, ours_bytes = timed(render_page, hood, args.repeats)
        theirs, theirs_bytes = timed(pyvis_page, hood, 1 if size > 2_000 else args.repeats)
        pages[size] = render_page(hood)
        rows.append(
            {
                "nodes": size,
                "links": len(hood.links),
                "physics": size <= PHYSICS_LIMIT,
                "caleido_render_s": round(ours, 4),
                "caleido_html_bytes": ours_bytes,
                "pyvis_build_s": None if theirs != theirs else round(theirs, 4),
                "pyvis_html_bytes": theirs_bytes or None,
                "pyvis_over_caleido": None if theirs != theirs else round(theirs / ours, 1),
            }
        )
        print(json.dumps(rows[-1]))
    browser = {} if args.no_browser else browser_times(pages)
    for row in rows:
        row.update(browser.get(row["nodes"], {}))
    two_thousand = next(r for r in rows if r["nodes"] == 2_000)["caleido_render_s"]
    result = {
        "benchmark": "views",
        "repeats": args.repeats,
        "target": f"2,000-node neighbourhood rendered in under {TARGET_2000_S} s",
        "target_met": two_thousand < TARGET_2000_S,
        "rows": rows,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "views.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (args.out / "views.md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "| nodes | physics | Caleido render (s) | HTML (KB) | pyvis build (s) | pyvis ÷ Caleido | Chromium drawn (s) |",
        "|---:|:---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["rows"]:
        pyvis = "–" if r["pyvis_build_s"] is None else f"{r['pyvis_build_s']:.3f}"
        ratio = "–" if r["pyvis_over_caleido"] is None else f"{r['pyvis_over_caleido']}×"
        drawn = f"{r['drawn_s']:.2f}" if "drawn_s" in r else "–"
        lines.append(
            f"| {r['nodes']:,} | {'on' if r['physics'] else 'off'} | {r['caleido_render_s']:.3f} | "
            f"{r['caleido_html_bytes'] / 1024:,.0f} | {pyvis} | {ratio} | {drawn} |"
        )
    lines.append("")
    lines.append(f"Target: {result['target']}: {'met' if result['target_met'] else 'MISSED'}.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
