"""Small helpers that look into a drawn vis-network from the page (through window.caleido)."""

from __future__ import annotations

from typing import Any

PAINTED = """(id) => {
  const canvas = document.querySelector('#' + id + ' canvas');
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
  return painted;
}"""

# Centre the node in a network scrolled fully into view (a click focuses the network, and a network cut off
# by the window's edge would scroll under the pointer between pressing and releasing).
FOCUS = """([id, node]) => {
  document.getElementById(id).scrollIntoView({block: 'center'});
  window.caleido.networks[id].network.focus(node, {scale: 1.2, animation: false});
}"""

NODE_POINT = """([id, node]) => {
  const network = window.caleido.networks[id].network;
  const position = network.getPositions([node])[node];
  const point = network.canvasToDOM(position);
  const box = document.getElementById(id).getBoundingClientRect();
  return {x: box.left + point.x, y: box.top + point.y};
}"""


def wait_drawn(page: Any, network: str) -> None:
    page.wait_for_selector(f"#{network}[data-drawn='true']", timeout=15_000)


def painted_pixels(page: Any, network: str) -> int:
    """Pixels of the network's canvas that something was drawn on (the canvas starts transparent)."""
    return int(page.evaluate(PAINTED, network))


def node_count(page: Any, network: str) -> int:
    return int(page.evaluate("(id) => window.caleido.networks[id].nodes.length", network))


def node_point(page: Any, network: str, node: str) -> dict[str, float]:
    point: dict[str, float] = page.evaluate(NODE_POINT, [network, node])
    return point


def click_node(page: Any, network: str, node: str) -> None:
    page.evaluate(FOCUS, [network, node])
    point = node_point(page, network, node)
    page.mouse.click(point["x"], point["y"])


def hover_node(page: Any, network: str, node: str) -> None:
    page.evaluate(FOCUS, [network, node])
    point = node_point(page, network, node)
    page.mouse.move(point["x"] - 20, point["y"] - 20)
    page.mouse.move(point["x"], point["y"], steps=4)
