"""The common problems asked for by a page or the API: validated arguments (dates in Beijing
time, a unit by its code, the other filters) → a `ProblemQuery` → the groups."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from app.clock import SHANGHAI, local
from app.db.models import Unit
from app.domain.errors import ValidationFailed
from app.domain.texts import msg

from ..runtime import Runtime
from .common_problems import ProblemQuery, common_problems

MAX_PERIOD_DAYS = 366
DEFAULT_PERIOD_DAYS = 30


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(), SHANGHAI).astimezone(timezone.utc).replace(tzinfo=None)


def period(now: datetime, args: dict) -> tuple[date, date]:
    """The analysed days (Beijing time, both included): by default the 30 days up to today."""
    end = args.get("end") or local(now).date()
    return args.get("start") or end - timedelta(days=DEFAULT_PERIOD_DAYS - 1), end


def problem_query(rt: Runtime, args: dict) -> ProblemQuery:
    """The ProblemQuery of validated arguments: dates in Beijing time, the unit by its code."""
    start, end = period(rt.clock.now(), args)
    if start > end:
        raise ValidationFailed(fields={"start": msg("period.start_after_end", "起始日期不能晚于截止日期")})
    unit_id = None
    if args.get("unit"):
        with rt.uow() as uow:
            unit_id = uow.session.scalar(select(Unit.id).where(Unit.code == args["unit"]))
        if unit_id is None:
            raise ValidationFailed(fields={"unit": msg("unit.unknown_name", "未知的承办单位：{unit}", unit=args["unit"])})
    return ProblemQuery(start=_utc(start), end=_utc(end + timedelta(days=1)),
                        town=args.get("town") or None, domain=args.get("domain"),
                        kind=args.get("kind"), unit_id=unit_id, channel=args.get("channel"),
                        red_list=args.get("red_list"), limit=args.get("limit", 50))


def analyse(rt: Runtime, args: dict) -> dict:
    """The common problems of validated arguments (P18)."""
    return common_problems(rt, problem_query(rt, args))
