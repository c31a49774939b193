// P18 dashboard charts (ECharts from npm). Data comes from the page (#insight-data).
(function () {
  function draw() {
    const data = JSON.parse(document.getElementById("insight-data").textContent);
    const text = JSON.parse(document.getElementById("insight-text").textContent);
    const charts = {};
    const make = (id, option) => {
      const el = document.getElementById(id);
      if (!el) return;
      const chart = echarts.init(el);
      chart.setOption(option);
      charts[id] = chart;
    };
    const series = data.trend.series;
    const pct = (v) => (v === null ? null : Math.round(v * 10000) / 100);
    make("chart-trend", {
      tooltip: { trigger: "axis" },
      legend: { data: [text.volume, text.dispatched, text.resolution, text.satisfaction] },
      xAxis: { type: "category", data: series.map((s) => s.period) },
      yAxis: [{ type: "value", name: text.count }, { type: "value", name: "%", min: 0, max: 100 }],
      series: [
        { name: text.volume, type: "line", data: series.map((s) => s.volume) },
        { name: text.dispatched, type: "line", data: series.map((s) => s.dispatched) },
        { name: text.resolution, type: "line", yAxisIndex: 1, data: series.map((s) => pct(s.resolution_on_time_rate)) },
        { name: text.satisfaction, type: "line", yAxisIndex: 1, data: series.map((s) => pct(s.satisfaction_rate)) },
      ],
    });
    const hot = (id, kind, title) => {
      const rows = (data.hotspots.kinds[kind] || []).slice().reverse();
      make(id, {
        title: { text: title, textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { data: [text.current, text.previous], right: 0 },
        grid: { left: 110 },
        xAxis: { type: "value" },
        yAxis: { type: "category", data: rows.map((r) => r.domain) },
        series: [
          { name: text.current, type: "bar", data: rows.map((r) => r.count),
            label: { show: true, position: "right", formatter: (p) => {
              const r = rows[p.dataIndex];
              return r.change === null ? `${r.count}` : `${r.count} (${r.change >= 0 ? "+" : ""}${r.change})`;
            } } },
          { name: text.previous, type: "bar", data: rows.map((r) => r.previous), itemStyle: { color: "#cbd2d9" } },
        ],
      });
    };
    hot("chart-hot-consult", "咨询", text.consult);
    hot("chart-hot-complaint", "投诉", text.complaint);
    const towns = data.towns.towns.map((t) => t.town);
    const domains = data.towns.domains;
    const cells = data.towns.cells.map((c) => [domains.indexOf(c.domain), towns.indexOf(c.town), c.count]);
    make("chart-towns", {
      tooltip: { position: "top", formatter: (p) => `${towns[p.value[1]]} · ${domains[p.value[0]]}: ${p.value[2]}` },
      grid: { left: 90, bottom: 90 },
      xAxis: { type: "category", data: domains, axisLabel: { rotate: 40 } },
      yAxis: { type: "category", data: towns },
      visualMap: { min: 0, max: Math.max(1, ...cells.map((c) => c[2])), orient: "horizontal", left: "center", bottom: 0, calculable: true },
      series: [{ type: "heatmap", data: cells, label: { show: true } }],
    });
    window.qisuInsightCharts = charts;
    window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
