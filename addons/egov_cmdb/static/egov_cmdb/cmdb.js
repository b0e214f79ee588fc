/* CMDB screens: attribute condition builder of the CI list (Alpine component "cmdbFilters"). No inline code (CSP). */
(function () {
  function readJson(id, fallback) {
    var el = document.getElementById(id);
    if (!el) return fallback;
    try { return JSON.parse(el.textContent); } catch (e) { return fallback; }
  }

  document.addEventListener("alpine:init", function () {
    window.Alpine.data("cmdbFilters", function () {
      return {
        options: [],
        rows: [],
        init: function () {
          this.options = readJson("cmdb-attr-options", []);
          var conds = readJson("cmdb-conds", []);
          var self = this;
          this.rows = conds.map(function (c) { return {attr: c.attr || "", op: c.op || "eq", value: c.value || ""}; });
          if (!this.rows.length && this.options.length) { this.rows = []; }
          this.rows.forEach(function (r) { if (!self.option(r.attr)) { r.attr = ""; } });
        },
        option: function (code) {
          for (var i = 0; i < this.options.length; i++) { if (this.options[i].code === code) return this.options[i]; }
          return null;
        },
        opsFor: function (row) { var o = this.option(row.attr); return o ? o.ops : []; },
        choicesFor: function (row) { var o = this.option(row.attr); return o ? o.choices : []; },
        needsValue: function (row) { return row.op !== "empty" && row.op !== "notempty"; },
        inputType: function (row) {
          var o = this.option(row.attr);
          if (!o) return "text";
          if (o.type === "integer" || o.type === "decimal") return "number";
          if (o.type === "date") return "date";
          return "text";
        },
        encoded: function (row) { return row.attr ? row.attr + "|" + (row.op || "eq") + "|" + (this.needsValue(row) ? row.value : "") : ""; },
        add: function () { this.rows.push({attr: this.options.length ? this.options[0].code : "", op: "eq", value: ""}); },
        remove: function (i) { this.rows.splice(i, 1); },
        attrChanged: function (row) { var ops = this.opsFor(row).map(function (o) { return o[0]; }); if (ops.indexOf(row.op) < 0) row.op = ops[0] || "eq"; row.value = ""; }
      };
    });
  });
})();

/* Confirm buttons: <button type="submit" data-confirm="..."> (egov.js confirms whole forms; a form with two
   submit buttons, like the import wizard, needs it per button). Runs on window in the capture phase, so a
   cancelled submit never reaches egov.js's double-submit guard. */
window.addEventListener("submit", function (evt) {
  var btn = evt.submitter;
  var msg = btn && btn.getAttribute && btn.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) {
    evt.preventDefault();
    evt.stopPropagation();
  }
}, true);
