/* Issue 19 §3: a form editor for workflows/forms/*.schema.json on the designer's form page.
 * The JSON Schema in the raw text area (#source, still editable) is the truth: every edit here
 * rewrites it (and marks the page changed, as typing would), and typing there redraws the
 * editor. Fields: add, remove, reorder; name, type, title, help, required, options, bounds,
 * format, "required when another field is one of …" (an if/then in allOf, as the task page and
 * the server read it). The preview is rendered by the server with the task page's own code. */
(function () {
  "use strict";

  const root = document.getElementById("designer");
  const host = document.getElementById("form-editor");
  if (!root || root.dataset.kind !== "form" || !host) return;
  const source = document.getElementById("source");
  const texts = JSON.parse(document.getElementById("form-editor-texts").textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const T = (key) => texts[key] || key;
  const TYPES = [["string", "文本"], ["integer", "整数"], ["number", "数字"], ["boolean", "是/否"], ["array", "多项文本"]];
  const FORMATS = ["", "date-time", "date", "time", "email", "uri"];
  let schema = null;
  let previewTimer = null;

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : v);
    });
    (children || []).forEach((c) => node.append(c));
    return node;
  }

  // -- the schema ------------------------------------------------------------------------------

  const props = () => (schema.properties = schema.properties || {});
  const required = () => schema.required || [];

  function setOrDelete(object, key, value) {
    if (value === "" || value === null || value === undefined || (Array.isArray(value) && !value.length)) delete object[key];
    else object[key] = value;
  }

  function write() {
    source.value = JSON.stringify(schema, null, 2) + "\n";
    source.dispatchEvent(new Event("input", { bubbles: true }));
    preview();
  }

  function rebuild(order, rename) {
    const old = props();
    const next = {};
    order.forEach((name) => { next[rename && rename[0] === name ? rename[1] : name] = old[name]; });
    schema.properties = next;
  }

  function conditionOf(name) {
    for (const branch of schema.allOf || []) {
      const ifProps = branch && branch.if && branch.if.properties;
      const then = branch && branch.then;
      if (!ifProps || !then || !(then.required || []).includes(name)) continue;
      const keys = Object.keys(ifProps);
      if (keys.length !== 1) continue;
      const rule = ifProps[keys[0]] || {};
      const values = rule.enum || ("const" in rule ? [rule.const] : []);
      return { branch: branch, field: keys[0], values: values };
    }
    return null;
  }

  function setCondition(name, field, values) {
    const found = conditionOf(name);
    if (found) {
      found.branch.then.required = found.branch.then.required.filter((n) => n !== name);
      const then = found.branch.then;
      if (!then.required.length) delete then.required;
      if (!Object.keys(then).length) schema.allOf = schema.allOf.filter((b) => b !== found.branch);
    }
    if (field && values.length) {
      const rule = { enum: values };
      schema.allOf = schema.allOf || [];
      schema.allOf.push({ if: { properties: { [field]: rule }, required: [field] }, then: { required: [name] } });
    }
    if (schema.allOf && !schema.allOf.length) delete schema.allOf;
  }

  function typed(prop, text) {
    const kind = prop.type === "array" ? (prop.items || {}).type : prop.type;
    if (kind === "integer" || kind === "number") { const n = Number(text); return Number.isFinite(n) ? n : text; }
    return text;
  }

  // -- the editor ------------------------------------------------------------------------------

  function input(label, value, onchange, attrs) {
    const id = "fe-" + Math.random().toString(36).slice(2);
    const box = el(attrs && attrs.rows ? "textarea" : "input", Object.assign({ id: id, onchange: (e) => onchange(e.target) }, attrs || {}));
    if (attrs && attrs.type === "checkbox") box.checked = !!value; else box.value = value === undefined || value === null ? "" : String(value);
    return el("label", { class: "fe-input", for: id }, [el("span", {}, [label]), box]);
  }

  function fieldCard(name, index, names) {
    const prop = props()[name];
    const kind = prop.type || "string";
    const change = (fn) => (target) => { fn(target); write(); render(); };
    const card = el("fieldset", { class: "fe-field", "data-field": name });
    const head = el("div", { class: "fe-head" }, [
      input(T("字段名"), name, change((t) => {
        const next = t.value.trim();
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(next) || (next !== name && next in props())) { alert(T("字段名须为字母、数字或下划线，且不重复")); return; }
        rebuild(Object.keys(props()), [name, next]);
        if (schema.required) schema.required = schema.required.map((n) => (n === name ? next : n));
        const cond = conditionOf(name);
        if (cond) { setCondition(name, null, []); setCondition(next, cond.field, cond.values); }
      }), { class: "fe-name" }),
      el("label", { class: "fe-input" }, [el("span", {}, [T("类型")]), el("select", { class: "fe-type", onchange: change((t) => {
        prop.type = t.value;
        const drop = { boolean: ["enum", "minLength", "maxLength", "format", "minimum", "maximum", "items"],
          integer: ["minLength", "maxLength", "format", "items"], number: ["minLength", "maxLength", "format", "items"],
          string: ["minimum", "maximum", "items"], array: ["enum", "minLength", "maxLength", "format", "minimum", "maximum"] }[t.value];
        drop.forEach((k) => delete prop[k]);
        if (t.value === "array") prop.items = { type: "string" };
      }) }, TYPES.map(([v, label]) => { const o = el("option", { value: v }, [T(label)]); o.selected = v === kind; return o; }))]),
      el("span", { class: "fe-buttons" }, [
        el("button", { type: "button", class: "fe-up", disabled: index === 0, onclick: () => { const o = names.slice(); [o[index - 1], o[index]] = [o[index], o[index - 1]]; rebuild(o); write(); render(); } }, [T("上移")]),
        el("button", { type: "button", class: "fe-down", disabled: index === names.length - 1, onclick: () => { const o = names.slice(); [o[index + 1], o[index]] = [o[index], o[index + 1]]; rebuild(o); write(); render(); } }, [T("下移")]),
        el("button", { type: "button", class: "fe-remove", onclick: () => {
          delete props()[name];
          setOrDelete(schema, "required", required().filter((n) => n !== name));
          setCondition(name, null, []);
          write(); render();
        } }, [T("删除")])]),
    ]);
    card.append(head);
    card.append(input(T("标题"), prop.title, change((t) => setOrDelete(prop, "title", t.value.trim())), { class: "fe-title" }));
    card.append(input(T("说明"), prop.description, change((t) => setOrDelete(prop, "description", t.value.trim())), { class: "fe-description" }));
    card.append(input(T("必填"), required().includes(name), change((t) => {
      const list = required().filter((n) => n !== name);
      if (t.checked) list.push(name);
      setOrDelete(schema, "required", list);
    }), { type: "checkbox", class: "fe-required" }));
    if (kind !== "boolean") {
      const holder = kind === "array" ? (prop.items = prop.items || { type: "string" }) : prop;
      card.append(input(T("选项（每行一项）"), (holder.enum || []).join("\n"), change((t) => {
        setOrDelete(holder, "enum", t.value.split("\n").map((s) => s.trim()).filter(Boolean).map((s) => typed(prop, s)));
      }), { rows: 3, class: "fe-enum" }));
    }
    if (kind === "integer" || kind === "number") {
      card.append(input(T("最小值"), prop.minimum, change((t) => setOrDelete(prop, "minimum", t.value === "" ? "" : Number(t.value))), { type: "number", class: "fe-minimum" }));
      card.append(input(T("最大值"), prop.maximum, change((t) => setOrDelete(prop, "maximum", t.value === "" ? "" : Number(t.value))), { type: "number", class: "fe-maximum" }));
    }
    if (kind === "string") {
      card.append(input(T("最短长度"), prop.minLength, change((t) => setOrDelete(prop, "minLength", t.value === "" ? "" : parseInt(t.value, 10))), { type: "number", min: "0", class: "fe-minlength" }));
      card.append(input(T("最长长度"), prop.maxLength, change((t) => setOrDelete(prop, "maxLength", t.value === "" ? "" : parseInt(t.value, 10))), { type: "number", min: "0", class: "fe-maxlength" }));
      card.append(el("label", { class: "fe-input" }, [el("span", {}, [T("格式")]), el("select", { class: "fe-format", onchange: change((t) => setOrDelete(prop, "format", t.value)) },
        FORMATS.map((f) => { const o = el("option", { value: f }, [f || T("无")]); o.selected = (prop.format || "") === f; return o; }))]));
    }
    const cond = conditionOf(name);
    const others = names.filter((n) => n !== name);
    const condField = el("select", { class: "fe-when-field" }, [el("option", { value: "" }, [T("无")]),
      ...others.map((n) => { const o = el("option", { value: n }, [(props()[n].title || n) + " (" + n + ")"]); o.selected = !!cond && cond.field === n; return o; })]);
    const condValues = el("textarea", { rows: 2, class: "fe-when-values" });
    condValues.value = cond ? cond.values.join("\n") : "";
    const applyCondition = () => {
      const field = condField.value;
      const values = condValues.value.split("\n").map((s) => s.trim()).filter(Boolean);
      setCondition(name, field, field ? values.map((v) => typed(props()[field] || {}, v)) : []);
      write(); render();
    };
    condField.addEventListener("change", applyCondition);
    condValues.addEventListener("change", applyCondition);
    card.append(el("div", { class: "fe-when" }, [el("span", {}, [T("在以下情况必填")]), condField,
      el("span", {}, [T("字段取值为（每行一项）")]), condValues]));
    return card;
  }

  function render() {
    const names = Object.keys(props());
    const head = el("div", { class: "fe-form" }, [
      input(T("表单标题"), schema.title, (t) => { setOrDelete(schema, "title", t.value.trim()); write(); }, { class: "fe-form-title" }),
      input(T("表单说明"), schema.description, (t) => { setOrDelete(schema, "description", t.value.trim()); write(); }, { class: "fe-form-description" })]);
    const list = el("div", { class: "fe-fields" }, names.map((name, i) => fieldCard(name, i, names)));
    const add = el("button", { type: "button", id: "fe-add", onclick: () => {
      let n = 1;
      while (("field_" + n) in props()) n += 1;
      props()["field_" + n] = { type: "string", title: T("新字段") };
      write(); render();
    } }, [T("添加字段")]);
    host.querySelector(".fe-editor").replaceChildren(el("h2", {}, [T("字段")]), head, list, add);
  }

  async function preview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(async () => {
      const box = host.querySelector(".fe-preview-body");
      const response = await fetch(host.dataset.preview, { method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ content: source.value }) });
      const data = await response.json().catch(() => ({}));
      if (data.ok) box.innerHTML = data.html; else box.textContent = data.message || String(response.status);
      host.dataset.previews = String(Number(host.dataset.previews || 0) + 1);
    }, 250);
  }

  function load() {
    try {
      schema = JSON.parse(source.value);
      if (!schema || typeof schema !== "object" || Array.isArray(schema)) throw new Error("not an object");
      host.classList.remove("fe-invalid");
      render();
    } catch (err) {
      host.classList.add("fe-invalid");
      host.querySelector(".fe-editor").replaceChildren(el("p", { class: "designer-message error" }, [String(err.message || err)]));
    }
    preview();
  }

  let typing = null;
  source.addEventListener("input", (event) => {
    if (!event.isTrusted) return;  // our own rewrite
    clearTimeout(typing);
    typing = setTimeout(load, 400);
  });
  const ready = new MutationObserver(() => {
    if (root.dataset.ready !== "1") return;
    ready.disconnect();
    load();
  });
  ready.observe(root, { attributes: true, attributeFilter: ["data-ready"] });
})();
