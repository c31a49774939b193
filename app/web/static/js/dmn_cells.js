/* Issue 19 §2: while a decision table is edited in dmn-js, its cells are checked on the server
 * (POST /designer/dmn/cells, the deploy's restricted-code checker and the output column types);
 * a cell in error is outlined and carries the message (title, and the list under the toolbar). */
(function () {
  "use strict";

  const root = document.getElementById("designer");
  const box = document.getElementById("dmn-cell-errors");
  if (!root || root.dataset.kind !== "dmn" || !box) return;
  const texts = JSON.parse(document.getElementById("dmn-cell-texts").textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  let errors = {};
  let timer = null;
  let hooked = new WeakSet();

  function mark() {
    document.querySelectorAll(".qisu-cell-error").forEach((n) => {
      n.classList.remove("qisu-cell-error");
      n.removeAttribute("data-cell-error");
    });
    Object.entries(errors).forEach(([id, message]) => {
      const escaped = window.CSS && CSS.escape ? CSS.escape(id) : id;
      document.querySelectorAll(`#canvas [data-element-id="${escaped}"]`).forEach((cell) => {
        cell.classList.add("qisu-cell-error");
        cell.setAttribute("data-cell-error", message);
        cell.title = message;
      });
    });
    const ids = Object.keys(errors);
    box.hidden = ids.length === 0;
    box.replaceChildren();
    if (!ids.length) return;
    const title = document.createElement("strong");
    title.textContent = texts["单元格有误：{count} 处"].replace("{count}", String(ids.length));
    const list = document.createElement("ul");
    ids.forEach((id) => {
      const item = document.createElement("li");
      item.dataset.cell = id;
      const code = document.createElement("code");
      code.textContent = id;
      item.append(code, " ", errors[id]);
      item.addEventListener("click", () => window.qisuDesigner.highlight(id));
      list.append(item);
    });
    box.append(title, list);
  }

  async function check() {
    const modeler = window.qisuDesigner && window.qisuDesigner.modeler;
    if (!modeler) return;
    const { xml } = await modeler.saveXML();
    const response = await fetch(root.dataset.cells, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ content: xml }) });
    const data = await response.json().catch(() => ({}));
    if (response.ok) errors = data.errors || {};
    mark();
    root.dataset.cellsChecked = String(Number(root.dataset.cellsChecked || 0) + 1);
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(() => check().catch(() => {}), 400);
  }

  function hook() {
    const modeler = window.qisuDesigner && window.qisuDesigner.modeler;
    if (!modeler) return;
    const viewer = modeler.getActiveViewer();
    if (viewer && viewer.on && !hooked.has(viewer)) {
      hooked.add(viewer);
      viewer.on("elements.changed", soon);
      // a re-rendered table loses the marks: put them back
      viewer.on("elements.changed", () => setTimeout(mark, 50));
    }
  }

  const ready = new MutationObserver(() => {
    if (root.dataset.ready !== "1") return;
    ready.disconnect();
    const modeler = window.qisuDesigner.modeler;
    modeler.on("views.changed", () => { hook(); setTimeout(mark, 50); });
    modeler.on("import.done", soon);
    hook();
    soon();
  });
  ready.observe(root, { attributes: true, attributeFilter: ["data-ready"] });
})();
