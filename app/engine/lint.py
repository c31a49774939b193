"""QiSu's modelling rules for BPMN files, enforced on deploy. The designer's modeler checks the
same rules while editing (bpmnlint plug-in app/web/assets/designer/lint.js; same rule names,
same messages); tests run both on the same files (tests/unit/test_lint.py, tests/e2e).

| rule                | what must hold |
|---------------------|----------------|
| user-task-form      | a user task names a form (formJsonSchemaFilename) that exists in the bundle |
| user-task-lane      | a user task is in a lane whose name the role table knows |
| service-task-action | a service task names a registered action |
| gateway-default     | every outgoing flow of a splitting exclusive gateway but its default has a condition (whether conditions without a default cover every case cannot be decided from the file: the designer's part) |
| timer-parses        | a timer has a date, duration or cycle; a quoted literal parses as ISO 8601 |
| no-unreachable      | every flow node is reachable from a start event of its process or sub-process |
| no-dangling-flow    | a sequence flow has both ends; only end events end a path |
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
RULES = ("user-task-form", "user-task-lane", "service-task-action", "gateway-default",
         "timer-parses", "no-unreachable", "no-dangling-flow")

MESSAGES = {
    "form_missing": "用户任务须指定表单",
    "form_unknown": "表单 {form} 不存在",
    "lane_missing": "用户任务须位于泳道中（泳道决定办理角色）",
    "lane_unknown": "泳道“{lane}”不对应任何角色",
    "action_missing": "服务任务须指定操作",
    "action_unknown": "操作 {action} 未注册",
    "gateway_default": "排他网关除默认流外的每条出口都须有条件（没有默认流时，条件须覆盖所有情况）",
    "unreachable": "从开始事件无法到达",
    "flow_dangling": "顺序流缺少起点或终点",
    "no_outgoing": "没有出口：只有结束事件可以结束路径",
    "timer_missing": "定时事件须设置日期、时长或周期",
    "timer_quote": "须加引号：“{text}” 会被当作变量名",
    "timer_unparsed": "无法解析的时间“{value}”（例如 \"{example}\"）",
}

# The flow nodes of BPMN (local names): what can be reached and must lead somewhere.
FLOW_NODES = {"task", "userTask", "serviceTask", "scriptTask", "businessRuleTask", "manualTask",
              "sendTask", "receiveTask", "callActivity", "subProcess", "transaction",
              "adHocSubProcess", "exclusiveGateway", "parallelGateway", "inclusiveGateway",
              "eventBasedGateway", "complexGateway", "startEvent", "endEvent", "boundaryEvent",
              "intermediateCatchEvent", "intermediateThrowEvent"}

_DURATION = re.compile(r"^P(?!$)(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?"
                       r"(?:(\d+(?:\.\d+)?)D)?(?:T(?=\d)(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?"
                       r"(?:(\d+(?:\.\d+)?)S)?)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                   r"(?:Z|[+-]\d{2}:?\d{2})?)?$")
_CYCLE = re.compile(r"^R(\d*)/(.+)$")
_ISO_LIKE = re.compile(r"^(P[\dTYMWDHS.]+|R\d*/.+|\d{4}-\d{2}-\d{2}.*)$")
_EXAMPLES = {"timeDuration": "PT45M", "timeDate": "2026-12-31T09:00:00+08:00", "timeCycle": "R3/PT1H"}


@dataclass(frozen=True)
class Catalog:
    """What a diagram may refer to: registered actions (None: not known, not checked), form file
    names (forms/ stripped) and lane names the role table knows."""
    actions: frozenset[str] | None = field(default_factory=frozenset)
    forms: frozenset[str] = field(default_factory=frozenset)
    lanes: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Issue:
    rule: str
    element_id: str | None
    message: str


def _q(tag: str, ns: str = BPMN) -> str:
    return f"{{{ns}}}{tag}"


def _local(node) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def literal(expression: str | None) -> str | None:
    """The text of a Python string literal ('…' or "…"), or None for any other expression."""
    text = (expression or "").strip()
    match = re.match(r"^(['\"])(.*)\1$", text, re.S)
    return match.group(2) if match and match.group(1) not in match.group(2) else None


def timer_error(kind: str, expression: str | None) -> str | None:
    """Why a timer definition (timeDate/timeDuration/timeCycle) does not parse, or None."""
    text = (expression or "").strip()
    if not text:
        return MESSAGES["timer_missing"]
    value = literal(text)
    if value is None:
        return MESSAGES["timer_quote"].format(text=text) if _ISO_LIKE.match(text) else None
    if kind == "timeDuration" and _DURATION.match(value):
        return None
    if kind == "timeDate" and _DATE.match(value) and _valid_date(value):
        return None
    cycle = _CYCLE.match(value)
    if kind == "timeCycle" and cycle and _DURATION.match(cycle.group(2)):
        return None
    return MESSAGES["timer_unparsed"].format(value=value, example=_EXAMPLES.get(kind, "PT45M"))


def _valid_date(value: str) -> bool:
    from datetime import datetime
    try:
        datetime.fromisoformat(value.replace(" ", "T").replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def defined_ids(root: etree._Element) -> list[str]:
    """The ids of the processes (BPMN) or decisions (DMN) a document defines: what a call
    activity or a business rule task may name."""
    return [n.get("id") for n in root.iter()
            if _local(n) in ("process", "decision") and n.get("id")]


def lint_bpmn(root: etree._Element, catalog: Catalog) -> list[Issue]:
    """Every breach of QiSu's rules in one parsed BPMN document."""
    issues: list[Issue] = []
    by_id = {node.get("id"): node for node in root.iter() if isinstance(node.tag, str) and node.get("id")}
    lanes = _lanes(root)
    for node in root.iter():
        tag = _local(node)
        if tag == "userTask":
            issues += _user_task(node, catalog, lanes)
        elif tag == "serviceTask":
            issues += _service_task(node, catalog)
        elif tag == "exclusiveGateway":
            issues += _gateway(node, root, by_id)
        elif tag == "timerEventDefinition":
            issues += _timer(node)
        elif tag in ("process", "subProcess", "transaction", "adHocSubProcess"):
            issues += _unreachable(node)
        if tag == "sequenceFlow":
            if node.get("sourceRef") not in by_id or node.get("targetRef") not in by_id:
                issues.append(Issue("no-dangling-flow", node.get("id"), MESSAGES["flow_dangling"]))
        elif tag in FLOW_NODES and tag != "endEvent" and node.get("triggeredByEvent") != "true":
            if not _outgoing(node, root):
                issues.append(Issue("no-dangling-flow", node.get("id"), MESSAGES["no_outgoing"]))
    return issues


