"""P18 dashboard for leadership: figures, trend, unit ranking, hotspots, town grid, common problems."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from flask import render_template, request
from marshmallow import EXCLUDE, ValidationError
from sqlalchemy import select

from app.api.errors import flatten_messages
from app.api.insight_schemas import TrendArgs, filters_of
from app.db.models import Enterprise, Unit
from app.domain.vocab import CHANNELS, DOMAINS, KINDS
from app.services.insight import breakdowns, hotspots, metrics, tables
from app.services.insight.filters import Filters

from . import bp
from .common import page, rt

ROLES = ("leader", "supervisor", "analyst", "admin")
DEFAULT_DAYS = 30


@bp.route("/insight", endpoint="insight")
@page(*ROLES)
def insight_page(actor):
    runtime = rt()
    filters, granularity, errors = _parse(runtime)
    units, towns = _choices(runtime)
    figures = metrics.metrics(runtime, filters)
    hot = hotspots.hotspots(runtime, filters)
    data = {"trend": breakdowns.trend(runtime, filters, granularity),
            "units": breakdowns.units(runtime, filters),
            "hotspots": hot, "towns": breakdowns.towns(runtime, filters)}
    query = filters.as_query()
    if "from" not in query:
        query["from"] = ""  # keep "all time" when following links
    return render_template(
        "insight.html", filters=filters, errors=errors, granularity=data["trend"]["granularity"],
        figures=figures, figure_rows=[(k, label) for k, label in tables.FIGURES],
        shown=tables.display(figures), shown_red=tables.display(figures["red_list"] or {}),
        data=data, units=units, towns=towns, kinds=KINDS, domains=DOMAINS, channels=CHANNELS,
        unit_rows=[tables.display(r) for r in data["units"]],
        town_rows=data["towns"]["towns"], qs=urlencode(query),
        export=lambda table, fmt: f"/api/insight/{table}?{urlencode({**query, 'format': fmt})}")


def _parse(runtime) -> tuple[Filters, str | None, dict]:
    """The filters from the query string; invalid fields are reported and ignored."""
    raw = {k: v for k, v in request.args.items() if v != ""}
    errors: dict = {}
    try:
        args = TrendArgs(unknown=EXCLUDE).load(raw)
    except ValidationError as err:
        errors = flatten_messages(err.messages)
        args = TrendArgs(unknown=EXCLUDE).load({k: v for k, v in raw.items() if k not in errors}) \
            if not set(errors) & {"_", "to", "from"} else {}
    filters = filters_of(args)
    if "from" not in request.args and "to" not in request.args:
        today = (runtime.clock.now() + timedelta(hours=8)).date()
        filters = filters.with_(date_from=today - timedelta(days=DEFAULT_DAYS - 1), date_to=today)
    return filters, args.get("granularity"), errors


def _choices(runtime):
    with runtime.uow() as uow:
        session = uow.session
        units = [(u.code, u.name) for u in session.scalars(select(Unit).order_by(Unit.id))]
        towns = sorted(t for t in session.scalars(select(Enterprise.town).distinct()) if t)
        return units, towns
