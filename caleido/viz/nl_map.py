"""The map of the Netherlands as SVG: municipalities and optional region outlines from the vendored 2025
boundaries (seed/regions/boundaries/), drawn once per process, and the classes and legend of a measure."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from caleido.viz.geometry import Point, Shape, shapes

MUNICIPALITIES = "gemeente_2025.topojson"
OUTLINE_FILES = {  # region type -> file; the order is the order the checkboxes and layers are drawn in
    "safety-region": "veiligheidsregio_2025.topojson",
    "ggd-region": "ggdregio_2025.topojson",
    "police-unit": "regionale_eenheid_2025.topojson",
}
UNIT = 100.0  # metres per SVG unit: integer coordinates are 100 m apart, ample for a map ~300 km across
TOLERANCE = 100.0  # metres a simplified border may stray: one unit (the source is already generalised)
MARGIN = 20  # units around the country

# Sequential blues (ColorBrewer "Blues", colour-blind safe); white for none, with its border drawn in grey.
NONE_COLOUR = "#ffffff"
CLASS_COLOURS = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    d: str  # SVG path data


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    municipalities: tuple[Area, ...]
    outlines: dict[str, str]  # region type -> one path for all its regions


@cache
def drawing(folder: Path) -> Drawing:
    """The municipalities and the outlines, projected, simplified and written as SVG path data; computed once
    per process, since the boundaries never change while it runs."""
    municipalities = _layer(folder / MUNICIPALITIES)
    points = [p for s in municipalities for polygon in s.polygons for ring in polygon for p in ring]
    left, top = min(x for x, _ in points), max(y for _, y in points)
    width = math.ceil((max(x for x, _ in points) - left) / UNIT) + 2 * MARGIN
    height = math.ceil((top - min(y for _, y in points)) / UNIT) + 2 * MARGIN

    def place(point: Point) -> tuple[int, int]:  # SVG's y grows downwards
        return round((point[0] - left) / UNIT) + MARGIN, round((top - point[1]) / UNIT) + MARGIN

    def path(found: list[Shape]) -> list[str]:
        return ["".join(_ring_path([place(p) for p in ring]) for poly in s.polygons for ring in poly) for s in found]

    outlines = {kind: "".join(path(_layer(folder / name))) for kind, name in OUTLINE_FILES.items()}
    areas = tuple(Area(s.code, s.name, d) for s, d in zip(municipalities, path(municipalities), strict=True))
    return Drawing(width, height, areas, outlines)


def _layer(file: Path) -> list[Shape]:
    return shapes(json.loads(file.read_text(encoding="utf-8")), TOLERANCE)


def _ring_path(ring: list[tuple[int, int]]) -> str:
    """A closed ring as a move and relative lines; repeated points (after rounding) dropped, and a ring that
    rounds to fewer than three points left out."""
    kept: list[tuple[int, int]] = []
    for point in ring:
        if not kept or point != kept[-1]:
            kept.append(point)
    if len(kept) > 1 and kept[0] == kept[-1]:
        kept.pop()
    if len(kept) < 3:
        return ""
    steps = " ".join(f"{b[0] - a[0]} {b[1] - a[1]}" for a, b in zip(kept, kept[1:], strict=False))
    return f"M{kept[0][0]} {kept[0][1]}l{steps}z"


# ---------------------------------------------------------------- classes and legend


@dataclass(frozen=True)
class MapClass:
    low: int
    high: int  # inclusive
    colour: str
    count: int = 0


def count_classes(values: list[int]) -> list[MapClass]:
    """Classes of a count: 0 on its own, then one class a value when there are five or fewer values above
    0, else five ranges of equal width from 1 to the largest."""
    top = max(values, default=0)
    if top <= len(CLASS_COLOURS):
        bounds = [(v, v) for v in range(1, top + 1)]
    else:
        step = math.ceil(top / len(CLASS_COLOURS))
        bounds = [(low, min(low + step - 1, top)) for low in range(1, top + 1, step)]
    colours = CLASS_COLOURS[-len(bounds) :] if bounds else ()  # few classes take the darker colours
    classes = [MapClass(0, 0, NONE_COLOUR), *(MapClass(lo, hi, c) for (lo, hi), c in zip(bounds, colours, strict=True))]
    return [MapClass(c.low, c.high, c.colour, sum(c.low <= v <= c.high for v in values)) for c in classes]


def class_of(classes: list[MapClass], value: int) -> MapClass:
    return next(c for c in classes if c.low <= value <= c.high)


def map_areas(
    picture: Drawing, values: dict[str, int], classes: list[MapClass], describe: Callable[[str, str, int], str]
) -> list[dict[str, Any]]:
    """The municipalities to draw, each with its value, colour and text (`describe(name, code, value)`); a
    municipality the measure does not know counts 0."""
    return [
        {
            "code": a.code,
            "name": a.name,
            "d": a.d,
            "value": values.get(a.code, 0),
            "colour": class_of(classes, values.get(a.code, 0)).colour,
            "label": describe(a.name, a.code, values.get(a.code, 0)),
        }
        for a in picture.municipalities
    ]
