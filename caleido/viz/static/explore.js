"use strict";
// The explorer: a click on a node shows its provenance (from /api/v1/nodes/{id}) and brings in its
// neighbours (from /api/v1/nodes/{id}/neighbourhood). Text from the graph is only ever set as text.
(function () {
  const container = document.getElementById("explorer");
  if (!container) return;
  const config = JSON.parse(document.getElementById("explorer-config").textContent);
  const lang = document.documentElement.lang;
  const panel = document.getElementById("provenance");
  const status = document.getElementById("expand-status");
  const fields = ["source", "locator", "status", "added_by", "added_at", "reviewed_by", "reviewed_at"];

  function name(row) { return row["label_" + lang] || row.label_nl || row.label_en || row.id; }
  function short(text) { return text.length <= 40 ? text : text.slice(0, 39) + "…"; }
  function href(id) { return "/explore/" + encodeURIComponent(id) + "?lang=" + lang; }
  function element(tag, text) { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) throw new Error(config.texts.error + " " + response.status);
      return response.json();
    });
  }

  function showProvenance(id) {
    getJSON("/api/v1/nodes/" + encodeURIComponent(id)).then(function (node) {
      const kind = config.classes[node.class] ? config.classes[node.class].label : node.class;
      const title = element("h2", panel.querySelector("h2").textContent);
      title.id = "provenance-title";
      const heading = element("p");
      const link = element("a", name(node));
      link.href = href(node.id);
      link.id = "provenance-name";
      heading.append(link, " ", element("span", "(" + kind + ")"));
      const list = element("dl");
      const definition = node["definition_" + lang] || node.definition_nl;
      fields.forEach(function (field) {
        if (node[field] === null || node[field] === undefined || node[field] === "") return;
        list.append(element("dt", config.texts[field]), element("dd", String(node[field])));
      });
      list.append(element("dt", config.texts.links), element("dd", String(node.links.length)));
      panel.replaceChildren(title, heading, definition ? element("p", definition) : "", list, status);
    }).catch(function (error) { status.textContent = error.message; });
  }

  function expand(detail) {
    const id = detail.node.id;
    getJSON("/api/v1/nodes/" + encodeURIComponent(id) + "/neighbourhood?depth=1&limit=" + config.expand_limit)
      .then(function (hood) {
        const origin = detail.network.getPositions([id])[id];
        const fresh = hood.nodes.filter(function (n) { return detail.nodes.get(n.id) === null; });
        detail.nodes.add(fresh.map(function (n, i) {
          const angle = (2 * Math.PI * i) / Math.max(fresh.length, 1);
          const style = config.classes[n.class] || { label: n.class, color: "#999999", shape: "dot" };
          return {
            id: n.id, label: short(name(n)), title: name(n) + "\n" + style.label, color: style.color,
            shape: style.shape, size: 16, href: href(n.id),
            x: origin.x + 180 * Math.cos(angle), y: origin.y + 180 * Math.sin(angle),
          };
        }));
        hood.links.forEach(function (l) {
          const key = l.from + "|" + l.rel + "|" + l.to;
          if (detail.edges.get(key) === null) {
            detail.edges.add({ id: key, from: l.from, to: l.to, title: config.rels[l.rel] || l.rel });
          }
        });
        container.dataset.expanded = String(Number(container.dataset.expanded || 0) + fresh.length);
        status.textContent = "+" + fresh.length;
      })
      .catch(function (error) { status.textContent = error.message; });
  }

  container.addEventListener("caleido:node", function (event) {
    showProvenance(event.detail.node.id);
    expand(event.detail);
  });
  container.addEventListener("dblclick", function () {
    const selected = window.caleido.networks.explorer.network.getSelectedNodes();
    if (selected.length) window.location.assign(href(selected[0]));
  });
})();
