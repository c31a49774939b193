"""Process analytics (issue 21): figures per BPMN element and flow, variants, conformance and
what-if on the deadline table, with the insight dashboard's filters (period, unit, town, kind,
domain, channel, red_list) and a deployment. Tables download as CSV/XLSX with `format`."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from app.services.analytics import conformance, elements, variants, what_if
from app.services.analytics.model import Scope
from app.services.analytics.tables import ELEMENT_COLUMNS, FLOW_COLUMNS, VARIANT_COLUMNS, rows_of

from .auth import login_required, runtime
from .export import EXPORT_CONTENT, export_response
from .analytics_schemas import (AnalyticsArgs, CasesArgs, ConformanceOut, ElementsOut, FlowsOut,
                                VariantArgs, VariantCasesOut, VariantsOut, WhatIfIn, WhatIfOut)
from .insight import _filters

blp = Blueprint("analytics", __name__, url_prefix="/api/analytics",
                description="流程分析 (Process analytics: heat map, variants, conformance, what-if)")
SECURITY = [{"bearerAuth": []}]
ROLES = ("leader", "supervisor", "analyst", "admin", "designer")


def scope_of(args) -> Scope:
    return Scope(_filters(args), args.get("deployment"))


def _file_doc(schema):
    return {"200": {"description": "JSON; 或 format=csv/xlsx 时为文件下载",
                    "content": {"application/json": {"schema": schema}, **EXPORT_CONTENT}}}


def _answer(args, columns, result, name):
    if args.get("format"):
        return export_response(columns, rows_of(result["items"]), args["format"], name)
    return result


@blp.route("/elements")
class Elements(MethodView):
    @login_required(*ROLES)
    @blp.arguments(AnalyticsArgs, location="query")
    @blp.doc(security=SECURITY, responses=_file_doc(ElementsOut))
    def get(self, args):
        """Per BPMN element: cases, passes, median and p90 time spent, breached (元素热力)."""
        result = elements.elements(runtime(), scope_of(args))
        return _answer(args, ELEMENT_COLUMNS, ElementsOut().dump(result), "元素热力")


@blp.route("/flows")
class Flows(MethodView):
    @login_required(*ROLES)
    @blp.arguments(AnalyticsArgs, location="query")
    @blp.doc(security=SECURITY, responses=_file_doc(FlowsOut))
    def get(self, args):
        """Per sequence flow: how many times and in how many cases it was taken (顺序流)."""
        result = elements.flows(runtime(), scope_of(args))
        return _answer(args, FLOW_COLUMNS, FlowsOut().dump(result), "顺序流")


@blp.route("/variants")
class Variants(MethodView):
    @login_required(*ROLES)
    @blp.arguments(VariantArgs, location="query")
    @blp.doc(security=SECURITY, responses=_file_doc(VariantsOut))
    def get(self, args):
        """The distinct paths cases took, by count (路径变体)."""
        result = variants.variants(runtime(), scope_of(args), args["limit"])
        return _answer(args, VARIANT_COLUMNS, VariantsOut().dump(result), "路径变体")


@blp.route("/variants/<variant>/cases")
class VariantCases(MethodView):
    @login_required(*ROLES)
    @blp.arguments(CasesArgs, location="query")
    @blp.response(200, VariantCasesOut)
    @blp.doc(security=SECURITY)
    def get(self, args, variant):
        """The cases of one variant, newest first (变体诉求)."""
        return variants.variant_cases(runtime(), scope_of(args), variant, args["limit"])


@blp.route("/conformance")
class Conformance(MethodView):
    @login_required(*ROLES)
    @blp.arguments(CasesArgs, location="query")
    @blp.response(200, ConformanceOut)
    @blp.doc(security=SECURITY)
    def get(self, args):
        """Cases whose trail does not fit the current model, with the first deviation (合规性)."""
        return conformance.conformance(runtime(), scope_of(args), args["limit"])


@blp.route("/what-if")
class WhatIf(MethodView):
    @login_required(*ROLES)
    @blp.arguments(AnalyticsArgs, location="query")
    @blp.arguments(WhatIfIn, location="json")
    @blp.response(200, WhatIfOut)
    @blp.doc(security=SECURITY)
    def post(self, args, body):
        """Replay a draft sla.dmn against the period's finished deadline clocks: met, warned and
        breached per clock, unit and domain, beside today's figures (时限规则模拟)."""
        return what_if.what_if(runtime(), scope_of(args), body["sla_dmn"])
