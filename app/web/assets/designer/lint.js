/* QiSu's bpmnlint plug-in: the rules the server also enforces on deploy (app/engine/lint.py).
 * Each rule is given the catalog of what exists (registered actions, forms, lanes known to the
 * role table) as its configuration. Messages are the server's, in the page's language. */
import { timerWords } from "./timer_words.js";

const is = (node, type) => node && typeof node.$instanceOf === "function" && node.$instanceOf(type);
const isAny = (node, types) => types.some((t) => is(node, t));
const extension = (node, type) =>
  ((node.extensionElements && node.extensionElements.values) || []).find((v) => is(v, type));

export const MESSAGES = {
  form_missing: ["用户任务须指定表单", "A user task needs a form"],
  form_unknown: ["表单 {form} 不存在", "Form {form} does not exist"],
  lane_missing: ["用户任务须位于泳道中（泳道决定办理角色）", "A user task must be in a lane (the lane decides the role)"],
  lane_unknown: ["泳道“{lane}”不对应任何角色", "Lane \"{lane}\" matches no role"],
  action_missing: ["服务任务须指定操作", "A service task needs an action"],
  action_unknown: ["操作 {action} 未注册", "Action {action} is not registered"],
  gateway_default: ["排他网关除默认流外的每条出口都须有条件（没有默认流时，条件须覆盖所有情况）",
                    "Every outgoing flow of an exclusive gateway but its default needs a condition (without a default, the conditions must cover every case)"],
  unreachable: ["从开始事件无法到达", "Cannot be reached from a start event"],
  flow_dangling: ["顺序流缺少起点或终点", "The sequence flow lacks its source or target"],
  no_outgoing: ["没有出口：只有结束事件可以结束路径", "No outgoing flow: only an end event may end a path"],
  timer_missing: ["定时事件须设置日期、时长或周期", "A timer needs a date, a duration or a cycle"],
};

function message(key, zh, values) {
  const text = MESSAGES[key][zh ? 0 : 1];
  return text.replace(/{(\w+)}/g, (m, k) => (k in (values || {}) ? values[k] : m));
}

/* The sequence flows leaving `node`, by their sourceRef (as the server reads them; a file's
 * <bpmn:outgoing> lists are derived and may be missing). */
function outgoingOf(node) {
  return ((node.$parent && node.$parent.flowElements) || [])
    .filter((e) => is(e, "bpmn:SequenceFlow") && e.sourceRef === node);
}

function laneOf(node) {
  let container = node.$parent;
  while (container) {
    const lanes = [];
    const collect = (laneSets) => (laneSets || []).forEach((set) => (set.lanes || []).forEach((lane) => {
      lanes.push(lane);
      if (lane.childLaneSet) collect([lane.childLaneSet]);
    }));
    collect(container.laneSets);
    const lane = lanes.filter((l) => (l.flowNodeRef || []).some((ref) => ref && ref.id === node.id)).pop();
    if (lane) return lane;
    container = container.$parent;
  }
  return null;
}

const RULES = {
  "user-task-form": (catalog) => (node, reporter) => {
    if (!is(node, "bpmn:UserTask")) return;
    const properties = extension(node, "spiffworkflow:Properties");
    const form = ((properties && properties.values) || []).find((p) => p.name === "formJsonSchemaFilename");
    if (!form || !form.value) reporter.report(node.id, message("form_missing", catalog.zh));
    else if (!(catalog.forms || []).includes(form.value)) reporter.report(node.id, message("form_unknown", catalog.zh, { form: form.value }));
  },
  "user-task-lane": (catalog) => (node, reporter) => {
    if (!is(node, "bpmn:UserTask")) return;
    const lane = laneOf(node);
    if (!lane) reporter.report(node.id, message("lane_missing", catalog.zh));
    else if (!(catalog.laneNames || []).includes((lane.name || "").trim())) reporter.report(node.id, message("lane_unknown", catalog.zh, { lane: lane.name || lane.id }));
  },
  "service-task-action": (catalog) => (node, reporter) => {
    if (!is(node, "bpmn:ServiceTask")) return;
    const operator = extension(node, "spiffworkflow:ServiceTaskOperator");
    if (!operator || !operator.id) reporter.report(node.id, message("action_missing", catalog.zh));
    else if (!(catalog.actionNames || []).includes(operator.id)) reporter.report(node.id, message("action_unknown", catalog.zh, { action: operator.id }));
  },
  "gateway-default": (catalog) => (node, reporter) => {
    if (!is(node, "bpmn:ExclusiveGateway")) return;
    const outgoing = outgoingOf(node);
    if (outgoing.length < 2) return;
    if (outgoing.some((flow) => flow !== node.default &&
                                (!flow.conditionExpression || !(flow.conditionExpression.body || "").trim()))) {
      reporter.report(node.id, message("gateway_default", catalog.zh));
    }
  },
  "timer-parses": (catalog) => (node, reporter) => {
    if (!is(node, "bpmn:TimerEventDefinition")) return;
    const owner = node.$parent;
    const type = ["timeDate", "timeDuration", "timeCycle"].find((t) => node[t]);
    if (!type) { reporter.report(owner.id, message("timer_missing", catalog.zh)); return; }
    const result = timerWords(type, node[type].body, catalog.zh);
    if (result.error) reporter.report(owner.id, result.error);
  },
  "no-unreachable": (catalog) => (node, reporter) => {
    if (!isAny(node, ["bpmn:Process", "bpmn:SubProcess"])) return;
    const elements = node.flowElements || [];
    const starts = elements.filter((e) => is(e, "bpmn:StartEvent") ||
                                          (is(e, "bpmn:SubProcess") && e.triggeredByEvent));
    if (!starts.length) return;
    const reached = new Set();
    const queue = [...starts];
    while (queue.length) {
      const current = queue.shift();
      if (!current || reached.has(current.id)) continue;
      reached.add(current.id);
      outgoingOf(current).forEach((flow) => flow.targetRef && queue.push(flow.targetRef));
      elements.filter((e) => is(e, "bpmn:BoundaryEvent") && e.attachedToRef && e.attachedToRef.id === current.id)
        .forEach((e) => queue.push(e));
    }
    elements.filter((e) => is(e, "bpmn:FlowNode") && !reached.has(e.id))
      .forEach((e) => reporter.report(e.id, message("unreachable", catalog.zh)));
  },
  "no-dangling-flow": (catalog) => (node, reporter) => {
    if (is(node, "bpmn:SequenceFlow")) {
      if (!node.sourceRef || !node.targetRef) reporter.report(node.id, message("flow_dangling", catalog.zh));
      return;
    }
    if (!is(node, "bpmn:FlowNode") || is(node, "bpmn:EndEvent")) return;
    if (is(node, "bpmn:SubProcess") && node.triggeredByEvent) return;
    if (!outgoingOf(node).length) reporter.report(node.id, message("no_outgoing", catalog.zh));
  },
};

export const RULE_NAMES = Object.keys(RULES);

/** { config, resolver } for bpmn-js-bpmnlint (linting.bpmnlint) and bpmnlint's Linter. */
export function lintConfig(catalog) {
  const rules = {};
  RULE_NAMES.forEach((name) => { rules["qisu/" + name] = ["error", catalog]; });
  return {
    config: { rules },
    resolver: {
      resolveRule(pkg, ruleName) {
        const factory = pkg === "bpmnlint-plugin-qisu" && RULES[ruleName];
        if (!factory) return null;
        return (config) => ({ check: factory(config) });
      },
      resolveConfig() { return null; },
    },
  };
}
