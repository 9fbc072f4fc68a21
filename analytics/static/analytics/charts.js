/* Draws the dashboards' charts with ECharts (vendored: vendor/echarts.min.js) from the JSON of
   /api/staff/analytics/charts/. Each chart is a <div data-chart-url> followed on the page by a table
   of its numbers, so nothing is lost when a chart cannot be drawn: the message says to read the table.
   ECharts' aria option is on: the chart gets a spoken description of its series. */
(function () {
  "use strict";

  var lang = (document.documentElement.lang || "zh-hans").toLowerCase();
  var chinese = lang.indexOf("zh") === 0;
  var COLORS = ["#1f5fa8", "#c2410c", "#15803d", "#7c3aed", "#0e7490"];

  function text(zh, en) { return chinese ? zh : en; }

  function number(value) {
    if (value === null || value === undefined) { return "—"; }
    return Number(value).toLocaleString(chinese ? "zh-CN" : "en-GB", {maximumFractionDigits: 2});
  }

  function describe(data) {
    // A short spoken summary; the numbers themselves are in the table that follows the chart.
    var names = data.series.map(function (s) { return s.name; }).join(text("、", ", "));
    return text(data.title + "图，" + data.categories.length + "个类别（" + data.categories[0] + " 至 " +
                data.categories[data.categories.length - 1] + "），系列：" + names + "。具体数字见图下的表格。",
                data.title + " chart with " + data.categories.length + " categories (" + data.categories[0] + " to " +
                data.categories[data.categories.length - 1] + "); series: " + names + ". The table below has the numbers.");
  }

  function base(data, el) {
    var phone = el.clientWidth < 480;
    return {
      color: COLORS,
      animation: false,
      // Decal patterns tell bars apart without colour; the forecast's bands are told apart by shade.
      aria: {enabled: true, label: {description: describe(data)}, decal: {show: data.kind !== "forecast"}},
      title: {show: false, text: data.title},
      // Drawn in the chart itself, not as HTML: ECharts' HTML tooltip writes style attributes into its
      // markup, which the page's Content-Security-Policy refuses.
      tooltip: {trigger: "axis", valueFormatter: number, renderMode: "richText"},
      legend: {bottom: 0, type: "scroll", textStyle: {fontSize: phone ? 11 : 12}},
      grid: {left: 8, right: phone ? 8 : 16, top: 16, bottom: 40, containLabel: true},
      xAxis: {type: "category", data: data.categories, axisLabel: {hideOverlap: true, fontSize: phone ? 10 : 12}},
      yAxis: {type: "value", axisLabel: {formatter: number, fontSize: phone ? 10 : 12}}
    };
  }

  function plain(data, el) {
    var option = base(data, el);
    var twoAxes = data.kind === "trend";
    if (twoAxes) {
      option.yAxis = [option.yAxis, {type: "value", splitLine: {show: false},
        axisLabel: {formatter: number, fontSize: option.yAxis.axisLabel.fontSize}}];
    }
    option.series = data.series.map(function (s, i) {
      return {name: s.name, type: s.type, data: s.data, yAxisIndex: twoAxes && i > 0 ? 1 : 0,
              stack: data.kind === "stacked" ? "all" : undefined, connectNulls: false, symbolSize: 5, barMaxWidth: 28};
    });
    if (data.kind === "areas" || data.kind === "stacked") {
      option.xAxis.axisLabel.interval = 0;
      option.xAxis.axisLabel.rotate = el.clientWidth < 640 ? 40 : 0;
    }
    return option;
  }

  function forecast(data, el) {
    var option = base(data, el);
    var b = data.bands;
    function diff(hi, lo) {
      return hi.map(function (v, i) { return v === null || lo[i] === null ? null : v - lo[i]; });
    }
    var band = {type: "line", symbol: "none", lineStyle: {opacity: 0}, tooltip: {show: false}, silent: true};
    var light = "rgba(194, 65, 12, 0.15)", dark = "rgba(194, 65, 12, 0.32)";
    option.series = [
      Object.assign({}, band, {name: "lo95", stack: "b95", data: b.lo95, areaStyle: {opacity: 0}}),
      Object.assign({}, band, {name: text("95% 区间", "95 % interval"), stack: "b95", data: diff(b.hi95, b.lo95),
                               color: light, areaStyle: {color: light}}),
      Object.assign({}, band, {name: "lo80", stack: "b80", data: b.lo80, areaStyle: {opacity: 0}}),
      Object.assign({}, band, {name: text("80% 区间", "80 % interval"), stack: "b80", data: diff(b.hi80, b.lo80),
                               color: dark, areaStyle: {color: dark}}),
      {name: data.series[0].name, type: "line", data: data.series[0].data, symbolSize: 4, color: COLORS[0]},
      {name: data.series[1].name, type: "line", data: data.series[1].data, symbolSize: 4, color: COLORS[1],
       lineStyle: {type: "dashed"}}
    ];
    option.legend.data = [data.series[0].name, data.series[1].name,
                          {name: text("80% 区间", "80 % interval"), icon: "rect"},
                          {name: text("95% 区间", "95 % interval"), icon: "rect"}];
    option.tooltip.formatter = function (items) {
      var i = items[0].dataIndex;
      var lines = [data.categories[i]];
      if (data.series[0].data[i] !== null) { lines.push(data.series[0].name + ": " + number(data.series[0].data[i])); }
      if (data.series[1].data[i] !== null) {
        lines.push(data.series[1].name + ": " + number(data.series[1].data[i]));
        lines.push("80%: " + number(b.lo80[i]) + " – " + number(b.hi80[i]));
        lines.push("95%: " + number(b.lo95[i]) + " – " + number(b.hi95[i]));
      }
      return lines.join("\n");
    };
    return option;
  }

  function fail(el) {
    el.classList.add("chart-failed");
    el.textContent = text("图表未能加载，请看下方表格中的数字。", "The chart could not be loaded; the table below has its numbers.");
  }

  function draw(el) {
    fetch(el.getAttribute("data-chart-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then(function (data) {
        if (!data.categories.length) { el.hidden = true; return; }
        var chart = echarts.init(el, null, {renderer: "svg", locale: chinese ? "ZH" : "EN"});
        chart.setOption(data.kind === "forecast" ? forecast(data, el) : plain(data, el));
        el.setAttribute("data-chart-drawn", "true");
        window.addEventListener("resize", function () { chart.resize(); });
        window.addEventListener("beforeprint", function () { chart.resize(); });
      })
      .catch(function () { fail(el); });
  }

  function start() {
    if (typeof echarts === "undefined") {
      Array.prototype.forEach.call(document.querySelectorAll("[data-chart-url]"), fail);
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart-url]"), draw);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
