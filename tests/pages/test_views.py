"""caleido.viz on its own: network data, layouts and the kaleidoscope's rings and sectors, from real use-case
results."""

from __future__ import annotations

import math

from caleido.graph import usecases
from caleido.viz.coverage_map import coverage_map, map_order
from caleido.viz.kaleidoscope import RINGS, KaleidoscopeFilters, kaleidoscope
from caleido.viz.layout import ring, rings_by_depth
from caleido.viz.network import PHYSICS_LIMIT, Network, explore_href
from caleido.viz.radial import GAP, Anchor, columns
from tests.helpers import plain
from tests.pages.conftest import PAYLOAD, Site


def test_network_keeps_ids_unique_and_edges_between_known_nodes() -> None:
    network = Network()
    network.add_node("a", PAYLOAD, cls="RiskFactor")
    network.add_node("a", "again", cls="RiskFactor")
    network.add_node("b", "B", cls="Value")
    network.add_edge("a", "b")
    network.add_edge("a", "missing")
    data = network.data()
    assert [n["id"] for n in data["nodes"]] == ["a", "b"]
    assert data["nodes"][0]["title"] == PAYLOAD  # plain text: vis-network shows a string title with innerText
    assert [(e["from"], e["to"]) for e in data["edges"]] == [("a", "b")]


def test_physics_runs_only_up_to_the_limit() -> None:
    small, big = Network(), Network()
    for i in range(PHYSICS_LIMIT):
        small.add_node(str(i), "n", cls="Finding")
        big.add_node(str(i), "n", cls="Finding")
    big.add_node("one-more", "n", cls="Finding")
    assert small.data()["physics"] is True and big.data()["physics"] is False
    assert big.data()["options"]["physics"]["enabled"] is False


def test_explore_links_cannot_leave_the_path() -> None:
    assert explore_href("../../admin?x=1#y", "en") == "/explore/..%2F..%2Fadmin%3Fx%3D1%23y?lang=en"
    assert explore_href("//evil.example", "nl") == "/explore/%2F%2Fevil.example?lang=nl"


def test_layouts_are_deterministic_and_spread() -> None:
    depths = {"c": 0, **{f"n{i}": 1 for i in range(30)}, **{f"m{i}": 2 for i in range(90)}}
    neighbours = {f"m{i}": {f"n{i % 30}"} for i in range(90)}
    first, second = rings_by_depth(depths, neighbours), rings_by_depth(dict(reversed(depths.items())), neighbours)
    assert first == second
    assert first["c"] == (0.0, 0.0)
    assert len({(round(x), round(y)) for x, y in first.values()}) == len(depths)  # no two nodes on one spot
    assert all(math.isclose(math.hypot(*p), 300.0) for p in ring(7, 300.0))


def test_kaleidoscope_rings_go_from_the_individual_outwards(site: Site) -> None:
    typed = usecases.model(site.store, lang="en")
    view = kaleidoscope(typed, {}, KaleidoscopeFilters(include_proposed=True), "en")
    again = kaleidoscope(typed, {}, KaleidoscopeFilters(include_proposed=True), "en")
    assert view["diagram"] == again["diagram"]  # the same picture on every visit
    dots = {d["id"]: math.hypot(d["x"], d["y"]) for d in view["diagram"]["dots"]}
    dimension = {m.id: m.dimension for m in typed.members}
    for member, radius in dots.items():  # each member inside its dimension's ring; the individual is the centre
        inner, outer = RINGS[dimension[member] or ""]
        assert inner <= radius <= outer, member
    assert [r["id"] for r in view["diagram"]["rings"]] == list(RINGS)


