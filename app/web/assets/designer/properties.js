/* QiSu's properties provider: the SpiffWorkflow extensions the engine reads, next to the groups
 * of bpmn-js-properties-panel's BPMN provider (name, documentation, timer, message, signal…).
 * Conditions and scripts are checked by the server's restricted-code checker as they are typed;
 * timers are shown in words; actions, forms, processes and decisions are picked from what the
 * server has (the catalog, config.qisu). */
import { h } from "@bpmn-io/properties-panel/preact";
import { useEffect, useState } from "@bpmn-io/properties-panel/preact/hooks";
import { SelectEntry, TextAreaEntry, TextFieldEntry, isSelectEntryEdited,
         isTextAreaEntryEdited, isTextFieldEntryEdited } from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";
import { timerWords } from "./timer_words.js";

const FORM = "formJsonSchemaFilename";

function extension(bo, type) {
  return ((bo.extensionElements && bo.extensionElements.values) || []).find((v) => is(v, type));
}

function update(element, moddleElement, properties) {
  return { cmd: "element.updateModdleProperties", context: { element, moddleElement, properties } };
}

/* Commands giving `bo` an extension element of `type` (created by `make`), and that element. */
function ensureExtension(injector, element, type, make) {
  const bo = getBusinessObject(element);
  const moddle = injector.get("moddle");
  const commands = [];
  let container = bo.extensionElements;
  if (!container) {
    container = moddle.create("bpmn:ExtensionElements", { values: [] });
    container.$parent = bo;
    commands.push(update(element, bo, { extensionElements: container }));
  }
  let item = (container.values || []).find((v) => is(v, type));
  if (!item) {
    item = make(moddle);
    item.$parent = container;
    commands.push(update(element, container, { values: [...(container.values || []), item] }));
  }
  return { commands, item };
}

function run(injector, commands) {
  if (commands.length) injector.get("commandStack").execute("properties-panel.multi-command-executor", commands);
}

function property(bo, name) {
  const properties = extension(bo, "spiffworkflow:Properties");
  const found = ((properties && properties.values) || []).find((p) => p.name === name);
  return found ? found.value || "" : "";
}

function setProperty(injector, element, name, value) {
  const { commands, item } = ensureExtension(injector, element, "spiffworkflow:Properties",
    (moddle) => moddle.create("spiffworkflow:Properties", { values: [] }));
  const existing = (item.values || []).find((p) => p.name === name);
  if (existing) commands.push(update(element, existing, { value }));
  else {
    const created = injector.get("moddle").create("spiffworkflow:Property", { name, value });
    created.$parent = item;
    commands.push(update(element, item, { values: [...(item.values || []), created] }));
  }
  run(injector, commands);
}

/* A text area for Python code, checked by the server as it changes; its error under the field. */
function CodeEntry(props) {
  const { element, id, label, getValue, setValue, mode, catalog } = props;
  const debounce = useService("debounceInput");
  const value = getValue(element) || "";
  const [error, setError] = useState(null);
  useEffect(() => {
    if (!value.trim()) { setError(null); return undefined; }
    let cancelled = false;
    const timer = setTimeout(() => {
      fetch(catalog.check_url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": catalog.csrf },
        body: JSON.stringify({ source: value, mode }),
      }).then((r) => r.json()).then((data) => { if (!cancelled) setError(data.ok ? null : data.message); })
        .catch(() => {});
    }, 250);
    return () => { cancelled = true; clearTimeout(timer); };
  }, [value, mode]);
  return h("div", { class: "qisu-code-entry", "data-qisu-entry": id },
    h(TextAreaEntry, { element, id, label, getValue, setValue, debounce, monospace: true, rows: 3 }),
    error && h("div", { class: "bio-properties-panel-error qisu-code-error", role: "alert" }, error));
}

function TextEntry(props) {
  const debounce = useService("debounceInput");
  return h(TextFieldEntry, { ...props, debounce });
}

function Note(props) {
  const { text, className } = props;
  return h("div", { class: "bio-properties-panel-entry qisu-note " + (className || "") }, text);
}

