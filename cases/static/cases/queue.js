// The collector's queue from the keyboard: j/k or the arrows move, Enter opens (no inline script: CSP).
(function () {
  "use strict";
  var table = document.querySelector("[data-queue-table]");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.querySelectorAll("tr[data-queue-row]"));
  var current = -1;
  function select(index) {
    if (!rows.length) { return; }
    index = Math.max(0, Math.min(rows.length - 1, index));
    if (current >= 0) { rows[current].classList.remove("table-active"); rows[current].removeAttribute("aria-selected"); }
    current = index;
    rows[current].classList.add("table-active");
    rows[current].setAttribute("aria-selected", "true");
    rows[current].scrollIntoView({ block: "nearest" });
  }
  rows.forEach(function (row, index) {
    row.addEventListener("click", function (event) {
      if (event.target.closest("a")) { return; }
      select(index);
    });
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target.closest("input, select, textarea, [contenteditable]") || event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (event.key === "j" || event.key === "ArrowDown") { select(current + 1); event.preventDefault(); }
    else if (event.key === "k" || event.key === "ArrowUp") { select(current - 1); event.preventDefault(); }
    else if (event.key === "Enter" && current >= 0) {
      var link = rows[current].querySelector("a[data-queue-link]");
      if (link) { window.location.assign(link.href); event.preventDefault(); }
    }
  });
  if (rows.length) { select(0); }
})();
