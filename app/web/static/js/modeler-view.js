/* The designer modeler's view helpers (used by modeler.js): the editors' texts in the page's
 * language, the first view of a BPMN diagram, centring on an element, and the lint summary. */
(function () {
  "use strict";

  /* `template` with its {placeholders} filled from `values`. */
  function format(template, values) {
    return template.replace(/{(\w+)}/g, (match, key) => (key in values ? String(values[key]) : match));
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "class") node.className = v; else node.setAttribute(k, v);
    });
    (children || []).forEach((c) => node.append(c));
    return node;
  }

  /* A bpmn-js / dmn-js module that replaces their `translate(template, replacements)`. */
  function translateModule(dictionary) {
    const translate = (template, replacements) =>
      format(dictionary[template] || template, replacements || {});
    return { translate: ["value", translate] };
  }

  /* Texts the editors write without `translate`: the decision table's drag handles (title),
   * the token simulation's toggle, notifications and log, and the popup menu's search count,
   * whose pieces ("3", " ", "results", " found") are separate text nodes. Changed in place, so the editors' own later updates still apply. */
  const TOKEN_SIMULATION = ".bts-toggle-mode, .bts-notification, .bts-log .bts-entry, .bts-text";
  function translateFixedTexts(dictionary, canvasEl) {
    const fix = (node) => {
      if (node.nodeType === 3) {
        const parent = node.parentElement;
        if (parent && parent.closest(".djs-popup-search-count") && Object.hasOwn(dictionary, node.data)) {
          node.data = dictionary[node.data];
        }
        const text = node.data.trim();
        if (parent && parent.closest(TOKEN_SIMULATION) && text && Object.hasOwn(dictionary, text)) {
          node.data = node.data.replace(text, dictionary[text]);
        }
        return;
      }
      if (node.nodeType !== 1) return;
      const within = (selector) => [node, ...node.querySelectorAll(selector)].filter((n) => n.matches(selector));
      within("[title]").forEach((n) => {
        const title = n.getAttribute("title");
        if (/^Move (Input|Output)$/.test(title) && dictionary[title]) n.setAttribute("title", dictionary[title]);
        if (n.closest("[class*='bts-']") && dictionary[title]) n.setAttribute("title", dictionary[title]);
      });
      // bpmn-js-token-simulation's toggle, notifications and log
      within(TOKEN_SIMULATION).forEach((n) => n.childNodes.forEach((c) => { if (c.nodeType === 3) fix(c); }));
      within(".djs-popup-search-count").forEach((n) => n.childNodes.forEach(fix));
    };
    new MutationObserver((records) => records.forEach((r) => {
      if (r.type === "childList") r.addedNodes.forEach(fix); else fix(r.target);
    })).observe(canvasEl, { subtree: true, childList: true, characterData: true,
                            attributes: true, attributeFilter: ["title"] });
  }
  /* The lint result above the canvas: how many issues, each locatable. */
  function showLint(issues, texts, highlight) {
    const summary = document.getElementById("lint-summary");
    if (!summary) return;
    const items = [];
    Object.entries(issues).forEach(([id, reports]) => reports.forEach((r) => items.push({ id: id, message: r.message, rule: r.rule })));
    summary.replaceChildren();
    summary.dataset.count = String(items.length);
    if (!items.length) {
      summary.append(el("span", { class: "lint-ok" }, [texts.lint_ok]));
      return;
    }
    const details = el("details", { class: "lint-issues" }, [el("summary", {}, [format(texts.lint_issues, { count: items.length })])]);
    const list = el("ul", {});
    items.forEach((item) => {
      const li = el("li", { class: "locatable", "data-element-id": item.id, "data-rule": (item.rule || "").replace(/^qisu\//, "") },
                    [el("code", {}, [item.id]), " ", item.message]);
      li.addEventListener("click", () => highlight(item.id));
      list.append(li);
    });
    details.append(list);
    summary.append(details);
  }

  /* The whole diagram in view, clear of the palette on the left, when its labels stay readable
   * at that zoom; otherwise a readable zoom on the start of the process (the left, around the
   * first start event), with the minimap open for the rest. */
  const PALETTE = 110;
  const READABLE = 0.75;
  function fitDiagram(modeler, root) {
    const canvas = modeler.get("canvas");
    canvas.zoom("fit-viewport");
    const { inner, outer } = canvas.viewbox();
    if (!inner.width || !inner.height) return;
    const fitted = Math.min((outer.width - PALETTE - 30) / inner.width, (outer.height - 40) / inner.height, 1.2);
    const scale = Math.max(fitted, READABLE);
    let y = inner.y - 20 / scale;
    if (fitted < READABLE) {
      const start = modeler.get("elementRegistry").filter((e) => e.type === "bpmn:StartEvent" && !e.parent.parent)[0]
        || modeler.get("elementRegistry").filter((e) => e.type === "bpmn:StartEvent")[0];
      const height = outer.height / scale;
      if (start) y = Math.max(inner.y - 20 / scale, Math.min(start.y + start.height / 2 - height / 2, inner.y + inner.height - height + 20 / scale));
      const minimap = modeler.get("minimap", false);
      if (minimap && minimap.open) minimap.open();
    }
    canvas.viewbox({ x: inner.x - (PALETTE + 10) / scale, y: y,
                     width: outer.width / scale, height: outer.height / scale });
    root.dataset.zoom = String(Math.round(canvas.zoom() * 100) / 100);
  }

  /* Put `element` in the middle of the view (keeping the zoom, or zooming in a little). */
  function centerOn(modeler, element) {
    const canvas = modeler.get("canvas");
    const points = element.waypoints || [{ x: element.x, y: element.y },
      { x: element.x + element.width, y: element.y + element.height }];
    const xs = points.map((p) => p.x), ys = points.map((p) => p.y);
    const cx = (Math.min(...xs) + Math.max(...xs)) / 2, cy = (Math.min(...ys) + Math.max(...ys)) / 2;
    const { outer } = canvas.viewbox();
    const scale = Math.max(canvas.zoom(), 0.8);
    canvas.viewbox({ x: cx - outer.width / scale / 2, y: cy - outer.height / scale / 2,
                     width: outer.width / scale, height: outer.height / scale });
  }

  window.QisuModelerView = { format, el, translateModule, translateFixedTexts, showLint, fitDiagram, centerOn };
})();
