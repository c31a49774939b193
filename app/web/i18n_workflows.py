"""English for the process designers' files shown to users: the descriptions of the task forms
(workflows/forms/*.schema.json) and the names of BPMN elements (workflows/*.bpmn) in the case
history and diagram (merged into i18n.EN)."""
from __future__ import annotations

EN_WORKFLOWS: dict[str, str] = {
    # Form descriptions (workflows/forms/*.schema.json) shown on the task pages.
    "承办单位确认收到企业的表扬。": "The unit acknowledges the enterprise's praise.",
    "督办员审批承办单位的延期申请；批准后办结时限顺延至申请的期限。":
        "A supervisor decides on the unit's extension request; approved, the resolution deadline moves to the requested time.",
    "协办单位就本单位职责范围内的事项提出办理意见，供主办单位办结答复时汇总。":
        "A co-handling unit gives its opinion on the matters in its remit, for the lead unit's reply.",
    "记录与企业联系的时间、方式和情况。": "Record when and how you contacted the enterprise, and what was said.",
    "主办单位": "The lead unit",
    "主办单位编码，如 rsj、cgj、bfz": "The lead unit's code, e.g. rsj, cgj, bfz",
    "会办时的协办单位编码（不含主办单位），最多 5 个": "Codes of the co-handling units (not the lead unit), at most 5",
    "决定办理时限：urgent 紧急（2 小时）/ utilities 水电气热（24 小时）/ general 一般（7 个工作日）/ complex 复杂（15 个工作日）；不填则沿用受理时的类别":
        "Sets the deadlines: urgent (2 hours) / utilities (24 hours) / general (7 working days) / complex (15 working days); empty keeps the class given at intake",
    "同意退单时必填：新的承办单位编码": "Required when approving: the new unit's code",
    "承办单位与建议不一致时填写": "Required when the unit differs from the suggestion",
    "会办时的协办单位（不含主办单位），最多 5 个": "Co-handling units for joint handling (not the lead unit), at most 5",
    "决定办理时限：紧急 2 小时，水电气热 24 小时，一般 7 个工作日，复杂 15 个工作日；不填则沿用受理时的类别":
        "Sets the deadlines: urgent 2 hours, utilities 24 hours, general 7 working days, complex 15 working days; "
        "empty keeps the class given at intake",
    "领导对升级诉求的批示。": "The leadership's instruction on an escalated demand.",
    "承办单位提出的解决方案。": "The solution the unit proposes.",
    "企业对诉求办理结果的评价。": "The enterprise rates how its demand was handled.",
    "办理结果和答复企业的内容。": "The result and the reply to the enterprise.",
    "答复企业的正式内容": "The formal reply to the enterprise",
    "派单员审核承办单位的退单：同意则改派给新的承办单位，驳回则原单位继续办理。":
        "The dispatcher reviews the unit's return: approve and pass the case to another unit, or reject and the unit goes on.",
    "同意退单时必填：改派的承办单位": "Required when approving: the new unit",
    "企业未在规定时间内评价：督办员电话回访企业，代为记录评价。":
        "The enterprise did not rate in time: a supervisor calls it and records its rating.",
    "承办单位签收工单；不属于本单位职责的，在退单时限内说明理由退单。":
        "The unit accepts the order; if it is not in the unit's remit, return it with the reason within the return window.",
    "退单时必填：说明不属于本单位职责的理由及建议的承办单位":
        "Required when returning: why it is not in your remit, and which unit should handle it",
    "督办员回访企业并下达督办意见。": "The supervisor calls the enterprise back and instructs the unit.",
    "办理环节超过时限：督办员下达督办意见，催促承办单位办理。":
        "A deadline has passed: the supervisor instructs and urges the unit.",
    # Names of BPMN elements (workflows/*.bpmn): the case history's step column and the diagram.
    "会办": "Joint handling", "会办汇总": "Joint handling summary", "办理(办结时限)": "Handling (resolution deadline)",
    "办理完成": "Handling done", "办理轮次": "Handling round", "办结时限预警": "Resolution deadline warning",
    "办结计时结束": "Resolution clock stopped", "办结超期": "Resolution overdue", "办结预警": "Resolution warning",
    "可直接答复?": "Direct reply?", "同意退单?": "Return approved?", "启动计时": "Start clocks",
    "响应(响应时限)": "Response (response deadline)", "响应时限预警": "Response deadline warning",
    "响应计时结束": "Response clock stopped", "响应超期": "Response overdue", "响应预警": "Response warning",
    "已督办": "Supervised", "已答复": "Replied", "已联系企业": "Enterprise contacted", "已记超期": "Marked overdue",
    "已退单": "Returned", "已预警": "Warned", "延期生效": "Extension in force", "延期申请": "Extension request",
    "开始": "Start", "开始办理": "Handling starts", "承办单位办理": "Unit handling", "接收工单": "Order received",
    "提出方案(方案时限)": "Proposal (solution deadline)", "方案已提出": "Solution proposed",
    "方案时限到": "Solution deadline reached", "方案时限预警": "Solution deadline warning",
    "方案计时结束": "Solution clock stopped", "方案超期": "Solution overdue", "方案预警": "Solution warning",
    "智能分拨": "Smart routing", "有协办单位?": "Co-units?", "满意?": "Satisfied?",
    "确定承办单位": "Choose the unit", "确定时限": "Set the deadlines", "等待评价": "Awaiting rating",
    "答复企业": "Reply to the enterprise", "签收还是退单?": "Accept or return?", "红名单?": "Red list?",
    "自动派单?": "Auto-dispatch?", "表扬办结": "Praise closed", "表扬已办结": "Praise closed",
    "记录评价": "Record the rating", "记录退单": "Record the return", "评价超时": "Rating timed out",
    "诉求受理": "Demand received", "超过督办轮次?": "Too many supervision rounds?", "退单?": "Return?",
    "退单时限校验": "Return window check", "co_opinion": "Co-unit opinion", "co_unit": "Co-unit",
    "extension_requested": "Extension requested", "returned": "Returned",
    "企业专席话务员": "Hotline agent", "企业诉求办理": "Enterprise demand", "可再次申请": "May ask again",
    "无": "No", "有": "Yes", "派单员": "Dispatcher", "督办员": "Supervisor", "领导": "Leadership",
    # Issue 16, rules: conditional requirements, formats, extension approval (forms and messages).
    "评价为不满意或非常不满意时须填写理由": "A reason is required when the rating is dissatisfied or very dissatisfied",
    "满意度为不满意或非常不满意时必填": "Required when the rating is 不满意 (dissatisfied) or 非常不满意 (very dissatisfied)",
    "满意度为不满意或非常不满意时不能为空": "May not be blank when the rating is 不满意 or 非常不满意",
    "审核结果为同意退单时必填": "Required when the return is approved",
    "签收或退单为退单时不能为空": "May not be blank when returning the order",
    "签收或退单为退单时必填": "Required when returning the order",
    "格式应为日期时间，如 2026-11-23T10:30:00+08:00": "Must be a date and time, e.g. 2026-11-23T10:30:00+08:00",
    "格式应为日期，如 2026-11-23": "Must be a date, e.g. 2026-11-23",
    "格式应为电子邮箱地址": "Must be an email address",
    "批准的办结期限": "Approved resolution deadline",
    "可批准早于申请的期限（须晚于当前办结时限）；不填则按申请的期限":
        "You may approve an earlier time than requested (after the current deadline); empty approves the requested time",
    "督办员审批承办单位的延期申请；批准后办结时限顺延至申请的期限，或顺延至督办员批准的较早期限。":
        "A supervisor decides on the unit's extension request; approved, the resolution deadline moves to the requested "
        "time or to the earlier time the supervisor grants.",
    "签收后才能申请延期": "An extension can be requested only after signing for the order",
    "已有一件延期申请待督办员审批，审批后才能再次申请":
        "An extension request is already awaiting the supervisor's decision; ask again after it is decided",
}
