"""Insight for leadership (P18): key figures, trend, unit ranking, hotspots, town grid.

Every endpoint takes the same filters (period, unit, town, kind, domain, channel, red_list); the
tables also download as CSV or XLSX with `format=csv|xlsx`."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from app.domain.errors import ValidationFailed
from app.domain.texts import N_, msg
from app.i18n import current_language, gettext
from app.services import catalog
from app.services.insight import breakdowns, hotspots, metrics, tables

from .auth import login_required, runtime
from .export import EXPORT_CONTENT, export_response
from .insight_schemas import HotspotArgs, InsightArgs, TrendArgs, UnitArgs, filters_of

blp = Blueprint("insight", __name__, url_prefix="/api/insight",
                description="决策分析 (Insight for leadership, P18)")
SECURITY = [{"bearerAuth": []}]
ROLES = ("leader", "supervisor", "analyst", "admin")
FILE_DOC = {"200": {"description": "JSON; 或 format=csv/xlsx 时为文件下载",
                    "content": {"application/json": {"schema": {"type": "object"}},
                                **EXPORT_CONTENT}}}


def _filters(args):
    code = args.get("unit")
    if code is not None:
        if not catalog.unit_exists(runtime(), code):
            raise ValidationFailed(fields={"unit": [msg("unit.unknown_code", "未知的承办单位编码 {code}", code=code)]})
    return filters_of(args)


def _maybe_export(args, columns, rows, name, result):
    if args.get("format"):
        return export_response(columns, [tables.display(r) for r in rows], args["format"], name)
    return result


@blp.route("/metrics")
class Metrics(MethodView):
    @login_required(*ROLES)
    @blp.arguments(InsightArgs, location="query")
    @blp.doc(security=SECURITY, responses=FILE_DOC)
    def get(self, args):
        """Key figures, with red-list cases separately (核心指标)."""
        result = metrics.metrics(runtime(), _filters(args))
        columns, rows = tables.figures_rows(result)
        if args.get("format"):
            return export_response(columns, rows, args["format"], N_("核心指标"))
        return result


@blp.route("/trend")
class Trend(MethodView):
    @login_required(*ROLES)
    @blp.arguments(TrendArgs, location="query")
    @blp.doc(security=SECURITY, responses=FILE_DOC)
    def get(self, args):
        """Figures by day, week or month (趋势). A bucket that is not a full one says so:
        `partial`, with `cut` (fewer days: cut by the period, or a week or month still running)
        and `ongoing` (it holds today, which is not over); `start` and `end` are its days."""
        result = breakdowns.trend(runtime(), _filters(args), args.get("granularity"))
        return _maybe_export(args, tables.TREND_COLUMNS, tables.trend_rows(result["series"], gettext, "，" if current_language() == "zh" else ", "),
                             "趋势", result)


@blp.route("/units")
class Units(MethodView):
    @login_required(*ROLES)
    @blp.arguments(UnitArgs, location="query")
    @blp.doc(security=SECURITY, responses=FILE_DOC)
    def get(self, args):
        """Ranking of the receiving units (承办单位排名)."""
        rows = breakdowns.units(runtime(), _filters(args), args["sort"])
        return _maybe_export(args, tables.UNIT_COLUMNS, rows, N_("承办单位排名"), {"items": rows})


@blp.route("/hotspots")
class Hotspots(MethodView):
    @login_required(*ROLES)
    @blp.arguments(HotspotArgs, location="query")
    @blp.doc(security=SECURITY, responses=FILE_DOC)
    def get(self, args):
        """Top domains of consultations and of complaints, with the change against the
        previous period of equal length (热点)."""
        result = hotspots.hotspots(runtime(), _filters(args), args["top"])
        return _maybe_export(args, tables.HOTSPOT_COLUMNS, hotspots.rows(result), N_("热点领域"), result)


@blp.route("/towns")
class Towns(MethodView):
    @login_required(*ROLES)
    @blp.arguments(InsightArgs, location="query")
    @blp.doc(security=SECURITY, responses=FILE_DOC)
    def get(self, args):
        """Demands by town and domain (镇街 × 领域)."""
        result = breakdowns.towns(runtime(), _filters(args))
        return _maybe_export(args, tables.TOWN_COLUMNS, result["cells"], N_("镇街领域分布"), result)
