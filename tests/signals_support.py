"""Test helper for P18 signals: many historical cases inserted directly (no workflow), fast.

The insight queries read only the `cases` row (created_at, domain, town, unit, enterprise, text),
so these rows stand for cases received at the given times without running the process.
"""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select

from app.db.models import Case, Enterprise, SurgeAlert, Unit

_SEQUENCE = itertools.count(1)
APPOINTMENT_COMPLAINTS = (
    "小榄镇行政服务中心预约不上，连续两周都约不到号，营业执照变更办不了",
    "在小榄镇行政服务中心办理业务一直预约不到，已经等了三个星期，影响生产经营",
    "小榄镇行政服务中心网上预约全部约满，企业急需办理税务登记却预约不上",
    "小榄镇行政服务中心预约系统一直显示已约满，我司办理社保登记几周都预约不上",
    "小榄镇行政服务中心窗口预约排队要等好几周，预约不上号，企业开户手续停滞",
)
BACKGROUND = (
    "厂区门口绿化带影响货车进出，请求协调移植",
    "工人工资拖欠三个月，请求人社部门介入处理",
    "园区道路破损严重，货车通行困难，请求尽快维修",
    "企业用电频繁跳闸影响生产，请供电部门检修线路",
    "咨询高新技术企业认定的申报条件和材料",
    "投诉某餐饮店油烟直排，影响周边企业员工办公",
    "厂房周边夜间施工噪音很大，请求执法部门处理",
    "申请稳岗补贴迟迟未到账，请求人社局核查",
    "出口退税办理进度缓慢，资金周转困难",
    "工业园区污水管网堵塞，雨天厂区内涝",
)


def enterprise_ids(rt) -> dict[str, int]:
    with rt.uow() as uow:
        return dict(uow.session.execute(select(Enterprise.name, Enterprise.id)).all())


def enterprise_id(rt, short_name: str) -> int:
    found = [i for name, i in enterprise_ids(rt).items() if short_name in name]
    assert len(found) == 1, short_name
    return found[0]


def unit_id(rt, code: str) -> int:
    with rt.uow() as uow:
        return uow.session.scalar(select(Unit.id).where(Unit.code == code))


def insert_cases(rt, app, rows: list[dict]) -> list[int]:
    """Insert cases directly: each row gives `enterprise` (short name or id), `created_at` and
    optionally description, town, domain, kind, unit (code). Returns their ids."""
    ents = enterprise_ids(rt)
    with rt.uow() as uow:
        units = dict(uow.session.execute(select(Unit.code, Unit.id)).all())
        values = []
        for row in rows:
            ent = row["enterprise"]
            if isinstance(ent, str):
                ent = next(i for name, i in ents.items() if ent in name)
            at = row["created_at"]
            values.append({
                "number": f"QS{at:%Y%m%d}-9{next(_SEQUENCE):05d}", "status": "closed",
                "channel": "phone", "kind": row.get("kind", "投诉"),
                "domain": row.get("domain"), "town": row.get("town"),
                "description": row.get("description", "厂区门口绿化带影响货车进出"),
                "enterprise_id": ent, "unit_id": units.get(row.get("unit")) if row.get("unit") else None,
                "deployment_id": app.config["BASE_DEPLOYMENT_ID"], "created_at": at,
                "updated_at": at, "closed_at": at})
        ids = [uow.session.execute(insert(Case).values(**v).returning(Case.id)).scalar()
               for v in values] if len(values) <= 50 else _bulk(uow.session, values)
        uow.commit()
    return ids


def _bulk(session, values: list[dict]) -> list[int]:
    session.execute(insert(Case), values)
    numbers = [v["number"] for v in values]
    return list(session.scalars(select(Case.id).where(Case.number.in_(numbers))))


def spread(start: datetime, days: int, per_day: int, **fields) -> list[dict]:
    """`per_day` cases a day for `days` days from `start` (hours apart), with the same fields."""
    return [{**fields, "created_at": start + timedelta(days=d, hours=1 + h)}
            for d in range(days) for h in range(per_day)]


def clear_alerts(rt) -> None:
    with rt.uow() as uow:
        uow.session.execute(delete(SurgeAlert))
        uow.session.commit()
