"""Open311 GeoReport v2 vocabulary: service codes for the domains, attribute keys, statuses.

The services of the open API are the business domains (P4). Their codes are stable ASCII words
that third-party apps keep in their configuration; the names stay Chinese (user-facing).
"""
from __future__ import annotations

from .vocab import DOMAINS, FINAL_STATUSES, KINDS

# domain (stored Chinese word) -> (service code, keywords)
SERVICES: dict[str, tuple[str, str]] = {
    "劳动和社会保障": ("labor", "社保,工资,劳动合同,用工,招聘"),
    "城乡建设": ("construction", "工程,施工,规划,住建,道路建设"),
    "教育文体": ("education", "学校,入学,培训,文化,体育"),
    "商贸旅游": ("commerce", "商务,外贸,展会,旅游,消费"),
    "环境保护": ("environment", "环评,排污,噪声,废气,废水"),
    "卫生计生": ("health", "卫生,防疫,职业病,医院"),
    "交通运输": ("transport", "物流,货车,公交,道路运输,停车"),
    "市场监管": ("market", "营业执照,登记,质量,食品,价格"),
    "城市管理": ("urban", "城管,绿化,占道,市容,路灯"),
    "税务": ("tax", "纳税,发票,退税,减税"),
    "医疗保障": ("medical_insurance", "医保,报销,参保"),
    "公积金": ("housing_fund", "住房公积金,缴存,提取"),
    "水电气": ("utilities", "供水,供电,燃气,停水,停电"),
}
SERVICE_GROUP = "企业诉求"
CODE_TO_DOMAIN: dict[str, str] = {code: domain for domain, (code, _) in SERVICES.items()}

# The kind of demand (P3) as attribute[kind]: key -> stored Chinese word.
KIND_KEYS: dict[str, str] = {
    "consultation": "咨询", "help": "求助", "complaint": "投诉", "suggestion": "建议",
    "praise": "表扬",
}
DEFAULT_KIND = "求助"  # a third-party report that names no kind asks for help

# The attributes of every service definition, their fields in the specification's order.
ATTRIBUTES: tuple[dict, ...] = (
    {"code": "credit_code", "datatype": "string", "required": False,
     "datatype_description": "18 位统一社会信用代码", "order": 1,
     "description": "提出诉求的企业的统一社会信用代码;未填写时以 phone 参数中的企业登记电话识别企业"},
    {"code": "kind", "datatype": "singlevaluelist", "required": False,
     "datatype_description": None, "order": 2,
     "description": f"诉求类型,未填写时为“{DEFAULT_KIND}”"},
    {"code": "town", "datatype": "singlevaluelist", "required": False,
     "datatype_description": None, "order": 3,
     "description": "诉求发生地所在镇街,未填写时为企业登记的镇街"},
)

# Fields of the intake service -> the Open311 parameter a client sent them in.
INTAKE_FIELD_NAMES: dict[str, str] = {
    "kind": "attribute[kind]", "description": "description", "domain": "service_code",
    "contact_phone": "phone", "phone": "phone", "credit_code": "attribute[credit_code]",
    "contact_name": "first_name", "town": "attribute[town]",
}

DESCRIPTION_MAX = 4000  # the specification's limit for description


def service_code(domain: str | None) -> str | None:
    return SERVICES[domain][0] if domain in SERVICES else None


def open311_status(case_status: str) -> str:
    """GeoReport knows two statuses: a case is `closed` once its loop ends, else `open`."""
    return "closed" if case_status in FINAL_STATUSES else "open"


def kind_for(value: str | None) -> str | None:
    """The stored kind for an attribute[kind] value: its key, or the Chinese word itself."""
    if value in (None, ""):
        return DEFAULT_KIND
    if value in KIND_KEYS:
        return KIND_KEYS[value]
    return value if value in KINDS else None


assert set(SERVICES) == set(DOMAINS), "every domain needs an Open311 service code"
assert set(KIND_KEYS.values()) == set(KINDS)
