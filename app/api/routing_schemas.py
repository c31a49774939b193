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
    score = fields.Float(metadata={"description": "自动派单置信度，与阈值比较（默认配置 stacked3：评分模型估计的首选领域正确的概率）"})
    auto = fields.Boolean(metadata={"description": "置信度是否达到阈值"})
    top3 = fields.List(fields.Nested(SuggestedDomain))


class ModelUsage(Schema):
    suggested = fields.Integer(metadata={"description": "该版本给出领域建议的诉求数"})
    dispatched = fields.Integer(metadata={"description": "其中已派单（确定了承办单位）的诉求数"})
    agreed = fields.Integer(metadata={"description": "已派单且最终领域与首选建议一致的诉求数"})
    agreement = fields.Float(allow_none=True, metadata={"description": "agreed / dispatched"})
    auto = fields.Integer(metadata={"description": "自动派单的诉求数"})
    auto_share = fields.Float(allow_none=True, metadata={"description": "auto / suggested"})
    auto_kept = fields.Integer(metadata={"description": "自动派单且领域未被改判的诉求数"})
    auto_kept_rate = fields.Float(allow_none=True, metadata={
        "description": "auto_kept / auto：线上精确率的上限（未被发现的错判也计为保持）"})


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
    usage = fields.Nested(ModelUsage, metadata={"description": "在本系统诉求上的实际表现"})


class ActivateIn(Schema):
    threshold = fields.Float(load_default=None, validate=validate.Range(
        min=0, max=1, min_inclusive=False, error="阈值须在 (0, 1] 之间"))
