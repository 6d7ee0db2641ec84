/* The province's kab/kota on one chart (Chart.js, vendored): a horizontal bar per kab/kota,
   coloured by its category with the colours of the reports' charts (tuntas.laporan.charts,
   handed over as data), best first. The table under it holds the same figures, so the library
   is fetched only after the page has loaded. Data come from a <script type="application/json">
   element (json_script): no inline script, as the Content-Security-Policy asks. */
(function () {
  "use strict";
  function draw(canvas) {
    var source = document.getElementById("grafik-kabkota-data");
    if (!source) return;
    var data = JSON.parse(source.textContent);
    canvas.height = Math.max(120, 22 * data.labels.length + 40);
    canvas.parentNode.style.height = canvas.height + "px";
    new window.Chart(canvas, {
      type: "bar",
      data: {labels: data.labels, datasets: [{label: canvas.dataset.seri, data: data.values,
        backgroundColor: data.colours, borderWidth: 0}]},
      options: {
        indexAxis: "y", animation: false, maintainAspectRatio: false,
        plugins: {legend: {display: false}},
        scales: {x: {min: 0, max: 100, ticks: {stepSize: 20}}, y: {ticks: {autoSkip: false}}}
      }
    });
  }
  function start() {
    var canvas = document.getElementById("grafik-kabkota");
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
