"""Unified social credit code (统一社会信用代码), GB 32100-2015.

Structure (18 characters):
  1      registration-authority code (登记管理部门代码)
  2      organisation-category code (机构类别代码)
  3-8    administrative division code of the registration authority (GB/T 2260, digits)
  9-17   subject identifier (主体标识码, the old organisation code, GB 11714)
  18     check character (GB/T 17710, ISO 7064 MOD 31-3 style)

The alphabet excludes I, O, S, V and Z.

Registration-authority codes enforced here are those of the standard's code table as
amended by amendment No. 1 (2016): 1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游,
7 宗教, 8 工会, 9 工商, A 中央军委改革和编制办公室, N 农业, Y 其他. The letters B-G are
not in any published version of that table we could verify, so they are rejected.
"""

from __future__ import annotations

from app.domain.texts import msg

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18

REGISTRATION_AUTHORITIES: dict[str, str] = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "工商",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}

_VALUES = {ch: i for i, ch in enumerate(CHARSET)}


def normalize(code: str) -> str:
    """Strip surrounding whitespace and upper-case."""
    return (code or "").strip().upper()


def check_char(first17: str) -> str:
    """Check character for the first 17 characters (already normalised)."""
    if len(first17) != LENGTH - 1:
        raise ValueError("first17 must be 17 characters long")
    try:
        total = sum(_VALUES[ch] * w for ch, w in zip(first17, WEIGHTS))
    except KeyError as exc:
        raise ValueError(f"illegal character {exc.args[0]!r}") from None
    value = 31 - total % 31
    return CHARSET[0 if value == 31 else value]


def validate(code: str) -> str | None:
    """Return a Chinese error message, or None when the code is valid."""
    code = normalize(code)
    if len(code) != LENGTH:
        return msg("credit_code.length", "统一社会信用代码长度须为18位")
    bad = sorted({ch for ch in code if ch not in _VALUES})
    if bad:
        return msg("credit_code.characters", "统一社会信用代码含有非法字符:{chars}", chars="".join(bad))
    if code[0] not in REGISTRATION_AUTHORITIES:
        return msg("credit_code.authority", "统一社会信用代码第1位(登记管理部门代码)无效:{first}", first=code[0])
    if not code[2:8].isdigit():
        return msg("credit_code.region", "统一社会信用代码第3至8位(行政区划码)须为数字")
    expected = check_char(code[:17])
    if code[17] != expected:
        return msg("credit_code.check_digit", "统一社会信用代码校验位错误,应为{expected}", expected=expected)
    return None


def is_valid(code: str) -> bool:
    return validate(code) is None


def make(first17: str) -> str:
    """Append the check character to a 17-character prefix (demo data, tests)."""
    first17 = normalize(first17)
    return first17 + check_char(first17)
