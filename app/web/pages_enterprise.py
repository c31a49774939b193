"""Enterprise self-service (P17): my cases with their progress and result, rating, a new demand."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for

from app.domain.text import normalized
from app.domain.texts import N_
from app.domain.vocab import DOMAINS
from app.services import cases, catalog, tasks

from .common import page, rt
from .filters import KIND_PAIRS
from .demand_forms import submit_demand, towns

bp = Blueprint("enterprise", __name__)

ENTERPRISE = ("enterprise",)
PER_PAGE = 20
FIELDS = ("kind", "domain", "town", "description", "contact_name", "contact_phone")


def task_url(task_id: str) -> str:
    """The generic task page (where the enterprise rates)."""
    if "web.tasks.task_view" in current_app.view_functions:
        return url_for("web.tasks.task_view", task_id=task_id)
    return f"/tasks/{task_id}"


def _page_arg() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


@bp.route("/my/cases")
@page(*ENTERPRISE)
def my_cases(actor):
    result = cases.list_cases(rt(), actor, page=_page_arg(), per_page=PER_PAGE)
    numbers = {c["number"] for c in result["items"]}
    rate_tasks = {}
    if numbers:
        open_tasks = tasks.list_tasks(rt(), actor, name="rate", per_page=100)["items"]
        rate_tasks = {t["case"]["number"]: task_url(t["id"]) for t in open_tasks
                      if t["case"]["number"] in numbers}
    pages = max(1, -(-result["total"] // PER_PAGE))
    return render_template("enterprise/my_cases.html", page=result, pages=pages, rate_tasks=rate_tasks,
                           kinds=KIND_PAIRS)


def _enterprise(actor) -> dict | None:
    e = catalog.enterprise(rt(), actor.enterprise_id)
    return {key: e[key] for key in ("name", "credit_code", "town", "phone")} if e else None


@bp.route("/my/submit", methods=["GET", "POST"])
@page(*ENTERPRISE)
def my_submit(actor):
    enterprise = _enterprise(actor)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {name: normalized(request.form.get(name)).strip() for name in FIELDS}
        payload = {"kind": values["kind"], "description": values["description"],
                   "domain": values["domain"] or None, "town": values["town"] or None,
                   "contact_name": values["contact_name"] or None,
                   "contact_phone": values["contact_phone"] or None, "channel": "web"}
        done, errors = submit_demand(actor, payload, N_("诉求已提交，受理短信将发送到联系电话。"))
        if done:
            return done
    else:
        values = {"kind": "求助", "town": (enterprise or {}).get("town") or "",
                  "contact_name": actor.display_name}
    town_names = towns(enterprise["town"] if enterprise else None)
    return render_template("enterprise/my_submit.html", values=values, errors=errors, kinds=KIND_PAIRS,
                           domains=DOMAINS, towns=town_names, enterprise=enterprise), \
        422 if errors else 200
