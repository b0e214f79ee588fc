/* Category tree drag and drop (SortableJS nested lists) → POST category move; items never move with the drag
 * of a category's position except by their category. */
(function () {
  "use strict";
  function csrf() { var m = document.querySelector('meta[name="csrf-token"]'); return m ? m.content : ""; }
  function toast(msg, ok) {
    var box = document.getElementById("sc-tree-status");
    if (!box) return;
    box.className = "alert py-2 mb-2 " + (ok ? "alert-success" : "alert-danger");
    box.textContent = msg;
    box.hidden = false;
  }
  function init() {
    var root = document.getElementById("sc-cat-tree");
    if (!root || !window.Sortable || root.getAttribute("data-can-move") !== "1") return;
    var url = root.getAttribute("data-move-url");
    root.querySelectorAll("ul.sc-cat-list").forEach(function (list) {
      window.Sortable.create(list, {
        group: "sc-cats", handle: ".sc-drag", animation: 150, fallbackOnBody: true, swapThreshold: 0.6,
        onEnd: function (evt) {
          var li = evt.item, parent = evt.to.getAttribute("data-parent") || "";
          if (evt.from === evt.to && evt.oldIndex === evt.newIndex) return;
          var body = new URLSearchParams({ category: li.getAttribute("data-id"), parent: parent, position: evt.newIndex });
          fetch(url, { method: "POST", headers: { "X-CSRFToken": csrf(), "Content-Type": "application/x-www-form-urlencoded" },
                       body: body.toString(), credentials: "same-origin" })
            .then(function (r) { return r.json().then(function (j) { return [r.ok, j]; }); })
            .then(function (res) {
              toast(res[1].message, res[0]);
              if (!res[0]) { setTimeout(function () { window.location.reload(); }, 1200); }
            })
            .catch(function () { toast(root.getAttribute("data-failed") || "保存失败", false); });
        }
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
