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

  function explore(id, text) { const a = element("a", text); a.href = href(id); return a; }

  // A claim's evidence beside it, as templates/_macros.html draws it: the passage, where it is, further
  // passages, a link's note, and the claim's status when it is not accepted.
  function claim(c, sources) {
    const box = element("span");
    box.className = "claim";
    if (c.quote) { const q = element("q", c.quote); q.className = "quote"; box.append(q); }
    else { const none = element("span", "(" + config.texts["quote.none"] + ")"); none.className = "no-quote"; box.append(none); }
    const where = element("span", " — ");
    where.className = "where";
    if (c.source) where.append(explore(c.source, sources[c.source] ? name(sources[c.source]) : c.source));
    if (c.locator) where.append(", " + c.locator);
    box.append(" ", where);
    (c.citations || []).forEach(function (p) {
      const passage = element("span");
      passage.className = "passage";
      if (p.quote) { const q = element("q", p.quote); q.className = "quote"; passage.append(q, " "); }
      const at = element("span", "— " + p.locator);
      at.className = "where";
      passage.append(at);
      box.append(" ", passage);
    });
    if (c.note) { const note = element("span", "(" + c.note + ")"); note.className = "note"; box.append(" ", note); }
    if (c.status && c.status !== "accepted") {
      const mark = element("span", config.statuses[c.status] || c.status);
      mark.className = "status-mark";
      box.append(" ", mark);
    }
    return box;
  }

  // "3 december 2026 06:52", as the server writes it with Babel (i18n.long_datetime).
  function when(iso) {
    const moment = new Date(iso);
    if (isNaN(moment.getTime())) return String(iso);
    const zone = { timeZone: config.time_zone };
    const day = new Intl.DateTimeFormat(config.locale.replace("_", "-"), Object.assign({ day: "numeric", month: "long", year: "numeric" }, zone));
    const time = new Intl.DateTimeFormat(config.locale.replace("_", "-"), Object.assign({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" }, zone));
    return day.format(moment) + " " + time.format(moment);
  }

  function gloss(note) { const g = element("span", "(" + note + ")"); g.className = "gloss"; return g; }

  function showProvenance(id) {
    getJSON("/api/v1/nodes/" + encodeURIComponent(id)).then(function (node) {
      const sources = {};
      (node.cited || []).forEach(function (s) { sources[s.id] = s; });
      const kind = config.classes[node.class] ? config.classes[node.class].label : node.class;
      const curator = node.gloss === "curator";
      const title = element("h2", panel.querySelector("h2").textContent);
      title.id = "provenance-title";
      const heading = element("p");
      const link = explore(node.id, name(node));
      link.id = "provenance-name";
      heading.append(link);
      if (curator && lang === "en" && node.label_en) heading.append(" ", gloss(config.texts["gloss.curator"]));
      heading.append(" ", element("span", "(" + kind + ")"));
      const parts = [title, heading];
      const other = lang === "nl" ? "en" : "nl";
      if (node["label_" + other] && node["label_" + other] !== name(node)) {
        const line = element("p", config.texts["label." + other] + ": " + node["label_" + other]);
        line.className = "other-label";
        if (curator && other === "en") line.append(" ", gloss(config.texts["gloss.curator"]));
        parts.push(line);
      }
      const definition = node["definition_" + lang] || node.definition_nl || node.definition_en;
      if (definition) parts.push(element("p", definition));
      const evidence = element("p");
      evidence.id = "provenance-claim";
      evidence.append(claim(node, sources));
      parts.push(evidence);
      const list = element("dl");
      fields.forEach(function (field) {
        if (node[field] === null || node[field] === undefined || node[field] === "") return;
        const value = field === "source" && sources[node.source] ? name(sources[node.source])
          : field === "status" ? config.statuses[node.status] || node.status
          : field.endsWith("_at") ? when(node[field]) : String(node[field]);
        list.append(element("dt", config.texts[field]), element("dd", value));
      });
      list.append(element("dt", config.texts.links), element("dd", String(node.links.length)));
      parts.push(list);
      const links = element("ul");
      links.className = "link-claims";
      links.id = "provenance-links";
      node.links.forEach(function (l) {
        const item = element("li");
        const rel = config.rels[l.rel] || l.rel;
        const far = explore(l.far.id, name(l.far));
        if (l.orientation === "outgoing") item.append("→ " + rel + " ", far);
        else item.append("← ", far, " " + rel);
        item.append(": ", claim(l, sources));
        links.append(item);
      });
      parts.push(links, status);
      panel.replaceChildren.apply(panel, parts);
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
