/* The report's charts on screen (Chart.js, vendored): the urusan profile (bars) and the trend
   (one line per year over TW1..TW4: entries are cumulative toward the year's target, so a new
   year starts low and is drawn as its own line, not as a fall). The tables hold the same
   figures; the library is fetched after the page has loaded. Data come from json_script
   elements: no inline script, so the page works under the Content-Security-Policy. */
(function () {
  "use strict";
  var COLOURS = ["#9aa7b1", "#7fae3b", "#e0b21b", "#e07b1b", "#0b5d8f"];
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function lines(text, width) {
    /* a long urusan name on lines of about ``width`` characters (Chart.js draws an array of
       strings as one label on several lines), so a phone shows it whole */
    var out = [], line = "";
    text.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) { out.push(line); line = word; }
      else line = line ? line + " " + word : word;
    });
    if (line) out.push(line);
    return out;
  }
  function draw() {
    var narrow = window.innerWidth < 700;
    var profile = data("profil-urusan");
    var canvas = document.getElementById("grafik-urusan");
    if (canvas && profile && profile.length) {
      new window.Chart(canvas, {
        type: "bar",
        data: {labels: profile.map(function (u) { return lines(u.nama, narrow ? 18 : 40); }),
               datasets: [{label: canvas.dataset.seri, data: profile.map(function (u) { return u.nilai; }),
                           backgroundColor: "#0b5d8f"}]},
        options: {animation: false, maintainAspectRatio: false, indexAxis: "y",
                  scales: {x: {min: 0, max: 100}, y: {ticks: {autoSkip: false}}},
                  plugins: {legend: {display: false}}}
      });
    }
    var years = data("tren-tahun");
    var trend = document.getElementById("grafik-tren");
    if (trend && years) {
      var names = Object.keys(years).sort();
      new window.Chart(trend, {
        type: "line",
        data: {labels: ["TW1", "TW2", "TW3", "TW4"], datasets: names.map(function (year, i) {
          var colour = COLOURS[Math.max(0, COLOURS.length - names.length + i)];
          return {label: year, data: years[year], borderColor: colour, backgroundColor: colour,
                  borderWidth: i === names.length - 1 ? 3 : 2, spanGaps: true};
        })},
        options: {animation: false, maintainAspectRatio: false,
                  scales: {y: {suggestedMin: 0, suggestedMax: 100}}}
      });
    }
  }
  function start() {
    var canvas = document.getElementById("grafik-urusan");
    if (!canvas) return;
    if (window.Chart) { draw(); return; }
    var script = document.createElement("script");
    script.src = canvas.dataset.pustaka;
    script.onload = draw;
    document.head.appendChild(script);
  }
  if (document.readyState === "complete") start();
  else window.addEventListener("load", start);
})();
