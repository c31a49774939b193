"""Controlled vocabularies. The Chinese words are the stored values unless a code is given."""

from __future__ import annotations

# Kinds of demand (P3). Stored as the Chinese word.
KINDS: tuple[str, ...] = ("咨询", "求助", "投诉", "建议", "表扬")
KIND_LABELS_EN: dict[str, str] = {
    "咨询": "Consultation",
    "求助": "Request for help",
    "投诉": "Complaint",
    "建议": "Suggestion",
    "表扬": "Praise",
}

# Intake channels (P1): code -> (Chinese, English).
CHANNELS: dict[str, tuple[str, str]] = {
    "phone": ("电话", "Phone"),
    "web": ("网页", "Web"),
    "app": ("移动端", "App"),
    "api": ("开放接口", "Open API"),
}

# Ratings (P9), best first. Stored as the Chinese word.
RATINGS: tuple[str, ...] = ("非常满意", "满意", "基本满意", "不满意", "非常不满意")
RATING_LABELS_EN: dict[str, str] = {
    "非常满意": "Very satisfied",
    "满意": "Satisfied",
    "基本满意": "Basically satisfied",
    "不满意": "Dissatisfied",
    "非常不满意": "Very dissatisfied",
}
SATISFIED = RATINGS[:3]
DISSATISFIED = RATINGS[3:]
# Counted as satisfied in the satisfaction rate (P18).
SATISFIED_STRICT: tuple[str, ...] = ("非常满意", "满意")


def is_satisfied(rating: str | None) -> bool:
    """True for 非常满意 / 满意 / 基本满意: the loop may close."""
    return rating in SATISFIED


def is_dissatisfied(rating: str | None) -> bool:
    """True for 不满意 / 非常不满意: re-supervision (P10)."""
    return rating in DISSATISFIED


# Business domains recognised for routing (P4). Stored as the Chinese word.
DOMAINS: tuple[str, ...] = (
    "劳动和社会保障",
    "城乡建设",
    "教育文体",
    "商贸旅游",
    "环境保护",
    "卫生计生",
    "交通运输",
    "市场监管",
    "城市管理",
    "税务",
    "医疗保障",
    "公积金",
    "水电气",
)

# Case statuses: code -> (Chinese, English).
CASE_STATUSES: dict[str, tuple[str, str]] = {
    "new": ("已受理", "Accepted"),
    "dispatching": ("待派单", "Awaiting dispatch"),
    "acknowledging": ("待确认", "Awaiting confirmation"),
    "signing": ("待签收", "Awaiting sign-off"),
    "contacting": ("待联系", "Awaiting contact"),
    "proposing": ("待提出方案", "Awaiting solution"),
    "replying": ("待答复", "Awaiting reply"),
    "awaiting_rating": ("待评价", "Awaiting rating"),
    "supervising": ("督办中", "Under supervision"),
    "escalated": ("领导批示中", "Escalated to leadership"),
    "reviewing_return": ("退单审核中", "Reviewing a return"),
    "revisiting": ("回访中", "Revisit by the hotline"),
    "closed": ("已结案", "Closed"),
    "direct_replied": ("已直接答复", "Answered directly"),
}
FINAL_STATUSES: frozenset[str] = frozenset({"closed", "direct_replied"})


def label(mapping: dict[str, tuple[str, str]], code: str, lang: str = "zh") -> str:
    """Label of a code in a (Chinese, English) mapping; the code itself when unknown."""
    pair = mapping.get(code)
    if pair is None:
        return code
    return pair[1] if lang == "en" else pair[0]


# Matter classes (事项类别) that pick the deadlines in workflows/sla.dmn: code -> (Chinese, English).
MATTER_CLASSES: dict[str, tuple[str, str]] = {
    "urgent": ("紧急事项", "Urgent"),
    "utilities": ("水电气热", "Water, power, gas, heating"),
    "general": ("一般事项", "General"),
    "complex": ("复杂事项", "Complex"),
}

# Deadline clocks (P5–P7): code -> (Chinese, English).
CLOCKS: dict[str, tuple[str, str]] = {
    "response": ("响应时限", "Response"),
    "solution": ("方案时限", "Solution"),
    "resolution": ("办结时限", "Resolution"),
}
