import pytest

from app.domain.phone import is_valid_phone, normalize_phone, validate_phone


@pytest.mark.parametrize("raw, expected", [
    ("138 0013 8000", "13800138000"),
    ("138-0013-8000", "13800138000"),
    ("+86 138 0013 8000", "13800138000"),
    ("+8613800138000", "13800138000"),
    ("0086 13800138000", "13800138000"),
    ("0760-88881234", "076088881234"),
    ("(0760) 8888 1234", "076088881234"),
    ("+86 760 8888 1234", "076088881234"),
    ("  010-12345678 ", "01012345678"),
])
def test_normalize(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("s", [
    "13800138000", "19912345678", "+86 166 1234 5678",
    "0760-88881234", "010-1234567", "01012345678", "0755-8888888",
])
def test_valid(s):
    assert validate_phone(s) is None
    assert is_valid_phone(s)


@pytest.mark.parametrize("s", [
    "12800138000",      # second digit 2 is not a mobile prefix
    "1380013800",       # 10 digits
    "138001380001",     # 12 digits
    "760-88881234",     # landline without trunk 0
    "0760-88881",       # too short (9 digits)
    "0760-888812345",   # too long
])
def test_invalid_format(s):
    msg = validate_phone(s)
    assert msg == "电话号码格式不正确,应为11位手机号或带区号的固定电话"


def test_empty_and_non_digit():
    assert validate_phone("") == "电话号码不能为空"
    assert validate_phone("  - ") == "电话号码不能为空"
    assert validate_phone("138abc38000") == "电话号码只能包含数字"
