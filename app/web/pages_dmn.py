"""Issue 19 §2: the decision-table cells of the DMN being edited, checked on the server with the
same restricted-code checker as deploy (js/dmn_cells.js marks the cells in error)."""
from __future__ import annotations

from flask import jsonify, request

from app.domain.errors import DomainError
from app.services.decision_cells import check_cells

from . import bp
from app.i18n import gettext
from .pages_designer import DEPLOY_ROLES, json_action


@bp.app_template_global("dmn_cell_texts")
def dmn_cell_texts() -> dict:
    return {key: gettext(key) for key in ("单元格有误：{count} 处",)}


@bp.route("/designer/dmn/cells", methods=["POST"])
@json_action(*DEPLOY_ROLES)
def dmn_cells(actor):
    body = request.get_json(silent=True)
    content = body.get("content") if isinstance(body, dict) else None
    if not isinstance(content, str) or not content:
        return jsonify({"ok": False, "message": gettext('请求需为 JSON：{"content"}')}), 400
    try:
        errors = check_cells(content)
    except DomainError as err:
        return jsonify({"ok": False, "message": gettext(err.message)}), err.status
    return jsonify({"ok": not errors, "errors": errors})
