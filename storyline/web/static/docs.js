// Starts Swagger UI on the API description (a static file: the CSP allows no inline script).
(function () {
  var root = document.getElementById("swagger-ui");
  if (typeof SwaggerUIBundle === "undefined") return;  // offline: the link to /openapi.json stays
  root.textContent = "";
  SwaggerUIBundle({ url: root.dataset.spec, dom_id: "#swagger-ui", deepLinking: true });
})();
