"""The policy check before deploy (issue 19 §5): 检查政策规则 on the modeler page starts a check
of the draft and follows it; /designer/policy-checks/<id> shows one check per rule and scenario
and lets an admin deploy past a failed one with a written reason; /designer/policy-checks lists
the checks and the design trail."""
from __future__ import annotations

from flask import jsonify, render_template, request

from app.domain.errors import DomainError
from app.services.policy import checks

from . import bp
from .common import page, rt
from app.i18n import gettext
from .pages_designer import DEPLOY_ROLES, VIEW_ROLES, _bad_body, _body, json_action

ACTIONS = {"policy_check": ("开始政策规则检查", "Policy check started"),
           "policy_check_passed": ("政策规则检查通过", "Policy check passed"),
           "policy_check_failed": ("政策规则检查未通过", "Policy check failed"),
           "policy_check_error": ("政策规则检查未能完成", "Policy check did not finish"),
           "deploy": ("部署", "Deploy"), "policy_override": ("管理员强制部署", "Deployed anyway by an admin")}


@bp.app_template_global("policy_check_texts")
def texts() -> dict:
    keys = ("检查政策规则", "政策规则检查中…", "已完成 {done}/{total} 个场景", "准备中…",
            "政策规则检查通过：{passed} 个场景全部通过", "政策规则检查未通过：{rules}",
            "政策规则检查未能完成", "失败步骤", "信息", "查看检查详情", "通过", "未通过",
            "请求失败（{status}）", "请填写理由", "已强制部署为 #{id}", "确定跳过未通过的政策规则检查并部署？",
            "检查中", "未能完成")
    return {key: gettext(key) for key in keys}


@bp.route("/designer/policy-checks", methods=["POST"])
@json_action(*DEPLOY_ROLES)
def policy_check_start(actor):
    body = _body()
    if body is None:
        return _bad_body()
    try:
        check = checks.start_check(rt(), actor, {body[0]: body[1]})
    except DomainError as err:
        return jsonify({"ok": False, "message": err.message,
                        "errors": [{"where": where, "message": m}
                                   for where, messages in err.fields.items() for m in messages]}), err.status
    return jsonify({"ok": True, "check": check}), 202


@bp.route("/designer/policy-checks/<int:check_id>.json")
@json_action(*VIEW_ROLES)
def policy_check_json(actor, check_id: int):
    try:
        return jsonify({"ok": True, "check": checks.get_check(rt(), check_id)})
    except DomainError as err:
        return jsonify({"ok": False, "message": err.message}), err.status


@bp.route("/designer/policy-checks/<int:check_id>/override", methods=["POST"])
@json_action("admin")
def policy_check_override(actor, check_id: int):
    body = request.get_json(silent=True)
    reason = body.get("reason") if isinstance(body, dict) else None
    try:
        deployment = checks.override_deploy(rt(), actor, check_id, reason if isinstance(reason, str) else "")
    except DomainError as err:
        return jsonify({"ok": False, "message": err.message, "fields": err.fields}), err.status
    return jsonify({"ok": True, "deployment": deployment})


@bp.route("/designer/policy-checks/<int:check_id>")
@page(*VIEW_ROLES)
def policy_check_page(actor, check_id: int):
    try:
        check = checks.get_check(rt(), check_id)
    except DomainError as err:
        return render_template("error.html", message=err.message), err.status
    return render_template("designer/designer_policy.html", check=check, texts=texts(),
                           can_override=actor.role == "admin")


@bp.route("/designer/policy-checks")
@page(*VIEW_ROLES)
def policy_checks_page(actor):
    return render_template("designer/designer_policy_list.html", checks=checks.list_checks(rt(), 30),
                           trail=checks.design_trail(rt(), 50), actions=ACTIONS)
