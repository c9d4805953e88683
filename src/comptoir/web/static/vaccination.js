// The vaccination page: once the scanner has filled the pack's fields, the first question takes the focus, so that
// the pharmacist answers with the keyboard (arrows choose oui/non, Tab goes to the next question).
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target.id !== "pack" || document.querySelector("#pack .field-error")) {
      return;
    }
    var first = document.querySelector("#vaccination input[type=radio]");
    if (first) {
      first.focus();
    }
  });
})();
