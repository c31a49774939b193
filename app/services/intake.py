"""P1 intake, P2 identification, P3 kinds: a demand becomes a case and its process starts."""
from __future__ import annotations

from app.db.models import Case, Enterprise, KnowledgeArticle
from app.domain.actor import Actor
from app.domain.errors import Forbidden, ValidationFailed
from app.domain.phone import normalize_phone, validate_phone
from app.domain.text import too_long
from app.domain.texts import msg
from app.domain.vocab import DOMAINS, KINDS, MATTER_CLASSES

from . import audit, idempotency, messages, projection
from .cases import describe_case
from .command import Command, running
from .deployments import latest
from .enterprises import identify
from .idempotency import IdempotencyRequest
from .numbering import defer_insight_rollup, reserve_case_number
from .runtime import Runtime

ENTERPRISE_CHANNELS = ("web", "app")
SUBMISSION_KEYS = ("address", "address_id", "lat", "long", "media_url", "email", "device_id",
                   "account_id")


def submit_case(rt: Runtime, actor: Actor, payload: dict,
                idem: IdempotencyRequest | None = None, *, direct: bool = False) -> dict:
    """Record a demand: by an agent on the phone, or by the enterprise itself (web/app).
    `direct`: the agent means to answer it directly, so the reply is required. Every missing or
    invalid field is named at once; nothing is written then.
    With `idem`, the result is stored under its key in the same transaction."""
    kind, domain, matter_class = payload.get("kind"), payload.get("domain") or None, \
        payload.get("matter_class") or "general"
    description = (payload.get("description") or "").strip()
    direct_reply = (payload.get("direct_reply") or "").strip() or None
    contact_phone = normalize_phone(payload["contact_phone"]) if payload.get("contact_phone") else None

    with rt.uow() as uow:
        session = uow.session
        errors, channel, enterprise, kb_article = _checked(session, actor, payload, direct)
        if errors:
            raise ValidationFailed(fields=errors)
        key_row = idempotency.claim(uow, rt, idem)
        deployment = latest(session)
        now = rt.clock.now()
        defer_insight_rollup(session)
        case = Case(
            number=reserve_case_number(rt, session, now), status="new", channel=channel, kind=kind,
            domain=domain, town=payload.get("town") or enterprise.town, description=description,
            contact_name=payload.get("contact_name"),
            contact_phone=contact_phone or enterprise.phone, enterprise_id=enterprise.id,
            red_list=enterprise.red_list, direct_reply=direct_reply,
            kb_article_id=kb_article.id if kb_article else None, dissatisfied_rounds=0,
            matter_class=matter_class, overdue=False,
            deployment_id=deployment.id, created_by=actor.id, created_at=now, updated_at=now)
        session.add(case)
        session.flush()
        # A new case: no clocks, open tasks, timers or state yet (nothing to read), one trail INSERT
        command = Command(uow, rt, actor, case, now, open_tasks=[], timers_before={},
                          state_exists=False, trail=[], _clocks=[])
        audit.record(command, "intake", after={
            "channel": channel, "kind": kind, "domain": domain, "town": case.town,
            "description": description, "enterprise": enterprise.credit_code,
            "direct_reply": direct_reply, "kb_article": kb_article.title if kb_article else None}
            | submission_details(channel, payload))
        messages.enqueue(command, "acknowledge")
        bundle = rt.specs.get(session, deployment.id)
        with running(command):
            workflow = rt.runner.start(bundle, process_variables(rt, case))
            open_tasks = projection.save(command, workflow)
        projection.flush(command, new_case=True)
        result = describe_case(session, case, now=now, viewer=actor, open_tasks=open_tasks,
                               clocks=command.clocks())
        idempotency.finish(key_row, 201, result)
        version = case.version
        uow.commit()
        rt.workflows.put(case.id, version, workflow, [t.id for t in open_tasks], case.number)
        return result


SUBMITTERS = ("agent", "api_client", "enterprise")
LIMITS = {"description": 4000, "direct_reply": 4000, "contact_name": 50}


def check_submitter(actor: Actor) -> None:
    if actor.role not in SUBMITTERS or (actor.role == "enterprise" and not actor.enterprise_id):
        raise Forbidden(msg("intake.not_allowed", "只有话务员、企业用户或开放接口应用可以提交诉求"))


