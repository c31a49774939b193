"""The aggregate expressions shared by every insight table (one definition per figure)."""
from __future__ import annotations

from sqlalchemy import Float, cast, func

from app.db.models import Case
from app.domain.vocab import SATISFIED, SATISFIED_STRICT

CLOCKS = ("response", "solution", "resolution")


def count_if(condition):
    return func.count().filter(condition)


TREND_KEYS = ("volume", "dispatched", "consultations", "direct_replies", "rated", "satisfied_strict",
              "satisfied_basic", "handled", "handling_sum", "resolution_finished",
              "resolution_on_time")


def columns(only: tuple[str, ...] | None = None) -> dict:
    """Label → aggregate over `cases` (additive counts and sums; rates are derived in `rates`).
    `only` keeps the named ones (the others count as 0: fewer aggregates, a faster pass)."""
    cols = _all_columns()
    return {key: cols[key] for key in only} if only else cols


def _all_columns() -> dict:
    cols = {
        "volume": func.count(),
        "dispatched": func.count(Case.dispatched_at),
        "consultations": count_if(Case.kind == "咨询"),
        "direct_replies": count_if(Case.status == "direct_replied"),
        "closed": func.count(Case.closed_at),
        "rated": func.count(Case.rating),
        "satisfied_strict": count_if(Case.rating.in_(SATISFIED_STRICT)),
        "satisfied_basic": count_if(Case.rating.in_(SATISFIED)),
        "handled": func.count(Case.handling_seconds),
        "handling_sum": func.coalesce(func.sum(cast(Case.handling_seconds, Float)), 0.0),
        "returns": func.coalesce(func.sum(Case.returns_count), 0),
        "extensions": func.coalesce(func.sum(Case.extensions_count), 0),
    }
    for clock in CLOCKS:
        column = getattr(Case, f"{clock}_on_time")
        cols[f"{clock}_finished"] = func.count(column)
        cols[f"{clock}_on_time"] = count_if(column.is_(True))
    return cols


def add(total: dict, row: dict) -> None:
    """Add one group's counts into `total` (every column of `columns()` is additive)."""
    for key, value in row.items():
        total[key] = total.get(key, 0) + (value or 0)


def empty() -> dict:
    return {key: 0 for key in columns()} | {"handling_sum": 0.0}


def ratio(part, whole) -> float | None:
    return round(part / whole, 4) if whole else None


def rates(row: dict) -> dict:
    """Counts → the published figures (rates are fractions 0..1, None when undefined)."""
    row = empty() | dict(row)
    out = {key: int(row[key]) for key in row if key != "handling_sum"}
    out["direct_reply_rate"] = ratio(row["direct_replies"], row["volume"])
    out["direct_reply_rate_consultations"] = ratio(row["direct_replies"], row["consultations"])
    out["dispatch_rate"] = ratio(row["dispatched"], row["volume"])
    for clock in CLOCKS:
        out[f"{clock}_on_time_rate"] = ratio(row[f"{clock}_on_time"], row[f"{clock}_finished"])
    out["satisfaction_rate"] = ratio(row["satisfied_strict"], row["rated"])
    out["satisfaction_rate_basic"] = ratio(row["satisfied_basic"], row["rated"])
    out["avg_handling_seconds"] = (round(row["handling_sum"] / row["handled"])
                                   if row["handled"] else None)
    return out
