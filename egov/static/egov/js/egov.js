/* egov-ops shell behaviour (CSP-safe: no inline scripts). */
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (evt) {
    var token = document.querySelector('meta[name="csrf-token"]');
    if (token) { evt.detail.headers["X-CSRFToken"] = token.getAttribute("content"); }
  });
  // htmx 4 (the vendored version): the event is "htmx:config:request" with the headers on detail.ctx.request;
  // HX-Target is sent as "tag#id" while the views compare it with the bare id (htmx 2 semantics): normalise it.
  document.addEventListener("htmx:config:request", function (evt) {
    var req = evt.detail && evt.detail.ctx && evt.detail.ctx.request;
    if (!req || !req.headers) { return; }
    var token = document.querySelector('meta[name="csrf-token"]');
    if (token) { req.headers["X-CSRFToken"] = token.getAttribute("content"); }
    var target = req.headers["HX-Target"];
    if (target && target.indexOf("#") >= 0) { req.headers["HX-Target"] = decodeURI(target.split("#").pop()); }
    else if (target) { delete req.headers["HX-Target"]; }
  });
  // Confirm dangerous actions: <form data-confirm="...">
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    var msg = form.getAttribute && form.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { evt.preventDefault(); return; }
    // prevent double submits
    if (form.dataset.submitted === "1") { evt.preventDefault(); return; }
    form.dataset.submitted = "1";
    setTimeout(function () { form.dataset.submitted = ""; }, 5000);
  }, true);
  // Language switch selects submit on change
  document.addEventListener("change", function (evt) {
    if (evt.target.matches && evt.target.matches("[data-autosubmit]")) { evt.target.form.submit(); }
  });
})();
