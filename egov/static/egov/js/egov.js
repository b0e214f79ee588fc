/* egov-ops shell behaviour (CSP-safe: no inline scripts). */
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (evt) {
    var token = document.querySelector('meta[name="csrf-token"]');
    if (token) { evt.detail.headers["X-CSRFToken"] = token.getAttribute("content"); }
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
