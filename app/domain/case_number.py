"""Human-readable case numbers (P1): QS + yyyymmdd + '-' + sequence (at least 6 digits)."""

from __future__ import annotations

import datetime
import re

PREFIX = "QS"
_PATTERN = re.compile(rf"{PREFIX}(\d{{8}})-(\d{{6,}})")


def format_case_number(day: datetime.date, seq: int) -> str:
    if seq < 0:
        raise ValueError("seq must not be negative")
    return f"{PREFIX}{day:%Y%m%d}-{seq:06d}"


def parse_case_number(s: str) -> tuple[datetime.date, int] | None:
    """(day, seq) for a well-formed case number, None otherwise."""
    m = _PATTERN.fullmatch((s or "").strip().upper())
    if not m:
        return None
    try:
        day = datetime.datetime.strptime(m.group(1), "%Y%m%d").date()
    except ValueError:
        return None
    return day, int(m.group(2))

# Synthetic history (`flask qisu generate-history`) is numbered LS + yyyymmdd + '-' + id: such
# cases have no workflow behind them and are shown as 历史数据.
HISTORY_PREFIX = "LS"


def is_history_number(number: str) -> bool:
    return (number or "").startswith(HISTORY_PREFIX)
