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


@bp.app_template_global("form_editor_texts")
def form_editor_texts() -> dict:
    keys = ("字段", "类型", "添加字段", "删除", "上移", "下移", "字段名", "标题", "说明", "必填",
            "选项（每行一项）", "最小值", "最大值", "最短长度", "最长长度", "格式", "在以下情况必填",
            "字段取值为（每行一项）", "文本", "整数", "数字", "是/否", "多项文本", "无", "新字段",
            "字段名须为字母、数字或下划线，且不重复", "表单标题", "表单说明", "预览（与任务页相同）")
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
