"""Fixed positions for network views, computed here so pages are stable between visits and large
networks never need the browser's physics simulation. All layouts are deterministic: same input,
same picture.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# Room per node along a ring, in canvas units: enough for a dot and a short label.
NODE_SPACING = 70.0
RING_GAP = 220.0


def ring(count: int, radius: float, *, start: float = -math.pi / 2) -> list[tuple[float, float]]:
    """`count` points evenly spaced on a circle, the first at the top, going clockwise."""
    if count == 0:
        return []
    step = 2 * math.pi / count
    return [(radius * math.cos(start + i * step), radius * math.sin(start + i * step)) for i in range(count)]


def radius_for(count: int, minimum: float) -> float:
    """The smallest radius at least `minimum` whose circumference fits `count` nodes."""
    return max(minimum, count * NODE_SPACING / (2 * math.pi))


def mean_angle(points: Sequence[tuple[float, float]]) -> float | None:
    """The direction of the average of points seen from the centre (None when they cancel out)."""
    x = sum(p[0] for p in points)
    y = sum(p[1] for p in points)
    if not points or math.hypot(x, y) < 1e-9:
        return None
    return math.atan2(y, x)


def order_by_angle(items: Sequence[str], anchors: dict[str, list[tuple[float, float]]]) -> list[str]:
    """Items ordered clockwise from the top by the mean direction of their anchors; unanchored ones last."""

    def key(item: str) -> tuple[int, float, str]:
        angle = mean_angle(anchors.get(item, []))
        if angle is None:
            return (1, 0.0, item)
        return (0, (angle + math.pi / 2) % (2 * math.pi), item)

    return sorted(items, key=key)


def rings_by_depth(depths: dict[str, int], neighbours: dict[str, set[str]]) -> dict[str, tuple[float, float]]:
    """Positions for a neighbourhood: the centre at depth 0, each further depth on a wider ring, each node
    turned towards the neighbours it has on the rings inside."""
    positions: dict[str, tuple[float, float]] = {}
    radius = 0.0
    for depth in sorted(set(depths.values())):
        members = [n for n, d in depths.items() if d == depth]
        if depth == 0 and len(members) == 1:
            positions[members[0]] = (0.0, 0.0)
            continue
        anchors = {n: [positions[m] for m in neighbours.get(n, ()) if m in positions] for n in members}
        radius = radius_for(len(members), radius + RING_GAP)
        positions.update(zip(order_by_angle(members, anchors), ring(len(members), radius), strict=True))
    return positions
