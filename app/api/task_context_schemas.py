"""The `context` of a task (`GET /api/tasks/{id}`): what its doer needs to decide, from the case's
trail (app/services/task_context.py). Every key is always present; what does not apply is null
(or an empty list)."""
from __future__ import annotations

from marshmallow import Schema, fields


def _s(description: str, **kwargs):
    return fields.String(allow_none=True, metadata={"description": description}, **kwargs)


class ReplyOut(Schema):
    result = _s("办理结果：解决 / 部分解决 / 未解决")
    text = _s("答复企业的内容")
    at = _s("答复时间")


class PreviousRound(Schema):
    round = fields.Integer(metadata={"description": "轮次（1 为首次办理）"})
    solution = _s("该轮的解决方案")
    reply = fields.Nested(ReplyOut, allow_none=True, metadata={"description": "该轮的办结答复"})
    rating = _s("企业对该轮的评价")
    rating_comment = _s("评价意见（不满意的理由）")
    rated_at = _s("评价时间")
    rated_by = _s("enterprise（企业评价）| revisit（回访代评）；企业用户看到 null")
    instruction = _s("评价后督办员的督办意见（督办回访）；企业用户看到 null")
    revisit_note = _s("回访记录；企业用户看到 null")
    leader_instruction = _s("评价后领导的批示（领导批示）；企业用户看到 null")


class OverdueInstruction(Schema):
    clock = _s("超期的时限：response | solution | resolution")
    instruction = _s("超期督办意见")
    at = _s("督办时间")


class ReturnReview(Schema):
    decision = _s("同意退单 / 驳回退单")
    comment = _s("审核意见")
    unit_code = _s("改派的承办单位编码（同意退单时）")
    unit_name = _s("改派的承办单位名称")
    at = _s("审核时间")


class ReturnedOut(Schema):
    unit_code = _s("退单单位编码")
    unit_name = _s("退单单位名称")
    by = _s("退单人")
    at = _s("退单时间")
    reason = _s("退单理由")
    review = fields.Nested(ReturnReview, allow_none=True, metadata={"description": "派单员的审核（尚未审核为 null）"})


class CoOpinion(Schema):
    unit_code = _s("协办单位编码")
    unit_name = _s("协办单位名称")
    status = _s("submitted（已提交）| pending（待提交）| not_submitted（未提交，如方案时限已到）")
    opinion = _s("协办意见")
    at = _s("提交时间")


class ExtensionRecord(Schema):
    requested_at = _s("申请时间")
    requested_by = _s("申请人")
    requested_due = _s("申请延至")
    reason = _s("延期理由")
    due_at = _s("申请时的办结时限")
    decision = _s("批准 / 驳回")
    comment = _s("审批意见")
    decided_at = _s("审批时间")
    granted_due = _s("批准后的办结时限（驳回为 null）")


class ExtensionOut(Schema):
    due_at = _s("当前办结时限")
    requested_due = _s("申请延至")
    reason = _s("延期理由")
    requested_at = _s("申请时间")
    requested_by = _s("申请人")
    earlier = fields.List(fields.Nested(ExtensionRecord), metadata={"description": "本诉求此前的延期申请及审批"})


class OverdueOut(Schema):
    clock = _s("超期的时限：response | solution | resolution")
    due_at = _s("该时限的到期时间")
    at = _s("记为超期的时间")


class TaskContext(Schema):
    round = fields.Integer(metadata={"description": "办理轮次：首次办理为 1，第 n 次不满意评价后为 n+1"})
    previous_rounds = fields.List(fields.Nested(PreviousRound),
                                  metadata={"description": "此前已评价的各轮，最早在前"})
    overdue_instructions = fields.List(fields.Nested(OverdueInstruction),
                                       metadata={"description": "本轮的超期督办意见（企业用户为空）"})
    returned = fields.Nested(ReturnedOut, allow_none=True,
                             metadata={"description": "退单审核：所审核的退单；承办单位的任务：本轮的退单及审核"})
    co_opinions = fields.List(fields.Nested(CoOpinion), allow_none=True,
                              metadata={"description": "主办单位的提出方案、办结答复：各协办单位的意见（P15）"})
    extension = fields.Nested(ExtensionOut, allow_none=True,
                              metadata={"description": "延期审批：当前时限、所申请的时限与理由、此前的延期（P14）"})
    overdue = fields.Nested(OverdueOut, allow_none=True,
                            metadata={"description": "超期督办：超期的时限及其到期时间"})
