"""The insight tables as (key, Chinese header) columns and rows: what the pages show and the CSV /
XLSX exports contain. Rates are exported as percentages, times in hours."""
from __future__ import annotations

from datetime import date

RATE_KEYS = ("direct_reply_rate", "direct_reply_rate_consultations", "dispatch_rate",
             "response_on_time_rate", "solution_on_time_rate", "resolution_on_time_rate",
             "satisfaction_rate", "satisfaction_rate_basic")
HOUR_KEYS = ("avg_handling_seconds", "p90_handling_seconds")

FIGURES = (
    ("volume", "诉求量"), ("dispatched", "派单量"), ("direct_replies", "直接答复量"),
    ("direct_reply_rate", "直接答复率（%）"), ("direct_reply_rate_consultations", "咨询直接答复率（%）"),
    ("response_on_time_rate", "按时响应率（%）"), ("solution_on_time_rate", "按时提出方案率（%）"),
    ("resolution_on_time_rate", "按时办结率（%）"), ("rated", "评价数"),
    ("satisfaction_rate", "满意率（%）"), ("satisfaction_rate_basic", "含基本满意的满意率（%）"),
    ("avg_handling_seconds", "平均办理时长（小时）"), ("p90_handling_seconds", "P90 办理时长（小时）"),
    ("returns", "退单数"), ("extensions", "延期数"),
)
UNIT_COLUMNS = (
    ("unit_code", "单位编码"), ("unit_name", "承办单位"), ("volume", "诉求量"),
    ("response_on_time_rate", "按时响应率（%）"), ("solution_on_time_rate", "按时提出方案率（%）"),
    ("resolution_on_time_rate", "按时办结率（%）"), ("rated", "评价数"),
    ("satisfaction_rate", "满意率（%）"), ("satisfaction_rate_basic", "含基本满意的满意率（%）"),
    ("returns", "退单数"), ("extensions", "延期数"), ("avg_handling_seconds", "平均办理时长（小时）"),
)
TREND_COLUMNS = (
    ("period", "期间"), ("start", "起始日期"), ("end", "截止日期"),  # the days inside the period
    ("volume", "诉求量"), ("dispatched", "派单量"),
    ("direct_reply_rate", "直接答复率（%）"), ("resolution_on_time_rate", "按时办结率（%）"),
    ("satisfaction_rate", "满意率（%）"), ("avg_handling_seconds", "平均办理时长（小时）"),
    ("note", "说明"),  # a partial period: "仅 5 天", "今日未完"
)
HOTSPOT_COLUMNS = (
    ("kind", "类型"), ("domain", "领域"), ("count", "诉求量"), ("share", "占比（%）"),
    ("previous", "上期诉求量"), ("change", "变化"), ("change_rate", "环比（%）"),
)
TOWN_COLUMNS = (("town", "镇街"), ("domain", "领域"), ("count", "诉求量"), ("complaints", "投诉量"))


def partial_note(row: dict, gettext=lambda text: text, sep: str = "，") -> str:
    """What a trend bucket's figures lack: "仅 5 天" (cut by the period or still running),
    "今日未完" (holds today), both, or "" for a full one."""
    parts = []
    if row.get("cut"):
        days = (date.fromisoformat(row["end"]) - date.fromisoformat(row["start"])).days + 1
        parts.append(gettext("仅 {n} 天").format(n=days))
    if row.get("ongoing"):
        parts.append(gettext("今日未完"))
    return sep.join(parts)


def trend_rows(series: list[dict]) -> list[dict]:
    """The trend as exported: each bucket with its `note` (empty for a full one)."""
    return [row | {"note": partial_note(row)} for row in series]


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
    return (("figure", "指标"), ("all", "全部"), ("red_list", "红名单")), rows
