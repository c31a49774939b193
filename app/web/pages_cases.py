"""Case view: summary, enterprise, clocks, rating, the process diagram and the full history."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from flask import Blueprint, render_template

from app.clock import SHANGHAI
from app.domain.errors import DomainError
from app.domain.roles import ROLES
from app.domain.texts import N_
from app.domain.vocab import CASE_STATUSES, CHANNELS, CLOCKS, MATTER_CLASSES
from app.i18n import current_language, gettext
from app.services import cases, catalog, diagram, progress

from .common import page, rt
from .filters import list_sep

bp = Blueprint("cases", __name__)

# What each recorded action is called on the page (P16: who did what, when).
ACTION_LABELS = {
    "intake": N_("受理"), "task_opened": N_("生成待办"), "claim": N_("认领任务"), "unclaim": N_("取消认领"),
    "complete_task": N_("办理"), "dispatch": N_("派单"), "dispatch_override": N_("改派"),
    "redispatch": N_("转办"), "clocks_started": N_("开始计时"), "clocks_resumed": N_("恢复计时"),
    "urge": N_("催办"), "overdue": N_("超期"), "timer_fired": N_("时限到达"), "return": N_("退单"),
    "co_timeout": N_("协办超时"), "extension_requested": N_("申请延期"), "extension_approved": N_("批准延期"),
    "extension_rejected": N_("驳回延期"), "rating": N_("评价"), "close": N_("结案"),
    "auto_dispatch": N_("自动派单"), "routing_audit": N_("分拨抽检"), "classify": N_("智能识别领域"),
    "timer_faulted": N_("定时器故障"), "timer_retried": N_("重试定时器"),
}
# Labels of recorded values that are not form fields.
VALUE_LABELS = {
    "direct_reply": N_("直接答复"), "kb_article": N_("引用知识库"),
    "unit_name": N_("承办单位名称"), "suggested_unit": N_("建议承办单位"), "town": N_("镇街"), "role": N_("办理角色"), "clock": N_("时限"), "due_at": N_("到期"),
    "status": N_("状态"), "comment": N_("评价意见"), "dissatisfied_rounds": N_("不满意轮次"),
    "response": N_("响应时限"), "solution": N_("方案时限"), "resolution": N_("办结时限"),
    "reason": N_("理由"), "requested_due": N_("申请期限"), "channel": N_("渠道"), "kind": N_("类型"),
    "domain": N_("领域"), "description": N_("诉求内容"), "enterprise": N_("企业"), "number": N_("诉求编号"),
    # sent by a third-party app through Open311 (app/open311/)
    "address": N_("地址"), "address_id": N_("地址编号"), "lat": N_("纬度"), "long": N_("经度"),
    "media_url": N_("图片链接"), "email": N_("邮箱"), "device_id": N_("设备编号"), "account_id": N_("应用账号"),
    # P4 classifier (classify, dispatch) and its sample audit
    "label": N_("识别领域"), "confidence": N_("置信度"), "score": N_("自动派单评分"), "auto": N_("评分达到阈值"),
    "threshold": N_("自动派单阈值"), "top": N_("前三建议"), "model_version": N_("模型版本"),
    "predicted_domain": N_("模型识别领域"), "domain_overridden": N_("改动了识别领域"), "verdict": N_("判定"),
    "unit_code": N_("承办单位"), "co_units": N_("协办单位"),
}
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
HIDDEN_KEYS = {"before", "lane", "lateness_s", "clocks"}
# Values shown by their label: key → {code: (Chinese, English)}.
CODED_VALUES = {"channel": CHANNELS, "matter_class": MATTER_CLASSES, "clock": CLOCKS, "role": ROLES,
                "status": CASE_STATUSES,
                "verdict": {"correct": (N_("领域正确"), "Domain right"), "wrong": (N_("领域错误"), "Domain wrong")}}
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
