/* 服务交付单: add / remove rows of delivered resources. */
(function () {
  "use strict";
  function init() {
    var table = document.getElementById("sc-res-table");
    if (!table) return;
    var tpl = document.getElementById("sc-res-row");
    document.getElementById("sc-res-add").addEventListener("click", function () {
      table.querySelector("tbody").appendChild(tpl.content.cloneNode(true));
    });
    table.addEventListener("click", function (e) {
      var btn = e.target.closest(".sc-res-del");
      if (btn && table.querySelectorAll("tbody tr").length > 1) btn.closest("tr").remove();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
