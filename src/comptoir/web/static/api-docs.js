// Starts swagger-ui on /api/docs (kept out of the page: the Content-Security-Policy forbids inline scripts).
window.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!window.SwaggerUIBundle || !root) {
    return;
  }
  var meta = document.querySelector('meta[name="csrf-token"]');
  window.SwaggerUIBundle({
    url: root.dataset.openapi, dom_id: "#swagger-ui", deepLinking: true,
    // "Try it out" rides on the page's session cookie: it sends the CSRF token as the pages do.
    requestInterceptor: function (request) {
      if (meta && meta.content) {
        request.headers["X-CSRF-Token"] = meta.content;
      }
      return request;
    }
  });
});
