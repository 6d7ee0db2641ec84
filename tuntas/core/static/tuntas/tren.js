/* The region dashboard's trend chart (Chart.js, vendored): one line per year over TW1..TW4.
   Quarterly entries are cumulative toward the year's target, so every year starts low; drawn
   as a line of its own, a new January does not read as a collapse. The page is complete
   without the chart (the table under it holds the same figures), so the library (about 60 KB
   compressed) is fetched only after the page has loaded. Data come from a
   <script type="application/json"> element (json_script): no inline script, so the page works
   under the Content-Security-Policy. */
(function () {
  "use strict";
  var COLOURS = ["#9aa7b1", "#7fae3b", "#e0b21b", "#e07b1b", "#0b5d8f"];
  function draw(canvas) {
    var source = document.getElementById("tren-tahun");
    if (!source) return;
    var years = JSON.parse(source.textContent);
    var names = Object.keys(years).sort();
    var datasets = names.map(function (year, i) {
      var colour = COLOURS[Math.max(0, COLOURS.length - names.length + i)];
      return {label: year, data: years[year], borderColor: colour, backgroundColor: colour,
              borderWidth: i === names.length - 1 ? 3 : 2, spanGaps: true};
    });
    new window.Chart(canvas, {
      type: "line",
      data: {labels: ["TW1", "TW2", "TW3", "TW4"], datasets: datasets},
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
