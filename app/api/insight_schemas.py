"""Query parameters of the insight API (P18), validated field by field."""
from __future__ import annotations

from datetime import timedelta

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.api.export import EXPORT_FORMATS
from app.demo.data import UNITS
from app.domain.vocab import CHANNELS, DOMAINS, KINDS
from app.services.insight.breakdowns import UNIT_SORTS
from app.services.insight.filters import GRANULARITIES, Filters

MAX_DAYS = 3660
# The receiving units' codes (the units are seeded from app/demo/data.py): documented as the
# filter's enum; the server checks a code against the units table (unknown: 422 at `unit`).
UNIT_CODES = tuple(unit["code"] for unit in UNITS)


def _one_of(values):
    return validate.OneOf(tuple(values), error="取值须为：" + " / ".join(values))


class InsightArgs(Schema):
    date_from = fields.Date(data_key="from", metadata={"description": "起始日(含),YYYY-MM-DD,北京时间"},
                            error_messages={"invalid": "日期格式应为 YYYY-MM-DD"})
    date_to = fields.Date(data_key="to", metadata={"description": "截止日(含),YYYY-MM-DD"},
                          error_messages={"invalid": "日期格式应为 YYYY-MM-DD"})
    unit = fields.String(validate=validate.Length(min=1, max=32, error="长度须在 1–32 之间"),
                         metadata={"description": "承办单位编码", "enum": list(UNIT_CODES)})
    town = fields.String(validate=validate.Length(min=1, max=50, error="长度须在 1–50 之间"))
    kind = fields.String(validate=_one_of(KINDS))
    domain = fields.String(validate=_one_of(DOMAINS))
    channel = fields.String(validate=_one_of(CHANNELS))
    red_list = fields.Boolean(metadata={"description": "true: 只看红名单; false: 排除红名单"})
    format = fields.String(validate=_one_of(EXPORT_FORMATS),
                           metadata={"description": "csv / xlsx: 以文件导出该表"})

    @validates_schema
    def _period(self, data, **kwargs):
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise ValidationError("截止日不能早于起始日", field_name="to")
        if start and end and end - start > timedelta(days=MAX_DAYS):
            raise ValidationError(f"期间不能超过 {MAX_DAYS} 天", field_name="from")


class TrendArgs(InsightArgs):
    granularity = fields.String(validate=_one_of(GRANULARITIES),
                                metadata={"description": "day / week / month;默认按期间长度选择"})


class UnitArgs(InsightArgs):
    sort = fields.String(load_default="volume", validate=_one_of(UNIT_SORTS))


class HotspotArgs(InsightArgs):
    top = fields.Integer(load_default=10, validate=validate.Range(min=1, max=50, error="须在 1–50 之间"))


def filters_of(args: dict) -> Filters:
    return Filters(**{key: args.get(key) for key in (
        "date_from", "date_to", "unit", "town", "kind", "domain", "channel", "red_list")})