def _lanes(root) -> dict[str, str]:
    """Flow node id -> the name of the innermost lane that lists it."""
    found: dict[str, str] = {}
    for lane in root.iter(_q("lane")):
        for ref in lane.findall(_q("flowNodeRef")):
            found[(ref.text or "").strip()] = (lane.get("name") or "").strip()
    return found


def _user_task(node, catalog: Catalog, lanes: dict[str, str]) -> list[Issue]:
    issues = []
    element_id = node.get("id")
    form = next((p.get("value") for p in node.iter(_q("property", SPIFF))
                 if p.get("name") == "formJsonSchemaFilename"), None)
    if not form:
        issues.append(Issue("user-task-form", element_id, MESSAGES["form_missing"]))
    elif form not in catalog.forms:
        issues.append(Issue("user-task-form", element_id, MESSAGES["form_unknown"].format(form=form)))
    if element_id not in lanes:
        issues.append(Issue("user-task-lane", element_id, MESSAGES["lane_missing"]))
    elif lanes[element_id] not in catalog.lanes:
        issues.append(Issue("user-task-lane", element_id,
                            MESSAGES["lane_unknown"].format(lane=lanes[element_id])))
    return issues


def _service_task(node, catalog: Catalog) -> list[Issue]:
    operator = next(node.iter(_q("serviceTaskOperator", SPIFF)), None)
    name = operator.get("id") if operator is not None else None
    if not name:
        return [Issue("service-task-action", node.get("id"), MESSAGES["action_missing"])]
    if catalog.actions is not None and name not in catalog.actions:
        return [Issue("service-task-action", node.get("id"), MESSAGES["action_unknown"].format(action=name))]
    return []


def _outgoing(node, root) -> list:
    """The sequence flows leaving `node` (by sourceRef, in the node's own container)."""
    container = node.getparent()
    return [f for f in container.findall(_q("sequenceFlow")) if f.get("sourceRef") == node.get("id")]


def _gateway(node, root, by_id) -> list[Issue]:
    outgoing = _outgoing(node, root)
    if len(outgoing) < 2:
        return []
    for flow in outgoing:
        if flow.get("id") == node.get("default"):
            continue
        condition = flow.find(_q("conditionExpression"))
        if condition is None or not (condition.text or "").strip():
            return [Issue("gateway-default", node.get("id"), MESSAGES["gateway_default"])]
    return []


def _timer(node) -> list[Issue]:
    owner = node.getparent().get("id")
    for kind in ("timeDate", "timeDuration", "timeCycle"):
        child = node.find(_q(kind))
        if child is not None:
            error = timer_error(kind, child.text)
            return [Issue("timer-parses", owner, error)] if error else []
    return [Issue("timer-parses", owner, MESSAGES["timer_missing"])]


def _unreachable(container) -> list[Issue]:
    nodes = {child.get("id"): child for child in container if _local(child) in FLOW_NODES}
    starts = [i for i, n in nodes.items()
              if _local(n) == "startEvent" or n.get("triggeredByEvent") == "true"]
    if not starts:
        return []
    targets: dict[str, list[str]] = {}
    for flow in container.findall(_q("sequenceFlow")):
        targets.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
    attached: dict[str, list[str]] = {}
    for i, n in nodes.items():
        if _local(n) == "boundaryEvent":
            attached.setdefault(n.get("attachedToRef"), []).append(i)
    reached: set[str] = set()
    queue = list(starts)
    while queue:
        current = queue.pop(0)
        if current in reached or current not in nodes:
            continue
        reached.add(current)
        queue += targets.get(current, []) + attached.get(current, [])
    return [Issue("no-unreachable", i, MESSAGES["unreachable"]) for i in nodes if i not in reached]
