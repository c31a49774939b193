"""P2: identify the enterprise by unified social credit code or registered phone."""
from __future__ import annotations

from sqlalchemy import or_, select

from app.db.models import Enterprise
from app.domain import credit_code
from app.domain.errors import ValidationFailed
from app.domain.phone import normalize_phone, validate_phone
from app.domain.texts import msg


def identify(session, code: str | None, phone: str | None) -> Enterprise:
    if code:
        code = credit_code.normalize(code)
        error = credit_code.validate(code)
        if error:
            raise ValidationFailed(fields={"credit_code": [error]})
        enterprise = session.scalar(select(Enterprise).where(Enterprise.credit_code == code))
        if enterprise is None:
            raise ValidationFailed(fields={"credit_code": [
                msg("enterprise.credit_code_unknown", "未找到该统一社会信用代码对应的企业")]})
        return enterprise
    if phone:
        phone = normalize_phone(phone)
        error = validate_phone(phone)
        if error:
            raise ValidationFailed(fields={"phone": [error]})
        enterprise = session.scalar(select(Enterprise).where(Enterprise.phone == phone))
        if enterprise is None:
            raise ValidationFailed(fields={"phone": [msg("enterprise.phone_unknown", "该电话未登记为企业联系电话")]})
        return enterprise
    raise ValidationFailed(fields={"credit_code": [
        msg("enterprise.identify", "请提供统一社会信用代码或企业登记电话")]})


def search(rt, query: str, limit: int = 20) -> list[dict]:
    query = (query or "").strip()
    with rt.uow() as uow:
        stmt = select(Enterprise).order_by(Enterprise.red_list.desc(), Enterprise.name).limit(limit)
        if query:
            code, phone = query.upper(), normalize_phone(query)
            conditions = [Enterprise.name.contains(query, autoescape=True),
                          Enterprise.credit_code == code, Enterprise.phone == phone]
            if len(query) >= 4:  # as the agent types: the start of a credit code or phone
                conditions.append(Enterprise.credit_code.startswith(code, autoescape=True))
                if phone.isdigit():
                    conditions.append(Enterprise.phone.startswith(phone, autoescape=True))
            stmt = stmt.where(or_(*conditions))
        return [describe(e) for e in uow.session.scalars(stmt)]


def describe(e: Enterprise) -> dict:
    return {"id": e.id, "credit_code": e.credit_code, "name": e.name, "phone": e.phone,
            "town": e.town, "red_list": e.red_list, "red_list_category": e.red_list_category}
