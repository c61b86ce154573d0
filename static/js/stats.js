/* Draw each statistic's chart from the JSON beside its table; the table stays the accessible source. */
(function () {
  "use strict";
  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.series);
    if (!source || typeof Chart === "undefined") { return; }
    var series = JSON.parse(source.textContent);
    var kind = canvas.dataset.chart === "line" ? "line" : "bar";
    new Chart(canvas, {
      type: kind,
      data: {
        labels: series.labels,
        datasets: [{ label: series.label, data: series.values, spanGaps: false,
                     backgroundColor: "#2f6f8f", borderColor: "#2f6f8f" }]
      },
      options: {
        animation: false,
        responsive: true,
        indexAxis: kind === "bar" && series.labels.length > 8 ? "y" : "x",
        plugins: { legend: { display: false } },
        scales: { x: { ticks: { autoSkip: true } }, y: { beginAtZero: true } }
      }
    });
  }
  function start() {
    document.querySelectorAll("canvas[data-series]").forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
