// Keyboard first. The counter's keys, everywhere unless said otherwise:
//   F2 médicaments, F3 ordonnance numérique, F4 patients, F5 carte Vitale, F6 ordonnance papier, F7 analyse:
//     open that screen (function keys type nothing, so they work even from a field).
//   "/"  puts the focus in the page's search box (#scan) — not from a field (text input, textarea, select):
//        there it is the character typed ("1 cp/8h").
//   Échap  in the search box: empties it. Outside any field: empties the search box and puts the focus in it.
//        In any other field: nothing of ours (the browser's own, e.g. closing a list). Never leaves the page.
//        In the "Plus" menu of the bar: closes the menu.
//   Ctrl+Entrée  submits the page's main form, the one marked `data-ctrl-enter`, wherever the focus is, as its
//        first submit button would (a form whose button is not shown — nothing to validate yet — is left alone).
//        On a page without such a form: the form of the focused field.
// The search box's results follow what it holds (HTMX, `hx-replace-url`: one history entry, not one a keystroke).
(function () {
  "use strict";
  var links = { F2: "/medicaments", F3: "/ordonnance-numerique", F4: "/patients", F5: "/vitale", F6: "/ordonnances/lecture", F7: "/analyse" };

  function isField(element) {
    return !!element && (element.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName));
  }

  function submitMainForm(focused) {
    var form = document.querySelector("form[data-ctrl-enter]") || (isField(focused) && focused.form);
    if (!form) {
      return false;
    }
    var button = form.querySelector("button[type=submit]:not([disabled]), input[type=submit]:not([disabled])");
    if (form.hasAttribute("data-ctrl-enter") && !button) {
      return false;
    }
    form.requestSubmit(button || undefined);
    return true;
  }

  function closeMenu(focused) {
    var menu = focused && focused.closest ? focused.closest("details[open]") : null;
    if (!menu) {
      return false;
    }
    menu.open = false;
    menu.querySelector("summary").focus();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("scan");
    var focused = document.activeElement;
    if (event.defaultPrevented || event.isComposing || event.altKey || event.metaKey) {
      return;
    }
    if (event.key === "Enter" && event.ctrlKey) {
      if (submitMainForm(focused)) {
        event.preventDefault();
      }
    } else if (event.ctrlKey || event.shiftKey && event.key !== "/") {
      return;
    } else if (links[event.key]) {
      event.preventDefault();
      window.location.assign(links[event.key]);
    } else if (event.key === "/" && box && !isField(focused)) {
      event.preventDefault();
      box.focus();
      box.select();
    } else if (event.key === "Escape") {
      if (closeMenu(focused)) {
        event.preventDefault();
      } else if (box && (focused === box || !isField(focused))) {
        event.preventDefault();
        box.value = "";
        box.focus();
        box.dispatchEvent(new Event("input", { bubbles: true }));
      }
    }
  });
})();

// The bar's "Plus" menu (a <details>) closes when the pointer goes elsewhere, as Échap closes it from the keyboard.
document.addEventListener("click", function (event) {
  "use strict";
  document.querySelectorAll("details.more[open]").forEach(function (menu) {
    if (!menu.contains(event.target)) {
      menu.open = false;
    }
  });
});

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
