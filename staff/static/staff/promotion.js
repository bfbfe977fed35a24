// Progress charts on the promotion pages: for each criterion where the person is and where
// the bar is; monthly completion per month against the bar. Data from json_script.
(function () {
  const source = document.getElementById("promotion-chart");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const labels = document.getElementById("chart-labels").dataset;
  document.querySelectorAll("canvas[data-criterion-chart]").forEach(function (canvas) {
    const item = data.criteria[Number(canvas.dataset.criterionChart)];
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: [labels.you, labels.bar],
        datasets: [{
          data: [item.value, item.bar],
          backgroundColor: [item.met ? "#198754" : "#fd7e14", "#adb5bd"],
        }],
      },
      options: {
        indexAxis: "y",
        animation: false,
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true } },
      },
    });
  });
  const months = document.getElementById("months-chart");
  if (months && data.months.length) {
    const monthly = data.criteria.find(function (c) { return c.key === "monthly_completion"; });
    new Chart(months, {
      data: {
        labels: data.months.map(function (m) { return m.month; }),
        datasets: [
          { type: "bar", label: labels.completion, data: data.months.map(function (m) { return m.completion; }), backgroundColor: "#0d6efd" },
          { type: "line", label: labels.bar, data: data.months.map(function () { return monthly ? monthly.bar : null; }), borderColor: "#dc3545", pointRadius: 0 },
        ],
      },
      options: { animation: false, aspectRatio: 4, scales: { y: { beginAtZero: true } } },
    });
  }
})();
