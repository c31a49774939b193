"""Reference data the entry points show or check: receiving units, towns, users' and
enterprises' names. Read-only; each function one short unit of work."""
from __future__ import annotations

from sqlalchemy import select

from app.db.models import Enterprise, Unit, User

from .enterprises import describe
from .runtime import Runtime


def units(rt: Runtime, order: str = "kind") -> list[dict]:
    """Every unit as {id, code, name, kind}: by kind then code (`order="kind"`, the API's
    listing), by kind then id (`"kind_id"`) or by id (`"id"`, the seeded order)."""
    orders = {"kind": (Unit.kind, Unit.code), "kind_id": (Unit.kind, Unit.id), "id": (Unit.id,)}
    with rt.uow() as uow:
        return [{"id": u.id, "code": u.code, "name": u.name, "kind": u.kind}
                for u in uow.session.scalars(select(Unit).order_by(*orders[order]))]


def unit_choices(rt: Runtime, order: str = "kind_id") -> list[tuple[str, str]]:
    """(code, name) of every unit, for a dropdown."""
    return [(u["code"], u["name"]) for u in units(rt, order)]


def unit_names(rt: Runtime) -> dict[str, str]:
    """Unit code → name."""
    with rt.uow() as uow:
        return dict(uow.session.execute(select(Unit.code, Unit.name)).all())


def unit_exists(rt: Runtime, code: str) -> bool:
    with rt.uow() as uow:
        return uow.session.scalar(select(Unit.id).where(Unit.code == code)) is not None


def towns(rt: Runtime) -> list[tuple[str, str]]:
    """(code, name) of the town units (镇街), in their seeded order."""
    with rt.uow() as uow:
        return [(row.code, row.name) for row in uow.session.execute(
            select(Unit.code, Unit.name).where(Unit.kind == "town").order_by(Unit.id))]


def enterprise_towns(rt: Runtime) -> list[str]:
    """The towns the registered enterprises are in, sorted."""
    with rt.uow() as uow:
        return sorted(t for t in uow.session.scalars(select(Enterprise.town).distinct()) if t)


def user_display_name(rt: Runtime, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    with rt.uow() as uow:
        return uow.session.scalar(select(User.display_name).where(User.id == user_id))


def enterprise(rt: Runtime, enterprise_id: int | None) -> dict | None:
    """An enterprise as `enterprises.describe` shows it, or None."""
    if not enterprise_id:
        return None
    with rt.uow() as uow:
        row = uow.session.get(Enterprise, enterprise_id)
        return describe(row) if row else None
