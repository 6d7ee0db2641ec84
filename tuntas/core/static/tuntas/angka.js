/* Thousands separators while typing (issue 11, point 6): a count field ("input.num" with
   inputmode=numeric) shows 1.250.000 as the user types 1250000. Only digits are kept and
   regrouped by three with a dot, the Indonesian way; the caret stays after the same digit. The
   server reads both forms (tuntas.core.tabular.parse_count), so nothing breaks without script. */
(function () {
  "use strict";
  function group(digits) {
    return digits.replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }
  function reformat(input) {
    var value = input.value;
    if (!/^[\d.\s]*$/.test(value)) return; // letters or a comma: leave it for the server to explain
    var caret = input.selectionStart === null ? value.length : input.selectionStart;
    var digitsBefore = value.slice(0, caret).replace(/\D/g, "").length;
    var formatted = group(value.replace(/\D/g, ""));
    if (formatted === value) return;
    input.value = formatted;
    var position = 0;
    var seen = 0;
    while (position < formatted.length && seen < digitsBefore) {
      if (/\d/.test(formatted.charAt(position))) seen += 1;
      position += 1;
    }
    if (document.activeElement === input) input.setSelectionRange(position, position);
  }
  function all() {
    var inputs = document.querySelectorAll('input.num[inputmode="numeric"]');
    for (var i = 0; i < inputs.length; i += 1) reformat(inputs[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all);
  else all();
  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches('input.num[inputmode="numeric"]')) {
      reformat(target);
    }
  }, true);
})();