def submission_errors(rt: Runtime, actor: Actor, payload: dict, *,
                      direct: bool = False) -> dict[str, list[str]]:
    """What `submit_case` would refuse `payload` for, field by field, without writing anything:
    the fields, the enterprise's identification (P2) and the cited knowledge-base article.
    For an entry point whose own checks refused first, so that one answer names every field."""
    with rt.uow() as uow:
        return _checked(uow.session, actor, payload, direct)[0]


def _checked(session, actor: Actor, payload: dict, direct: bool):
    """(errors, channel, enterprise, cited article): every check of a submission, nothing written."""
    check_submitter(actor)
    errors = field_errors(actor, payload, direct)
    channel, enterprise = _submitter(session, actor, payload, errors)
    return errors, channel, enterprise, _cited_article(session, payload.get("kb_article_id"), errors)


def field_errors(actor: Actor, payload: dict, direct: bool = False) -> dict[str, list[str]]:
    """Every field that is missing or invalid, each with its message (not only the first)."""
    errors: dict[str, list[str]] = {}
    kind = payload.get("kind")
    if kind not in KINDS:
        errors["kind"] = [msg("intake.kind", "诉求类型须为 {kinds} 之一", kinds="/".join(KINDS))]
    if not (payload.get("description") or "").strip():
        errors["description"] = [msg("intake.description_empty", "请填写诉求内容")]
    for name, limit in LIMITS.items():
        if isinstance(payload.get(name), str) and (message := too_long(payload[name].strip(), limit)):
            errors[name] = [message]
    domain = payload.get("domain") or None
    if domain is not None and domain not in DOMAINS:
        errors["domain"] = [msg("intake.domain_unknown", "未知的诉求领域")]
    direct_reply = (payload.get("direct_reply") or "").strip() or None
    if direct and not direct_reply:
        errors["direct_reply"] = [msg("intake.direct_reply_empty", "请填写直接答复内容")]
    elif direct_reply and actor.role != "agent":
        errors["direct_reply"] = [msg("intake.direct_reply_agent_only", "只有话务员可以直接答复")]
    elif direct_reply and kind != "咨询":
        errors["direct_reply"] = [msg("intake.direct_reply_consultation_only", "只有咨询类诉求可以直接答复")]
    kb_article_id = payload.get("kb_article_id")
    if kb_article_id is not None and not direct_reply:
        errors.setdefault("kb_article_id", [msg("intake.kb_direct_reply_only", "只有直接答复可以引用知识库答复")])
    elif kb_article_id is not None and (isinstance(kb_article_id, bool)
                                        or not isinstance(kb_article_id, int)):
        errors["kb_article_id"] = [msg("intake.kb_id_integer", "知识库条目编号应为整数")]
    if (payload.get("matter_class") or "general") not in MATTER_CLASSES:
        errors["matter_class"] = [msg("intake.matter_class", "事项类别须为 urgent/utilities/general/complex 之一")]
    if payload.get("contact_phone"):
        if message := validate_phone(normalize_phone(payload["contact_phone"])):
            errors["contact_phone"] = [message]
    return errors


def _submitter(session, actor: Actor, payload: dict, errors: dict) -> tuple[str, Enterprise | None]:
    """The channel and the enterprise the demand is from (P2); a failed identification is added
    to `errors`."""
    if actor.role == "enterprise":
        channel = payload.get("channel") or "web"
        if channel not in ENTERPRISE_CHANNELS:
            errors["channel"] = [msg("intake.channel", "渠道须为 web 或 app")]
        return channel, session.get(Enterprise, actor.enterprise_id)
    channel = "phone" if actor.role == "agent" else "api"   # api: a third-party app (Open311)
    try:
        return channel, identify(session, payload.get("credit_code"), payload.get("phone"))
    except ValidationFailed as err:
        for name, texts in (err.fields or {}).items():
            errors.setdefault(name, texts)
        return channel, None


def _cited_article(session, kb_article_id, errors: dict) -> KnowledgeArticle | None:
    if kb_article_id is None or "kb_article_id" in errors:
        return None
    article = session.get(KnowledgeArticle, kb_article_id) if 0 < kb_article_id < 2**31 else None
    if article is None:   # beyond the column's range: no such article either
        errors["kb_article_id"] = [msg("knowledge.not_found", "未找到该知识库条目")]
    return article


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