def test_kaleidoscope_factors_sit_in_their_clusters_sector(site: Site) -> None:
    typed = usecases.model(site.store, lang="nl")
    view = kaleidoscope(typed, {}, KaleidoscopeFilters(scheme="CoeusClusterScheme"), "nl")
    sectors = view["sectors"]
    assert sectors[-1]["anchor"] == "sector-none" and all(s["anchor"] != "sector-none" for s in sectors[:-1])
    coeus = {c.id for s in typed.cluster_schemes if s.id == "CoeusClusterScheme" for c in s.clusters}
    held = {f["href"]: s["anchor"] for s in sectors for f in s["factors"]}
    for member in typed.members:
        href = f"/explore/{member.id}?lang=nl"
        if href in held and held[href] != "sector-none":
            assert held[href] == "sector-" + next(c for c in member.clusters if c in coeus)
    social = next(s for s in sectors if s["anchor"] == "sector-coeus-social")
    assert [i["id"] for i in social["interventions"]] == ["int-xss"]
    assert PAYLOAD in {t["label"] for t in social["interventions"][0]["targets"]}  # a factor it addresses


def test_label_columns_never_overlap_even_when_crowded() -> None:
    anchors = [Anchor(f"n{i}", "a label " * (1 + i % 6), 0.3 + i * 0.001, (0.0, 0.0)) for i in range(80)]
    placed, half = columns(anchors, 450.0)
    right = sorted((p for p in placed if p.anchor == "start"), key=lambda p: p.top)
    assert len(right) == 80
    assert all(a.top + a.height + GAP <= b.top + 1e-6 for a, b in zip(right, right[1:], strict=False))
    assert -half <= right[0].top and right[-1].top + right[-1].height <= half + 1e-6


def test_kaleidoscope_filters_narrow_what_is_drawn(site: Site) -> None:
    typed = usecases.model(site.store, lang="nl")
    everything = kaleidoscope(typed, {}, KaleidoscopeFilters(), "nl")
    social = kaleidoscope(typed, {}, KaleidoscopeFilters(domain="social"), "nl")
    coeus = kaleidoscope(typed, {}, KaleidoscopeFilters(scheme="CoeusClusterScheme"), "nl")
    model = plain(typed)
    # proposed links too, so that the domain filter is tested on more than the few accepted interventions
    every_claim = kaleidoscope(typed, {}, KaleidoscopeFilters(include_proposed=True), "nl")
    social_claims = kaleidoscope(typed, {}, KaleidoscopeFilters(domain="social", include_proposed=True), "nl")
    assert 0 < social["counts"]["interventions"] <= everything["counts"]["interventions"]
    assert 0 < social_claims["counts"]["interventions"] < every_claim["counts"]["interventions"]
    assert coeus["counts"]["members"] < everything["counts"]["members"]
    clustered = {r["id"] for r in coeus["table"] if r["class"] == "Risicofactor"}
    assert clustered and all(
        any(c.startswith("coeus-") for c in m["clusters"]) for m in model["members"] if m["id"] in clustered
    )


def test_the_map_pages_its_rows_and_keeps_their_groups(site: Site) -> None:
    every_row = usecases.coverage_rows(site.store)
    themes = usecases.labels(site.store, {t for row in every_row for t in row.themes})
    ordered = map_order(every_row, themes, "en")

    def view(offset: int, per_page: int) -> dict:
        result = usecases.coverage(site.store, rows=ordered, offset=offset, limit=per_page)
        return coverage_map(result, themes, "en", lambda i, t: "#", per_page=per_page)

    whole = view(0, 10_000)
    count = -(-len(every_row) // 7)
    pages = [view(n * 7, 7) for n in range(count)]
    assert count >= 3 and all(p["page"]["pages"] == count for p in pages)
    assert [p["page"]["number"] for p in pages] == list(range(count))
    assert sum(len(p["row_groups"]) for p in pages) > len(whole["row_groups"])  # a group cut by a page goes on

    def rows(view: dict) -> list[str]:
        return [r["id"] for g in view["row_groups"] for r in g["rows"]]

    assert sum((rows(p) for p in pages), []) == rows(whole)  # every row once, in the same order
    assert all(len(rows(p)) <= 7 for p in pages)
