"""The map's geometry: the RD New approximation against PROJ's own results, TopoJSON decoding, Douglas-Peucker,
and the drawing of the vendored 2025 boundaries (342 municipalities, shared borders kept shared)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from caleido.loaders.sources import SEED_FOLDER
from caleido.viz.geometry import decode_arcs, rd_new, shapes, simplify
from caleido.viz.nl_map import NONE_COLOUR, count_classes, drawing

BOUNDARIES = SEED_FOLDER / "regions" / "boundaries"

# EPSG:4326 -> EPSG:28992 by pyproj 3.7.2 (PROJ), computed once when this test was written.
PROJ = [
    ((5.38720621, 52.15517440), (155000.2, 463000.2)),
    ((6.5665, 53.2194), (233769.7, 582065.4)),
    ((5.6909, 50.8514), (176388.0, 317996.2)),
    ((3.5734, 51.4427), (28906.2, 385302.2)),
    ((7.2, 53.5), (275291.8, 614166.8)),
]


@pytest.mark.parametrize(("lonlat", "expected"), PROJ)
def test_rd_new_is_within_a_metre_of_proj(lonlat: tuple[float, float], expected: tuple[float, float]) -> None:
    x, y = rd_new(*lonlat)
    assert abs(x - expected[0]) < 1 and abs(y - expected[1]) < 1


def test_quantised_arcs_are_delta_decoded() -> None:
    topology = {"transform": {"scale": [0.5, 2], "translate": [10, 20]}, "arcs": [[[1, 1], [2, -1], [0, 3]]]}
    assert decode_arcs(topology) == [[(10.5, 22.0), (11.5, 20.0), (11.5, 26.0)]]


def test_douglas_peucker_keeps_ends_and_far_points() -> None:
    line = [(0.0, 0.0), (1.0, 0.1), (2.0, -0.1), (3.0, 5.0), (4.0, 0.0)]
    assert simplify(line, 0.5) == [(0.0, 0.0), (2.0, -0.1), (3.0, 5.0), (4.0, 0.0)]
    island = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]
    assert len(simplify(island, 10.0)) >= 3  # a closed line never collapses


def test_the_vendored_municipalities_are_the_342_of_2025() -> None:
    topology = json.loads((BOUNDARIES / "gemeente_2025.topojson").read_text(encoding="utf-8"))
    found = shapes(topology, 100.0)
    assert len(found) == 342 and len({s.code for s in found}) == 342
    assert {s.name for s in found if s.code in ("GM0363", "GM0193")} == {"Amsterdam", "Zwolle"}


def test_the_drawing_is_complete_and_neighbours_share_their_border() -> None:
    picture = drawing(Path(BOUNDARIES))
    assert len(picture.municipalities) == 342 and all(a.d.startswith("M") for a in picture.municipalities)
    assert set(picture.outlines) == {"safety-region", "ggd-region", "police-unit"}
    assert 2000 < picture.width < picture.height < 4000  # the country is taller than wide, at 100 m a unit
    # Arc by arc: a border simplified once for both sides, so every vertex of Utrecht's ring that lies on
    # De Bilt's border is a vertex of De Bilt's ring too.
    by_code = {a.code: a for a in picture.municipalities}
    assert _vertices(by_code["GM0344"].d) & _vertices(by_code["GM0310"].d)


def _vertices(d: str) -> set[tuple[int, int]]:
    found: set[tuple[int, int]] = set()
    for ring in d.split("M")[1:]:
        start, _, steps = ring.rstrip("z").partition("l")
        x, y = (int(v) for v in start.split())
        found.add((x, y))
        numbers = [int(v) for v in steps.split()]
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            x, y = x + dx, y + dy
            found.add((x, y))
    return found


def test_count_classes() -> None:
    assert [(c.low, c.high, c.count) for c in count_classes([0, 0, 1, 3])] == [
        (0, 0, 2),
        (1, 1, 1),
        (2, 2, 0),
        (3, 3, 1),
    ]
    wide = count_classes(list(range(0, 13)))
    assert [(c.low, c.high) for c in wide] == [(0, 0), (1, 3), (4, 6), (7, 9), (10, 12)]
    assert sum(c.count for c in wide) == 13 and wide[0].colour == NONE_COLOUR
    assert [(c.low, c.count) for c in count_classes([0, 0])] == [(0, 2)]
