// Assignment pages: select all rows of the page, and count the ticked ones (no inline script: CSP).
(function () {
  "use strict";
  function boxes() { return Array.prototype.slice.call(document.querySelectorAll("input.case-check")); }
  function update() {
    var count = boxes().filter(function (box) { return box.checked; }).length;
    var label = document.getElementById("selected-count");
    if (label) { label.textContent = String(count); }
    var all = document.getElementById("select-page");
    if (all) { all.checked = count > 0 && count === boxes().length; }
    var selection = document.getElementById("scope-selection");
    if (selection && count > 0) { selection.checked = true; }
  }
  document.addEventListener("change", function (event) {
    if (event.target.id === "select-page") {
      boxes().forEach(function (box) { box.checked = event.target.checked; });
    }
    if (event.target.id === "select-page" || event.target.classList.contains("case-check")) { update(); }
  });
  document.addEventListener("DOMContentLoaded", update);
})();
