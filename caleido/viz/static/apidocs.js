// Starts the API documentation of /docs (Swagger UI) or /redoc (Redoc) from the vendored copies in
// /static/vendor/. A file rather than an inline script, which the pages' Content-Security-Policy forbids.
(function () {
  "use strict";
  var spec = "/openapi.json";
  var swagger = document.getElementById("swagger-ui");
  if (swagger && window.SwaggerUIBundle) {
    window.SwaggerUIBundle({
      url: spec,
      domNode: swagger,
      layout: "BaseLayout",
      deepLinking: true,
      showExtensions: true,
      showCommonExtensions: true,
      presets: [window.SwaggerUIBundle.presets.apis],
      validatorUrl: null // the online validator would send the document to another host
    });
  }
  var redoc = document.getElementById("redoc");
  if (redoc && window.Redoc) {
    window.Redoc.init(spec, {}, redoc);
  }
})();
