// Collections back office: page behaviour that needs no inline script (CSP).
(function () {
  "use strict";
  // Send the CSRF token with every htmx request.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector('meta[name="csrf-token"]');
    if (token) { event.detail.headers["X-CSRFToken"] = token.content; }
  });
  // Elements with data-confirm ask before submitting.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
  // Auto-submit filter selects.
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) { event.target.form.requestSubmit(); }
  });
  // Bar charts whose options say "valueLabels": true print each bar's number on it, so
  // a bar of 10 beside one of 1,600 still says 10 (a hairline alone says nothing).
  var valueLabels = {
    id: "valueLabels",
    afterDatasetsDraw: function (chart) {
      if (!chart.options.valueLabels) { return; }
      var ctx = chart.ctx;
      ctx.save();
      ctx.font = "12px system-ui, sans-serif";
      ctx.fillStyle = "#212529";
      ctx.textAlign = "center";
      ctx.textBaseline = "bottom";
      chart.data.datasets.forEach(function (dataset, index) {
        chart.getDatasetMeta(index).data.forEach(function (bar, position) {
          var value = dataset.data[position];
          if (value === null || value === undefined) { return; }
          ctx.fillText(Number(value).toLocaleString(), bar.x, bar.y - 2);
        });
      });
      ctx.restore();
    }
  };
  // Charts: <canvas data-chart='{"type": ..., "data": ...}'> become Chart.js charts.
  function drawCharts(root) {
    if (!window.Chart) { return; }
    if (!drawCharts.registered) { window.Chart.register(valueLabels); drawCharts.registered = true; }
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) { return; }
      canvas.dataset.drawn = "1";
      new window.Chart(canvas, JSON.parse(canvas.dataset.chart));
    });
  }
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSwap", function (event) { drawCharts(event.target); });
  // A panel swapped in whole (outerHTML: the landing page's panels) is new content.
  document.addEventListener("htmx:load", function (event) { drawCharts(event.detail.elt); });
  // A landing-page panel that cannot load (an error answer, the network, a time-out)
  // says which panel it was, in the placeholder, instead of spinning for ever.
  function panelFailed(event) {
    var slot = event.detail.elt;
    if (!slot || !slot.dataset || !slot.dataset.panelError) { return; }
    var body = slot.querySelector(".card-body");
    body.removeAttribute("aria-busy");
    body.className = "card-body text-danger";
    body.setAttribute("role", "alert");
    body.textContent = slot.dataset.panelError;
  }
  ["htmx:responseError", "htmx:sendError", "htmx:timeout"].forEach(function (name) {
    document.addEventListener(name, panelFailed);
  });
  // When every landing-page panel has answered empty, the page says so instead of
  // showing nothing (each empty answer removes its placeholder).
  document.addEventListener("htmx:afterRequest", function () {
    window.setTimeout(function () {
      var empty = document.getElementById("dashboard-empty");
      if (empty && !document.querySelector("#dashboard-panels > :not(#dashboard-empty)")) {
        empty.classList.remove("d-none");
      }
    }, 0);
  });
})();
