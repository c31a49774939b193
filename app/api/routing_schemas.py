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


class AuditSummary(Schema):
    auto = fields.Integer(metadata={"description": "该版本自动派单的诉求数（抽样总体）"})
    sampled = fields.Integer(metadata={"description": "已抽取的诉求数"})
    judged = fields.Integer(metadata={"description": "已判定的诉求数"})
    pending = fields.Integer(metadata={"description": "待判定的诉求数"})
    correct = fields.Integer(metadata={"description": "判定领域正确的诉求数"})
    wrong = fields.Integer(metadata={"description": "判定领域错误的诉求数"})
    precision = fields.Float(allow_none=True, metadata={"description": "correct / judged：抽检精确率"})
    ci_low = fields.Float(allow_none=True, metadata={"description": "抽检精确率 95% 置信区间下限（Wilson）"})
    ci_high = fields.Float(allow_none=True, metadata={"description": "抽检精确率 95% 置信区间上限（Wilson）"})


class PromiseOut(Schema):
    target = fields.Float(metadata={"description": "目标精确率（如 0.97）"})
    confidence_level = fields.Float(metadata={"description": "置信水平（如 0.95）"})
    precision = fields.Float(allow_none=True, metadata={"description": "交叉验证自动派单精确率（点估计）"})
    low = fields.Float(metadata={"description": "精确率单侧置信下限（Clopper–Pearson）：承诺的精确率"})
    high = fields.Float(allow_none=True, metadata={"description": "精确率单侧置信上限（Clopper–Pearson）"})
    n = fields.Integer(allow_none=True, metadata={"description": "下限所依据的交叉验证自动派单数"})


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
    promise = fields.Nested(PromiseOut, allow_none=True, metadata={
        "description": "阈值的承诺：以置信水平保证未见诉求上的自动派单精确率不低于目标（人工阈值时为空）"})
    promise_verdict = fields.String(allow_none=True, metadata={
        "description": "抽检与承诺比较：kept 达到目标；watch 低于目标但样本尚不足以确定；broken 置信区间上限低于目标"})
    usage = fields.Nested(ModelUsage, metadata={"description": "在本系统诉求上的实际表现"})
    audit = fields.Nested(AuditSummary, metadata={"description": "分拨抽检：自动派单的随机抽样判定"})


class ActivateIn(Schema):
    threshold = fields.Float(load_default=None, validate=validate.Range(
        min=0, max=1, min_inclusive=False, error="阈值须在 (0, 1] 之间"))


class DrawIn(Schema):
    size = fields.Integer(load_default=20, strict=True, validate=validate.Range(
        min=1, max=100, error="抽样数须为 1–100"), metadata={"description": "本次抽取的诉求数"})


class DrawOut(Schema):
    version = fields.Integer()
    drawn = fields.Integer(metadata={"description": "本次抽到的诉求数（可抽的不足时少于 size）"})
    summary = fields.Nested(AuditSummary)


class AuditOut(Schema):
    id = fields.Integer()
    case_number = fields.String()
    description = fields.String(metadata={"description": "诉求内容（前 300 字）"})
    auto_domain = fields.String(allow_none=True, metadata={"description": "模型自动派单的领域"})
    confidence = fields.Float(allow_none=True)
    domain = fields.String(allow_none=True, metadata={"description": "诉求当前的领域"})
    unit = fields.String(allow_none=True)
    status = fields.String()
    drawn_at = fields.String()
    drawn_by = fields.String()
    verdict = fields.String(allow_none=True, metadata={"description": "correct | wrong；null 为待判定"})
    audited_domain = fields.String(allow_none=True, metadata={"description": "判定的正确领域"})
    note = fields.String(allow_none=True)
    judged_at = fields.String(allow_none=True)
    judged_by = fields.String(allow_none=True, metadata={"description": "判定人的用户名"})
    judged_by_name = fields.String(allow_none=True, metadata={"description": "判定人的姓名"})


class SampleOut(Schema):
    version = fields.Integer()
    summary = fields.Nested(AuditSummary)
    audits = fields.List(fields.Nested(AuditOut), metadata={"description": "待判定的在前"})


class JudgeIn(Schema):
    verdict = fields.String(required=True, validate=validate.OneOf(
        ("correct", "wrong"), error="判定须为 correct（正确）或 wrong（错误）"))
    domain = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=50),
                           metadata={"description": "判定为 wrong 时必填：正确的领域"})
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(
        max=500, error="备注不超过 500 字"))
