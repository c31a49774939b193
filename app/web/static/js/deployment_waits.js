/* Where the open cases of a deployment wait: each BPMN file of the deployment in a bpmn-js
 * viewer, with the number of cases waiting at each element as a badge (data from the page). */
(function () {
  "use strict";
  const root = document.getElementById("waiting-diagrams");
  if (!root || typeof window.BpmnJS !== "function") return;
  const points = JSON.parse(root.dataset.points);
  const files = JSON.parse(root.dataset.files);

  async function show(filename) {
    const response = await fetch(root.dataset.source.replace("__FILE__", encodeURIComponent(filename)),
                                 { credentials: "same-origin" });
    if (!response.ok) return;
    const panel = document.createElement("div");
    panel.className = "waiting-diagram";
    panel.dataset.file = filename;
    const title = document.createElement("h3");
    title.textContent = filename;
    const canvasEl = document.createElement("div");
    canvasEl.className = "waiting-canvas";
    panel.append(title, canvasEl);
    root.append(panel);
    const viewer = new window.BpmnJS({ container: canvasEl });
    await viewer.importXML(await response.text());
    const registry = viewer.get("elementRegistry");
    const overlays = viewer.get("overlays");
    const counts = {};
    points.forEach((p) => { counts[p.element_id] = (counts[p.element_id] || []).concat(p); });
    let shown = 0;
    Object.entries(counts).forEach(([id, list]) => {
      if (!registry.get(id)) return;
      list.forEach((p, i) => {
        const badge = document.createElement("span");
        badge.className = "wait-badge " + p.kind;
        badge.dataset.elementId = id;
        badge.textContent = String(p.cases);
        overlays.add(id, "qisu-waits", { position: { top: -10, right: 10 + i * 28 }, html: badge });
      });
      shown += 1;
    });
    if (!shown) { panel.remove(); return; }
    viewer.get("canvas").zoom("fit-viewport", "auto");
  }

  files.reduce((chain, f) => chain.then(() => show(f)), Promise.resolve())
    .then(() => { root.dataset.ready = "1"; });
})();
