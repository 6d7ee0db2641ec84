/* The region dashboard's trend chart (Chart.js, vendored). Data and the series label come from
   <script type="application/json"> elements (json_script): no inline script, so the page works
   under the Content-Security-Policy. */
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  var canvas = document.getElementById("tren");
  if (!canvas || !window.Chart) return;
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data("tren-label"),
      datasets: [{label: canvas.dataset.seri || "", data: data("tren-nilai"),
                  borderColor: "#0b5d8f", spanGaps: true}]
    },
    options: {animation: false, scales: {y: {suggestedMin: 0, suggestedMax: 100}}}
  });
})();
