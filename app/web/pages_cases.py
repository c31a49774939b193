"""Case view: summary, enterprise, clocks, rating, the process diagram and the full history."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from flask import Blueprint, render_template

from app.clock import SHANGHAI
from app.domain.errors import DomainError
from app.domain.roles import ROLES
from app.domain.vocab import CASE_STATUSES, CHANNELS, CLOCKS, MATTER_CLASSES
from app.services import cases, catalog, diagram, progress

from .common import page, rt
from .filters import list_sep
from app.i18n import current_language, gettext

bp = Blueprint("cases", __name__)

# What each recorded action is called on the page (P16: who did what, when).
ACTION_LABELS = {
    "intake": "受理", "task_opened": "生成待办", "claim": "认领任务", "unclaim": "取消认领",
    "complete_task": "办理", "dispatch": "派单", "dispatch_override": "改派",
    "redispatch": "转办", "clocks_started": "开始计时", "clocks_resumed": "恢复计时",
    "urge": "催办", "overdue": "超期", "timer_fired": "时限到达", "return": "退单",
    "co_timeout": "协办超时", "extension_requested": "申请延期", "extension_approved": "批准延期",
    "extension_rejected": "驳回延期", "rating": "评价", "close": "结案",
    "auto_dispatch": "自动派单", "routing_audit": "分拨抽检", "classify": "智能识别领域",
    "timer_faulted": "定时器故障", "timer_retried": "重试定时器",
}
# Labels of recorded values that are not form fields.
VALUE_LABELS = {
    "direct_reply": "直接答复", "kb_article": "引用知识库",
    "unit_name": "承办单位名称", "suggested_unit": "建议承办单位", "town": "镇街", "role": "办理角色", "clock": "时限", "due_at": "到期",
    "status": "状态", "comment": "评价意见", "dissatisfied_rounds": "不满意轮次",
    "response": "响应时限", "solution": "方案时限", "resolution": "办结时限",
    "reason": "理由", "requested_due": "申请期限", "channel": "渠道", "kind": "类型",
    "domain": "领域", "description": "诉求内容", "enterprise": "企业", "number": "诉求编号",
    # sent by a third-party app through Open311 (app/open311/)
    "address": "地址", "address_id": "地址编号", "lat": "纬度", "long": "经度",
    "media_url": "图片链接", "email": "邮箱", "device_id": "设备编号", "account_id": "应用账号",
    # P4 classifier (classify, dispatch) and its sample audit
    "label": "识别领域", "confidence": "置信度", "score": "自动派单评分", "auto": "评分达到阈值",
    "threshold": "自动派单阈值", "top": "前三建议", "model_version": "模型版本",
    "predicted_domain": "模型识别领域", "domain_overridden": "改动了识别领域", "verdict": "判定",
    "unit_code": "承办单位", "co_units": "协办单位",
}
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
HIDDEN_KEYS = {"before", "lane", "lateness_s", "clocks"}
# Values shown by their label: key → {code: (Chinese, English)}.
CODED_VALUES = {"channel": CHANNELS, "matter_class": MATTER_CLASSES, "clock": CLOCKS, "role": ROLES,
                "status": CASE_STATUSES,
                "verdict": {"correct": ("领域正确", "Domain right"), "wrong": ("领域错误", "Domain wrong")}}
UNIT_KEYS = {"unit_code", "suggested_unit", "co_units", "unit"}   # unit codes shown by their names
SHARES = {"confidence", "score", "threshold"}                      # probabilities, shown as percentages


def _diagram_names(drawn: set[str]) -> dict[str, str]:
    """On English pages: the English of the names in the case's BPMN files, for the diagram."""
    if current_language() != "en":
        return {}
    return {n: gettext(n) for n in drawn if gettext(n) != n}


def _unit_names() -> dict[str, str]:
    return catalog.unit_names(rt())


def _label(pair) -> str:
    return pair[1] if current_language() == "en" else pair[0]


def _text(key: str, value) -> str:
    codes = CODED_VALUES.get(key)
    if codes and isinstance(value, str) and value in codes:
        return _label(codes[value])
    if isinstance(value, str) and ISO_TIME.match(value):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is None:  # times stored without an offset are UTC
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    return str(value)


def event_details(event: dict, titles: dict[str, str],
                  units: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """The recorded values of an event as (label, text) pairs, empty values left out; unit codes
    by their names (``units``: code → name), probabilities and scores rounded."""
    after = event.get("after") or {}
    form_data = isinstance(after.get("data"), dict)
    if form_data:
        after = after["data"]
    # Submitted forms are labelled by their fields' titles; the system's records by VALUE_LABELS.
    first, second = (titles, VALUE_LABELS) if form_data else (VALUE_LABELS, titles)
    units = units or {}
    sep = list_sep()
    pairs = []
    for key, value in after.items():
        if key in HIDDEN_KEYS or value in (None, "", [], {}):
            continue
        if key in UNIT_KEYS and isinstance(value, (str, list)):
            text = sep.join(units.get(v, v) for v in ([value] if isinstance(value, str) else value))
        elif key == "top" and isinstance(value, list):   # [[domain, probability], ...]
            text = sep.join(f"{gettext(d)} {p:.0%}" for d, p in value if isinstance(p, (int, float)))
        elif key in SHARES and isinstance(value, (int, float)) and not isinstance(value, bool):
            text = f"{value:.1%}"
        elif isinstance(value, list):
            text = sep.join(gettext(str(v)) for v in value)
        elif isinstance(value, bool):
            text = gettext("是") if value else gettext("否")
        elif isinstance(value, float):
            text = f"{value:.3f}"
        elif isinstance(value, dict):
            text = "; ".join(f"{k}: {v}" for k, v in value.items())
        else:
            text = gettext(_text(key, value))   # enum values (电话, 签收 …) have English; free text is kept
        pairs.append((gettext(first.get(key) or second.get(key) or key), text))
    return pairs


@bp.route("/cases/<number>")
@page()
def case_view(actor, number):
    if actor.role == "enterprise":
        return _enterprise_view(actor, number)
    try:
        case = cases.get_case(rt(), actor, number)
        trail = cases.history(rt(), actor, number)
    except DomainError as err:
        return render_template("error.html", message=gettext(err.message)), err.status
    names = diagram.deployment_names(rt(), case["deployment_id"])
    titles, elements = names["fields"], names["elements"]
    diagram_names = _diagram_names(names["drawn"])
    units = _unit_names()
    ratings = [e for e in trail["events"] if e["action"] == "rating"]
    return render_template("cases/case.html", case=case, trail=trail, ratings=ratings,
                           action_labels=ACTION_LABELS, elements=elements,
                           details=lambda e: event_details(e, titles, units), diagram_names=diagram_names)


def _enterprise_view(actor, number):
    """P17: the enterprise sees its case's progress in plain words, not the staff's trail."""
    try:
        result = progress.progress(rt(), actor, number)
    except DomainError as err:
        return render_template("error.html", message=gettext(err.message)), err.status
    return render_template("cases/my_case.html", case=result["case"], steps=result["steps"], step_label=_step_label)


def _step_label(step: dict) -> str:
    """A progress step in the reader's language; a hand-over names its unit ('Passed to 市城市管理局')."""
    if step.get("unit"):
        return gettext("已转交 {unit} 办理").format(unit=step["unit"])
    return gettext(step["step"])


@bp.app_template_filter("when")
def when(value) -> str:
    """'2026-11-23T11:00:00+08:00' → '2026-11-23 11:00' (times are shown in Beijing time)."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(SHANGHAI)
    return moment.strftime("%Y-%m-%d %H:%M")
