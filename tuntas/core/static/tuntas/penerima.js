/* Tuntas: "Gunakan angka ini" on the quarterly entry page copies the by-name registry's counts
   into the form fields: terlayani, and the year's sasaran when none is set yet. Nothing is saved
   here; the user checks the numbers and presses Simpan. */
(function () {
  "use strict";
  var button = document.querySelector("[data-penerima-terlayani]");
  if (!button) return;

  function put(field, value) {
    if (!field || value === null) return false;
    field.value = value;
    // as if typed: refreshes the live calculation (htmx) and the browser draft (draft.js)
    field.dispatchEvent(new Event("input", {bubbles: true}));
    field.dispatchEvent(new Event("change", {bubbles: true}));
    return true;
  }

  button.addEventListener("click", function () {
    var form = document.getElementById("isian-form");
    var served = form ? form.elements.namedItem("terlayani") : null;
    put(document.getElementById("id_sasaran"), button.getAttribute("data-penerima-sasaran"));
    if (put(served, button.getAttribute("data-penerima-terlayani"))) served.focus();
    var done = document.querySelector("[data-penerima-done]");
    if (done) done.hidden = false;
  });
})();
