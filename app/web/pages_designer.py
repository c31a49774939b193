"""Process designer: the files of the newest deployment and their versions, the deployments and
the cases on each, a modeler (bpmn-js / dmn-js / text) to validate and deploy a file, and the
differences between two versions of a file."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, Response, abort, jsonify, render_template, request

from app.domain.errors import DomainError
from app.domain.texts import N_
from app.engine.bundle import file_kind
from app.i18n import current_language, gettext
from app.services import deployment_waits, deployments, designer_catalog, process_diff

from .common import current_user, page, rt
from .pages_analytics import ROLES as ANALYTICS_ROLES

bp = Blueprint("designer", __name__)

VIEW_ROLES = ("designer", "admin")
DEPLOY_ROLES = ("designer",)  # as POST /api/deployments
CONTENT_TYPES = {"bpmn": "application/xml", "dmn": "application/xml", "form": "application/json"}
KIND_LABELS = {"bpmn": N_("流程（BPMN）"), "dmn": N_("决策表（DMN）"), "form": N_("表单（JSON Schema）")}

# The designer's texts with full-width punctuation, and the modeler's messages.

# Element types in the diff (process_diff's tags: BPMN/DMN local names, form "property"/"schema"),
# in words (English in the catalog); a tag not listed shows as it is.
ELEMENT_TYPES = {
    "definitions": N_("定义"), "process": N_("流程"),
    "collaboration": N_("协作"), "participant": N_("池（参与者）"),
    "laneSet": N_("泳道集"), "lane": N_("泳道"),
    "task": N_("任务"), "userTask": N_("用户任务"), "serviceTask": N_("服务任务"),
    "scriptTask": N_("脚本任务"), "businessRuleTask": N_("业务规则任务"),
    "manualTask": N_("手工任务"), "sendTask": N_("发送任务"),
    "receiveTask": N_("接收任务"), "callActivity": N_("调用活动"),
    "subProcess": N_("子流程"),
    "exclusiveGateway": N_("排他网关"), "parallelGateway": N_("并行网关"),
    "inclusiveGateway": N_("包容网关"), "eventBasedGateway": N_("事件网关"),
    "sequenceFlow": N_("顺序流"), "startEvent": N_("开始事件"),
    "endEvent": N_("结束事件"), "boundaryEvent": N_("边界事件"),
    "intermediateCatchEvent": N_("中间捕获事件"),
    "intermediateThrowEvent": N_("中间抛出事件"),
    "timerEventDefinition": N_("定时事件"), "errorEventDefinition": N_("错误事件"),
    "signalEventDefinition": N_("信号事件"), "messageEventDefinition": N_("消息事件"),
    "terminateEventDefinition": N_("终止事件"), "error": N_("错误"),
    "signal": N_("信号"), "message": N_("消息"),
    "textAnnotation": N_("文本注释"), "association": N_("关联"),
    "inputDataItem": N_("多实例输入项"),
    "outputDataItem": N_("多实例输出项"),
    "decision": N_("决策"), "decisionTable": N_("决策表"),
    "input": N_("决策表输入列"), "output": N_("决策表输出列"),
    "inputExpression": N_("输入表达式"), "rule": N_("决策表规则"),
    "inputEntry": N_("规则条件"), "outputEntry": N_("规则结果"),
    "inputData": N_("输入数据"), "literalExpression": N_("字面表达式"),
    "property": N_("表单字段"), "schema": N_("表单设置"),
}


@bp.app_template_filter("element_type")
def element_type(tag: str | None) -> str:
    """'userTask' → '用户任务' (or 'User task'): an element type of the diff in words."""
    words = ELEMENT_TYPES.get(tag or "")
    return gettext(words) if words else (tag or "")


@bp.app_template_filter("designer_time")
def designer_time(value: str | None) -> str:
    """'2026-11-23T10:00:00+08:00' (local ISO time from the services) → '2026-11-23 10:00'."""
    return value[:16].replace("T", " ") if value else "—"


def json_action(*roles: str):
    """A JSON endpoint of the designer pages: 401/403 as JSON, not a redirect or a page."""
    def decorator(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            actor = current_user()
            if actor is None:
                return jsonify({"ok": False, "message": gettext("请先登录")}), 401
            if actor.role not in roles:
                return jsonify({"ok": False, "message": gettext("无权执行此操作")}), 403
            return fn(actor, *args, **kwargs)
        wrapper.qisu_login = ("page", roles)  # read by app.ops.bad_bytes_answer
        return wrapper
    return decorator


@bp.route("/designer")
@page(*VIEW_ROLES)
def designer(actor):
    overview = deployments.designer_overview(rt())
    return render_template("designer/designer.html", overview=overview, kinds=KIND_LABELS,
                           can_deploy=actor.role in DEPLOY_ROLES)


@bp.route("/designer/deployments/<int:deployment_id>")
@page(*VIEW_ROLES)
def designer_deployment(actor, deployment_id: int):
    include_closed = request.args.get("all") == "1"
    try:
        data = deployments.deployment_cases(rt(), deployment_id, include_closed)
        waits = deployment_waits.waiting_points(rt(), deployment_id)
    except DomainError as err:
        return render_template("error.html", message=err.message), err.status
    return render_template("designer/designer_cases.html", deployment=data, include_closed=include_closed,
                           waits=waits)


@bp.route("/designer/edit/<path:filename>")
@page(*VIEW_ROLES)
def designer_edit(actor, filename: str):
    kind = file_kind(filename)
    try:
        deployments.file_content(rt(), filename)
    except DomainError as err:
        return render_template("error.html", message=err.message), err.status
    return render_template("designer/designer_edit.html", filename=filename, kind=kind,
                           kind_label=KIND_LABELS.get(kind, kind),
                           can_deploy=actor.role in DEPLOY_ROLES,
                           can_what_if=filename == WHAT_IF_FILE and actor.role in ANALYTICS_ROLES)


# The deadline table's draft can be replayed on past cases (/analytics/what-if, issue 21 §4).
WHAT_IF_FILE = "sla.dmn"


@bp.route("/designer/file/<path:filename>")
@page(*VIEW_ROLES)
def designer_file(actor, filename: str):
    """The raw file of the newest deployment (or of `?deployment=<id>`)."""
    kind = file_kind(filename)
    if kind is None:
        abort(404)
    deployment_id = request.args.get("deployment", type=int)
    try:
        content = deployments.file_content(rt(), filename, deployment_id)
    except DomainError:
        abort(404)
    response = Response(content, content_type=f"{CONTENT_TYPES[kind]}; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Opened directly, an uploaded XML file must not run as a page of this origin.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _body() -> tuple[str, str] | None:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return None
    filename, content = body.get("filename"), body.get("content")
    if not isinstance(filename, str) or not isinstance(content, str) or not filename or not content:
        return None
    return filename, content


def _bad_body():
    return jsonify({"ok": False, "errors": [{
        "where": "body", "file": None, "element_id": None,
        "message": gettext("请求需为 JSON：{\"filename\", \"content\"}")}]}), 400


@bp.route("/designer/validate", methods=["POST"])
@json_action(*DEPLOY_ROLES)
def designer_validate(actor):
    body = _body()
    if body is None:
        return _bad_body()
    errors = deployments.validate_file(rt(), *body)
    return jsonify({"ok": not errors, "errors": errors})


@bp.route("/designer/deploy", methods=["POST"])
@json_action(*DEPLOY_ROLES)
def designer_deploy(actor):
    body = _body()
    if body is None:
        return _bad_body()
    try:
        result = deployments.update_file(rt(), actor, *body)
    except DomainError as err:
        errors = [_error_item(where, message, body[0])
                  for where, messages in err.fields.items() for message in messages]
        return jsonify({"ok": False, "message": err.message,
                        "errors": errors or [_error_item("bundle", err.message, body[0])]}), err.status
    return jsonify({"ok": True, "deployment": result})


@bp.route("/designer/catalog")
@json_action(*VIEW_ROLES)
def designer_catalog_json(actor):
    """What the modeler's properties panel and lint offer: actions, forms, lanes, processes,
    decisions of the newest deployment (role labels in the page's language)."""
    data = designer_catalog.newest_catalog(rt())
    english = current_language() == "en"
    for item in data["lanes"] + data["case_statuses"] + data["clocks"]:
        item["label"] = item["label"][1 if english else 0]
    return jsonify(data)


@bp.route("/designer/check-code", methods=["POST"])
@json_action(*VIEW_ROLES)
def designer_check_code(actor):
    """The restricted checker on one condition ({"mode": "eval"}) or script ({"mode": "exec"})."""
    body = request.get_json(silent=True)
    source = body.get("source") if isinstance(body, dict) else None
    mode = body.get("mode") if isinstance(body, dict) else None
    if not isinstance(source, str) or mode not in ("eval", "exec"):
        return jsonify({"ok": False, "message": gettext('请求需为 JSON：{"source", "mode": "eval"|"exec"}')}), 400
    error = designer_catalog.check_code(source, mode)
    if error:
        return jsonify({"ok": False, "message": gettext("脚本或表达式不被允许：{error}").format(error=error)})
    return jsonify({"ok": True})


def _error_item(where: str, message: str, filename: str) -> dict:
    file, _, element = where.partition("#")
    if file == "filename":
        file = filename
    return {"where": where, "file": file if file != "bundle" else None,
            "element_id": element or None, "message": message}


@bp.route("/designer/diff")
@page(*VIEW_ROLES)
def designer_diff(actor):
    overview = deployments.designer_overview(rt())
    filename = request.args.get("file", "")
    a = request.args.get("a", type=int)
    b = request.args.get("b", type=int)
    diff, error = None, None
    if filename and a and b:
        try:
            diff = process_diff.diff_versions(rt(), filename, a, b)
        except DomainError as err:
            error = err.message
    return render_template("designer/designer_diff.html", overview=overview, filename=filename, a=a, b=b,
                           diff=diff, error=error)
