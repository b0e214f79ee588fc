// Charts of the audit statistics page (data from the json_script block; no inline script for CSP).
(function () {
  var el = document.getElementById("audit-chart-data");
  if (!el || !window.echarts) return;
  var data = JSON.parse(el.textContent);
  var day = document.getElementById("audit-chart-day");
  if (day) {
    echarts.init(day).setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 10, top: 10, bottom: 30 },
      xAxis: { type: "category", data: data.by_day.map(function (r) { return r.day; }) },
      yAxis: { type: "value" },
      series: [{ type: "bar", data: data.by_day.map(function (r) { return r.n; }) }]
    });
  }
  var act = document.getElementById("audit-chart-action");
  if (act) {
    echarts.init(act).setOption({
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["40%", "70%"], data: data.by_action }]
    });
  }
})();
