/* Tuntas: keep an unsaved form in this browser (localStorage) so a lost session, a closed tab or a
   power cut does not lose the user's typing. A form opts in with data-draft="<unique key>". */
(function () {
  "use strict";
  var form = document.querySelector("form[data-draft]");
  if (!form || !window.localStorage) return;
  var key = "tuntas-draft:" + form.getAttribute("data-draft");
  var skip = {csrfmiddlewaretoken: 1, version: 1};

  function values() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && !skip[el.name] && el.type !== "hidden" && el.type !== "submit") out[el.name] = el.value;
    });
    return out;
  }
  function read() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function write(extra) {
    var draft = {at: Date.now(), values: values()};
    for (var k in extra) draft[k] = extra[k];
    try { localStorage.setItem(key, JSON.stringify(draft)); } catch (e) { /* storage full: ignore */ }
  }

  var saved = read();
  if (document.querySelector("[data-draft-saved]")) {  // the server confirmed the save
    localStorage.removeItem(key);
    saved = null;
  }
  var banner = document.getElementById("draft-banner");
  if (saved && banner && JSON.stringify(saved.values) !== JSON.stringify(values())) {
    banner.hidden = false;
    banner.querySelector("[data-draft-time]").textContent = new Date(saved.at).toLocaleString("id-ID");
    banner.querySelector("[data-draft-restore]").addEventListener("click", function () {
      var last = null;
      for (var name in saved.values) {
        var el = form.elements[name];
        if (el && el.type !== "hidden" && el.value !== saved.values[name]) {
          el.value = saved.values[name];
          last = el;
        }
      }
      banner.hidden = true;
      // refresh the live calculation as if the user had typed
      if (last) last.dispatchEvent(new Event("input", {bubbles: true}));
    });
    banner.querySelector("[data-draft-discard]").addEventListener("click", function () {
      localStorage.removeItem(key);
      banner.hidden = true;
    });
  }
  form.addEventListener("input", function () { write({}); });
  form.addEventListener("submit", function () { write({submitted: true}); });
})();
