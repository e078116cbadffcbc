"""Network views as vis-network data: nodes, edges and options, ready to embed in a page as JSON.

pyvis 0.3.2 wraps this same renderer, but Caleido builds the data itself: pyvis checks every new node and
edge against lists of all earlier ones (2,000 nodes took 0.37 s, 10,000 took 7.5 s on this machine before any
HTML was written), its templates load from CDNs and are not escaped, and a title with `href` turns every
tooltip into raw HTML (an innerHTML popup). Here titles are plain text (vis-network shows them with innerText), the
page embeds the data with Jinja's `tojson` (which escapes `<`, `>`, `&` and quotes), and vis-network comes
from the app's own static files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from caleido.viz import palette

# Above this many nodes the browser's physics simulation would freeze the page: positions are fixed.
PHYSICS_LIMIT = 1000
LABEL_CHARS = 40


def short(text: str, limit: int = LABEL_CHARS) -> str:
    """A label short enough for the canvas (the full text stays in the tooltip and the table)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def explore_href(node_id: str, lang: str) -> str:
    """The explorer page of a node; the id is percent-encoded whole, so it can never leave the path."""
    return f"/explore/{quote(node_id, safe='')}?lang={lang}"


@dataclass
class Network:
    """Nodes and edges in vis-network's shape; ids are unique and edges only join known nodes."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    _ids: set[str] = field(default_factory=set)

    def add_node(
        self,
        node_id: str,
        label: str,
        *,
        cls: str,
        dimension: str | None = None,
        title: str = "",
        position: tuple[float, float] | None = None,
        href: str | None = None,
        size: int = 16,
        **extra: Any,
    ) -> None:
        if node_id in self._ids:
            return
        self._ids.add(node_id)
        node: dict[str, Any] = {
            "id": node_id,
            "label": short(label),
            "title": title or label,
            "group": cls,
            "color": palette.colour(cls, dimension),
            "shape": palette.shape(cls),
            "size": size,
            **extra,
        }
        if position is not None:
            node["x"], node["y"] = round(position[0], 1), round(position[1], 1)
        if href is not None:
            node["href"] = href
        self.nodes.append(node)

    def add_edge(self, source: str, target: str, *, title: str = "", **extra: Any) -> None:
        if source in self._ids and target in self._ids:
            self.edges.append({"from": source, "to": target, "title": title, **extra})

    def data(self, *, physics: bool | None = None) -> dict[str, Any]:
        """The JSON a page embeds; physics runs only for networks small enough to settle quickly."""
        if physics is None:
            physics = len(self.nodes) <= PHYSICS_LIMIT
        big = len(self.nodes) > PHYSICS_LIMIT
        options = {
            "autoResize": True,
            "layout": {"improvedLayout": False},  # positions come from caleido.viz.layout
            "physics": {
                "enabled": physics,
                "stabilization": {"enabled": True, "iterations": 150, "fit": True},
                "barnesHut": {"gravitationalConstant": -4000, "springLength": 140, "avoidOverlap": 0.2},
            },
            "interaction": {
                "hover": True,
                "tooltipDelay": 120,
                "keyboard": {"enabled": True, "bindToWindow": False},
                "hideEdgesOnDrag": big,
                "hideEdgesOnZoom": big,
            },
            "nodes": {"font": {"size": 18, "color": "#1a1a1a", "strokeWidth": 3, "strokeColor": "#ffffff"}},
            "edges": {
                "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                "color": {"color": "#9a9a9a", "highlight": "#222222", "hover": "#444444"},
                "smooth": False,
                "width": 1,
            },
        }
        return {"nodes": self.nodes, "edges": self.edges, "options": options, "physics": physics}
