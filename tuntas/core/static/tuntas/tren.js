/* The region dashboard's trend chart (Chart.js, vendored). The page is complete without it (the
   same figures are in the table under the chart), so the library (about 60 KB compressed) is
   fetched only after the page has loaded: on a slow link the figures show seconds earlier.
   Data and the series label come from <script type="application/json"> elements (json_script):
   no inline script, so the page works under the Content-Security-Policy. */
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function draw(canvas) {
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data("tren-label"),
        datasets: [{label: canvas.dataset.seri || "", data: data("tren-nilai"),
                    borderColor: "#0b5d8f", spanGaps: true}]
      },
      options: {animation: false, scales: {y: {suggestedMin: 0, suggestedMax: 100}}}
    });
  }
  function start() {
    var canvas = document.getElementById("tren");
    if (!canvas) return;
    if (window.Chart) { draw(canvas); return; }
    var script = document.createElement("script");
    script.src = canvas.dataset.pustaka;
    script.onload = function () { draw(canvas); };
    document.head.appendChild(script);
  }
  if (document.readyState === "complete") start();
  else window.addEventListener("load", start);
})();
