// Starts swagger-ui on /api/docs (kept out of the page: the Content-Security-Policy forbids inline scripts).
window.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!window.SwaggerUIBundle || !root) {
    return;
  }
  window.SwaggerUIBundle({ url: root.dataset.openapi, dom_id: "#swagger-ui", deepLinking: true });
});
