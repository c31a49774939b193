"""P1 intake, P2 identification, P3 kinds: a demand becomes a case and its process starts."""
from __future__ import annotations


from app.db.models import Case, Enterprise, KnowledgeArticle
from app.domain.actor import Actor
from app.domain.errors import Forbidden, ValidationFailed
from app.domain.phone import normalize_phone, validate_phone
from app.domain.vocab import DOMAINS, KINDS, MATTER_CLASSES

from . import audit, idempotency, messages, projection
from .cases import describe_case
from .command import Command, running
from .deployments import latest
from .enterprises import identify
from .idempotency import IdempotencyRequest
from .numbering import next_case_number
from .runtime import Runtime

ENTERPRISE_CHANNELS = ("web", "app")
SUBMISSION_KEYS = ("address", "address_id", "lat", "long", "media_url", "email", "device_id",
                   "account_id")


def submit_case(rt: Runtime, actor: Actor, payload: dict,
                idem: IdempotencyRequest | None = None) -> dict:
    """Record a demand: by an agent on the phone, or by the enterprise itself (web/app).
    With `idem`, the result is stored under its key in the same transaction."""
    errors: dict[str, list[str]] = {}
    kind = payload.get("kind")
    if kind not in KINDS:
        errors["kind"] = [f"诉求类型须为 {'/'.join(KINDS)} 之一"]
    description = (payload.get("description") or "").strip()
    if not description:
        errors["description"] = ["请填写诉求内容"]
    domain = payload.get("domain") or None
    if domain is not None and domain not in DOMAINS:
        errors["domain"] = ["未知的诉求领域"]
    direct_reply = (payload.get("direct_reply") or "").strip() or None
    if direct_reply and actor.role != "agent":
        errors["direct_reply"] = ["只有话务员可以直接答复"]
    elif direct_reply and kind != "咨询":
        errors["direct_reply"] = ["只有咨询类诉求可以直接答复"]
    kb_article_id = payload.get("kb_article_id")
    if kb_article_id is not None and not direct_reply:
        errors["kb_article_id"] = ["只有直接答复可以引用知识库答复"]
    elif kb_article_id is not None and (isinstance(kb_article_id, bool)
                                        or not isinstance(kb_article_id, int)):
        errors["kb_article_id"] = ["知识库条目编号应为整数"]
    matter_class = payload.get("matter_class") or "general"
    if matter_class not in MATTER_CLASSES:
        errors["matter_class"] = ["事项类别须为 urgent/utilities/general/complex 之一"]
    contact_phone = payload.get("contact_phone")
    if contact_phone:
        contact_phone = normalize_phone(contact_phone)
        if message := validate_phone(contact_phone):
            errors["contact_phone"] = [message]
    if errors:
        raise ValidationFailed(fields=errors)

    with rt.uow() as uow:
        session = uow.session
        key_row = idempotency.claim(uow, rt, idem)
        kb_article = None
        if kb_article_id is not None:
            if 0 < kb_article_id < 2**31:  # beyond the column's range: no such article
                kb_article = session.get(KnowledgeArticle, kb_article_id)
            if kb_article is None:
                raise ValidationFailed(fields={"kb_article_id": ["未找到该知识库条目"]})
        if actor.role == "agent":
            channel = "phone"
            enterprise = identify(session, payload.get("credit_code"), payload.get("phone"))
        elif actor.role == "api_client":  # a third-party app (Open311): identified like P2
            channel = "api"
            enterprise = identify(session, payload.get("credit_code"), payload.get("phone"))
        elif actor.role == "enterprise" and actor.enterprise_id:
            channel = payload.get("channel") or "web"
            if channel not in ENTERPRISE_CHANNELS:
                raise ValidationFailed(fields={"channel": ["渠道须为 web 或 app"]})
            enterprise = session.get(Enterprise, actor.enterprise_id)
        else:
            raise Forbidden("只有话务员、企业用户或开放接口应用可以提交诉求")
        deployment = latest(session)
        now = rt.clock.now()
        case = Case(
            number=next_case_number(session, now), status="new", channel=channel, kind=kind,
            domain=domain, town=payload.get("town") or enterprise.town, description=description,
            contact_name=payload.get("contact_name"),
            contact_phone=contact_phone or enterprise.phone, enterprise_id=enterprise.id,
            red_list=enterprise.red_list, direct_reply=direct_reply,
            kb_article_id=kb_article.id if kb_article else None, dissatisfied_rounds=0,
            matter_class=matter_class, overdue=False,
            deployment_id=deployment.id, created_by=actor.id, created_at=now, updated_at=now)
        session.add(case)
        session.flush()
        command = Command(uow, rt, actor, case, now)
        audit.record(command, "intake", after={
            "channel": channel, "kind": kind, "domain": domain, "town": case.town,
            "description": description, "enterprise": enterprise.credit_code,
            "direct_reply": direct_reply, "kb_article": kb_article.title if kb_article else None}
            | submission_details(channel, payload))
        messages.enqueue(command, "acknowledge")
        bundle = rt.specs.get(session, deployment.id)
        with running(command):
            workflow = rt.runner.start(bundle, process_variables(rt, case))
            projection.save(command, workflow)
        session.flush()
        result = describe_case(session, case, now=now, viewer=actor)
        idempotency.finish(key_row, 201, result)
        uow.commit()
        return result


def submission_details(channel: str, payload: dict) -> dict:
    """What a third-party app sent beside the demand (location, media, its own account and
    device ids), kept in the intake record of the trail (P16) for the handlers and the app."""
    if channel != "api":
        return {}
    return {key: value for key, value in (payload.get("submission") or {}).items()
            if key in SUBMISSION_KEYS and value not in (None, "")}


def process_variables(rt: Runtime, case: Case) -> dict:
    return {
        "case_no": case.number, "kind": case.kind, "channel": case.channel,
        "domain": case.domain or "", "town": case.town or "", "red_list": bool(case.red_list),
        "direct_reply": case.direct_reply or "", "description": case.description,
        "max_dissatisfied_rounds": rt.settings.get("max_dissatisfied_rounds", 2),
        "matter_class": case.matter_class, "co_units": [], "handling_round": 0,
    }
