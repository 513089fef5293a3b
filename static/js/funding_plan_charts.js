// A funding plan's charts: budget against contributions per year, and two breakdowns of the
// contributions (public or private, by scope). The tables beside them give the same figures;
// the page gives the words ("plan-chart-words").
(function () {
  "use strict";
  var source = document.getElementById("plan-chart-data");
  if (!source || !window.Chart) { return; }
  var data = JSON.parse(source.textContent);
  var words = JSON.parse(document.getElementById("plan-chart-words").textContent);
  var euros = new Intl.NumberFormat(document.documentElement.lang || "fr",
    { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
  var money = function (context) {
    var value = context.parsed.y !== undefined ? context.parsed.y : context.parsed;
    return words.amount.replace("{amount}", function () { return euros.format(value); })
      .replace("{label}", function () { return context.dataset.label || context.label; });
  };
  var years = document.getElementById("plan-years-chart");
  if (years) {
    new window.Chart(years, {
      type: "bar",
      data: {
        labels: data.years,
        datasets: [
          { label: data.labels.budget, data: data.budget, backgroundColor: "#6c757d",
            stack: "budget" },
          { label: data.labels.secured, data: data.secured, backgroundColor: "#0a58ca",
            stack: "funding" },
          { label: data.labels.uncertain, data: data.uncertain, backgroundColor: "#9ec5fe",
            stack: "funding" }
        ]
      },
      options: {
        animation: false,
        scales: { x: { stacked: true },
                  y: { stacked: true, ticks: { callback: function (v) { return euros.format(v); } } } },
        plugins: { legend: { position: "bottom" }, tooltip: { callbacks: { label: money } } }
      }
    });
  }
  var doughnut = function (id, part, colors) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    new window.Chart(canvas, {
      type: "doughnut",
      data: { labels: part.labels, datasets: [{ data: part.values, backgroundColor: colors }] },
      options: { animation: false,
                 plugins: { legend: { position: "bottom" }, tooltip: { callbacks: { label: money } } } }
    });
  };
  doughnut("plan-public-chart", data.public, ["#0a58ca", "#fd7e14"]);
  doughnut("plan-scopes-chart", data.scopes, ["#198754", "#0dcaf0", "#0a58ca", "#6f42c1"]);
})();
