"""Query and response schemas of the P18 common problems and surge alerts API."""
from __future__ import annotations

from datetime import datetime

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.clock import SHANGHAI
from app.domain.texts import N_
from app.domain.vocab import CHANNELS, DOMAINS, KINDS
from app.services.signals.query import MAX_PERIOD_DAYS

from .export import EXPORT_FORMATS
from .insight_schemas import UNIT_CODES


def _choice(values):
    return validate.OneOf(values, error="取值须为：" + " / ".join(values))


class ProblemArgs(Schema):
    start = fields.Date(metadata={"description": "起始日期（含，北京时间），默认截止日期前 29 天"},
                        error_messages={"invalid": "应为日期 YYYY-MM-DD"})
    end = fields.Date(metadata={"description": "截止日期（含，北京时间），默认今天"},
                      error_messages={"invalid": "应为日期 YYYY-MM-DD"})
    town = fields.String(validate=validate.Length(max=50, error="长度须在 0–50 之间"))
    domain = fields.String(validate=_choice(DOMAINS))
    kind = fields.String(validate=_choice(KINDS))
    unit = fields.String(validate=validate.Length(min=1, max=32, error="长度须在 1–32 之间"),
                         metadata={"description": "承办单位代码，如 xlz", "enum": list(UNIT_CODES)})
    channel = fields.String(validate=_choice(tuple(CHANNELS)))
    red_list = fields.Boolean(metadata={"description": "true：只看红名单企业；false：排除红名单企业"},
                              error_messages={"invalid": "应为 true 或 false"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500, error="须在 1–500 之间"))
    format = fields.String(validate=_choice(EXPORT_FORMATS),
                           metadata={"description": "csv | xlsx：导出分组表"})

    @validates_schema
    def _period(self, data, **kwargs):
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise ValidationError("起始日期不能晚于截止日期", "start")
        if start and end and (end - start).days >= MAX_PERIOD_DAYS:
            raise ValidationError(f"时间范围不能超过 {MAX_PERIOD_DAYS} 天", "start")


class ProblemCase(Schema):
    id = fields.Integer()
    number = fields.String()
    created_at = fields.String()
    enterprise = fields.String()


class ProblemGroup(Schema):
    rank = fields.Integer()
    count = fields.Integer(metadata={"description": "诉求件数"})
    enterprise_count = fields.Integer()
    enterprises = fields.List(fields.String())
    towns = fields.List(fields.String())
    units = fields.List(fields.String())
    unit_codes = fields.List(fields.String())
    domains = fields.List(fields.String())
    kinds = fields.List(fields.String())
    title = fields.String(metadata={"description": "代表性诉求的首句"})
    text = fields.String(metadata={"description": "代表性诉求（组中心）内容"})
    keywords = fields.List(fields.String())
    cases = fields.List(fields.Nested(ProblemCase))
    first_at = fields.String()
    last_at = fields.String()


class ProblemsOut(Schema):
    period = fields.Dict()
    filters = fields.Dict()
    matched = fields.Integer(metadata={"description": "期间内符合条件的诉求数"})
    analysed = fields.Integer(metadata={"description": "实际分析的诉求数（最近的，至多 cap 件）"})
    cap = fields.Integer()
    capped = fields.Boolean()
    similarity = fields.Float()
    min_enterprises = fields.Integer()
    total_groups = fields.Integer()
    note = fields.String()
    groups = fields.List(fields.Nested(ProblemGroup))


class SurgeArgs(Schema):
    status = fields.String(load_default="open", validate=_choice(("open", "acknowledged", "all")))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500, error="须在 1–500 之间"))


class SurgeUnit(Schema):
    code = fields.String()
    name = fields.String()


class SurgeOut(Schema):
    id = fields.Integer()
    key = fields.String()
    day = fields.String()
    scope = fields.String(metadata={"description": "domain_town | unit"})
    label = fields.String()
    domain = fields.String(allow_none=True)
    town = fields.String(allow_none=True)
    unit = fields.Nested(SurgeUnit, allow_none=True)
    window_start = fields.String()
    window_end = fields.String()
    observed = fields.Integer()
    expected = fields.Float()
    ratio = fields.Float(allow_none=True)
    p_value = fields.Float(metadata={"description": "泊松尾概率 P(X ≥ observed)"})
    detected_at = fields.String()
    acknowledged = fields.Boolean()
    acknowledged_at = fields.String(allow_none=True)
    acknowledged_by = fields.String(allow_none=True)


GROUP_COLUMNS = [("rank", N_("序号")), ("count", N_("诉求件数")), ("enterprise_count", N_("企业数")),
                 ("title", N_("代表性诉求")), ("keywords", N_("关键词")), ("enterprises", N_("企业")),
                 ("towns", N_("镇街")), ("units", N_("承办单位")), ("domains", N_("领域")),
                 ("case_numbers", N_("诉求编号")), ("first_at", N_("最早受理")), ("last_at", N_("最近受理"))]


class LocalTime(datetime):
    """A Beijing time to the minute: a date-time cell in XLSX, '2026-11-04 14:11' in CSV."""

    def __str__(self) -> str:
        return self.strftime("%Y-%m-%d %H:%M")


def local_time(value: str) -> LocalTime:
    """An ISO 8601 time of the API → naive Beijing time to the minute."""
    moment = datetime.fromisoformat(value).astimezone(SHANGHAI)
    return LocalTime(moment.year, moment.month, moment.day, moment.hour, moment.minute)


def export_rows(result: dict) -> list[dict]:
    """The groups as export rows: case numbers listed, first/last intake as readable local times
    (the JSON API keeps ISO 8601)."""
    return [{**g, "case_numbers": [c["number"] for c in g["cases"]],
             "first_at": local_time(g["first_at"]), "last_at": local_time(g["last_at"])}
            for g in result["groups"]]
