// The case page's process diagrams: bpmn-js NavigatedViewer, one tab per process (the main
// process and the unit handling process it calls), with the case's completed, current and
// overdue elements marked. Data: GET <section data-url> (the session cookie; no CSRF for GET).
// Without JavaScript the section only shows its <noscript> note; the rest of the page is HTML.
(function () {
  "use strict";

  const MARKERS = ["done", "current", "overdue"];
  const KEYS = { done: "completed", current: "current", overdue: "overdue" };

  function start() {
    const root = document.getElementById("case-diagram");
    if (!root) return;
    const status = root.querySelector(".diagram-status");
    const tabs = root.querySelector(".diagram-tabs");
    const panels = root.querySelector(".diagram-panels");
    if (typeof window.BpmnJS !== "function") {
      status.textContent = root.dataset.failed;
      return;
    }
    status.textContent = root.dataset.loading;
    fetch(root.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(response.status))))
      .then((data) => render(data, tabs, panels))
      .then(() => { status.textContent = ""; root.classList.add("ready"); })
      .catch((err) => {
        status.textContent = root.dataset.failed + (err && err.message ? " (" + err.message + ")" : "");
      });
  }

  // English pages carry the English of the diagram's names (<script id="diagram-names">).
  function translated(xml, names) {
    if (!Object.keys(names).length) return xml;
    const doc = new DOMParser().parseFromString(xml, "application/xml");
    for (const element of doc.querySelectorAll("[name]")) {
      const english = names[element.getAttribute("name")];
      if (english) element.setAttribute("name", english);
    }
    return new XMLSerializer().serializeToString(doc);
  }

  async function render(data, tabs, panels) {
    const views = [];
    const source = document.getElementById("diagram-names");
    const names = source ? JSON.parse(source.textContent) : {};
    for (const [index, process] of data.processes.entries()) {
      const tab = document.createElement("button");
      tab.type = "button";
      tab.setAttribute("role", "tab");
      tab.id = "diagram-tab-" + process.process_id;
      tab.textContent = names[process.name] || process.name || process.process_id;
      const panel = document.createElement("div");
      panel.className = "diagram-canvas";
      panel.id = "diagram-" + process.process_id;
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      panel.dataset.processId = process.process_id;
      tabs.appendChild(tab);
      panels.appendChild(panel);

      // Import while visible (a hidden container has no size to fit into), hide afterwards.
      const viewer = new window.BpmnJS({ container: panel });
      await viewer.importXML(translated(process.xml, names));
      const canvas = viewer.get("canvas");
      const registry = viewer.get("elementRegistry");
      for (const marker of MARKERS) {
        for (const id of process[KEYS[marker]] || []) {
          const element = registry.get(id);
          if (!element) continue;
          canvas.addMarker(id, marker);
          if (element.type === "bpmn:SubProcess" && element.di && element.di.isExpanded) {
            canvas.addMarker(id, "stage");
          }
        }
      }
      const focusId = focusOf(process, registry);
      panel.dataset.focus = focusId || "";
      const view = { tab, panel, canvas, registry, focusId, index };
      fit(view);
      views.push(view);
      tab.addEventListener("click", () => show(views, index));
    }
    // Open the diagram where the case currently is (the called process while a unit handles it).
    const active = data.processes.findIndex((p, i) => i > 0 && (p.current || []).length);
    show(views, active > 0 ? active : 0);
  }

  // Where the case is in a process: its current or overdue step; once the process has run to
  // its end (a closed case), the end event it reached; before it started, the start event.
  function focusOf(process, registry) {
    const open = [...(process.current || []), ...(process.overdue || [])][0];
    if (open) return open;
    const completed = new Set(process.completed || []);
    const reached = registry.filter((e) => e.type === "bpmn:EndEvent" && completed.has(e.id));
    // the process's own end (not one inside a stage), the one drawn furthest right
    const outer = reached.filter((e) => !e.parent || e.parent.type !== "bpmn:SubProcess");
    const ends = (outer.length ? outer : reached).sort((a, b) => b.x - a.x);
    if (ends.length) return ends[0].id;
    return (registry.filter((e) => e.type === "bpmn:StartEvent")[0] || {}).id;
  }

  // Fit the whole process when its labels stay readable; otherwise zoom to a readable scale on
  // where the case is (see focusOf) — the reader pans and zooms.
  const READABLE = 0.75;
  function fit(view) {
    view.canvas.resized();
    view.canvas.zoom("fit-viewport", "auto");
    if (view.canvas.zoom() >= READABLE) return;
    view.canvas.zoom(READABLE);
    const focus = view.focusId && view.registry.get(view.focusId);
    if (focus) view.canvas.scrollToElement(focus, { top: 80, left: 120, right: 120, bottom: 80 });
  }

  function show(views, index) {
    for (const view of views) {
      const selected = view.index === index;
      view.tab.setAttribute("aria-selected", selected ? "true" : "false");
      view.tab.classList.toggle("active", selected);
      view.panel.hidden = !selected;
      if (selected) fit(view);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
