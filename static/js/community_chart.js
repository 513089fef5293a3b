// Attendance of the community at each meeting, oldest first; the table beside it gives the
// same figures.
(function () {
  "use strict";
  var canvas = document.getElementById("community-chart");
  var source = document.getElementById("community-data");
  if (!canvas || !source || !window.Chart) { return; }
  var data = JSON.parse(source.textContent);
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.label, data: data.values, borderColor: "#0a58ca",
          backgroundColor: "#0a58ca", tension: 0.2 }
      ]
    },
    options: {
      animation: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: {
        legend: { position: "bottom" },
        tooltip: {
          callbacks: {
            title: function (items) {
              var index = items[0].dataIndex;
              return data.labels[index] + " · " + data.titles[index];
            }
          }
        }
      }
    }
  });
})();
