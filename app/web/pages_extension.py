"""申请延期 (P14): the lead unit's request for more time, posted from the task page (whose block is
`extension_offer.py`) or the case page."""
from __future__ import annotations

import re

from flask import Blueprint, flash, g, redirect, request, url_for

from app.domain.errors import DomainError, ValidationFailed
from app.domain.text import normalized, too_long
from app.services import cases, extensions

from .common import page, rt
from .extension_offer import REASON_MAX
from .filters import clause_sep
from app.i18n import gettext
from .pages_cases import when
from .pages_tasks import task_page

bp = Blueprint("extension", __name__)

LOCAL_MINUTE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")  # <input type="datetime-local">, Beijing time


@bp.route("/cases/<number>/extension", methods=["POST"], endpoint="request_extension")
@page("unit")
def request_extension(actor, number):
    form = request.form
    task_id = form.get("task_id", "")
    due = (form.get("requested_due") or "").strip()
    reason = normalized(form.get("reason")).strip()
    errors: dict[str, list[str]] = {}
    if not LOCAL_MINUTE.fullmatch(due):
        errors["requested_due"] = ["请填写新的办结时限"]
    if not reason:
        errors["reason"] = ["请填写延期理由"]
    elif message := too_long(reason, REASON_MAX):
        errors["reason"] = [message]
    if not errors:
        errors = _not_after_current_deadline(actor, number, due)
    if not errors:
        try:
            extensions.request_extension(rt(), actor, number, reason, f"{due}:00+08:00")
        except ValidationFailed as err:
            errors = err.fields or {"_": [err.message]}
        except DomainError as err:
            errors = {"_": [err.message]}
    if not errors:
        flash(gettext("已提交延期申请，待督办员审批"), "success")
        return redirect(url_for("web.tasks.task_view", task_id=task_id) if task_id
                        else url_for("web.cases.case_view", number=number))
    if task_id:
        # the task page again, with what the user typed and why it was refused (nothing in the URL)
        g.extension_draft = {"requested_due": due, "reason": reason, "errors": errors}
        html, status = task_page(actor, task_id)
        return html, 422 if status == 200 else status
    flash(gettext("延期申请未提交：") + clause_sep().join(gettext(m) for ms in errors.values() for m in ms), "error")
    return redirect(url_for("web.cases.case_view", number=number))


def _not_after_current_deadline(actor, number: str, due: str) -> dict[str, list[str]]:
    """The service refuses the same with an ISO time; here the user reads it in their language."""
    try:
        case = cases.get_case(rt(), actor, number)
    except DomainError:
        return {}                                  # the service says why
    clock = next((c for c in reversed(case["clocks"]) if c["clock"] == "resolution"), None)
    if clock and f"{due}:00+08:00" <= clock["due_at"]:
        return {"requested_due": [gettext("须晚于当前办结时限 {due}").format(due=when(clock["due_at"]))]}
    return {}
