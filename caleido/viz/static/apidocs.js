// Starts the API documentation of /docs (Swagger UI) or /redoc (Redoc) from the vendored copies in
// /static/vendor/. A file rather than an inline script, which the pages' Content-Security-Policy forbids.
(function () {
  "use strict";
  var spec = "/openapi.json";
  var swagger = document.getElementById("swagger-ui");
  // Where Swagger UI falls short of WCAG, mended whenever it draws: some form controls have no name (1.3.1,
  // 4.1.2), an enum parameter's select and the request body's textarea, so they are named from what Swagger UI
  // writes beside them; code samples scroll in a box the keyboard cannot reach (2.1.1), so it takes focus.
  function mend(root) {
    root.querySelectorAll(".highlight-code > .microlight:not([tabindex])").forEach(function (box) {
      box.tabIndex = 0;
    });
    root.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach(function (control) {
      const row = control.closest("tr[data-param-name]");
      control.setAttribute("aria-label", row.dataset.paramName + " (" + row.dataset.paramIn + ")");
    });
    root.querySelectorAll("textarea.body-param__text:not([aria-label])").forEach(function (control) {
      control.setAttribute("aria-label", "Request body");
    });
  }

  if (swagger && window.SwaggerUIBundle) {
    window.SwaggerUIBundle({
      url: spec,
      domNode: swagger,
      layout: "BaseLayout",
      // Deep links put a link inside each operation's button, which screen readers cannot reach as either
      // (WCAG 4.1.2; swagger-api/swagger-ui#10395). Redoc, at /redoc, links to every operation.
      deepLinking: false,
      showExtensions: true,
      showCommonExtensions: true,
      presets: [window.SwaggerUIBundle.presets.apis],
      validatorUrl: null // the online validator would send the document to another host
    });
    new MutationObserver(function () { mend(swagger); }).observe(swagger, { childList: true, subtree: true });
  }
  var redoc = document.getElementById("redoc");
  if (redoc && window.Redoc) {
    window.Redoc.init(spec, {}, redoc);
  }
})();
