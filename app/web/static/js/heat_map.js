// The process heat map (issue 21 §1): the shown deployment's diagrams in bpmn-js, each user task
// and fired timer coloured by how many cases passed it (four steps of the busiest element's
// count), a red border when ≥ 10 % of its passes breached a deadline, a badge with cases and
// median time; each sequence flow taken labelled with its count. Data: <script id="heat-data">.
(function () {
  "use strict";

  function start() {
    const root = document.getElementById("heat-map");
    if (!root) return;
    const status = root.querySelector(".diagram-status");
    if (typeof window.BpmnJS !== "function") { status.textContent = root.dataset.failed; return; }
    const data = JSON.parse(document.getElementById("heat-data").textContent);
    status.textContent = root.dataset.loading;
    render(data, root.querySelector(".diagram-tabs"), root.querySelector(".diagram-panels"))
      .then(() => { status.textContent = ""; root.classList.add("ready"); })
      .catch((err) => { status.textContent = root.dataset.failed + " (" + err.message + ")"; });
  }

  function minutes(seconds) {
    if (seconds === null || seconds === undefined) return "";
    if (seconds < 3600) return Math.round(seconds / 60) + "m";
    if (seconds < 172800) return (seconds / 3600).toFixed(1) + "h";
    return (seconds / 86400).toFixed(1) + "d";
  }

  async function render(data, tabs, panels) {
    const max = Math.max(1, ...data.elements.map((e) => e.cases));
    const views = [];
    for (const [index, process] of data.diagrams.processes.entries()) {
      const tab = document.createElement("button");
      tab.type = "button";
      tab.setAttribute("role", "tab");
      tab.id = "heat-tab-" + process.process_id;
      tab.textContent = process.name;
      const panel = document.createElement("div");
      panel.className = "diagram-canvas";
      panel.id = "heat-" + process.process_id;
      panel.dataset.processId = process.process_id;
      tabs.appendChild(tab);
      panels.appendChild(panel);
      const viewer = new window.BpmnJS({ container: panel });
      await viewer.importXML(process.xml);
      const canvas = viewer.get("canvas");
      const registry = viewer.get("elementRegistry");
      const overlays = viewer.get("overlays");
      for (const e of data.elements) {
        if (e.process_id !== process.process_id || !registry.get(e.element_id)) continue;
        const level = Math.min(4, 1 + Math.floor((3 * e.cases) / max));
        canvas.addMarker(e.element_id, "heat-" + level);
        if (e.breached_share !== null && e.breached_share >= 0.1) canvas.addMarker(e.element_id, "heat-breached");
        const badge = document.createElement("span");
        badge.className = "heat-badge";
        badge.dataset.element = e.element_id;
        badge.textContent = e.cases + (e.median_seconds !== null ? " · " + minutes(e.median_seconds) : "");
        badge.title = JSON.stringify({ cases: e.cases, passes: e.passes, median: e.median_seconds, p90: e.p90_seconds, breached: e.breached });
        overlays.add(e.element_id, { position: { top: -12, right: 10 }, html: badge });
      }
      for (const f of data.flows) {
        if (f.process_id !== process.process_id || !registry.get(f.flow_id)) continue;
        canvas.addMarker(f.flow_id, "flow-used");
        const badge = document.createElement("span");
        badge.className = "flow-badge";
        badge.dataset.flow = f.flow_id;
        badge.textContent = f.passes;
        overlays.add(f.flow_id, { position: { top: -8, left: 0 }, html: badge });
      }
      const view = { tab, panel, canvas, index };
      views.push(view);
      tab.addEventListener("click", () => show(views, index));
      canvas.zoom("fit-viewport", "auto");
    }
    show(views, 0);
  }

  function show(views, index) {
    for (const view of views) {
      const selected = view.index === index;
      view.tab.setAttribute("aria-selected", selected ? "true" : "false");
      view.tab.classList.toggle("active", selected);
      view.panel.hidden = !selected;
      if (selected) { view.canvas.resized(); view.canvas.zoom("fit-viewport", "auto"); }
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
