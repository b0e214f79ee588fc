/* Charts of the service-catalog operations pages (management portal, analytics, department workspace, survey
   results). Data comes from json_script blocks; no inline scripts (CSP). */
(function () {
  "use strict";
  var COLORS = ["#206bc4", "#2fb344", "#f59f00", "#d63939", "#ae3ec9", "#17a2b8", "#74b816", "#f76707", "#4263eb", "#0ca678"];
  var charts = [];

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function make(el, option) {
    if (!el || !window.echarts) return null;
    var c = window.echarts.init(el);
    option.color = option.color || COLORS;
    option.textStyle = { fontFamily: "inherit" };
    c.setOption(option);
    charts.push(c);
    return c;
  }
  function empty(el, text) {
    if (el) el.innerHTML = '<div class="text-secondary text-center pt-5">' + (text || "暂无数据") + "</div>";
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  function pie(el, rows, name) {
    if (!rows || !rows.length || !rows.some(function (r) { return r.value; })) { empty(el); return; }
    make(el, {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0, type: "scroll" },
      series: [{ name: name || "", type: "pie", radius: ["40%", "68%"], center: ["50%", "44%"], avoidLabelOverlap: true,
        label: { show: false }, data: rows }]
    });
  }
  function hbar(el, rows, unit) {
    if (!rows || !rows.length) { empty(el); return; }
    var r = rows.slice().reverse();
    make(el, {
      grid: { left: 8, right: 40, top: 10, bottom: 10, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", name: unit || "", axisLabel: { show: false } },
      yAxis: { type: "category", data: r.map(function (x) { return x.name.length > 12 ? x.name.slice(0, 12) + "…" : x.name; }) },
      series: [{ type: "bar", data: r.map(function (x) { return x.value; }), barMaxWidth: 18, label: { show: true, position: "right" } }]
    });
  }

  // --- management portal ---------------------------------------------------------------------------------
  function dashboard() {
    var d = data("sc-dashboard-data");
    if (!d) return;
    var drawn = {};
    function draw(type) {
      if (drawn[type]) return;
      drawn[type] = true;
      var p = d[type] || {};
      document.querySelectorAll('.sc-chart[data-type="' + type + '"]').forEach(function (el) {
        if (el.dataset.chart === "dept") hbar(el, p.by_dept || []);
        else pie(el, p.by_type || []);
      });
    }
    var active = document.querySelector(".sc-panel:not(.d-none)");
    if (active) draw(active.dataset.scPanel);
    document.querySelectorAll("[data-sc-tab]").forEach(function (a) {
      a.addEventListener("click", function (ev) {
        ev.preventDefault();
        var t = a.dataset.scTab;
        document.querySelectorAll("[data-sc-tab]").forEach(function (x) { x.classList.toggle("active", x === a); });
        document.querySelectorAll(".sc-panel").forEach(function (s) { s.classList.toggle("d-none", s.dataset.scPanel !== t); });
        if (window.history && history.replaceState) history.replaceState(null, "", "?type=" + t);
        draw(t);
        charts.forEach(function (c) { c.resize(); });
      });
    });
  }

  // --- analytics (scored demo 6) -------------------------------------------------------------------------
  function analytics() {
    var d = data("sc-analytics-data");
    if (!d) return;
    var L = d.labels;
    var el = document.getElementById("sc-chart-dept");
    if (d.by_dept.length) {
      make(el, {
        tooltip: { trigger: "axis" }, legend: { top: 0 },
        grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: d.by_dept.map(function (r) { return r.key; }), axisLabel: { interval: 0, rotate: 30,
          formatter: function (v) { return v.length > 8 ? v.slice(0, 8) + "…" : v; } } },
        yAxis: { type: "value" },
        series: [
          { name: L.applications, type: "bar", data: d.by_dept.map(function (r) { return r.applications; }), barMaxWidth: 22 },
          { name: L.approvals, type: "bar", data: d.by_dept.map(function (r) { return r.approvals; }), barMaxWidth: 22 },
          { name: L.prev, type: "line", data: d.by_dept.map(function (r) { return r.prev_applications; }), symbol: "circle" }
        ]
      });
    } else { empty(el); }
    el = document.getElementById("sc-chart-type");
    if (d.by_type.length) {
      make(el, {
        tooltip: { trigger: "axis" }, legend: { top: 0 },
        grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: d.by_type.map(function (r) { return r.label; }) },
        yAxis: [{ type: "value", name: L.applications }, { type: "value", name: L.cycle }],
        series: [
          { name: L.applications, type: "bar", data: d.by_type.map(function (r) { return r.applications; }), barMaxWidth: 28 },
          { name: L.prev, type: "bar", data: d.by_type.map(function (r) { return r.prev_applications; }), barMaxWidth: 28 },
          { name: L.cycle, type: "line", yAxisIndex: 1, data: d.by_type.map(function (r) { return r.cycle_hours; }) }
        ]
      });
    } else { empty(el); }
    pie(document.getElementById("sc-chart-inuse"), d.in_use.map(function (r) { return { name: r.label, value: r.count }; }), L.count);
    el = document.getElementById("sc-chart-item");
    var rated = d.by_item.filter(function (r) { return r.satisfaction !== null; });
    if (rated.length) {
      hbar(el, rated.map(function (r) { return { name: r.key, value: r.satisfaction }; }));
    } else { empty(el); }
    el = document.getElementById("sc-chart-trend");
    if (d.trend.length) {
      make(el, {
        tooltip: { trigger: "axis" }, grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: d.trend.map(function (r) { return r.day; }) }, yAxis: { type: "value" },
        series: [{ name: L.trend, type: "line", smooth: true, areaStyle: { opacity: 0.15 }, data: d.trend.map(function (r) { return r.n; }) }]
      });
    } else { empty(el); }
  }

  // --- department workspace -----------------------------------------------------------------------------
  function workspace() {
    var d = data("sc-workspace-data");
    if (!d) return;
    pie(document.getElementById("sc-ws-subs"), d.subs.map(function (r) { return { name: r.name, value: r.value }; }), d.labels.subs);
    var el = document.getElementById("sc-ws-bills");
    if (d.bills.length) {
      var periods = Array.from(new Set(d.bills.map(function (b) { return b.period; }))).sort();
      var items = Array.from(new Set(d.bills.map(function (b) { return b.item; })));
      make(el, {
        tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: periods }, yAxis: { type: "value", name: d.labels.bills },
        series: items.map(function (it) {
          return { name: it, type: "bar", stack: "b", barMaxWidth: 28, data: periods.map(function (p) {
            var row = d.bills.find(function (b) { return b.period === p && b.item === it; });
            return row ? row.amount : 0;
          }) };
        })
      });
    } else { empty(el); }
  }

  // --- survey results ------------------------------------------------------------------------------------
  function survey() {
    var d = data("sc-survey-data");
    if (!d) return;
    d.forEach(function (q) {
      var el = document.getElementById(q.dom);
      pie(el, q.options.map(function (o) { return { name: o.label, value: o.count }; }), q.label);
    });
  }

  function init() { dashboard(); analytics(); workspace(); survey(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
