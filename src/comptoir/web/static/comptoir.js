// Keyboard first: function keys open the counter's main screens; "/" focuses the scan box; Escape clears it.
(function () {
  "use strict";
  var links = { F2: "/medicaments", F3: "/ordonnance-numerique", F4: "/patients", F5: "/vitale", F6: "/ordonnances/lecture", F7: "/analyse" };
  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("scan");
    if (event.key === "Enter" && event.ctrlKey && document.activeElement && document.activeElement.form) {
      // Ctrl+Entrée validates the form being typed in (DESIGN: the counter's "valider").
      event.preventDefault();
      document.activeElement.form.requestSubmit();
    } else if (links[event.key]) {
      event.preventDefault();
      window.location.assign(links[event.key]);
    } else if (event.key === "/" && box && document.activeElement !== box) {
      event.preventDefault();
      box.focus();
      box.select();
    } else if (event.key === "Escape" && box) {
      box.value = "";
      box.focus();
    }
  });
})();

// Without inline handlers (the Content-Security-Policy forbids them): a select that submits its form,
// or opens a page, when it changes.
document.addEventListener("change", function (event) {
  "use strict";
  var field = event.target;
  if (field.hasAttribute && field.hasAttribute("data-submit-on-change") && field.form) {
    field.form.submit();
  } else if (field.dataset && field.dataset.navigateOnChange) {
    window.location.assign(field.dataset.navigateOnChange + encodeURIComponent(field.value));
  }
});

// HTMX requests carry the CSRF token of the page (its <meta name="csrf-token">) in a header; the forms
// carry it in their hidden "_csrf" field.
document.addEventListener("htmx:configRequest", function (event) {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && meta.content) {
    event.detail.headers["X-CSRF-Token"] = meta.content;
  }
});
