// P18 dashboard charts (ECharts from npm). Data comes from the page (#insight-data), the texts
// of the user's language from #insight-text (domain names translated for display only).
(function () {
  function draw() {
    const source = document.getElementById("insight-data");
    if (!source) return; // no figures while the period is invalid
    const data = JSON.parse(source.textContent);
    const text = JSON.parse(document.getElementById("insight-text").textContent);
    const charts = {};
    const make = (id, option) => {
      const el = document.getElementById(id);
      if (!el) return;
      const chart = echarts.init(el);
      chart.setOption(option);
      charts[id] = chart;
    };
    const domainName = (d) => text.domains[d] || d;
    const count = (v) => (v === null || v === undefined ? "—" : `${v} ${text.cases}`);
    const rate = (v) => (v === null || v === undefined ? "—" : `${v.toFixed(1)}%`);
    const pct = (v) => (v === null ? null : Math.round(v * 1000) / 10);

    // A bucket that is not a full one is marked: a week or month cut by the period (or still
    // running) is labelled by its days in it ("11-20–11-22"), today's bucket is not over; the
    // chart draws a dashed line at each, dashes their points' outline, and the tooltip says what they lack.
    const series = data.trend.series;
    const label = (s) => (!s.cut ? s.period
      : s.start === s.end ? s.start.slice(5) : `${s.start.slice(5)}–${s.end.slice(5)}`);
    const days = (s) => Math.round((Date.parse(s.end) - Date.parse(s.start)) / 86400000) + 1;
    const note = (s) => (s.cut && s.ongoing ? text.partialOngoing.replace("{n}", days(s))
      : s.cut ? text.partial.replace("{n}", days(s)) : s.ongoing ? text.ongoing : "");
    const formats = [count, count, rate, rate];
    const points = (values) => values.map((v, i) => (series[i].partial
      ? { value: v, symbol: "emptyCircle", symbolSize: 9, itemStyle: { borderType: "dashed" } } : v));
    const marks = series.filter((s) => s.partial).map((s) => (
      { xAxis: label(s), name: s.ongoing ? text.today : text.cut }));
    make("chart-trend", {
      tooltip: { trigger: "axis", formatter: (params) => {
        const s = series[params[0].dataIndex];
        const head = label(s) + note(s);
        return [head, ...params.map((p) =>
          `${p.marker}${p.seriesName}${text.colon}${formats[p.seriesIndex](p.value)}`)].join("<br>");
      } },
      legend: { data: [text.volume, text.dispatched, text.resolution, text.satisfaction] },
      xAxis: { type: "category", data: series.map(label) },
      yAxis: [{ type: "value", name: text.countAxis }, { type: "value", name: "%", min: 0, max: 100 }],
      series: [
        { name: text.volume, type: "line", data: points(series.map((s) => s.volume)), tooltip: { valueFormatter: count },
          markLine: { silent: true, symbol: "none", data: marks,
            lineStyle: { type: "dashed", color: "#7b8794" },
            label: { formatter: "{b}", position: "insideEndTop", color: "#52606d", fontSize: 11 } } },
        { name: text.dispatched, type: "line", data: points(series.map((s) => s.dispatched)), tooltip: { valueFormatter: count } },
        { name: text.resolution, type: "line", yAxisIndex: 1, tooltip: { valueFormatter: rate },
          data: points(series.map((s) => pct(s.resolution_on_time_rate))) },
        { name: text.satisfaction, type: "line", yAxisIndex: 1, tooltip: { valueFormatter: rate },
          data: points(series.map((s) => pct(s.satisfaction_rate))) },
      ],
    });

    const hot = (id, kind, title) => {
      const rows = (data.hotspots.kinds[kind] || []).slice().reverse();
      make(id, {
        title: { text: title, left: 0, top: 0, textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: count },
        legend: { data: [text.current, text.previous], right: 0, top: 0 },
        grid: { left: 120, right: 50, top: 40, bottom: 45 },
        xAxis: { type: "value", name: text.countAxis, nameLocation: "middle", nameGap: 28, minInterval: 1 },
        yAxis: { type: "category", data: rows.map((r) => domainName(r.domain)),
          axisLabel: { width: 110, overflow: "truncate" } },
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

    // Town × domain: the colour scale sits above the grid, clear of the rotated domain names.
    const towns = data.towns.towns.map((t) => t.town);
    const domains = data.towns.domains;
    const cells = data.towns.cells.map((c) => [domains.indexOf(c.domain), towns.indexOf(c.town), c.count]);
    make("chart-towns", {
      tooltip: { position: "top",
        formatter: (p) => `${towns[p.value[1]]} · ${domainName(domains[p.value[0]])}${text.colon}${count(p.value[2])}` },
      grid: { left: 90, right: 20, top: 60, bottom: 100 },
      xAxis: { type: "category", data: domains.map(domainName),
        axisLabel: { rotate: 40, interval: 0, width: 110, overflow: "truncate" } },
      yAxis: { type: "category", data: towns },
      visualMap: { min: 0, max: Math.max(1, ...cells.map((c) => c[2])), orient: "horizontal",
        left: "center", top: 0, calculable: true, itemHeight: 120, text: ["", text.countAxis] },
      series: [{ type: "heatmap", data: cells, label: { show: true } }],
    });
    window.qisuInsightCharts = charts;
    window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
