"use strict";
// Draws every network on a page from its JSON data island (never from HTML), and paints colour swatches.
// Pages listen to "caleido:node" on a network's container to act on a click.
(function () {
  const networks = {};

  function draw(container) {
    const data = JSON.parse(document.getElementById(container.dataset.graph).textContent);
    const nodes = new vis.DataSet(data.nodes);
    const edges = new vis.DataSet(data.edges);
    const network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
    if (data.physics) {
      network.once("stabilizationIterationsDone", function () { network.setOptions({ physics: false }); });
    }
    network.once("afterDrawing", function () { container.dataset.drawn = "true"; });
    network.on("click", function (params) {
      if (!params.nodes.length) return;
      const node = nodes.get(params.nodes[0]);
      const detail = { node: node, nodes: nodes, edges: edges, network: network };
      container.dispatchEvent(new CustomEvent("caleido:node", { detail: detail }));
      if (container.dataset.click === "open" && node.href) window.location.assign(node.href);
    });
    networks[container.id] = { network: network, nodes: nodes, edges: edges };
    nameFocusable(container);
  }

  // vis-network makes an element of its own inside the container focusable (for its keyboard panning and
  // zooming); a screen reader meets the drawing there, so the picture's name and caption move onto it.
  function nameFocusable(container) {
    const focusable = container.querySelector(".vis-network[tabindex]");
    if (!focusable) return;
    ["role", "aria-label", "aria-describedby"].forEach(function (name) {
      focusable.setAttribute(name, container.getAttribute(name));
      container.removeAttribute(name);
    });
  }

  // A link to a table kept in a closed <details> (the text alternative of a drawing) opens it.
  function openTarget() {
    const target = window.location.hash && document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    const details = target && target.closest("details");
    if (details) details.open = true;
  }

  document.querySelectorAll("[data-colour]").forEach(function (element) {
    element.style.backgroundColor = element.dataset.colour;
  });
  document.querySelectorAll(".network[data-graph]").forEach(draw);
  window.addEventListener("hashchange", openTarget);
  openTarget();
  window.caleido = { networks: networks };
})();
