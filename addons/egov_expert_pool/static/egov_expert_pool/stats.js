// Expert pool statistics chart (CSP: no inline scripts; data from json_script).
(function () {
  var el = document.getElementById("ep-spec-chart");
  var src = document.getElementById("ep-spec-data");
  if (!el || !src || !window.echarts) return;
  var data = JSON.parse(src.textContent);
  var chart = window.echarts.init(el);
  var zh = (document.documentElement.lang || "zh").indexOf("zh") === 0;
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: [zh ? "在库专家" : "Active experts", zh ? "抽取活动" : "Activities"] },
    grid: { left: 40, right: 10, bottom: 80, top: 36 },
    xAxis: { type: "category", data: data.labels, axisLabel: { rotate: 35, interval: 0 } },
    yAxis: { type: "value" },
    series: [
      { name: zh ? "在库专家" : "Active experts", type: "bar", data: data.active, itemStyle: { color: "#206bc4" } },
      { name: zh ? "抽取活动" : "Activities", type: "bar", data: data.activities, itemStyle: { color: "#f59f00" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
