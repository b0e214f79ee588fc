// 配置项统计 charts (ECharts). Data from the json_script block #cmdb-stats-data; no inline script (CSP).
(function () {
  "use strict";
  var el = document.getElementById("cmdb-stats-data");
  if (!el || !window.echarts) return;
  var d = JSON.parse(el.textContent);
  var PALETTE = ["#206bc4", "#2fb344", "#f59f00", "#d63939", "#4299e1", "#ae3ec9", "#17a2b8", "#f76707", "#74b816",
                 "#667382", "#0ca678", "#d6336c", "#929dab"];
  var STATUS_COLORS = { normal: "#2fb344", warning: "#f59f00", faulty: "#d63939", offline: "#929dab" };
  var charts = [];

  function chart(id, option) {
    var node = document.getElementById(id);
    if (!node) return null;
    var c = echarts.init(node);
    option.color = option.color || PALETTE;
    option.textStyle = { fontFamily: "system-ui, -apple-system, 'PingFang SC', 'Microsoft YaHei', sans-serif" };
    c.setOption(option);
    charts.push(c);
    node.dataset.rendered = "1";
    return c;
  }
  function pie(id, data, colors, rose) {
    return chart(id, {
      tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
      legend: { bottom: 0, type: "scroll" },
      color: colors,
      series: [{ type: "pie", radius: rose ? ["20%", "68%"] : ["42%", "68%"], center: ["50%", "45%"],
                 roseType: rose ? "radius" : false, avoidLabelOverlap: true,
                 label: { formatter: "{b}\n{c}" }, data: data.filter(function (r) { return r.value > 0; }) }]
    });
  }
  function hbar(id, rows, color) {
    var top = rows.slice(0, 15).reverse();
    return chart(id, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 40, top: 10, bottom: 10, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: top.map(function (r) { return r.name; }), axisLabel: { width: 150, overflow: "truncate" } },
      series: [{ type: "bar", data: top.map(function (r) { return r.value; }), itemStyle: { color: color || "#206bc4" },
                 label: { show: true, position: "right" }, barMaxWidth: 18 }]
    });
  }

  var classes = d.classes.slice(0, 20);
  chart("chart-classes", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 8, right: 8, top: 20, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: classes.map(function (r) { return r.name; }), axisLabel: { interval: 0, rotate: 35 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", data: classes.map(function (r) { return r.value; }), barMaxWidth: 28,
               itemStyle: { color: "#206bc4", borderRadius: [3, 3, 0, 0] }, label: { show: true, position: "top" } }]
  });
  pie("chart-categories", d.categories, PALETTE, false);
  pie("chart-online", d.online_split, ["#2fb344", "#929dab"]);
  pie("chart-health", d.health, d.health.map(function (r) { return STATUS_COLORS[r.key]; }));
  pie("chart-lifecycle", d.lifecycle, ["#4299e1", "#ae3ec9", "#2fb344", "#f59f00", "#929dab"]);
  hbar("chart-vendors", d.vendors, "#17a2b8");
  chart("chart-growth", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 8, right: 8, top: 30, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: d.growth.map(function (r) { return r.label; }) },
    yAxis: [{ type: "value", minInterval: 1 }, { type: "value", minInterval: 1, splitLine: { show: false } }],
    series: [
      { name: d.labels.added, type: "bar", data: d.growth.map(function (r) { return r.added; }), itemStyle: { color: "#4299e1" }, barMaxWidth: 22 },
      { name: d.labels.total, type: "line", yAxisIndex: 1, smooth: true, data: d.growth.map(function (r) { return r.total; }), itemStyle: { color: "#2fb344" } }
    ]
  });
  hbar("chart-relations", d.relations, "#ae3ec9");
  hbar("chart-orgs", d.orgs, "#f76707");
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.egovCmdbStats = { charts: charts, data: d };
})();
