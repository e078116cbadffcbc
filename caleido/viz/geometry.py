"""Plane geometry for the map of the Netherlands: TopoJSON decoded, projected to RD New and simplified.

TopoJSON stores each border once, as an arc shared by the polygons on both sides; simplifying arc by arc
(never ring by ring) keeps neighbouring municipalities on one border, without slivers or gaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Point = tuple[float, float]
Ring = list[Point]

# RD New (EPSG:28992) from WGS84 by the approximation formulas of Schreutelkamp and Strang van Hees (2001,
# "Benaderingsformules voor de transformatie tussen RD- en WGS84-kaartcoördinaten"): about a metre from the
# exact transformation over the Netherlands, with no PROJ library. Terms (p, q, coefficient) of
# dphi^p * dlam^q, with dphi and dlam in units of 10,000 seconds of arc from the Amersfoort origin.
_PHI0, _LAM0 = 52.15517440, 5.38720621
_X0, _Y0 = 155_000.0, 463_000.0
_R = (
    (0, 1, 190094.945),
    (1, 1, -11832.228),
    (2, 1, -114.221),
    (0, 3, -32.391),
    (1, 0, -0.705),
    (3, 1, -2.340),
    (1, 3, -0.608),
    (0, 2, -0.008),
    (2, 3, 0.148),
)
_S = (
    (1, 0, 309056.544),
    (0, 2, 3638.893),
    (2, 0, 73.077),
    (1, 2, -157.984),
    (3, 0, 59.788),
    (0, 1, 0.433),
    (2, 2, -6.439),
    (1, 1, -0.032),
    (0, 4, 0.092),
    (1, 4, -0.054),
)


def rd_new(lon: float, lat: float) -> Point:
    """RD New (x east, y north, metres) of a WGS84 longitude and latitude."""
    dphi, dlam = 0.36 * (lat - _PHI0), 0.36 * (lon - _LAM0)
    x = _X0 + sum(c * dphi**p * dlam**q for p, q, c in _R)
    y = _Y0 + sum(c * dphi**p * dlam**q for p, q, c in _S)
    return x, y


def decode_arcs(topology: dict[str, Any]) -> list[Ring]:
    """The topology's arcs as longitude/latitude points: positions are delta-encoded integers when the
    topology has a `transform` (quantised), plain coordinates otherwise."""
    transform = topology.get("transform")
    arcs: list[Ring] = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplify(points: Ring, tolerance: float) -> Ring:
    """Douglas-Peucker: the points of a line that stay within `tolerance` of it, both ends kept. A closed line
    (an island's whole coast) is split at its farthest point first, so it keeps at least three points."""
    if len(points) < 3:
        return list(points)
    if points[0] == points[-1]:
        far = max(range(1, len(points) - 1), key=lambda i: _distance2(points[i], points[0]))
        return simplify(points[: far + 1], tolerance)[:-1] + simplify(points[far:], tolerance)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    limit = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, 0
        for i in range(first + 1, last):
            d = _segment_distance2(points[i], points[first], points[last])
            if d > worst:
                worst, index = d, i
        if worst > limit:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _distance2(a: Point, b: Point) -> float:
    return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2


def _segment_distance2(p: Point, a: Point, b: Point) -> float:
    """Squared distance from p to the segment a-b."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length2 = dx * dx + dy * dy
    if length2 == 0:
        return _distance2(p, a)
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2))
    return _distance2(p, (a[0] + t * dx, a[1] + t * dy))


@dataclass(frozen=True)
class Shape:
    """One feature of a layer: its CBS code, name and polygons (each a list of rings, outer ring first)."""

    code: str
    name: str
    polygons: list[list[Ring]]


def shapes(topology: dict[str, Any], tolerance: float) -> list[Shape]:
    """The features of the topology's (first) object in RD New, each arc simplified once for all its users."""
    arcs = [simplify([rd_new(lon, lat) for lon, lat in arc], tolerance) for arc in decode_arcs(topology)]
    layer = next(iter(topology["objects"].values()))
    found = []
    for geometry in layer["geometries"]:
        parts = {"Polygon": [geometry["arcs"]], "MultiPolygon": geometry["arcs"]}.get(geometry["type"], [])
        polygons = [[_ring(arcs, indices) for indices in polygon] for polygon in parts]
        properties = geometry["properties"]
        found.append(Shape(properties["statcode"], properties["statnaam"], polygons))
    return found


def _ring(arcs: list[Ring], indices: list[int]) -> Ring:
    """A ring joined from its arcs; a negative index ~i is arc i reversed. Arcs meet on a shared point,
    which is kept once."""
    ring: Ring = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring += arc[1:] if ring else arc
    return ring
