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
from .i18n import EN, gettext
from .pages_designer import DEPLOY_ROLES, VIEW_ROLES, _bad_body, _body, json_action

EN.update({
    "检查政策规则": "Check policy rules", "政策规则检查": "Policy check",
    "政策规则检查 #{id}": "Policy check #{id}",
    "政策规则检查中…": "Checking the policy rules…",
    "已完成 {done}/{total} 个场景": "{done}/{total} scenarios done",
    "准备中…": "Preparing…",
    "政策规则检查通过：{passed} 个场景全部通过": "Policy check passed: all {passed} scenarios pass",
    "政策规则检查未通过：{rules}": "Policy check failed: {rules}",
    "政策规则检查未能完成": "The policy check did not finish",
    "失败步骤": "Failing step", "信息": "Message", "查看检查详情": "Open the check",
    "规则": "Rule", "场景": "Scenario", "通过": "Passed", "未通过": "Failed", "检查中": "Checking",
    "未能完成": "Did not finish",
    "强制部署（管理员）": "Deploy anyway (admin)", "强制部署理由": "Reason for deploying anyway",
    "强制部署": "Deploy anyway", "已强制部署为 #{id}": "Deployed anyway as #{id}",
    "检查的文件": "Files checked", "检查范围": "Rules checked", "全部规则": "Every rule",
    "检查人": "Checked by", "开始时间": "Started", "结束时间": "Finished", "基于部署": "Based on deployment",
    "政策规则检查记录": "Policy checks", "设计记录": "Design trail", "动作": "Action", "详情": "Details",
    "没有修改（检查当前部署）": "No change (the current deployment)",
    "政策规则检查按 features/ 中的中文场景（P1–P18）在独立的临时数据库中运行草稿：修改的文件加上当前部署的其他文件。检查通过后才能部署。":
        "The policy check runs the Chinese scenarios of features/ (P1–P18) against the draft — the edited files plus the current deployment's others — in a separate throwaway database. Deploying needs a passed check.",
    "检查未通过时，管理员可填写理由强制部署；理由记入部署记录和设计记录。":
        "When the check fails, an admin may deploy anyway with a written reason; it goes into the deployment's record and the design trail.",
    "请填写理由": "Enter a reason",
    "确定跳过未通过的政策规则检查并部署？": "Deploy although the policy check failed?",
    "部署前须通过政策规则检查": "Deploying needs a passed policy check",
})

ACTIONS = {"policy_check": ("开始政策规则检查", "Policy check started"),
           "policy_check_passed": ("政策规则检查通过", "Policy check passed"),
           "policy_check_failed": ("政策规则检查未通过", "Policy check failed"),
           "policy_check_error": ("政策规则检查未能完成", "Policy check did not finish"),
           "deploy": ("部署", "Deploy"), "policy_override": ("管理员强制部署", "Deployed anyway by an admin")}
EN.update({zh: en for zh, en in ACTIONS.values()})


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
