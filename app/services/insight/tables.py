"""The insight tables as (key, Chinese header) columns and rows: what the pages show and the CSV /
XLSX exports contain. Rates are exported as percentages, times in hours."""
from __future__ import annotations

from datetime import date

from app.domain.texts import N_

RATE_KEYS = ("direct_reply_rate", "direct_reply_rate_consultations", "dispatch_rate",
             "response_on_time_rate", "solution_on_time_rate", "resolution_on_time_rate",
             "satisfaction_rate", "satisfaction_rate_basic")
HOUR_KEYS = ("avg_handling_seconds", "p90_handling_seconds")

FIGURES = (
    ("volume", N_("诉求量")), ("dispatched", N_("派单量")), ("direct_replies", N_("直接答复量")),
    ("direct_reply_rate", N_("直接答复率（%）")), ("direct_reply_rate_consultations", N_("咨询直接答复率（%）")),
    ("response_on_time_rate", N_("按时响应率（%）")), ("solution_on_time_rate", N_("按时提出方案率（%）")),
    ("resolution_on_time_rate", N_("按时办结率（%）")), ("rated", N_("评价数")),
    ("satisfaction_rate", N_("满意率（%）")), ("satisfaction_rate_basic", N_("含基本满意的满意率（%）")),
    ("avg_handling_seconds", N_("平均办理时长（小时）")), ("p90_handling_seconds", N_("P90 办理时长（小时）")),
    ("returns", N_("退单数")), ("extensions", N_("延期数")),
)
UNIT_COLUMNS = (
    ("unit_code", N_("单位编码")), ("unit_name", N_("承办单位")), ("volume", N_("诉求量")),
    ("response_on_time_rate", N_("按时响应率（%）")), ("solution_on_time_rate", N_("按时提出方案率（%）")),
    ("resolution_on_time_rate", N_("按时办结率（%）")), ("rated", N_("评价数")),
    ("satisfaction_rate", N_("满意率（%）")), ("satisfaction_rate_basic", N_("含基本满意的满意率（%）")),
    ("returns", N_("退单数")), ("extensions", N_("延期数")), ("avg_handling_seconds", N_("平均办理时长（小时）")),
)
TREND_COLUMNS = (
    ("period", N_("期间")), ("start", N_("起始日期")), ("end", N_("截止日期")),  # the days inside the period
    ("volume", N_("诉求量")), ("dispatched", N_("派单量")),
    ("direct_reply_rate", N_("直接答复率（%）")), ("resolution_on_time_rate", N_("按时办结率（%）")),
    ("satisfaction_rate", N_("满意率（%）")), ("avg_handling_seconds", N_("平均办理时长（小时）")),
    ("note", N_("说明")),  # a partial period: "仅 5 天", "今日未完"
)
HOTSPOT_COLUMNS = (
    ("kind", N_("类型")), ("domain", N_("领域")), ("count", N_("诉求量")), ("share", N_("占比（%）")),
    ("previous", N_("上期诉求量")), ("change", N_("变化")), ("change_rate", N_("环比（%）")),
)
TOWN_COLUMNS = (("town", N_("镇街")), ("domain", N_("领域")), ("count", N_("诉求量")), ("complaints", N_("投诉量")))


def partial_note(row: dict, gettext=lambda text: text, sep: str = "，") -> str:
    """What a trend bucket's figures lack: "仅 5 天" (cut by the period or still running),
    "今日未完" (holds today), both, or "" for a full one."""
    parts = []
    if row.get("cut"):
        days = (date.fromisoformat(row["end"]) - date.fromisoformat(row["start"])).days + 1
        parts.append(gettext(N_("仅 {n} 天")).format(n=days))
    if row.get("ongoing"):
        parts.append(gettext(N_("今日未完")))
    return sep.join(parts)


def trend_rows(series: list[dict], gettext=lambda text: text, sep: str = "，") -> list[dict]:
    """The trend as exported: each bucket with its `note` (empty for a full one)."""
    return [row | {"note": partial_note(row, gettext, sep)} for row in series]


def display(row: dict) -> dict:
    """Rates → percent with two decimals, seconds → hours with one decimal (None stays None)."""
    out = dict(row)
    for key in RATE_KEYS + ("share", "change_rate"):
        if out.get(key) is not None:
            out[key] = round(out[key] * 100, 2)
    for key in HOUR_KEYS:
        if out.get(key) is not None:
            out[key] = round(out[key] / 3600, 1)
    return out


def figures_rows(result: dict) -> tuple[tuple, list[dict]]:
    """The key figures as a table: one row per figure, all cases and red-list cases."""
    total, red = display(result), display(result.get("red_list") or {})
    rows = [{"figure": label, "all": total.get(key), "red_list": red.get(key)}
            for key, label in FIGURES]
    return (("figure", N_("指标")), ("all", N_("全部")), ("red_list", N_("红名单"))), rows
