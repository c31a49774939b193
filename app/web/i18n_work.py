"""English for the work pages' texts: task context, the enterprise's tasks, live counters and
suggestions, password change, refused bytes, faulted timers. Merged into `i18n.EN`."""
from __future__ import annotations

EN_WORK: dict[str, str] = {}

# Task context: what a task's doer needs to decide (templates/_task_context.html; P10, P13–P15).
EN_WORK.update({
    "第 {n} 轮办理": "Handling round {n}", "第 {n} 轮": "Round {n}",
    "此前各轮的答复与评价": "Earlier rounds: replies and ratings", "企业评价": "Enterprise's rating",
    "回访代评": "rated by phone revisit", "答复": "Reply", "超期情况": "Overdue",
    "超期时限": "Deadline passed", "本轮超期督办意见": "Overdue instructions in this round",
    "待提交": "Not yet given", "未提交": "Not given", "延期申请": "Extension request",
    "当前办结时限": "Current resolution deadline", "申请延至": "Requested until",
    "申请人": "Requested by", "申请时间": "Requested at", "此前的延期": "Earlier extensions",
    "本诉求此前没有延期申请。": "No earlier extension requests for this case.",
})


# The enterprise's own words for what awaits it (my_tasks.html; P17).
EN_WORK.update({
    "待我评价": "To rate", "承办单位已办结答复的诉求，请对办理结果进行评价。":
        "The unit has replied to these demands: please rate the result.",
    "答复时间": "Replied", "评价期限": "Rate within", "暂无需要您评价的诉求。": "Nothing to rate.",
    "查看我的诉求": "See my demands", "已受理并转交 {unit} 办理": "Accepted and passed to {unit}",
    "请评价办理结果": "Please rate the result", "已提交{task}：{number}": "{task} submitted: {number}",
})


# Pages that keep people's work: counters, the intake domain filled in, one dispatch suggestion.
EN_WORK.update({
    "已达上限 {max} 字": "Limit of {max} characters reached",
    "超出 {over} 字（上限 {max} 字），请删减后再提交": "{over} characters over the limit of {max}: shorten it before submitting",
    "智能识别评分达到自动派单阈值，已填入；可修改": "The classifier's score reaches the auto-dispatch threshold, so it is filled in; you can change it",
    "未达阈值，仅供参考，请自行选择领域": "Below the threshold: for reference only, choose the domain yourself",
    "派单建议": "Suggested dispatch", "受理时选定": "Chosen at intake",
    "无建议单位，由派单员确定": "No suggested unit: the dispatcher decides",
    "依据：受理时选定的领域，按分拨规则": "From the domain chosen at intake, by the routing table",
    "依据：智能识别的首选领域，按分拨规则": "From the classifier's top domain, by the routing table",
    "按分拨规则的承办单位": "Unit by the routing table", "与受理时选定的领域": " and the domain chosen at intake",
    "改派至其他承办单位时须填写改派理由。": "Choosing another receiving unit requires an override reason.",
    # Changing one's own password (account_password.html).
    "修改密码": "Change password", "当前密码": "Current password", "新密码": "New password",
    "再次输入新密码": "New password again", "当前密码不正确": "The current password is wrong",
    "两次输入的新密码不一致": "The two new passwords differ",
    "密码须为 8–200 个字符": "A password has 8–200 characters",
    "密码已修改，其他设备和应用上的登录均已退出。":
        "Password changed: every other device and application has been logged out.",
    "密码须为 8–200 个字符。修改后，除本页所在的登录外，其他设备和应用上的登录与令牌立即失效。":
        "8–200 characters. Once changed, every login and token except this one ends at once.",
})


# Bad bytes: control characters and deep JSON refused at every entry point (app/ops/bad_bytes.py).
EN_WORK.update({
    "不能包含控制字符": "must not contain control characters",
    "提交的内容不能包含控制字符": "The request must not contain control characters",
    "{message}（{fields}）": "{message} ({fields})",
    "JSON 嵌套层数超过 {limit} 层": "JSON nested deeper than {limit} levels",
})


# A timer whose process failed (e.g. a script past the sandbox limits), in the case history.
EN_WORK.update({
    "定时器故障": "Timer faulted", "重试定时器": "Timer retried",
})
