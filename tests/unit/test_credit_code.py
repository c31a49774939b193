import random

import pytest

from app.domain.credit_code import (
    CHARSET, REGISTRATION_AUTHORITIES, check_char, is_valid, make, normalize, validate,
)

# Widely published examples whose check characters agree with GB 32100-2015.
VALID = [
    "91350100M000100Y43",
    "91110105306652183Y",
    "91230184MA1BUFLT44",
    "92371000MA3MXH0E3W",
    "91350200776049653A",
    "91440101MA5CJQ4N59",
]


@pytest.mark.parametrize("code", VALID)
def test_valid_examples(code):
    assert validate(code) is None
    assert is_valid(code)
    assert check_char(code[:17]) == code[17]


def test_charset_excludes_confusable_letters():
    assert len(CHARSET) == 31
    for ch in "IOSVZ":
        assert ch not in CHARSET


def test_normalize_and_lower_case_input():
    assert normalize("  91350100m000100y43 \n") == "91350100M000100Y43"
    assert validate(" 91350100m000100y43 ") is None


@pytest.mark.parametrize("code", ["", "9135010", "91350100M000100Y4", "91350100M000100Y431"])
def test_wrong_length(code):
    assert validate(code) == "统一社会信用代码长度须为18位"
    assert not is_valid(code)


@pytest.mark.parametrize("bad", list("IOSVZ") + ["-", "中"])
def test_illegal_character(bad):
    code = "91350100M000100Y43"
    code = code[:10] + bad + code[11:]
    msg = validate(code)
    assert msg is not None and "含有非法字符" in msg
    assert bad.upper() in msg


def test_wrong_check_char_names_expected():
    msg = validate("91350100M000100Y44")
    assert msg == "统一社会信用代码校验位错误,应为3"
    assert "应为W" in validate("92371000MA3MXH0E3X")


def test_registration_authority_enforced():
    assert set(REGISTRATION_AUTHORITIES) == set("123456789ANY")
    for first in "BCDEFG0":
        code = make(first + "1350100M000100Y4")
        assert "登记管理部门代码" in validate(code)
    for first in "123456789ANY":
        assert is_valid(make(first + "1350100M000100Y4"))


def test_division_code_must_be_digits():
    code = make("91A50100M000100Y4")
    assert "行政区划码" in validate(code)


def test_check_char_maps_31_to_zero():
    # Find a prefix whose weighted sum is divisible by 31: its check char must be '0'.
    rng = random.Random(7)
    while True:
        prefix = "9144" + "".join(rng.choice("0123456789") for _ in range(4)) + \
            "".join(rng.choice(CHARSET) for _ in range(9))
        if check_char(prefix) == "0":
            break
    assert is_valid(prefix + "0")


def test_check_char_rejects_bad_input():
    with pytest.raises(ValueError):
        check_char("123")
    with pytest.raises(ValueError):
        check_char("91350100M000100YI")


def test_make_round_trip_random_prefixes():
    rng = random.Random(20261123)
    for _ in range(2000):
        prefix = (
            rng.choice("123456789ANY")
            + rng.choice(CHARSET)
            + "".join(rng.choice("0123456789") for _ in range(6))
            + "".join(rng.choice(CHARSET) for _ in range(9))
        )
        code = make(prefix)
        assert len(code) == 18 and code.startswith(prefix)
        assert validate(code) is None
        # Any other check character is rejected, naming the right one.
        wrong = CHARSET[(CHARSET.index(code[17]) + rng.randrange(1, 31)) % 31]
        assert validate(prefix + wrong) == f"统一社会信用代码校验位错误,应为{code[17]}"


def test_make_normalises_prefix():
    assert make("91350100m000100y4") == "91350100M000100Y43"
