"""Free text and its limits, counted as people count characters: a text over its limit is
refused with a message that says by how much, never cut (a pasted text is never shortened)."""
from __future__ import annotations

from app.domain.texts import msg


def normalized(text: str | None) -> str:
    """Browsers post a textarea's line breaks as CRLF; a line break counts as one character."""
    return (text or "").replace("\r\n", "\n")


def too_long(text: str | None, limit: int) -> str | None:
    """The field message when `text` has more than `limit` characters, else None."""
    count = len(text or "")
    return msg("text.too_long", "不能超过 {limit} 字（现有 {count} 字），请删减", limit=limit, count=count) \
        if count > limit else None
