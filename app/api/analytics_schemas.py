"""Query parameters and answers of the process analytics API (issue 21)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from .insight_schemas import InsightArgs

NONNEG = validate.Range(min=0)


class AnalyticsArgs(InsightArgs):
    deployment = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1, error="须为 1–2147483647 的整数"),
                                metadata={"description": "部署编号;不给则跨版本汇总,图示为当前部署"})


class VariantArgs(AnalyticsArgs):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500, error="须在 1–500 之间"))


class CasesArgs(AnalyticsArgs):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500, error="须在 1–500 之间"))


class ElementOut(Schema):
    process_id = fields.String(allow_none=True)
    element_id = fields.String()
    name = fields.String()
    in_model = fields.Boolean(metadata={"description": "图示的部署中有此元素"})
    cases = fields.Integer(metadata={"description": "经过此元素的诉求数"})
    passes = fields.Integer(metadata={"description": "完成次数;同一诉求办两次计两次"})
    open = fields.Integer(metadata={"description": "当前停留(待办)的次数"})
    median_seconds = fields.Integer(allow_none=True, metadata={"description": "停留时间中位数(秒)"})
    p90_seconds = fields.Integer(allow_none=True, metadata={"description": "停留时间 P90(秒,最近秩)"})
    breached = fields.Integer(allow_none=True, metadata={"description": "超过时限完成或仍超期待办的次数"})
    breached_share = fields.Float(allow_none=True)


class ElementsOut(Schema):
    deployment_id = fields.Integer()
    across_versions = fields.Boolean()
    percentiles = fields.String(metadata={
        "description": "exact:由轨迹精确计算;estimated:由汇总直方图估计(与精确值同桶,误差小于 19%)"})
    items = fields.List(fields.Nested(ElementOut))


class FlowOut(Schema):
    process_id = fields.String()
    flow_id = fields.String()
    name = fields.String()
    passes = fields.Integer(metadata={"description": "经过此顺序流的次数"})
    cases = fields.Integer(metadata={"description": "经过此顺序流的诉求数"})


class FlowsOut(Schema):
    deployment_id = fields.Integer()
    across_versions = fields.Boolean()
    items = fields.List(fields.Nested(FlowOut))


class VariantOut(Schema):
    id = fields.String()
    path = fields.List(fields.String(), metadata={"description": "依次经过的用户任务元素"})
    names = fields.List(fields.String())
    count = fields.Integer()
    share = fields.Float()
    closed = fields.Integer()
    median_lead_seconds = fields.Integer(allow_none=True)
    rated = fields.Integer()
    satisfaction = fields.Float(allow_none=True)


class VariantsOut(Schema):
    cases = fields.Integer()
    variants = fields.Integer()
    percentiles = fields.String(metadata={
        "description": "exact:由轨迹精确计算;estimated:由汇总直方图估计(与精确值同桶,误差小于 19%)"})
    items = fields.List(fields.Nested(VariantOut))


class VariantCaseOut(Schema):
    number = fields.String()
    created_at = fields.String()
    closed_at = fields.String(allow_none=True)
    lead_seconds = fields.Integer(allow_none=True)
    rating = fields.String(allow_none=True)
    deployment_id = fields.Integer()


class VariantCasesOut(Schema):
    id = fields.String()
    count = fields.Integer()
    path = fields.List(fields.String(), allow_none=True)
    items = fields.List(fields.Nested(VariantCaseOut))


class DeviationOut(Schema):
    index = fields.Integer()
    element_id = fields.String()
    name = fields.String()
    after = fields.String(allow_none=True)
    after_name = fields.String(allow_none=True)
    reason = fields.String(metadata={"description": "not_in_model / unexpected / repeated"})


class DeviatingCaseOut(Schema):
    number = fields.String()
    deployment_id = fields.Integer()
    older_version = fields.Boolean()
    created_at = fields.String()
    steps = fields.Integer()
    deviation = fields.Nested(DeviationOut)


class ConformanceOut(Schema):
    deployment_id = fields.Integer()
    cases = fields.Integer()
    fitting = fields.Integer()
    deviating = fields.Integer()
    reasons = fields.Dict(keys=fields.String(), values=fields.Integer())
    items = fields.List(fields.Nested(DeviatingCaseOut))


class WhatIfIn(Schema):
    sla_dmn = fields.String(required=True, validate=validate.Length(min=1, max=1024 * 1024),
                            metadata={"description": "时限规则 sla.dmn 的草稿(DMN XML)"})


class OutcomeCounts(Schema):
    met = fields.Integer(metadata={"description": "预警前完成"})
    warned = fields.Integer(metadata={"description": "预警后、到期前完成"})
    breached = fields.Integer(metadata={"description": "超期完成"})


class ClockCounts(Schema):
    response = fields.Nested(OutcomeCounts)
    solution = fields.Nested(OutcomeCounts)
    resolution = fields.Nested(OutcomeCounts)


class WhatIfUnit(Schema):
    unit = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    today = fields.Nested(OutcomeCounts)
    draft = fields.Nested(OutcomeCounts)


class WhatIfDomain(Schema):
    domain = fields.String(allow_none=True)
    today = fields.Nested(OutcomeCounts)
    draft = fields.Nested(OutcomeCounts)


class WhatIfTotals(Schema):
    today = fields.Nested(ClockCounts)
    draft = fields.Nested(ClockCounts)


class WhatIfOut(Schema):
    deployment_id = fields.Integer()
    clocks = fields.Integer(metadata={"description": "参与重放的已结束时限数"})
    totals = fields.Nested(WhatIfTotals)
    units = fields.List(fields.Nested(WhatIfUnit))
    domains = fields.List(fields.Nested(WhatIfDomain))
