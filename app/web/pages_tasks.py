"""Tasks (all roles): the task list, claiming, and the task page with its form."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from app.domain.errors import DomainError, NotFound, ValidationFailed
from app.services import cases, catalog, tasks
from app.services.routing import suggestions

from .common import page, rt
from app.i18n import gettext
from .extension_offer import extension_offer
from .schema_form import form_fields, initial_values, parse_form, submitted_values

bp = Blueprint("tasks", __name__)

SCOPES = {"all": "全部", "mine": "我的", "group": "待认领"}
SORTS = {"created_at": "按优先级", "due_at": "按时限"}
PER_PAGE = 50
SOON_SECONDS = 4 * 3600  # the supervisors' "due soon" horizon


def due_class(task: dict) -> str:
    """CSS class of the time left: `overdue` past the deadline, `soon` within four hours."""
    if task.get("overdue"):
        return "overdue"
    left = task.get("seconds_left")
    return "soon" if left is not None and left < SOON_SECONDS else ""


def current_clocks(clocks: list[dict]) -> list[dict]:
    """The newest row of each clock (the current handling round)."""
    latest: dict[str, dict] = {}
    for clock in clocks:
        latest[clock["clock"]] = clock
    return [c for c in latest.values() if c["outcome"] != "cancelled"]


def _int_arg(name: str, default: int) -> int:
    try:
        return max(1, int(request.args.get(name, default)))
    except ValueError:
        return default


@bp.route("/tasks")
@page()
def task_list(actor):
    scope = request.args.get("scope", "all")
    scope = scope if scope in SCOPES else "all"
    sort = request.args.get("sort", "created_at")
    sort = sort if sort in SORTS else "created_at"
    result = tasks.list_tasks(rt(), actor, scope=scope, sort=sort, page=_int_arg("page", 1),
                              per_page=PER_PAGE)
    pages = max(1, -(-result["total"] // PER_PAGE))
    if result["total_capped"]:  # counted up to the cap only: offer the page after this one
        pages = max(pages, result["page"] + (1 if result["next"] else 0))
    if actor.role == "enterprise":   # what awaits the enterprise (评价), in its words: no staff queue
        return render_template("tasks/my_tasks.html", page=result, pages=pages, due_class=due_class)
    return render_template("tasks/tasks.html", page=result, scope=scope, sort=sort, scopes=SCOPES,
                           sorts=SORTS, pages=pages, due_class=due_class)


def _is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def _back(task_id: str):
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(url_for("web.tasks.task_view", task_id=task_id))


def _claim_action(actor, task_id: str, action, done_message: str):
    """Claim or unclaim: htmx gets the task's row back; a plain form post is redirected."""
    runtime = rt()
    error = None
    try:
        action(runtime, actor, task_id)
    except NotFound as err:
        if not _is_htmx():
            return render_template("error.html", message=gettext(err.message)), err.status
        error = err.message
    except DomainError as err:
        error = err.message
    if _is_htmx():
        try:
            task = tasks.get_task(runtime, actor, task_id)
        except NotFound:
            return render_template("tasks/_task_gone.html", message=error or gettext("未找到该任务"))
        if request.headers.get("HX-Target") == "task-card":   # the task page: only its card
            return render_template("tasks/_task_card.html", task=task, card_error=error,
                                   card_notice=None if error else done_message,
                                   assignee=_user_name(task["assignee_id"]), due_class=due_class)
        return render_template("tasks/_task_row.html", t=task, row_error=error, due_class=due_class)
    if error:
        flash(gettext(error), "error")
    else:
        flash(gettext(done_message), "success")
    return _back(task_id)


@bp.route("/tasks/<task_id>/claim", methods=["POST"])
@page()
def task_claim(actor, task_id):
    return _claim_action(actor, task_id, tasks.claim, "已认领任务")


@bp.route("/tasks/<task_id>/unclaim", methods=["POST"])
@page()
def task_unclaim(actor, task_id):
    return _claim_action(actor, task_id, tasks.unclaim, "已取消认领")


def _units() -> list[tuple[str, str]]:
    return catalog.unit_choices(rt(), "kind_id")


def _user_name(user_id: int | None) -> str | None:
    return catalog.user_display_name(rt(), user_id)


def _after_completion(runtime, actor, number: str, title: str):
    """On to the next step of the same case when the user has one, else back to the list (the
    enterprise: to its case's progress, not a staff queue); the message names the case."""
    done = "已提交{task}：{number}" if actor.role == "enterprise" else "已办理：{number} {task}"
    flash(gettext(done).format(number=number, task=gettext(title)), "success")
    if actor.role == "enterprise":
        return redirect(url_for("web.cases.case_view", number=number))
    following = tasks.next_task_in_case(runtime, actor, number)
    if following is not None:
        return redirect(url_for("web.tasks.task_view", task_id=following["id"]))
    return redirect(url_for("web.tasks.task_list"))


@bp.route("/tasks/<task_id>", methods=["GET", "POST"])
@page()
def task_view(actor, task_id):
    return task_page(actor, task_id, posted=request.method == "POST")


def task_page(actor, task_id: str, posted: bool = False):
    """The task page; `posted`: the task form was submitted (complete the task, or show the
    form again with its errors). Also rendered by other forms of the page that were refused
    (申请延期), so what was typed is shown again, never put into the URL."""
    runtime = rt()
    try:
        task = tasks.get_task(runtime, actor, task_id)
        case = cases.get_case(runtime, actor, task["case"]["number"])
    except DomainError as err:
        return render_template("error.html", message=gettext(err.message)), err.status
    schema = task.get("form_schema")
    units = _units()
    # P4: one suggestion, the same in the table and in the form (suggestions.dispatch_suggestion)
    suggestion = suggestions.dispatch_suggestion(runtime, case) if task.get("name") == "dispatch" else None
    # on 退单审核 the routing table's unit is the one that returned the case: no suggestion then
    suggested_unit = None if task.get("name") == "review_return" else case.get("suggested_unit")
    fields = form_fields(schema, units, suggested_unit,
                         {"domain": (suggestion or {}).get("domain") or ""},
                         {"domain": case.get("domain") or "", "matter_class": case.get("matter_class") or ""})
    values = initial_values(schema, fields, runtime.clock.now())
    errors: dict[str, list[str]] = {}
    status = 200
    if posted and task["status"] == "ready":
        values = submitted_values(fields, request.form)
        data, errors = parse_form(schema, fields, request.form)
        if not errors:
            try:
                tasks.complete(runtime, actor, task_id, data)
            except ValidationFailed as err:
                errors = err.fields or {"_": [err.message]}
            except DomainError as err:
                errors = {"_": [err.message]}
                status = err.status
            else:
                return _after_completion(runtime, actor, case["number"], task["title"])
        if errors and status == 200:
            status = 422
    elif posted:
        errors, status = {"_": ["任务已不在待办状态"]}, 409
    known = {f["name"] for f in fields}
    general = [m for key, messages in errors.items() if key not in known for m in messages]
    clocks = current_clocks(case.get("clocks") or [])   # an enterprise's view has none (P17)
    return render_template("tasks/task.html", task=task, case=case, clocks=clocks,
                           extension=extension_offer(actor, task, case, clocks),
                           suggestion=suggestion,
                           fields=fields, values=values,
                           errors=errors, general_errors=general,
                           assignee=_user_name(task["assignee_id"]), unit_names=dict(units),
                           due_class=due_class), status

