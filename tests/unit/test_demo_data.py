from collections import Counter

from app.demo.data import ENTERPRISES, TOWNS, UNITS, USERS
from app.domain.credit_code import validate
from app.domain.phone import validate_phone
from app.domain.roles import ROLES

ROUTING_UNIT_CODES = {
    "rsj", "zjj", "jyj", "swj", "sthjj", "wjj", "jtj", "scjgj", "swu", "ybj", "gjj",
    "sdq", "cgj", "bfz", "glz", "xlz", "hjq",
}


def test_units():
    codes = [u["code"] for u in UNITS]
    assert len(codes) == len(set(codes))
    assert set(codes) == ROUTING_UNIT_CODES
    assert {u["kind"] for u in UNITS} == {"department", "town"}
    assert TOWNS == ("板芙镇", "古劳镇", "小榄镇", "火炬开发区")


def test_enterprises():
    assert len(ENTERPRISES) == 20
    codes = [e["credit_code"] for e in ENTERPRISES]
    for code in codes:
        assert validate(code) is None, code
    assert len(set(codes)) == 20
    phones = [e["phone"] for e in ENTERPRISES]
    assert len(set(phones)) == 20
    for p in phones:
        assert validate_phone(p) is None
    names = [e["name"] for e in ENTERPRISES]
    assert len(set(names)) == 20
    assert ENTERPRISES[0]["name"] == "中山市好来化工有限公司"
    assert all(e["town"] in TOWNS for e in ENTERPRISES)
    assert set(Counter(e["town"] for e in ENTERPRISES)) == set(TOWNS)


def test_red_list():
    red = [e for e in ENTERPRISES if e["red_list"]]
    assert len(red) == 6
    assert {e["red_list_category"] for e in red} == {"龙头骨干", "总部经济", "专精特新"}
    assert all(e["red_list_category"] is None for e in ENTERPRISES if not e["red_list"])


def test_users():
    names = [u["username"] for u in USERS]
    assert len(names) == len(set(names))
    unit_codes = {u["code"] for u in UNITS}
    by_name = {u["username"]: u for u in USERS}
    for u in USERS:
        assert u["role"] in ROLES
        assert u["password"] == f"qisu-{u['username']}"
        assert u["display_name"]
        if u["role"] == "unit":
            assert u["unit_code"] in unit_codes
        else:
            assert u["unit_code"] is None
        if u["role"] == "enterprise":
            assert 0 <= u["enterprise_index"] < len(ENTERPRISES)
        else:
            assert u["enterprise_index"] is None
    assert [by_name[f"ent{i}"]["enterprise_index"] for i in (1, 2, 3)] == [0, 1, 2]
    for code in ("rsj", "zjj", "cgj", "scjgj", "bfz", "glz"):
        assert by_name[f"spec_{code}"]["unit_code"] == code
    roles = Counter(u["role"] for u in USERS)
    assert roles["agent"] == 2 and roles["unit"] == 6 and roles["enterprise"] == 3
    for r in ("dispatcher", "supervisor", "leader", "designer", "analyst", "admin"):
        assert roles[r] == 1
