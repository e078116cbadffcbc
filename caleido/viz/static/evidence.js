"use strict";
// The evidence form posts as a plain form (the server resolves names and puts problems beside the fields);
// this adds type-ahead on names from /api/v1/search, and sends a CSV upload to the API with the key in the
// Authorization header (never in a URL), showing its per-row report. Everything from the server is set as text.
(function () {
  const form = document.getElementById("finding-form");
  if (!form) return;
  const texts = JSON.parse(document.getElementById("evidence-texts").textContent);
  const lang = document.documentElement.lang;
  const keyInput = document.getElementById("f-key");

  function element(tag, text) { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; }
  function headers(extra) { return Object.assign({ Authorization: "Bearer " + keyInput.value.trim(), Accept: "application/json" }, extra || {}); }

  // Type-ahead: a field with data-search offers the names /api/v1/search finds in those classes as the user
  // types; the form posts the name and the server resolves it, so a name typed without a pick works too.
  function typeAhead(input) {
    const list = document.getElementById(input.getAttribute("list"));
    const classes = input.dataset.search.split(" ");
    const served = Array.from(list.options).map(function (o) { return o.cloneNode(true); });
    let timer = null;
    let asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      const q = input.value.trim();
      if (q.length < 2 || q === asked) return;
      timer = setTimeout(function () {
        asked = q;
        const params = new URLSearchParams({ q: q, limit: "15" });
        classes.forEach(function (c) { params.append("class", c); });
        fetch("/api/v1/search?" + params.toString(), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (hits) {
            if (input.value.trim() !== q) return;
            const options = hits.map(function (hit) {
              const name = (lang === "en" ? hit.label_en || hit.label_nl : hit.label_nl || hit.label_en) || hit.id;
              const option = element("option", (texts.classes[hit.class] || hit.class) + " · " + hit.id);
              option.value = name;
              return option;
            });
            list.replaceChildren.apply(list, options.length ? options : served.map(function (o) { return o.cloneNode(true); }));
          })
          .catch(function () { /* the served names stay; the server resolves what is typed */ });
      }, 200);
    });
  }
  form.querySelectorAll("input[data-search]").forEach(typeAhead);

  function fieldError(input, message) {
    const note = element("span", message);
    note.className = "field-error";
    note.id = input.id + "-error";
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", note.id);
    input.insertAdjacentElement("afterend", note);
  }

  const upload = document.getElementById("upload-form");
  const report = document.getElementById("upload-report");
  upload.addEventListener("submit", function (event) {
    event.preventDefault();
    report.replaceChildren();
    const file = document.getElementById("f-file").files[0];
    if (!keyInput.value.trim()) { fieldError(keyInput, texts.key_missing); return; }
    if (!file) return;
    const body = new FormData();
    body.append("file", file);
    fetch("/api/v1/evidence/import", { method: "POST", headers: headers(), body: body })
      .then(function (response) { return response.json().then(function (json) { return { ok: response.ok, json: json }; }); })
      .then(function (result) {
        if (!result.ok) {
          const box = element("div");
          box.className = "notice error";
          box.setAttribute("role", "alert");
          box.append(element("strong", (result.json.title || texts.error) + ": "), element("span", result.json.detail || ""));
          const list = element("ul");
          (result.json.errors || []).forEach(function (e) {
            list.append(element("li", [e.location, e.field, e.message].filter(Boolean).join(" · ")));
          });
          box.append(list);
          report.replaceChildren(box);
          return;
        }
        const table = element("table");
        table.id = "import-report";
        const head = element("tr");
        [texts.row, texts.outcome, texts.finding, texts.factor, texts.match].forEach(function (h) { head.append(element("th", h)); });
        table.append(element("caption", result.json.file + ": " + result.json.rows), element("thead"), element("tbody"));
        table.tHead.append(head);
        result.json.report.forEach(function (row) {
          const tr = element("tr");
          const outcome = function (code) { return texts.outcomes[code] || code; };
          [row.line, outcome(row.status), row.finding, row.factor, outcome(row.factor_match)].forEach(function (v) { tr.append(element("td", String(v))); });
          table.tBodies[0].append(tr);
        });
        report.replaceChildren(table);
      })
      .catch(function (error) { report.replaceChildren(element("p", texts.error + ": " + error.message)); });
  });
})();
