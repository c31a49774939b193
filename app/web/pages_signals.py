"""P18 signals pages: common problems (共性问题) for the analysis meeting, and surge alerts."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from marshmallow import ValidationError

from app.api.signals_schemas import ProblemArgs
from app.domain.errors import DomainError, NotFound
from app.domain.vocab import CHANNELS, DOMAINS
from app.services.signals import query, surges

from .common import page, rt
from app.i18n import current_language, gettext
from .filters import KIND_PAIRS, list_sep
from .pages_insight import choices, date_type, labelled

bp = Blueprint("signals", __name__)

READERS = ("leader", "supervisor", "analyst", "admin")
ACKNOWLEDGERS = ("supervisor", "admin")
FILTERS = ("start", "end", "town", "domain", "kind", "unit", "channel", "red_list")



def _args():
    """Validated filters of the query string, or (None, field errors)."""
    raw = {k: v for k, v in request.args.items() if k in (*FILTERS, "limit") and v != ""}
    try:
        return ProblemArgs().load(raw), {}
    except ValidationError as err:
        return None, err.messages


def _analyse(args: dict | None, errors: dict) -> tuple[dict | None, dict, tuple | None]:
    """(result, field errors, analysed days) of valid arguments."""
    if args is None:
        return None, errors, None
    runtime = rt()
    try:
        result = query.analyse(runtime, args)
    except DomainError as err:
        return None, err.fields, None
    return result, {}, query.period(runtime.clock.now(), args)


def _context(result: dict | None, errors: dict, days: tuple | None) -> dict:
    """What both templates show: labelled errors, the period and the method in the user's words."""
    context = {"result": result, "errors": labelled(errors), "sep": list_sep(),
               "gap": "" if current_language() == "zh" else " ",  # between sentences
               "period": days and gettext("{start} 至 {end}").format(start=days[0], end=days[1])}
    if result:
        context["note"] = gettext("本期共 {matched} 件诉求，仅分析了最近的 {analysed} 件（上限 {cap} 件）。") \
            .format(**result) if result["capped"] else gettext("分析了本期全部 {analysed} 件诉求。").format(**result)
        context["method"] = gettext(
            "分组方法：内容相近（相似度达到 {similarity}）的诉求归为一组；一组的诉求须来自至少 {n} 家不同企业。"
        ).format(similarity=result["similarity"], n=result["min_enterprises"])
    return context


def _export_url(fmt: str) -> str:
    """The API's download of the same table (the API accepts the page session for GET)."""
    params = {k: request.args[k] for k in FILTERS if request.args.get(k)}
    return url_for("signals.CommonProblems", format=fmt, **params)


@bp.route("/insight/common-problems", endpoint="common_problems")
@page(*READERS)
def common_problems_page(actor):
    result, errors, days = _analyse(*_args())
    values = dict(request.args)
    if days:  # show the analysed period, also when it was the default one
        values.update(start=days[0].isoformat(), end=days[1].isoformat())
    units, towns = choices(rt())
    return render_template("signals/signals_common_problems.html", values=values, domains=DOMAINS,
                           kinds=KIND_PAIRS, channels=CHANNELS, units=units, towns=towns,
                           date_type=date_type,
                           csv_url=_export_url("csv"), xlsx_url=_export_url("xlsx"),
                           **_context(result, errors, days)), 422 if errors else 200


@bp.route("/insight/fragments/common-problems", endpoint="common_problems_fragment")
@page(*READERS)
def common_problems_fragment(actor):
    args, errors = _args()
    if args is not None:
        args["limit"] = min(args.get("limit", 10), 10)
    result, errors, days = _analyse(args, errors)
    params = {k: request.args[k] for k in FILTERS if request.args.get(k)}
    return render_template("signals/_common_problems_top.html",
                           more_url=url_for("web.signals.common_problems", **params),
                           **_context(result, errors, days)), 422 if errors else 200


@bp.route("/insight/signals", endpoint="signals")
@page(*READERS)
def signals_page(actor):
    runtime = rt()
    return render_template("signals/signals.html", open_alerts=surges.list_alerts(runtime, "open"),
                           open_count=surges.open_count(runtime),
                           acknowledged=surges.list_alerts(runtime, "acknowledged", 20),
                           can_ack=actor.role in ACKNOWLEDGERS)


@bp.route("/insight/surges/<int:alert_id>/acknowledge", methods=["POST"],
          endpoint="surge_acknowledge")
@page(*ACKNOWLEDGERS)
def surge_acknowledge(actor, alert_id):
    """htmx: acknowledge and return the alert's row; a plain form post goes back to the page."""
    try:
        alert = surges.acknowledge(rt(), alert_id, actor)
    except NotFound as err:
        return render_template("error.html", message=gettext(err.message)), 404
    if request.headers.get("HX-Request") == "true":  # the row, and the heading's count (oob)
        return render_template("signals/_surge_row.html", a=alert, can_ack=True,
                               oob_open_count=surges.open_count(rt()))
    back = request.form.get("next", "")
    return redirect(back if back.startswith("/") and not back.startswith("//")
                    else url_for("web.signals.signals"))
