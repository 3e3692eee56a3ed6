// casusbelli web app: render Vega-Lite charts named by data-spec-url, on load and after htmx swaps.
// No inline script anywhere (the Content-Security-Policy forbids it).
(function () {
  "use strict";
  function renderCharts(root) {
    if (typeof vegaEmbed === "undefined") { return; }
    var nodes = (root || document).querySelectorAll("[data-spec-url]");
    if (root && root.matches && root.matches("[data-spec-url]")) { nodes = [root].concat(Array.from(nodes)); }
    Array.prototype.forEach.call(nodes, function (el) {
      fetch(el.getAttribute("data-spec-url"), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (spec) { return vegaEmbed(el, spec, { actions: false, renderer: "svg" }); })
        .then(function () { el.setAttribute("data-rendered", "true"); })
        .catch(function (err) { el.textContent = "chart unavailable: " + err; });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { renderCharts(document); });
  document.addEventListener("htmx:afterSettle", function (evt) { renderCharts(evt.detail.elt); });
})();
