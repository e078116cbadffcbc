"use strict";
// The evidence form: sends the finding and its evidence link to the API with the key in the
// Authorization header (never in a URL), shows the API's field errors beside the fields, and shows a
// CSV upload's per-row report. Everything from the server is set as text.
(function () {
  const form = document.getElementById("finding-form");
  if (!form) return;
  const texts = JSON.parse(document.getElementById("evidence-texts").textContent);
  const lang = document.documentElement.lang;
  const keyInput = document.getElementById("f-key");
  const status = document.getElementById("form-status");

  function element(tag, text) { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; }
  function value(field) { const input = form.querySelector('[data-field="' + field + '"]'); const v = input.value.trim(); return v === "" ? null : v; }
  function headers(extra) { return Object.assign({ Authorization: "Bearer " + keyInput.value.trim(), Accept: "application/json" }, extra || {}); }

  function clearErrors() {
    document.querySelectorAll(".field-error").forEach(function (e) { e.remove(); });
    document.querySelectorAll("[aria-invalid]").forEach(function (e) { e.removeAttribute("aria-invalid"); e.classList.remove("invalid"); });
    status.replaceChildren();
  }

  function fieldError(field, message) {
    const input = form.querySelector('[data-field="' + field + '"]') || (field === "key" ? keyInput : null);
    if (!input) return false;
    const note = element("span", message);
    note.className = "field-error";
    note.id = input.id + "-error";
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", note.id);
    input.classList.add("invalid");
    input.insertAdjacentElement("afterend", note);
    return true;
  }

  function showProblem(problem, prefix) {
    const box = element("div");
    box.className = "notice error";
    box.setAttribute("role", "alert");
    box.append(element("strong", (problem.title || texts.error) + ": "), element("span", problem.detail || ""));
    (problem.errors || []).forEach(function (e) {
      const field = (prefix || "") + (e.field || "");
      if (!fieldError(field, e.message)) box.append(element("div", field + ": " + e.message));
    });
    status.replaceChildren(box);
  }

  function send(url, body) {
    return fetch(url, { method: "POST", headers: headers({ "Content-Type": "application/json" }), body: JSON.stringify(body) })
      .then(function (response) { return response.json().then(function (json) { return { ok: response.ok, status: response.status, json: json }; }); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    const target = value("target");
    if (!keyInput.value.trim()) { fieldError("key", texts.key_missing); return; }
    if (!target) { fieldError("target", texts.target_missing); return; }
    fetch("/api/v1/nodes/" + encodeURIComponent(target), { headers: headers() }).then(function (response) {
      if (response.status === 404) { fieldError("target", texts.target_unknown); return null; }
      return response.json().then(function (node) {
        if (node.class === undefined) { showProblem(node); return null; }
        const statement = {};
        if (value("statement.nl")) statement.nl = value("statement.nl");
        if (value("statement.en")) statement.en = value("statement.en");
        const source = { locator: value("source.locator") || "" };
        if (value("source.id")) source.id = value("source.id"); else if (value("source.citation")) source.citation = value("source.citation");
        return send("/api/v1/findings", { statement: statement, grade: value("grade"), source: source }).then(function (created) {
          if (!created.ok) { showProblem(created.json); return null; }
          const link = { finding: created.json.id, direction: value("direction"), locator: source.locator, note: value("note") };
          link[node.class === "Intervention" ? "intervention" : "factor"] = target;
          return send("/api/v1/evidence", link).then(function (linked) {
            if (!linked.ok) { showProblem(linked.json); return; }
            const done = element("p");
            done.className = "notice";
            done.id = "created";
            const anchor = element("a", created.json.id);
            anchor.href = "/explore/" + encodeURIComponent(created.json.id) + "?lang=" + lang;
            done.append(element("span", texts.added + " "), anchor, element("span", " (" + (texts.statuses[created.json.status] || created.json.status) + ")"));
            status.replaceChildren(done);
          });
        });
      });
    }).catch(function (error) { status.replaceChildren(element("p", texts.error + ": " + error.message)); });
  });

  const upload = document.getElementById("upload-form");
  const report = document.getElementById("upload-report");
  upload.addEventListener("submit", function (event) {
    event.preventDefault();
    report.replaceChildren();
    const file = document.getElementById("f-file").files[0];
    if (!keyInput.value.trim()) { fieldError("key", texts.key_missing); return; }
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
