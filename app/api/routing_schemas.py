"""Schemas of the routing API (P4): domain suggestions and classifier versions."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.domain.vocab import KINDS


class SuggestIn(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=4000, error="须为 1–4000 个字符"),
                         metadata={"description": "诉求内容"})
    town = fields.String(load_default=None, validate=validate.Length(max=50))
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS, error="未知的诉求类型"))


class UnitRef(Schema):
    code = fields.String()
    name = fields.String()


class SuggestedDomain(Schema):
    domain = fields.String()
    confidence = fields.Float()
    unit = fields.Nested(UnitRef, allow_none=True, metadata={"description": "分拨规则给该领域的承办单位"})


class SuggestOut(Schema):
    model_version = fields.Integer()
    threshold = fields.Float(metadata={"description": "自动派单置信度阈值（交叉验证选定）"})
    score = fields.Float(metadata={"description": "自动派单置信度：各基模型一致时为前两名平均概率之差，否则为 0"})
    auto = fields.Boolean(metadata={"description": "置信度是否达到阈值"})
    top3 = fields.List(fields.Nested(SuggestedDomain))


class ModelOut(Schema):
    version = fields.Integer()
    config = fields.String()
    source = fields.String()
    n_samples = fields.Integer()
    labels = fields.List(fields.String())
    threshold = fields.Float()
    active = fields.Boolean()
    size_bytes = fields.Integer()
    created_at = fields.String()
    created_by = fields.String(allow_none=True)
    cv_auto_share = fields.Float(allow_none=True)
    cv_auto_precision = fields.Float(allow_none=True)
    cv_accuracy = fields.Float(allow_none=True)


class ActivateIn(Schema):
    threshold = fields.Float(load_default=None, validate=validate.Range(
        min=0, max=1, min_inclusive=False, error="阈值须在 (0, 1] 之间"))
