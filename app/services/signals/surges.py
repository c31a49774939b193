"""P18 surge alerts: a (domain, town) or a unit whose recent count rose well above its baseline.

For every (domain, town) pair and every unit, the cases created in the last `window_days` are the
observed count; the cases of the `baseline_days` before the window give the expected count
(baseline rate × window, at least `min_expected`). A key is flagged when all hold:

* P(X ≥ observed) < `max_p` for X ~ Poisson(expected)   (scipy.stats.poisson.sf),
* observed ≥ `min_count`, and observed ≥ `min_ratio` × expected.

Each flag is stored once per key and detection day (Asia/Shanghai), by an INSERT … ON CONFLICT DO
NOTHING on the unique (key, day), and no new alert is raised for a key alerted within the last
`cooldown_days`. Only the process whose insert wins writes the notifications (an internal outbox
message to every active supervisor), in the same transaction: two workers running detection at
once give one alert and one message per supervisor. On PostgreSQL a transaction-scoped advisory
lock lets only one worker run the detection at a time; the others skip the round.

The counting is two GROUP BY queries over the window and the baseline only (a range on the
`cases.created_at` index).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case as when, func, select, text
from sqlalchemy.dialects import postgresql, sqlite

from app.clock import iso, local
from app.db.models import Case, OutboxMessage, SurgeAlert, Unit, User
from app.domain.errors import NotFound
from app.domain.texts import msg
from app.services.messages import TEMPLATES

DEFAULTS = {"window_days": 3, "baseline_days": 28, "max_p": 0.001, "min_count": 5,
            "min_ratio": 2.0, "min_expected": 1.0, "cooldown_days": 3}
LOCK_KEY = 7_318_001  # pg advisory lock id of the detection


def settings(rt) -> dict:
    return {**DEFAULTS, **rt.settings.get("surges", {})}


def _counts(session, column_keys, start, window_start, end):
    """(key columns..., observed, baseline) per key, over [start, end) only."""
    in_window = func.sum(when((Case.created_at >= window_start, 1), else_=0))
    in_base = func.sum(when((Case.created_at < window_start, 1), else_=0))
    conditions = [Case.created_at >= start, Case.created_at < end,
                  *(c.is_not(None) for c in column_keys)]
    query = select(*column_keys, in_window, in_base).where(*conditions).group_by(*column_keys) \
        .having(in_window > 0)
    return session.execute(query).all()


def candidates(session, now: datetime, conf: dict) -> list[dict]:
    """Every key of the window with its observed and expected counts and tail probability."""
    window_start = now - timedelta(days=conf["window_days"])
    start = window_start - timedelta(days=conf["baseline_days"])
    share = conf["window_days"] / conf["baseline_days"]
    found = []
    for domain, town, observed, base in _counts(session, (Case.domain, Case.town), start,
                                                window_start, now):
        found.append({"scope": "domain_town", "key": f"domain_town:{domain}:{town}",
                      "domain": domain, "town": town, "unit_id": None,
                      "observed": int(observed), "baseline": int(base)})
    codes = dict(session.execute(select(Unit.id, Unit.code)).all())
    for unit_id, observed, base in _counts(session, (Case.unit_id,), start, window_start, now):
        found.append({"scope": "unit", "key": f"unit:{codes.get(unit_id, unit_id)}", "domain": None, "town": None,
                      "unit_id": unit_id, "observed": int(observed), "baseline": int(base)})
    for item in found:
        item["expected"] = max(item["baseline"] * share, conf["min_expected"])
        from scipy.stats import poisson  # on first use: scipy costs ~1 s at start-up
        item["p"] = float(poisson.sf(item["observed"] - 1, item["expected"]))
        item["window_start"], item["window_end"] = window_start, now
    return found


def is_surge(item: dict, conf: dict) -> bool:
    return (item["p"] < conf["max_p"] and item["observed"] >= conf["min_count"]
            and item["observed"] >= conf["min_ratio"] * item["expected"])


def detect_surges(session, now: datetime, window_days: int = 3, baseline_days: int = 28,
                  **thresholds) -> list[SurgeAlert]:
    """Flag the surges at `now`, store new alerts and queue their notifications; returns the
    alerts this call created (the caller commits). Other thresholds: DEFAULTS, by keyword."""
    conf = {**DEFAULTS, **thresholds, "window_days": window_days, "baseline_days": baseline_days}
    if not _try_lock(session):
        return []
    day = local(now).strftime("%Y%m%d")
    cooldown_from = now - timedelta(days=conf["cooldown_days"])
    recent = set(session.scalars(select(SurgeAlert.key).where(
        SurgeAlert.detected_at >= cooldown_from, SurgeAlert.day != day)))
    created = []
    for item in candidates(session, now, conf):
        if not is_surge(item, conf) or item["key"] in recent:
            continue
        alert = _insert_once(session, item, day, now)
        if alert is not None:
            notify_supervisors(session, alert, conf)
            created.append(alert)
    return created


def _try_lock(session) -> bool:
    if session.bind.dialect.name != "postgresql":
        return True  # SQLite serialises writers; the unique (key, day) does the rest
    return bool(session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"),
                                {"k": LOCK_KEY}).scalar())


def _insert_once(session, item: dict, day: str, now: datetime) -> SurgeAlert | None:
    """INSERT … ON CONFLICT (key, day) DO NOTHING; the alert if this call inserted it."""
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    values = {"key": item["key"], "day": day, "scope": item["scope"], "domain": item["domain"],
              "town": item["town"], "unit_id": item["unit_id"],
              "window_start": item["window_start"], "window_end": item["window_end"],
              "observed": item["observed"], "expected": round(item["expected"], 3),
              "score": item["p"], "detected_at": now}
    statement = dialect.insert(SurgeAlert).values(**values) \
        .on_conflict_do_nothing(index_elements=["key", "day"]).returning(SurgeAlert.id)
    new_id = session.execute(statement).scalar()
    return None if new_id is None else session.get(SurgeAlert, new_id)


def label(alert: SurgeAlert, unit: Unit | None = None) -> str:
    if alert.scope == "unit":
        return f"承办单位 {unit.name if unit else alert.unit_id}"
    return f"{alert.town} · {alert.domain}"


def notify_supervisors(session, alert: SurgeAlert, conf: dict) -> int:
    """One internal message per active supervisor (written with the alert, so exactly once)."""
    unit = session.get(Unit, alert.unit_id) if alert.unit_id else None
    body = TEMPLATES["surge"].format(label=label(alert, unit), days=conf["window_days"],
                                     observed=alert.observed, expected=alert.expected)
    supervisors = session.scalars(select(User).where(User.role == "supervisor",
                                                     User.active.is_(True)).order_by(User.id))
    count = 0
    for user in supervisors:
        session.add(OutboxMessage(case_id=None, channel="internal", recipient=f"user:{user.username}",
                                  template="surge", body=body, created_at=alert.detected_at))
        count += 1
    return count


def run_detection(rt) -> int:
    """One detection at the application clock, in its own transaction; the alerts created."""
    conf = settings(rt)
    with rt.uow() as uow:
        created = detect_surges(uow.session, rt.clock.now(), **conf)
        uow.commit()
    return len(created)


def describe(alert: SurgeAlert, units: dict[int, Unit], users: dict[int, User]) -> dict[str, Any]:
    unit = units.get(alert.unit_id) if alert.unit_id else None
    acknowledger = users.get(alert.acknowledged_by) if alert.acknowledged_by else None
    return {"id": alert.id, "key": alert.key, "day": alert.day, "scope": alert.scope,
            "label": label(alert, unit), "domain": alert.domain, "town": alert.town,
            "unit": {"code": unit.code, "name": unit.name} if unit else None,
            "window_start": iso(alert.window_start), "window_end": iso(alert.window_end),
            "observed": alert.observed, "expected": alert.expected,
            "ratio": round(alert.observed / alert.expected, 2) if alert.expected else None,
            "p_value": alert.score, "detected_at": iso(alert.detected_at),
            "acknowledged": alert.acknowledged_at is not None,
            "acknowledged_at": iso(alert.acknowledged_at),
            "acknowledged_by": acknowledger.display_name if acknowledger else None}


def list_alerts(rt, status: str = "open", limit: int = 100) -> list[dict]:
    """Recent alerts, newest first: status open | acknowledged | all."""
    with rt.uow() as uow:
        s = uow.session
        query = select(SurgeAlert).order_by(SurgeAlert.detected_at.desc(), SurgeAlert.id.desc())
        if status == "open":
            query = query.where(SurgeAlert.acknowledged_at.is_(None))
        elif status == "acknowledged":
            query = query.where(SurgeAlert.acknowledged_at.is_not(None))
        alerts = list(s.scalars(query.limit(limit)))
        units = {u.id: u for u in s.scalars(select(Unit))}
        user_ids = {a.acknowledged_by for a in alerts if a.acknowledged_by}
        users = {u.id: u for u in s.scalars(select(User).where(User.id.in_(user_ids)))} \
            if user_ids else {}
        return [describe(a, units, users) for a in alerts]


def acknowledge(rt, alert_id: int, actor) -> dict:
    """Mark an alert as seen by `actor`; acknowledging twice keeps the first acknowledgement."""
    with rt.uow() as uow:
        s = uow.session
        alert = s.get(SurgeAlert, alert_id)
        if alert is None:
            raise NotFound(msg("surge.not_found", "未找到该预警"))
        if alert.acknowledged_at is None:
            alert.acknowledged_at = rt.clock.now()
            alert.acknowledged_by = actor.id
        units = {u.id: u for u in s.scalars(select(Unit))}
        users = {u.id: u for u in s.scalars(select(User).where(User.id == alert.acknowledged_by))}
        result = describe(alert, units, users)
        uow.commit()
        return result


def open_count(rt) -> int:
    """How many alerts nobody has acknowledged yet."""
    with rt.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(SurgeAlert)
                                  .where(SurgeAlert.acknowledged_at.is_(None)))
