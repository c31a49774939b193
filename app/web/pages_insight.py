"""P18 dashboard for leadership: figures, trend, unit ranking, hotspots, town grid, common problems."""
from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from flask import Blueprint, render_template, request
from marshmallow import EXCLUDE, ValidationError

from app.api.insight_schemas import TrendArgs, filters_of
from app.http.errors import flatten_messages
from app.domain.vocab import CHANNELS, DOMAINS
from app.services import catalog
from app.services.insight import breakdowns, hotspots, metrics, tables
from app.services.insight.filters import Filters
from app.services.signals.query import MAX_PERIOD_DAYS

from .common import page, rt
from .filters import KIND_PAIRS, bracketed, clause_sep, colon
from app.i18n import current_language, gettext

bp = Blueprint("insight", __name__)

ROLES = ("leader", "supervisor", "analyst", "admin")
DEFAULT_DAYS = 30
PERIOD_FIELDS = {"_", "from", "to"}

FIELD_LABELS = {"from": "起始日期", "to": "截止日期", "unit": "承办单位", "town": "镇街",
                "kind": "类型", "domain": "领域", "channel": "渠道", "red_list": "红名单",
                "granularity": "趋势粒度", "start": "起始日期", "end": "截止日期", "limit": "条数"}



@bp.route("/insight", endpoint="insight")
@page(*ROLES)
def insight_page(actor):
    runtime = rt()
    filters, granularity, errors = _parse(runtime)
    units, towns = choices(runtime)
    bad_period = bool(set(errors) & PERIOD_FIELDS)
    form = {"from": request.args.get("from", "") if bad_period else filters.date_from or "",
            "to": request.args.get("to", "") if bad_period else filters.date_to or ""}
    context = dict(filters=filters, errors=labelled(errors), form=form, units=units, towns=towns,
                   kinds=KIND_PAIRS, domains=DOMAINS, channels=CHANNELS,
                   date_type=date_type,
                   domain_names={d: gettext(d) for d in DOMAINS})
    if bad_period:  # figures of another period than the one asked for would mislead
        return render_template("insight/insight.html", data=None, granularity=granularity,
                               **context), 422
    data = {"trend": breakdowns.trend(runtime, filters, granularity),
            "units": breakdowns.units(runtime, filters),
            "hotspots": hotspots.hotspots(runtime, filters),
            "towns": breakdowns.towns(runtime, filters)}
    query = filters.as_query()
    if "from" not in query:
        query["from"] = ""  # keep "all time" when following links
    shown = {"trend": {"granularity": data["trend"]["granularity"]}}  # the table as shown
    return render_template(
        "insight/insight.html", data=data, granularity=data["trend"]["granularity"],
        period=_period_text(filters), tiles=_tiles(metrics.metrics(runtime, filters)),
        unit_rows=[{k: _text(k, v) for k, v in r.items()} for r in data["units"]],
        town_rows=data["towns"]["towns"], partial_notes=_partial_notes(data["trend"]["series"]),
        problems_qs=urlencode(_problem_filters(runtime, filters)),
        export=lambda table, fmt:
            f"/api/insight/{table}?{urlencode({**query, **shown.get(table, {}), 'format': fmt})}",
        **context)


def _parse(runtime) -> tuple[Filters, str | None, dict]:
    """The filters from the query string; invalid fields are reported and left out (both dates
    when the period is wrong)."""
    raw = {k: v for k, v in request.args.items() if v != ""}
    errors: dict = {}
    try:
        args = TrendArgs(unknown=EXCLUDE).load(raw)
    except ValidationError as err:
        errors = flatten_messages(err.messages)
        dropped = set(errors) | (PERIOD_FIELDS if set(errors) & PERIOD_FIELDS else set())
        args = TrendArgs(unknown=EXCLUDE).load({k: v for k, v in raw.items() if k not in dropped})
    filters = filters_of(args)
    if "from" not in request.args and "to" not in request.args:
        filters = filters.with_(date_from=_today(runtime) - timedelta(days=DEFAULT_DAYS - 1),
                                date_to=_today(runtime))
    return filters, args.get("granularity"), errors


def labelled(errors: dict) -> list[str]:
    """Field errors as the user reads them: '截止日期：截止日不能早于起始日'."""
    sep = clause_sep()
    out = []
    for field, messages in errors.items():
        text = sep.join(gettext(m) for m in messages)
        out.append(f"{gettext(FIELD_LABELS[field])}{colon()}{text}" if field in FIELD_LABELS else text)
    return out


def date_type(value) -> str:
    """The type of a date input: 'text' for a value that is no date, since a browser empties a
    date input holding one, and the user would not see what to correct."""
    value = str(value)
    if value == "":
        return "date"
    try:
        return "date" if len(value) == 10 and date.fromisoformat(value) else "text"
    except ValueError:
        return "text"


def _today(runtime):
    return (runtime.clock.now() + timedelta(hours=8)).date()


def _period_text(filters: Filters) -> str:
    start, end = filters.date_from, filters.date_to
    if start and end:
        return gettext("{start} 至 {end}").format(start=start, end=end)
    if start or end:
        return gettext("{start} 起").format(start=start) if start else \
            gettext("至 {end}").format(end=end)
    return gettext("全部时间")


def trend_label(row: dict) -> str:
    """A trend bucket as its axis names it: the period, or its days when it has fewer
    ('11-04–11-08', '11-23'); insight.js labels the chart the same way."""
    if not row.get("cut"):
        return row["period"]
    start, end = row["start"][5:], row["end"][5:]
    return start if start == end else f"{start}–{end}"


def _partial_notes(series: list[dict]) -> list[str]:
    """The buckets that are not full ones, as the note under the trend reads them:
    '11-23（仅 1 天，今日未完）'."""
    sep = ", " if current_language() == "en" else "，"
    return [trend_label(row) + bracketed(tables.partial_note(row, gettext, sep))
            for row in series if row.get("partial")]


def _problem_filters(runtime, filters: Filters) -> dict:
    """The common problems of the dashboard's period and filters; that analysis covers at most
    MAX_PERIOD_DAYS, so a longer (or open) period is cut to its last MAX_PERIOD_DAYS days."""
    end = filters.date_to or _today(runtime)
    earliest = end - timedelta(days=MAX_PERIOD_DAYS - 1)
    start = max(filters.date_from, earliest) if filters.date_from else earliest
    out = {"start": start.isoformat(), "end": end.isoformat()}
    for key in ("unit", "town", "domain", "kind", "channel"):
        if getattr(filters, key) is not None:
            out[key] = getattr(filters, key)
    if filters.red_list is not None:
        out["red_list"] = "true" if filters.red_list else "false"
    return out


def _text(key: str, value) -> str:
    """A figure as the page shows it: rates '96.7%', hours '12.3', counts as they are."""
    if value is None:
        return "—"
    if key in tables.RATE_KEYS:
        return f"{value * 100:.1f}%"
    if key in tables.HOUR_KEYS:
        return f"{value / 3600:.1f}"
    return str(value)


def _tiles(figures: dict) -> list[dict]:
    """The key-figure tiles; rates carry their % sign, so the label drops its '（%）'."""
    red = figures["red_list"]
    return [{"key": key, "label": label.replace("（%）", ""),
             "value": _text(key, figures.get(key)),
             "red": None if red is None else _text(key, red.get(key))}
            for key, label in tables.FIGURES]


def choices(runtime) -> tuple[list[tuple[str, str]], list[str]]:
    """The units (code, name) and towns the filter dropdowns offer."""
    return catalog.unit_choices(runtime, "id"), catalog.enterprise_towns(runtime)