function laneOf(bo) {
  let container = bo.$parent;
  while (container) {
    for (const set of container.laneSets || []) {
      for (const lane of set.lanes || []) {
        if ((lane.flowNodeRef || []).some((ref) => ref && ref.id === bo.id)) return lane;
      }
    }
    container = container.$parent;
  }
  return null;
}

function T(catalog, zh, en) { return catalog.zh ? zh : en; }

function options(values, current, catalog, label) {
  const list = [{ value: "", label: T(catalog, "（未选择）", "(none)") }];
  values.forEach((v) => list.push({ value: v, label: label ? label(v) : v }));
  if (current && !values.includes(current)) {
    list.push({ value: current, label: current + T(catalog, "（不存在）", " (does not exist)") });
  }
  return list;
}

// -- groups ----------------------------------------------------------------------------------

function userTaskGroup(element, injector, catalog) {
  const bo = getBusinessObject(element);
  const lane = laneOf(bo);
  const known = lane && catalog.lanes.find((l) => l.name === (lane.name || "").trim());
  const laneText = !lane ? T(catalog, "不在任何泳道中", "in no lane")
    : known ? `${lane.name} → ${known.label}` : `${lane.name}（${T(catalog, "不对应任何角色", "matches no role")}）`;
  return {
    id: "qisu-user-task", label: T(catalog, "用户任务", "User task"), entries: [
      { id: "qisu-form", component: SelectEntry, isEdited: isSelectEntryEdited,
        label: T(catalog, "表单（workflows/forms/）", "Form (workflows/forms/)"),
        getValue: () => property(bo, FORM),
        setValue: (value) => setProperty(injector, element, FORM, value),
        getOptions: () => options(catalog.forms, property(bo, FORM), catalog) },
      { id: "qisu-lane", component: Note, text: T(catalog, "泳道 / 角色：", "Lane / role: ") + laneText,
        className: known ? "" : "qisu-warning" },
      propertySelect(element, injector, catalog, "caseStatus", T(catalog, "诉求状态（任务就绪时）", "Case status (when ready)"),
                     catalog.case_statuses || []),
      propertySelect(element, injector, catalog, "deadlineClock", T(catalog, "计时（任务的时限）", "Deadline clock (the task's due time)"),
                     catalog.clocks || []),
      propertyText(element, injector, catalog, "unitVariable", T(catalog, "承办单位变量（协办）", "Unit variable (co-units)")),
      propertyText(element, injector, catalog, "dueVariable", T(catalog, "到期时间变量", "Due time variable")),
    ],
  };
}

/* A spiffworkflow:property of a user task chosen from `choices` ({value, label}). */
function propertySelect(element, injector, catalog, name, label, choices) {
  const bo = getBusinessObject(element);
  return { id: "qisu-property-" + name, component: SelectEntry, isEdited: isSelectEntryEdited, label,
    getValue: () => property(bo, name),
    setValue: (value) => setProperty(injector, element, name, value),
    getOptions: () => {
      const list = options(choices.map((c) => c.value), property(bo, name), catalog);
      return list.map((o) => { const c = choices.find((x) => x.value === o.value); return c ? { value: c.value, label: T(catalog, `${c.label}（${c.value}）`, `${c.label} (${c.value})`) } : o; });
    } };
}

function propertyText(element, injector, catalog, name, label) {
  const bo = getBusinessObject(element);
  return { id: "qisu-property-" + name, component: TextEntry, isEdited: isTextFieldEntryEdited, label,
    getValue: () => property(bo, name), setValue: (value) => setProperty(injector, element, name, value) };
}

