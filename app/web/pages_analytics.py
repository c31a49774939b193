"""Process analytics pages (issue 21): heat map on the diagram, variants, conformance, what-if on
the deadline table. The figures come from app/services/analytics, as the API's."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from flask import Blueprint, render_template, request
from marshmallow import EXCLUDE, ValidationError

from app.api.analytics_schemas import AnalyticsArgs
from app.api.insight_schemas import filters_of
from app.domain.errors import ValidationFailed
from app.domain.vocab import CHANNELS, DOMAINS
from app.http.errors import flatten_messages
from app.services.analytics import conformance, elements, model, variants, what_if
from app.services.analytics.model import Scope

from .common import page, rt
from .filters import KIND_PAIRS
from .pages_insight import DEFAULT_DAYS, PERIOD_FIELDS, _period_text, _today, choices, date_type, labelled

bp = Blueprint("analytics", __name__)
ROLES = ("leader", "supervisor", "analyst", "admin", "designer")

REASONS = {"not_in_model": "当前模型中没有此环节", "unexpected": "模型不允许从此前的环节到达",
           "repeated": "重复办理（模型不允许）"}


def _parse(runtime):
    raw = {k: v for k, v in request.args.items() if v != ""}
    errors: dict = {}
    schema = AnalyticsArgs(unknown=EXCLUDE)
    try:
        args = schema.load(raw)
    except ValidationError as err:
        errors = flatten_messages(err.messages)
        dropped = set(errors) | (PERIOD_FIELDS if set(errors) & PERIOD_FIELDS else set())
        args = schema.load({k: v for k, v in raw.items() if k not in dropped})
    filters = filters_of(args)
    if "from" not in request.args and "to" not in request.args:
        filters = filters.with_(date_from=_today(runtime) - timedelta(days=DEFAULT_DAYS - 1),
                                date_to=_today(runtime))
    return Scope(filters, args.get("deployment")), errors


def _context(runtime, scope, errors):
    units, towns = choices(runtime)
    query = scope.filters.as_query()
    if "from" not in query:
        query["from"] = ""
    if scope.deployment:
        query["deployment"] = scope.deployment
    bad = bool(set(errors) & PERIOD_FIELDS)
    form = {"from": request.args.get("from", "") if bad else scope.filters.date_from or "",
            "to": request.args.get("to", "") if bad else scope.filters.date_to or ""}
    return dict(filters=scope.filters, scope=scope, errors=labelled(errors), form=form, units=units,
                towns=towns, kinds=KIND_PAIRS, domains=DOMAINS, channels=CHANNELS,
                date_type=date_type, deployments=model.deployments(runtime), bad_period=bad,
                period=_period_text(scope.filters), qs=urlencode(query), duration=duration,
                api=lambda path, **extra: f"/api/analytics/{path}?{urlencode({**query, **extra})}")


def duration(seconds) -> str:
    """Seconds as the page reads them: '45 分钟', '3.5 小时', '2.1 天'."""
    from app.i18n import gettext
    if seconds is None:
        return "—"
    if seconds < 3600:
        return f"{round(seconds / 60)} {gettext('分钟')}"
    if seconds < 86400 * 2:
        return f"{seconds / 3600:.1f} {gettext('小时')}"
    return f"{seconds / 86400:.1f} {gettext('天')}"


@bp.route("/analytics", endpoint="heat_map")
@page(*ROLES)
def heat_map(actor):
    runtime = rt()
    scope, errors = _parse(runtime)
    context = _context(runtime, scope, errors)
    if context["bad_period"]:
        return render_template("analytics/heat_map.html", data=None, **context), 422
    data = {"elements": elements.elements(runtime, scope), "flows": elements.flows(runtime, scope),
            "diagrams": model.diagrams(runtime, scope)}
    return render_template("analytics/heat_map.html", data=data, **context)


@bp.route("/analytics/variants", endpoint="variants")
@page(*ROLES)
def variants_page(actor):
    runtime = rt()
    scope, errors = _parse(runtime)
    context = _context(runtime, scope, errors)
    if context["bad_period"]:
        return render_template("analytics/variants.html", data=None, **context), 422
    chosen = request.args.get("variant")
    data = variants.variants(runtime, scope, limit=100)
    cases = variants.variant_cases(runtime, scope, chosen) if chosen else None
    return render_template("analytics/variants.html", data=data, chosen=chosen, cases=cases, **context)


@bp.route("/analytics/conformance", endpoint="conformance")
@page(*ROLES)
def conformance_page(actor):
    runtime = rt()
    scope, errors = _parse(runtime)
    context = _context(runtime, scope, errors)
    if context["bad_period"]:
        return render_template("analytics/conformance.html", data=None, **context), 422
    data = conformance.conformance(runtime, scope, limit=200)
    return render_template("analytics/conformance.html", data=data, reasons=REASONS, **context)


@bp.route("/analytics/what-if", methods=["GET", "POST"], endpoint="what_if")
@page(*ROLES)
def what_if_page(actor):
    runtime = rt()
    scope, errors = _parse(runtime)
    context = _context(runtime, scope, errors)
    draft = request.form.get("sla_dmn") if request.method == "POST" else what_if.current_table(runtime)
    result, draft_errors = None, []
    if request.method == "POST" and not context["bad_period"]:
        try:
            result = what_if.what_if(runtime, scope, draft or "")
        except ValidationFailed as err:
            draft_errors = [m for messages in (err.fields or {}).values() for m in messages]
    status = 422 if draft_errors or context["bad_period"] else 200
    return render_template("analytics/what_if.html", draft=draft, result=result,
                           draft_errors=draft_errors, **context), status
