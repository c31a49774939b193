"""Load the demo data (idempotent): units, enterprises, users for every role, knowledge base."""
from __future__ import annotations

from sqlalchemy import select

from app.db.models import Enterprise, KnowledgeArticle, Unit, User

from app.services.auth import hash_password
from app.services.knowledge import join_tags
from app.services.runtime import Runtime

from . import data as demo_data, knowledge as demo_knowledge


def seed_demo(rt: Runtime, password_method: str | None = None) -> dict:
    counts = {"units": 0, "enterprises": 0, "users": 0, "knowledge": 0}
    with rt.uow() as uow:
        session = uow.session
        units = {u.code: u for u in session.scalars(select(Unit))}
        for item in demo_data.UNITS:
            if item["code"] not in units:
                units[item["code"]] = Unit(**item)
                session.add(units[item["code"]])
                counts["units"] += 1
        enterprises = []
        for item in demo_data.ENTERPRISES:
            row = session.scalar(select(Enterprise).where(Enterprise.credit_code == item["credit_code"]))
            if row is None:
                row = Enterprise(**{k: item.get(k) for k in (
                    "credit_code", "name", "phone", "town", "red_list", "red_list_category")})
                session.add(row)
                counts["enterprises"] += 1
            enterprises.append(row)
        session.flush()
        for item in demo_data.USERS:
            if session.scalar(select(User).where(User.username == item["username"])):
                continue
            index = item.get("enterprise_index")
            session.add(User(
                username=item["username"], display_name=item["display_name"], role=item["role"],
                password_hash=hash_password(item["password"], password_method),
                unit_id=units[item["unit_code"]].id if item.get("unit_code") else None,
                enterprise_id=enterprises[index].id if index is not None else None))
            counts["users"] += 1
        titles = set(session.scalars(select(KnowledgeArticle.title)))
        now = rt.clock.now()
        for item in demo_knowledge.ARTICLES:
            if item["title"] not in titles:
                session.add(KnowledgeArticle(
                    title=item["title"], answer=item["answer"], domain=item["domain"],
                    tags=join_tags(item["tags"]), updated_at=now))
                counts["knowledge"] += 1
        uow.commit()
    return counts
