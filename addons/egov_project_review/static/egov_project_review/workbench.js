/* Workbench chart: daily counts of the role's actions (data from json_script#pr-chart-data). */
(function () {
  var el = document.getElementById("pr-chart");
  var src = document.getElementById("pr-chart-data");
  if (!el || !src || !window.echarts) return;
  var data = JSON.parse(src.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 20, top: 36, bottom: 30 },
    xAxis: { type: "category", data: data.days },
    yAxis: { type: "value", minInterval: 1 },
    series: data.series.map(function (s) { return { name: s.name, type: "bar", stack: "n", data: s.data }; })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