function serviceTaskGroup(element, injector, catalog) {
  const bo = getBusinessObject(element);
  const operator = extension(bo, "spiffworkflow:ServiceTaskOperator");
  const name = operator ? operator.id || "" : "";
  const action = catalog.actions.find((a) => a.name === name);
  const ensure = () => ensureExtension(injector, element, "spiffworkflow:ServiceTaskOperator",
    (moddle) => moddle.create("spiffworkflow:ServiceTaskOperator", {
      id: "", parameterList: moddle.create("spiffworkflow:Parameters", { parameters: [] }) }));
  const entries = [
    { id: "qisu-action", component: SelectEntry, isEdited: isSelectEntryEdited,
      label: T(catalog, "操作（已注册）", "Action (registered)"),
      getValue: () => name,
      setValue: (value) => {
        const { commands, item } = ensure();
        commands.push(update(element, item, { id: value }));
        // the parameters the new action does not read go with the old action
        const chosen = catalog.actions.find((a) => a.name === value);
        const list = item.parameterList;
        if (chosen && list && (list.parameters || []).length) {
          commands.push(update(element, list, { parameters: list.parameters.filter((p) => chosen.params.includes(p.id)) }));
        }
        run(injector, commands);
      },
      getOptions: () => options(catalog.actions.map((a) => a.name), name, catalog) },
  ];
  if (action && action.help) entries.push({ id: "qisu-action-help", component: Note, text: action.help });
  entries.push({ id: "qisu-result", component: TextEntry, isEdited: isTextFieldEntryEdited,
    label: T(catalog, "结果变量", "Result variable"),
    getValue: () => (operator && operator.resultVariable) || "",
    setValue: (value) => { const { commands, item } = ensure(); commands.push(update(element, item, { resultVariable: value })); run(injector, commands); } });
  const existing = (operator && operator.parameterList && operator.parameterList.parameters) || [];
  const names = [...new Set([...((action && action.params) || []), ...existing.map((p) => p.id)])];
  names.forEach((param) => entries.push({
    id: "qisu-param-" + param, component: CodeEntry, mode: "eval", catalog,
    label: T(catalog, `参数 ${param}（表达式）`, `Parameter ${param} (expression)`),
    getValue: () => { const p = existing.find((x) => x.id === param); return p ? p.value || "" : ""; },
    setValue: (value) => setParameter(injector, element, ensure, param, value),
  }));
  return { id: "qisu-service-task", label: T(catalog, "服务任务", "Service task"), entries };
}

function setParameter(injector, element, ensure, param, value) {
  const { commands, item } = ensure();
  const moddle = injector.get("moddle");
  let list = item.parameterList;
  if (!list) {
    list = moddle.create("spiffworkflow:Parameters", { parameters: [] });
    list.$parent = item;
    commands.push(update(element, item, { parameterList: list }));
  }
  const existing = (list.parameters || []).find((p) => p.id === param);
  if (existing) commands.push(update(element, existing, { value }));
  else {
    const created = moddle.create("spiffworkflow:Parameter", { id: param, type: "any", value });
    created.$parent = list;
    commands.push(update(element, list, { parameters: [...(list.parameters || []), created] }));
  }
  run(injector, commands);
}

function conditionGroup(element, injector, catalog) {
  const bo = getBusinessObject(element);
  return { id: "qisu-condition", label: T(catalog, "条件", "Condition"), entries: [
    { id: "qisu-condition-expression", component: CodeEntry, mode: "eval", catalog,
      label: T(catalog, "条件表达式（Python）", "Condition expression (Python)"),
      getValue: () => (bo.conditionExpression && bo.conditionExpression.body) || "",
      setValue: (value) => {
        const expression = value && value.trim()
          ? injector.get("moddle").create("bpmn:FormalExpression", { body: value }) : undefined;
        if (expression) expression.$parent = bo;
        run(injector, [update(element, bo, { conditionExpression: expression })]);
      } },
  ] };
}

function scriptGroup(element, injector, catalog) {
  const bo = getBusinessObject(element);
  return { id: "qisu-script", label: T(catalog, "脚本", "Script"), entries: [
    { id: "qisu-script-body", component: CodeEntry, mode: "exec", catalog,
      label: T(catalog, "脚本（Python）", "Script (Python)"),
      getValue: () => bo.script || "",
      setValue: (value) => run(injector, [update(element, bo, { script: value })]) },
  ] };
}

function bodyExtensionEntry(element, injector, catalog, type, id, label, component, extra) {
  const bo = getBusinessObject(element);
  return { id, label, component, catalog, ...extra,
    getValue: () => { const e = extension(bo, type); return e ? e.value || "" : ""; },
    setValue: (value) => {
      const { commands, item } = ensureExtension(injector, element, type, (moddle) => moddle.create(type, { value: "" }));
      commands.push(update(element, item, { value }));
      run(injector, commands);
    } };
}

