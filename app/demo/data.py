"""Plain demo data for the seed script (no database code here).

Demo accounts — every password is ``qisu-<username>``:

    agent1, agent2        企业专席话务员 (agent)         qisu-agent1, qisu-agent2
    dispatcher1           派单员 (dispatcher)            qisu-dispatcher1
    supervisor1           督办员 (supervisor)            qisu-supervisor1
    leader1               领导 (leader)                  qisu-leader1
    designer1             流程设计 (designer)            qisu-designer1
    analyst1              分析 (analyst)                 qisu-analyst1
    admin1                管理员 (admin)                 qisu-admin1
    spec_rsj, spec_zjj, spec_cgj, spec_scjgj, spec_bfz, spec_glz
                          承办单位业务专员 (unit)         qisu-spec_rsj, ...
    ent1, ent2, ent3      企业联系人 (enterprise), bound to ENTERPRISES[0..2]
                                                         qisu-ent1, ...

These passwords are for local demos only; never seed them into a real deployment.

Credit codes are built with ``credit_code.make`` from 17-character prefixes whose
subject identifier (positions 9-17) also carries a correct GB 11714 check character.
Region codes: 442000 中山市; 440784 鹤山市 for the 古劳镇 enterprises.
"""

from __future__ import annotations

from app.domain.credit_code import make

UNITS: list[dict] = [
    {"code": "rsj", "name": "市人力资源和社会保障局", "kind": "department"},
    {"code": "zjj", "name": "市住房和城乡建设局", "kind": "department"},
    {"code": "jyj", "name": "市教育局", "kind": "department"},
    {"code": "swj", "name": "市商务局", "kind": "department"},
    {"code": "sthjj", "name": "市生态环境局", "kind": "department"},
    {"code": "wjj", "name": "市卫生健康委员会", "kind": "department"},
    {"code": "jtj", "name": "市交通运输局", "kind": "department"},
    {"code": "scjgj", "name": "市市场监督管理局", "kind": "department"},
    {"code": "swu", "name": "市税务局", "kind": "department"},
    {"code": "ybj", "name": "市医疗保障局", "kind": "department"},
    {"code": "gjj", "name": "市住房公积金管理中心", "kind": "department"},
    {"code": "sdq", "name": "市水电气综合服务中心", "kind": "department"},
    {"code": "cgj", "name": "市城市管理和综合执法局", "kind": "department"},
    {"code": "bfz", "name": "板芙镇", "kind": "town"},
    {"code": "glz", "name": "古劳镇", "kind": "town"},
    {"code": "xlz", "name": "小榄镇", "kind": "town"},
    {"code": "hjq", "name": "火炬开发区", "kind": "town"},
]

TOWNS: tuple[str, ...] = tuple(u["name"] for u in UNITS if u["kind"] == "town")


def _ent(prefix: str, name: str, phone: str, town: str, category: str | None = None) -> dict:
    return {
        "credit_code": make(prefix),
        "name": name,
        "phone": phone,
        "town": town,
        "red_list": category is not None,
        "red_list_category": category,
    }


ENTERPRISES: list[dict] = [
    _ent("91442000MA5355TH3", "中山市好来化工有限公司", "13702501001", "板芙镇", "龙头骨干"),
    _ent("91442000786620112", "中山市榄兴五金制品有限公司", "13702501002", "小榄镇"),
    _ent("91442000MA53L8P39", "中山市火炬华信电子科技有限公司", "13702501003", "火炬开发区", "专精特新"),
    _ent("91442000745750041", "中山市板芙恒达纺织有限公司", "13702501004", "板芙镇"),
    _ent("91442000MA4UFTUQ6", "中山市凯明灯饰有限公司", "13702501005", "小榄镇"),
    _ent("91442000637915662", "中山市健和医疗器械有限公司", "13702501006", "火炬开发区", "总部经济"),
    _ent("91440784MA51WJLW9", "鹤山市古劳鸿运食品有限公司", "13702501007", "古劳镇"),
    _ent("91442000260888448", "中山市顺昌包装材料有限公司", "13702501008", "板芙镇"),
    _ent("91442000MA5141AM5", "中山市智联精密模具有限公司", "13702501009", "火炬开发区", "专精特新"),
    _ent("91442000273406786", "中山市榄城家具制造有限公司", "13702501010", "小榄镇"),
    _ent("91440784MA51P56L7", "鹤山市古劳水乡旅游发展有限公司", "13702501011", "古劳镇"),
    _ent("91442000278260245", "中山市新锐物流有限公司", "13702501012", "火炬开发区"),
    _ent("91442000MA4UNDG71", "中山市美家电器有限公司", "13702501013", "小榄镇", "龙头骨干"),
    _ent("91442000524485627", "中山市宏远建筑工程有限公司", "13702501014", "板芙镇"),
    _ent("91440784MA539L6M3", "鹤山市古劳绿源农业科技有限公司", "13702501015", "古劳镇"),
    _ent("91442000763071317", "中山市联创生物科技有限公司", "13702501016", "火炬开发区"),
    _ent("91442000MA4UA0CE7", "中山市金穗服装有限公司", "13702501017", "小榄镇"),
    _ent("91442000637336548", "中山市明辉塑胶制品有限公司", "13702501018", "板芙镇"),
    _ent("91442000MA5180TA7", "中山市云启信息技术有限公司", "13702501019", "火炬开发区", "总部经济"),
    _ent("91442000553579286", "中山市盛达汽车配件有限公司", "13702501020", "小榄镇"),
]


def _user(username: str, display_name: str, role: str, unit_code: str | None = None,
          enterprise_index: int | None = None) -> dict:
    return {
        "username": username,
        "display_name": display_name,
        "role": role,
        "unit_code": unit_code,
        "enterprise_index": enterprise_index,
        "password": f"qisu-{username}",
    }


USERS: list[dict] = [
    _user("agent1", "话务员李敏", "agent"),
    _user("agent2", "话务员陈静", "agent"),
    _user("dispatcher1", "派单员黄伟", "dispatcher"),
    _user("supervisor1", "督办员梁芳", "supervisor"),
    _user("leader1", "刘主任", "leader"),
    _user("designer1", "流程设计员何涛", "designer"),
    _user("analyst1", "分析员周洁", "analyst"),
    _user("admin1", "系统管理员", "admin"),
    _user("spec_rsj", "人社局专员张强", "unit", "rsj"),
    _user("spec_zjj", "住建局专员王磊", "unit", "zjj"),
    _user("spec_cgj", "城管局专员吴刚", "unit", "cgj"),
    _user("spec_scjgj", "市场监管局专员郑丽", "unit", "scjgj"),
    _user("spec_bfz", "板芙镇专员林海", "unit", "bfz"),
    _user("spec_glz", "古劳镇专员冯玲", "unit", "glz"),
    _user("ent1", "好来化工 罗经理", "enterprise", None, 0),
    _user("ent2", "榄兴五金 谢经理", "enterprise", None, 1),
    _user("ent3", "华信电子 邓经理", "enterprise", None, 2),
]
