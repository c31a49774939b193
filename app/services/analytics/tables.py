"""The analytics tables as export columns (Chinese headers) and rows."""
from __future__ import annotations

ELEMENT_COLUMNS = (("process_id", "流程"), ("element_id", "元素"), ("name", "名称"),
                   ("cases", "诉求数"), ("passes", "经过次数"), ("open", "当前待办"),
                   ("median_seconds", "停留中位数(秒)"), ("p90_seconds", "停留P90(秒)"),
                   ("breached", "超时次数"), ("breached_share", "超时占比"))
FLOW_COLUMNS = (("process_id", "流程"), ("flow_id", "顺序流"), ("name", "名称"),
                ("passes", "经过次数"), ("cases", "诉求数"))
VARIANT_COLUMNS = (("names", "路径"), ("count", "诉求数"), ("share", "占比"),
                   ("median_lead_seconds", "办理时长中位数(秒)"), ("satisfaction", "满意率"),
                   ("id", "变体编号"))


def rows_of(items: list[dict]) -> list[dict]:
    return [dict(item, names=" → ".join(item["names"])) if "names" in item else item
            for item in items]
