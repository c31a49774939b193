"""Chinese first, English available: `_("待办")` renders English when the user chose it.

Texts are keyed by their Chinese wording; a missing English entry falls back to Chinese.
The language comes from the `lang` cookie (set by /lang/<code>), else Accept-Language.
"""
from __future__ import annotations

from flask import g, request

LANGUAGES = ("zh", "en")

EN: dict[str, str] = {
    "企诉 · 企业诉求快速响应平台": "QiSu · Enterprise Demand Response Platform",
    "登录": "Log in", "退出": "Log out", "用户名": "Username", "密码": "Password",
    "待办": "Tasks", "我的待办": "My tasks", "督办": "Supervision", "受理": "Intake",
    "我的诉求": "My demands", "提交诉求": "Submit a demand", "流程设计": "Process design",
    "知识库": "Knowledge base", "诉求编号": "Case no.", "环节": "Step", "类型": "Kind",
    "内容": "Description", "状态": "Status", "时限": "Deadline", "红名单": "Red list",
    "已签收": "Claimed", "暂无待办任务。": "No open tasks.", "共": "Total", "项": "items",
    "办理记录": "History", "办理时限": "Deadlines", "承办单位": "Receiving unit",
    "直接答复": "Direct reply", "办理结果": "Result", "评价": "Rating", "时间": "Time",
    "操作": "Action", "操作人": "By", "轮次": "Round", "起算": "Started", "到期": "Due",
    "完成": "Met at", "结果": "Outcome", "计时中": "running", "按时": "on time", "超期": "overdue",
    "暂停": "paused", "已取消": "cancelled", "工作日": "working days", "自然时间": "natural time",
    "已超期": "Overdue", "即将超期": "Due soon", "不满意": "Dissatisfied",
    "红名单一跟到底": "Red list, followed to the end", "企业": "Enterprise", "当前环节": "Current step",
    "暂无超期诉求。": "No overdue cases.", "暂无即将超期的诉求。": "Nothing due soon.",
    "暂无不满意诉求。": "No dissatisfied cases.", "暂无进行中的红名单诉求。": "No open red-list cases.",
    "用户名或密码错误": "Wrong username or password", "无权访问督办页面": "Supervision is not for your role",
    "剩余": "left", "未分类": "Unclassified", "语言": "Language",
}


def current_language() -> str:
    if "lang" not in g:
        chosen = request.cookies.get("lang")
        if chosen not in LANGUAGES:
            chosen = request.accept_languages.best_match(["zh", "en"], default="zh") or "zh"
        g.lang = chosen
    return g.lang


def gettext(text: str) -> str:
    if current_language() == "en":
        return EN.get(text, text)
    return text
