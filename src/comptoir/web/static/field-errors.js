// A refused form comes back with status 422 and the header X-Field-Errors (web/forms.py): HTMX swaps no
// 4xx answer by default, so these ones (and only these) are swapped in, the messages beside their fields.
(function () {
  "use strict";
  if (window.comptoirFieldErrors) {
    return;
  }
  window.comptoirFieldErrors = true;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status === 422 && xhr.getResponseHeader("X-Field-Errors")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
