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
  }

  document.querySelectorAll("[data-colour]").forEach(function (element) {
    element.style.backgroundColor = element.dataset.colour;
  });
  document.querySelectorAll(".network[data-graph]").forEach(draw);
  window.caleido = { networks: networks };
})();
