"""Issue 19 §3: the form editor's live preview — a form schema being edited, rendered by the
same code as the task page (schema_form.form_fields and the _form.html field macro)."""
from __future__ import annotations

import json

from flask import jsonify, render_template, request

from . import bp
from app.i18n import gettext

from .pages_designer import DEPLOY_ROLES, json_action
from .pages_tasks import _units
from .schema_form import form_fields, initial_values
from .common import rt

N_ = str  # marks a source text for `make translations` (pybabel's N_ keyword)


@bp.app_template_global("form_editor_texts")
def form_editor_texts() -> dict:
    keys = (N_("字段"), N_("类型"), N_("添加字段"), N_("删除"), N_("上移"), N_("下移"), N_("字段名"), N_("标题"), N_("说明"), N_("必填"),
            N_("选项（每行一项）"), N_("最小值"), N_("最大值"), N_("最短长度"), N_("最长长度"), N_("格式"), N_("在以下情况必填"),
            N_("字段取值为（每行一项）"), N_("文本"), N_("整数"), N_("数字"), N_("是/否"), N_("多项文本"), N_("无"), N_("新字段"),
            N_("字段名须为字母、数字或下划线，且不重复"), N_("表单标题"), N_("表单说明"), N_("预览（与任务页相同）"))
    return {key: gettext(key) for key in keys}


@bp.route("/designer/forms/preview", methods=["POST"])
@json_action(*DEPLOY_ROLES)
def form_preview(actor):
    body = request.get_json(silent=True)
    content = body.get("content") if isinstance(body, dict) else None
    try:
        schema = json.loads(content) if isinstance(content, str) else None
    except ValueError as err:
        return jsonify({"ok": False, "message": gettext("表单 JSON 无法解析：{error}").replace("{error}", str(err))}), 422
    if not isinstance(schema, dict):
        return jsonify({"ok": False, "message": gettext("表单须为 JSON 对象")}), 422
    try:
        fields = form_fields(schema, _units())
        values = initial_values(schema, fields, rt().clock.now())
    except (AttributeError, TypeError, ValueError):
        return jsonify({"ok": False, "message": gettext("表单须为 JSON 对象")}), 422
    return jsonify({"ok": True, "html": render_template("designer/_form_preview.html", fields=fields, values=values)})
