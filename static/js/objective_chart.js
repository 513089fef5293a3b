// The objective's measurements over time, with its baseline and target as lines; the page
// gives the lines' names ("objective-words").
(function () {
  "use strict";
  var canvas = document.getElementById("objective-chart");
  var source = document.getElementById("objective-data");
  if (!canvas || !source || !window.Chart) { return; }
  var data = JSON.parse(source.textContent);
  var words = JSON.parse(document.getElementById("objective-words").textContent);
  var flat = function (value) { return data.labels.map(function () { return value; }); };
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.unit, data: data.values, borderColor: "#0a58ca", tension: 0.2 },
        { label: words.baseline, data: flat(data.baseline), borderColor: "#6c757d", borderDash: [4, 4],
          pointRadius: 0 },
        { label: words.target, data: flat(data.target), borderColor: "#198754", borderDash: [6, 3],
          pointRadius: 0 }
      ]
    },
    options: { animation: false, plugins: { legend: { position: "bottom" } } }
  });
})();
