/* The by-name list's filter: the desa/kelurahan choices follow the chosen kecamatan (a desa code
   starts with its kecamatan's code: 32.75.01 → 32.75.01.1001). A desa of another kecamatan is
   hidden and, if it was chosen, the choice is cleared. Without script all desa stay listed and
   the server still filters correctly. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-desa-ikut-kecamatan]");
  if (!form) return;
  var kecamatan = form.querySelector("select[name=kecamatan]");
  var desa = form.querySelector("select[name=desa]");
  if (!kecamatan || !desa) return;
  function follow() {
    var prefix = kecamatan.value ? kecamatan.value + "." : "";
    for (var i = 0; i < desa.options.length; i += 1) {
      var option = desa.options[i];
      var shown = !option.value || !prefix || option.value.indexOf(prefix) === 0;
      option.hidden = !shown;
      option.disabled = !shown;
      if (!shown && option.selected) desa.value = "";
    }
  }
  kecamatan.addEventListener("change", follow);
  follow();
})();
