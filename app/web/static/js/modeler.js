/* QiSu process designer: bpmn-js / dmn-js modeler (or a text area for forms), 校验 and 部署.
 *
 * The page (designer_edit.html) gives the file's kind and the URLs in data-* attributes of
 * #designer; the file is loaded from /designer/file/<filename>. Validation and deployment POST
 * {"filename", "content"} as JSON with the CSRF token of the page's <meta name="csrf-token">.
 * Errors name the file and the element id; clicking one selects the element in the modeler.
 * Until something is changed, 部署 is off and the file is sent as loaded, not as the modeler
 * would write it again. On a Chinese page the editors speak Chinese (modeler-zh.js). */
(function () {
  "use strict";

  const root = document.getElementById("designer");
  if (!root) return;
  const kind = root.dataset.kind;
  const filename = root.dataset.filename;
  const texts = JSON.parse(document.getElementById("designer-texts").textContent);
  const canvasEl = document.getElementById("canvas");
  const sourceEl = document.getElementById("source");
  const resultEl = document.getElementById("designer-result");
  const toggleEl = document.getElementById("toggle-source");
  const deployButton = document.getElementById("deploy");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  let modeler = null;
  let showingSource = kind === "form";
  let sourceEdited = false;
  let original = null;  // the file as loaded, or as last deployed
  let dirty = false;
  let markers = [];
  let catalog = null;  // bpmn: what the properties panel and lint offer (GET data-catalog)

  function setDirty(value) {
    dirty = value;
    if (deployButton) {
      deployButton.disabled = !dirty;
      deployButton.title = dirty ? "" : texts.nothing_changed;
    }
  }

  // -- the editors' own texts: Chinese on a Chinese page ---------------------------------

  const chinese = /^zh/i.test(document.documentElement.lang) && window.QISU_MODELER_ZH;
  const view = window.QisuModelerView;
  const { format, el, translateModule } = view;

  if (chinese) view.translateFixedTexts(window.QISU_MODELER_ZH, canvasEl);

  function editorOptions() {
    const modules = chinese ? [translateModule(window.QISU_MODELER_ZH)] : [];
    if (kind === "bpmn") {
      return { container: canvasEl, additionalModules: modules, qisu: catalog,
               propertiesPanel: { parent: "#properties" },
               linting: { bpmnlint: window.QisuLint.config(catalog), active: true } };
    }
    // dmn-js passes additionalModules to each kind of view, not from its `common` options.
    const views = {};
    ["drd", "decisionTable", "literalExpression", "boxedExpression"].forEach((view) => {
      views[view] = { additionalModules: modules };
    });
    return Object.assign({ container: canvasEl }, views);
  }

  // -- messages --------------------------------------------------------------------------

  function show(kindOfMessage, title, errors, extra) {
    resultEl.replaceChildren();
    const box = el("div", { class: "designer-message " + kindOfMessage, "data-state": kindOfMessage },
                   [el("strong", {}, [title])]);
    if (extra) box.append(" ", extra);
    if (errors && errors.length) {
      const list = el("ul", { class: "designer-errors" });
      errors.forEach((e) => {
        const where = el("code", {}, [e.where || "bundle"]);
        const item = el("li", { "data-element-id": e.element_id || "", "data-file": e.file || "" },
                        [where, " ", e.message]);
        if (e.element_id && (!e.file || e.file === filename)) {
          item.classList.add("locatable");
          item.title = texts.element + " " + e.element_id;
          item.addEventListener("click", () => highlight(e.element_id));
        }
        list.append(item);
      });
      box.append(list);
    }
    resultEl.append(box);
  }

  // -- loading ---------------------------------------------------------------------------

  async function load() {
    const response = await fetch(root.dataset.source, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) {
      show("error", format(texts.loading_failed_status, { status: response.status }));
      return;
    }
    const text = await response.text();
    original = text;
    if (kind === "form") {
      sourceEl.value = text;
      sourceEl.addEventListener("input", () => setDirty(sourceEl.value !== original));
      root.dataset.ready = "1";
      return;
    }
    if (kind === "bpmn") {
      catalog = await loadCatalog();
      modeler = new window.BpmnJS(editorOptions());
      modeler.on("linting.completed", (event) => view.showLint(event.issues || {}, texts, highlight));
    } else {
      modeler = new window.DmnJS(editorOptions());
      modeler.on("views.changed", renderViews);
    }
    await importXml(text);
    if (kind === "bpmn") {
      fitDiagram();
      modeler.on("commandStack.changed", () => setDirty(true));
    }
    // Any later import (the XML source edited, or a script) replaces the model: a change.
    modeler.on("import.done", () => setDirty(true));
    root.dataset.ready = "1";
  }

  async function loadCatalog() {
    const response = await fetch(root.dataset.catalog, { credentials: "same-origin", headers: { Accept: "application/json" } });
    const data = response.ok ? await response.json() : { actions: [], forms: [], lanes: [], processes: [], decisions: [] };
    return Object.assign(data, { zh: !!chinese, csrf: csrf, check_url: root.dataset.checkCode,
                                 lanes: data.lanes || [], laneNames: (data.lanes || []).map((l) => l.name),
                                 actionNames: (data.actions || []).map((a) => a.name) });
  }

  async function importXml(text) {
    const result = await modeler.importXML(text);
    if (kind === "dmn") openFirstTable();
    const warnings = ((result && result.warnings) || []).filter((w) => !keepReference(w));
    if (warnings.length) {
      show("warning", texts.import_warnings, warnings.map((w) => ({ where: filename, message: w.message })));
    } else {
      resultEl.replaceChildren();
    }
  }

  /* SpiffWorkflow names process variables where BPMN expects element ids (a multi-instance
   * task's loopDataInputRef / loopDataOutputRef is `co_units`, a variable). bpmn-js cannot resolve
   * such a reference and would drop it when saving; keep it, as a reference to a placeholder
   * with that id (only the id is written back). */
  function keepReference(warning) {
    if (kind !== "bpmn" || !warning.element || !warning.property || !warning.value) return false;
    if (!/^unresolved reference/.test(warning.message || "")) return false;
    const descriptor = warning.element.$descriptor.propertiesByName[warning.property];
    if (!descriptor || !descriptor.isReference) return false;
    const placeholder = modeler.get("moddle").create("bpmn:DataInput", { id: warning.value });
    if (descriptor.isMany) warning.element.get(warning.property).push(placeholder);
    else warning.element.set(warning.property, placeholder);
    return true;
  }

  // -- dmn-js views: the DRD and one view per decision --------------------------------------

  function openFirstTable() {
    const views = modeler.getViews();
    const table = views.find((v) => v.type === "decisionTable") || views[0];
    const active = modeler.getActiveView();
    if (table && (!active || active.element !== table.element)) modeler.open(table);
    renderViews();
  }

  function renderViews() {
    const nav = document.getElementById("dmn-views");
    if (!nav || !modeler) return;
    const active = modeler.getActiveView();
    nav.replaceChildren();
    modeler.getViews().forEach((view) => {
      const label = view.type === "drd" ? texts.drd : (view.element.name || view.element.id);
      const button = el("button", { type: "button", class: active && active.element === view.element ? "active" : "" },
                        [label]);
      button.addEventListener("click", () => modeler.open(view).then(renderViews));
      nav.append(button);
    });
    if (kind === "dmn") {
      const viewer = modeler.getActiveViewer();
      if (viewer && viewer.on && !viewer.__qisuDirty) {
        viewer.__qisuDirty = true;
        viewer.on("elements.changed", () => setDirty(true));
      }
    }
  }

  // -- XML source ------------------------------------------------------------------------

  async function modelerXml() {
    const { xml } = await modeler.saveXML({ format: true });
    return xml;
  }

  /* What 校验 and 部署 send: the file as loaded while nothing is changed (saving it from the
   * modeler would reformat it), else the source being edited or the modeler's XML. */
  async function currentContent() {
    if (!dirty && original !== null) return original;
    if (showingSource || !modeler) return sourceEl.value;
    return modelerXml();
  }

  async function toggleSource() {
    if (!showingSource) {
      sourceEl.value = dirty ? await modelerXml() : original;
      sourceEl.hidden = false;
      canvasEl.hidden = true;
      showingSource = true;
      sourceEdited = false;
      toggleEl.textContent = texts.diagram;
      sourceEl.addEventListener("input", () => { sourceEdited = true; setDirty(true); }, { once: true });
      return;
    }
    try {
      // Unedited, the modeler still holds the same model: nothing to import again.
      if (sourceEdited) await importXml(sourceEl.value);
    } catch (err) {
      show("error", texts.source_invalid, [{ where: filename, message: String(err.message || err) }]);
      return;
    }
    sourceEl.hidden = true;
    canvasEl.hidden = false;
    showingSource = false;
    toggleEl.textContent = texts.source;
    if (kind === "bpmn") fitDiagram();
  }

  function fitDiagram() { view.fitDiagram(modeler, root); }

  // -- errors in the diagram -------------------------------------------------------------

  function clearMarkers() {
    if (kind === "bpmn" && modeler) {
      const canvas = modeler.get("canvas");
      markers.forEach((id) => { try { canvas.removeMarker(id, "qisu-error"); } catch (e) { /* gone */ } });
    }
    document.querySelectorAll(".qisu-error-cell").forEach((n) => n.classList.remove("qisu-error-cell"));
    markers = [];
  }

  /* The element of the model whose id is `id`, or its nearest ancestor with one in `accept`. */
  async function xmlAncestor(id, accept) {
    const xml = await modelerXml();
    const doc = new DOMParser().parseFromString(xml, "application/xml");
    let node = Array.from(doc.getElementsByTagName("*")).find((n) => n.getAttribute("id") === id);
    while (node && node.nodeType === 1) {
      const nodeId = node.getAttribute("id");
      if (nodeId && accept(nodeId, node)) return nodeId;
      node = node.parentNode;
    }
    return null;
  }

  async function highlight(id) {
    if (!modeler || showingSource) {
      // In the source, select the element's opening tag.
      const at = sourceEl.value.indexOf('id="' + id + '"');
      if (at >= 0) {
        sourceEl.focus();
        sourceEl.setSelectionRange(sourceEl.value.lastIndexOf("<", at), sourceEl.value.indexOf(">", at) + 1);
      }
      return;
    }
    clearMarkers();
    if (kind === "bpmn") {
      const registry = modeler.get("elementRegistry");
      const shapeId = registry.get(id) ? id : await xmlAncestor(id, (nodeId) => !!registry.get(nodeId));
      if (!shapeId) return;
      const element = registry.get(shapeId);
      const canvas = modeler.get("canvas");
      if (canvas.findRoot) {
        const elementRoot = canvas.findRoot(element);
        if (elementRoot && elementRoot !== canvas.getRootElement()) canvas.setRootElement(elementRoot);
      }
      canvas.addMarker(shapeId, "qisu-error");
      markers.push(shapeId);
      modeler.get("selection").select(element);
      view.centerOn(modeler, element);
      canvasEl.scrollIntoView({ behavior: "smooth", block: "nearest" });
      return;
    }
    // dmn-js: open the decision that holds the element, then mark its cell or row.
    const views = modeler.getViews();
    const decisionId = await xmlAncestor(id, (nodeId, node) => node.localName === "decision");
    const view = views.find((v) => v.element.id === decisionId && v.type !== "drd");
    if (view) {
      await modeler.open(view);
      renderViews();
    }
    const escaped = window.CSS && CSS.escape ? CSS.escape(id) : id;
    const cells = canvasEl.querySelectorAll(
      `[data-element-id="${escaped}"], [data-row-id="${escaped}"], [data-col-id="${escaped}"]`);
    cells.forEach((c) => c.classList.add("qisu-error-cell"));
    if (cells.length) cells[0].scrollIntoView({ behavior: "smooth", block: "center", inline: "center" });
  }

  // -- validate and deploy ---------------------------------------------------------------

  async function post(url, content) {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ filename: filename, content: content }),
    });
    let data = null;
    try { data = await response.json(); } catch (e) { /* not JSON */ }
    return { status: response.status, data: data || {} };
  }

  function firstLocatable(errors) {
    const e = (errors || []).find((x) => x.element_id && (!x.file || x.file === filename));
    if (e) highlight(e.element_id);
  }

  async function validate() {
    show("pending", texts.validating);
    clearMarkers();
    const { status, data } = await post(root.dataset.validate, await currentContent());
    if (status === 200 && data.ok) {
      show("ok", texts.valid);
    } else {
      show("error", data.errors ? texts.invalid : format(texts.request_failed_status, { status: status }),
           data.errors);
      firstLocatable(data.errors);
    }
  }

  async function deploy() {
    if (!window.confirm(texts.confirm_deploy)) return;
    show("pending", texts.deploying);
    clearMarkers();
    const sent = await currentContent();
    const { status, data } = await post(root.dataset.deploy, sent);
    if (data.ok) {
      original = sent;
      setDirty(false);
      const d = data.deployment;
      const link = el("a", { href: root.dataset.designer }, [texts.view_designer]);
      show("ok", format(d.created ? texts.deployed : d.reactivated ? texts.reactivated : texts.unchanged, { id: d.id }), null, link);
      root.dataset.deployment = String(d.id);
    } else {
      show("error", data.message ? format(texts.deploy_failed_message, { message: data.message })
                                 : format(texts.deploy_failed_status, { status: status }), data.errors);
      firstLocatable(data.errors);
    }
  }

  function guard(fn) {
    return (event) => {
      const button = event.currentTarget;
      button.disabled = true;
      Promise.resolve(fn()).catch((err) => show("error", texts.request_failed, [{ where: filename, message: String(err.message || err) }]))
        .finally(() => { button.disabled = button === deployButton && !dirty; });
    };
  }

  const validateButton = document.getElementById("validate");
  if (validateButton) validateButton.addEventListener("click", guard(validate));
  if (deployButton) deployButton.addEventListener("click", guard(deploy));
  if (toggleEl) toggleEl.addEventListener("click", guard(toggleSource));
  // 按历史诉求模拟: the table being edited (not deployed) replayed on past cases, in a new tab.
  const whatIfForm = document.getElementById("what-if-draft");
  if (whatIfForm) whatIfForm.addEventListener("submit", (event) => {
    event.preventDefault();
    currentContent().then((text) => { whatIfForm.elements.sla_dmn.value = text; whatIfForm.submit(); })
      .catch((err) => show("error", texts.request_failed, [{ where: filename, message: String(err.message || err) }]));
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) { event.preventDefault(); event.returnValue = texts.unsaved; }
  });

  setDirty(false);
  load().catch((err) => show("error", texts.loading_failed, [{ where: filename, message: String(err.message || err) }]));
  window.qisuDesigner = { get modeler() { return modeler; }, content: currentContent, xml: modelerXml,
                         highlight: highlight, get catalog() { return catalog; },
                         lint: () => window.QisuLint.lint(modeler.getDefinitions(), catalog) };
})();
