"""Geometry of a radial diagram drawn as SVG on the server: rings, sectors (annular wedges) and labels set in two
columns beside the circle, joined to their dots by leader lines.

The labels never overlap: each goes in the column on its dot's side, at the height of its dot, and a collision
pass (one sweep down, one sweep up) moves them apart by at least GAP. Heights come from the number of wrapped
lines, so only the text's height has to be estimated; its width only sizes the view box. Same input, same
picture: every sort has a tie-break on the key.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

Point = tuple[float, float]

WRAP = 30  # characters per label line; longer labels wrap, none is cut
LINE = 16.0  # height of a label line (13 px text)
GAP = 5.0  # at least this much between two labels in a column
ELBOW = 14.0  # the leader line turns this far outside the outer ring
COLUMN = 56.0  # the columns start this far outside the outer ring
CHAR = 7.4  # a generous width of one character of 13 px text (sizes the view box)


def polar(radius: float, angle: float) -> Point:
    return (radius * math.cos(angle), radius * math.sin(angle))


def wrap(text: str, width: int = WRAP) -> tuple[str, ...]:
    return tuple(textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False)) or (text,)


def _pt(point: Point) -> str:
    return f"{point[0]:.1f} {point[1]:.1f}"


def wedge(inner: float, outer: float, start: float, end: float) -> str:
    """The SVG path of the ring's part between two angles (radians, clockwise from the x axis)."""
    large = 1 if end - start > math.pi else 0
    return (
        f"M {_pt(polar(inner, start))} L {_pt(polar(outer, start))} "
        f"A {outer:.1f} {outer:.1f} 0 {large} 1 {_pt(polar(outer, end))} "
        f"L {_pt(polar(inner, end))} A {inner:.1f} {inner:.1f} 0 {large} 0 {_pt(polar(inner, start))} Z"
    )


def spread(weights: Sequence[tuple[str, int]], start: float, end: float) -> dict[str, tuple[float, float]]:
    """Each keyed item's part of [start, end] (radians), in order, as wide as its weight's share."""
    total = sum(w for _, w in weights) or 1
    out: dict[str, tuple[float, float]] = {}
    at = start
    for key, weight in weights:
        share = (end - start) * weight / total
        out[key] = (at, at + share)
        at += share
    return out


def evenly(count: int, start: float, end: float) -> list[float]:
    """`count` angles spread evenly over [start, end], none on either edge."""
    step = (end - start) / max(count, 1)
    return [start + step * (i + 0.5) for i in range(count)]


@dataclass(frozen=True)
class Anchor:
    """A label to place: its key, text, the dot it belongs to and the angle of that dot."""

    key: str
    text: str
    angle: float
    point: Point


@dataclass(frozen=True)
class Placed:
    key: str
    lines: tuple[str, ...]
    x: float  # where the text is anchored (its right edge in the left column, its left edge in the right)
    top: float
    anchor: str  # "start" or "end"
    leader: tuple[Point, ...]

    @property
    def height(self) -> float:
        return len(self.lines) * LINE

    @property
    def baseline(self) -> float:
        return self.top + LINE * 0.78


def _sweep(tops: list[float], heights: list[float], low: float, high: float) -> list[float]:
    """Tops moved apart: down from the top so none overlaps the one above, then up from the bottom so none
    runs past `high` (the column is made tall enough for all, so both hold at the end)."""
    out = list(tops)
    floor = low
    for i, h in enumerate(heights):
        out[i] = max(out[i], floor)
        floor = out[i] + h + GAP
    ceiling = high
    for i in range(len(out) - 1, -1, -1):
        out[i] = min(out[i], ceiling - heights[i])
        ceiling = out[i] - GAP
    return out


def columns(anchors: Sequence[Anchor], outer: float) -> tuple[list[Placed], float]:
    """Labels in two columns beside a circle of radius `outer`; returns them and the half-height they need."""
    sides: dict[bool, list[tuple[float, Anchor, tuple[str, ...]]]] = {True: [], False: []}
    for a in anchors:
        elbow_y = polar(outer + ELBOW, a.angle)[1]
        sides[math.cos(a.angle) >= -1e-9].append((elbow_y, a, wrap(a.text)))
    needed = [sum(len(lines) * LINE + GAP for _, _, lines in side) for side in sides.values()]
    half = max(outer + ELBOW + LINE, *(n / 2 for n in needed))
    placed: list[Placed] = []
    for right, side in sides.items():
        side.sort(key=lambda s: (s[0], s[1].key))
        heights = [len(lines) * LINE for _, _, lines in side]
        tops = _sweep([y - h / 2 for (y, _, _), h in zip(side, heights, strict=True)], heights, -half, half)
        x = outer + COLUMN if right else -(outer + COLUMN)
        for (_, a, lines), top, h in zip(side, tops, heights, strict=True):
            elbow = polar(outer + ELBOW, a.angle)
            end = (x - 6 if right else x + 6, top + h / 2)
            placed.append(Placed(a.key, lines, x, top, "start" if right else "end", (a.point, elbow, end)))
    return placed, half
