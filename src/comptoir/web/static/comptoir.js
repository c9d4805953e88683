// Keyboard first: function keys open the counter's main screens; "/" focuses the scan box; Escape clears it.
(function () {
  "use strict";
  var links = { F2: "/medicaments", F4: "/patients" };
  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("scan");
    if (links[event.key]) {
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