function timerEntry(element, catalog) {
  const bo = getBusinessObject(element);
  const definition = (bo.eventDefinitions || []).find((d) => is(d, "bpmn:TimerEventDefinition"));
  if (!definition) return null;
  const type = ["timeDate", "timeDuration", "timeCycle"].find((t) => definition[t]);
  const result = type ? timerWords(type, definition[type].body, catalog.zh)
    : { error: T(catalog, "未设置定时", "No timer value") };
  return { id: "qisu-timer-words", component: Note,
    text: result.error || T(catalog, "定时：", "Fires: ") + result.words,
    className: result.error ? "qisu-error-note" : "qisu-timer-words" };
}

function qisuGroups(element, injector, catalog) {
  const groups = [];
  if (is(element, "bpmn:UserTask")) groups.push(userTaskGroup(element, injector, catalog));
  if (is(element, "bpmn:ServiceTask")) groups.push(serviceTaskGroup(element, injector, catalog));
  if (is(element, "bpmn:ScriptTask")) groups.push(scriptGroup(element, injector, catalog));
  if (is(element, "bpmn:SequenceFlow")) {
    const source = getBusinessObject(element).sourceRef;
    if (source && (is(source, "bpmn:ExclusiveGateway") || is(source, "bpmn:InclusiveGateway"))) {
      groups.push(conditionGroup(element, injector, catalog));
    }
  }
  if (is(element, "bpmn:CallActivity")) {
    const bo = getBusinessObject(element);
    groups.push({ id: "qisu-call", label: T(catalog, "调用活动", "Call activity"), entries: [
      { id: "qisu-called-element", component: SelectEntry, isEdited: isSelectEntryEdited,
        label: T(catalog, "被调用的流程", "Called process"), getValue: () => bo.calledElement || "",
        setValue: (value) => run(injector, [update(element, bo, { calledElement: value })]),
        getOptions: () => options(catalog.processes, bo.calledElement, catalog) }] });
  }
  if (is(element, "bpmn:BusinessRuleTask")) {
    const bo = getBusinessObject(element);
    const current = (extension(bo, "spiffworkflow:CalledDecisionId") || {}).value;
    groups.push({ id: "qisu-decision", label: T(catalog, "决策", "Decision"), entries: [
      bodyExtensionEntry(element, injector, catalog, "spiffworkflow:CalledDecisionId", "qisu-decision-id",
        T(catalog, "决策表（DMN）", "Decision table (DMN)"), SelectEntry,
        { isEdited: isSelectEntryEdited, getOptions: () => options(catalog.decisions, current, catalog) })] });
  }
  if (is(element, "bpmn:Activity") && !is(element, "bpmn:SubProcess")) {
    groups.push({ id: "qisu-scripts", label: T(catalog, "前置 / 后置脚本", "Pre- / post-script"), entries: [
      bodyExtensionEntry(element, injector, catalog, "spiffworkflow:PreScript", "qisu-pre-script",
        T(catalog, "前置脚本（Python）", "Pre-script (Python)"), CodeEntry, { mode: "exec" }),
      bodyExtensionEntry(element, injector, catalog, "spiffworkflow:PostScript", "qisu-post-script",
        T(catalog, "后置脚本（Python）", "Post-script (Python)"), CodeEntry, { mode: "exec" })] });
  }
  return groups;
}

export default class QisuPropertiesProvider {
  constructor(propertiesPanel, injector, config) {
    this._injector = injector;
    this._catalog = config || { actions: [], forms: [], lanes: [], processes: [], decisions: [] };
    propertiesPanel.registerProvider(500, this);
  }

  getGroups(element) {
    return (groups) => {
      const catalog = this._catalog;
      const timer = timerEntry(element, catalog);
      if (timer) {
        const group = groups.find((g) => g.id === "timer");
        if (group) group.entries = [...group.entries, timer];
        else groups.push({ id: "qisu-timer", label: T(catalog, "定时", "Timer"), entries: [timer] });
      }
      const own = qisuGroups(element, this._injector, catalog);
      const at = groups.findIndex((g) => g.id === "documentation");
      groups.splice(at >= 0 ? at + 1 : groups.length, 0, ...own);
      return groups;
    };
  }
}
QisuPropertiesProvider.$inject = ["propertiesPanel", "injector", "config.qisu"];
