"""Chinese phone numbers: mainland mobiles and landlines with area code."""

from __future__ import annotations

import re

from app.domain.texts import msg

_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}\d{7,8}")
_SEPARATORS = re.compile(r"[\s\-()()]+")


def normalize_phone(s: str) -> str:
    """Remove spaces, dashes and brackets; drop a +86 / 0086 country prefix.

    In international form a landline loses its trunk 0 (+86 760 8888 1234), so it is
    restored when the remaining number is not a mobile.
    """
    s = _SEPARATORS.sub("", s or "")
    for prefix in ("+86", "0086"):
        if s.startswith(prefix):
            s = s[len(prefix):]
            if s and s[0] not in "01":
                s = "0" + s
            break
    return s


def validate_phone(s: str) -> str | None:
    """Return a Chinese error message, or None when the number is valid."""
    n = normalize_phone(s)
    if not n:
        return msg("phone.empty", "电话号码不能为空")
    if not n.isdigit():
        return msg("phone.digits_only", "电话号码只能包含数字")
    if _MOBILE.fullmatch(n) or _LANDLINE.fullmatch(n):
        return None
    return msg("phone.format", "电话号码格式不正确,应为11位手机号或带区号的固定电话")


def is_valid_phone(s: str) -> bool:
    return validate_phone(s) is None
