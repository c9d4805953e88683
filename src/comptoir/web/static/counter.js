// The counter screen (/comptoir): its keys, its dialogs, its live basket. Loaded after comptoir.js, whose
// global keys it overrides on this screen only: it listens on window in the capture phase, before them.
//   F3  the ON field (the scan box, which takes an ON's QR code too, when the basket has no ON field)
//   F4  the patient search while the basket has no patient (then comptoir.js: the patients' page)
//   F5  the Vitale reader, which sends the patient it identifies back to this basket
//   F6  the paper prescription: photo or scan, read, its lines corrected, then "Ajouter au panier"
//   Ctrl+Entrée  the control window; in a window, its own action (add the paper lines, validate, hand over)
//   Échap  closes a window (or the bar's "Plus" menu), nothing else
//   "/"  the scan box, from anywhere but a field (in a field it is the character typed)
(function () {
  "use strict";

  function screen() { return document.getElementById("counter"); }
  function openDialog() { return document.querySelector("dialog[open]"); }

  function isField(element) {
    if (!element || !element.tagName) { return false; }
    var tag = element.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || element.isContentEditable;
  }

  function focusField(id) {
    var field = document.getElementById(id);
    if (field) {
      field.focus();
      if (field.select) { field.select(); }
    }
    return field;
  }

  function showDialog(dialog) {
    if (!dialog) { return; }
    if (!dialog.open) { dialog.showModal(); }
    var first = dialog.querySelector("[autofocus]") || dialog.querySelector("input, select, textarea, button");
    if (first) { first.focus(); }
  }

  function submit(form) { form.requestSubmit(); }

  // A form swapped in a moment ago is wired by HTMX only when the swap settles: a fast Enter (or Ctrl+Entrée)
  // before that would post it as a plain form and leave the screen. Wired now, HTMX takes this very submit.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (window.htmx && form.matches && form.matches("[hx-post], [hx-get]")) { window.htmx.process(form); }
  }, true);

  function ctrlEnter() {
    // In a dialog: its own action (read the paper lines, validate after control). Elsewhere: the control window.
    var dialog = openDialog();
    var form = dialog ? dialog.querySelector("form[data-dialog-submit]") : document.getElementById("control-form");
    if (form) { submit(form); }
  }

  // Each returns false when it leaves the key to comptoir.js (F4 opens the patients' page once one is chosen).
  var keys = {
    F3: function () { return focusField("on-code") || focusField("scan"); },
    F4: function () { return focusField("patient-search"); },
    F5: function () {
      var target = screen() && screen().dataset.vitale;
      if (target) { window.location.assign(target); }
      return Boolean(target);
    },
    F6: function () {
      showDialog(document.getElementById("paper-dialog"));
      return true;
    },
  };

  window.addEventListener("keydown", function (event) {
    if (!screen()) { return; }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      ctrlEnter();
    } else if (keys[event.key] && keys[event.key]()) {
      event.preventDefault();
      event.stopImmediatePropagation();
    } else if (event.key === "Escape") {
      // Escape closes a dialog (or the bar's "Plus" menu, comptoir.js), nothing else: a typed value is never wiped.
      var dialog = openDialog();
      var menu = event.target.closest && event.target.closest("details.more");
      if (dialog) {
        event.preventDefault();
        dialog.close();
      }
      if (dialog || !menu) { event.stopImmediatePropagation(); }
    } else if (event.key === "/") {
      event.stopImmediatePropagation();
      if (!isField(event.target)) {
        event.preventDefault();
        focusField("scan");
      }
    }
  }, true);

  // A changed field of a basket line sends its line (the row's form, reached by the form="" attribute);
  // a chosen photo of a paper prescription is read at once.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-line-field") && field.form) {
      // Only this field is sent: a value refused in another field of the row does not hold this one back.
      var changed = field.form.querySelector("input[name=changed]") ||
        document.querySelector('input[name=changed][form="' + field.form.id + '"]');
      if (changed) { changed.value = field.name; }
      submit(field.form);
    } else if (field.id === "paper-file" && field.files && field.files.length) {
      document.getElementById("paper-read").click();
    }
  });

  function closeDialogs() {
    var paper = document.getElementById("paper-form");
    document.querySelectorAll("dialog[open]").forEach(function (dialog) { dialog.close(); });
    if (paper) {
      paper.reset();
      document.getElementById("paper-lines").innerHTML = "";
    }
  }

  document.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest("[data-open-dialog]");
    if (opener) {
      event.preventDefault();
      showDialog(document.getElementById(opener.dataset.openDialog));
    }
    var closer = event.target.closest && event.target.closest("[data-close-dialog]");
    if (closer && closer.closest("dialog")) {
      event.preventDefault();
      closer.closest("dialog").close();
    }
  });

  // A refused change (422: the message beside the field, the typed value kept) and a conflict (409) are
  // pages to show, not failures to drop.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 422 || status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    var swapped = event.target;  // the new element (HTMX fires once per element it put in)
    var page = screen();
    if (target && target.tagName && target.tagName.toLowerCase() === "dialog") {
      showDialog(target);
    } else if (target && target.closest && target.closest("dialog")) {
      var first = target.querySelector("[autofocus]");
      if (first) { first.focus(); }
    } else if (swapped.closest && swapped.closest("#patient-band")) {
      // The profile saved in the band (weight, eGFR, pregnancy...): the basket is analysed again.
      if (event.detail.requestConfig && event.detail.requestConfig.verb === "post" && page && window.htmx) {
        window.htmx.ajax("GET", "/comptoir/" + page.dataset.basket, { target: "#work", swap: "outerHTML" });
      }
    } else if (swapped.id === "work" || swapped.id === "counter") {
      basketChanged(page);
    }
  });

  function basketChanged(page) {
    // Lines added from a window, a validation: the windows have done their work.
    closeDialogs();
    var work = document.getElementById("work");
    if (work && page && work.dataset.patient !== page.dataset.patient) {
      // Another patient on the basket: the band and the history are theirs now.
      window.location.reload();
      return;
    }
    // A refused value (a decision without its reason...): the user goes on in the field in error.
    var invalid = work && work.querySelector('[aria-invalid="true"]');
    if (invalid && !openDialog()) {
      invalid.focus();
      return;
    }
    if (!openDialog() && (!document.activeElement || document.activeElement === document.body)) {
      focusField("scan");
    }
  }

  // From the patient search, ArrowDown goes to the first patient found (Tab too: "Chercher" is left out of the
  // tab order, Enter searches).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown" || !event.target || event.target.id !== "patient-search") { return; }
    var first = document.querySelector("#patient-results button, #patient-results a");
    if (first) {
      event.preventDefault();
      first.focus();
    }
  });
})();
