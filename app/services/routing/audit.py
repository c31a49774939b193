"""P4 sample audit (分拨抽检): an unbiased measure of how often automatic dispatch chose the right
domain on this system's own cases.

The live "kept" rate (`usage`) cannot see a wrong domain that nobody corrected. Here a
supervisor draws a random sample of one model version's automatically dispatched cases and
judges each: the domain was right, or it was wrong and should have been another one. The judged
ones give the version's live precision with a 95% Wilson interval. A verdict changes nothing on
the live case (a wrongly routed case is returned and redispatched through the process as usual);
it is written to the case's trail and becomes the case's training label
(`model_versions.closed_case_rows`). A drawn case stays in the sample until judged, so nobody
can leave the hard ones out; each case is drawn at most once.
"""
from __future__ import annotations

from sqlalchemy import case as when, func, select, update

from app.clock import iso
from app.db.models import Case, RoutingAudit, RoutingModel, Unit, User
from app.domain.actor import Actor
from app.domain.errors import Conflict, NotFound, ValidationFailed
from app.domain.texts import msg
from app.domain.vocab import DOMAINS

from .. import audit
from ..runtime import Runtime

VERDICTS = ("correct", "wrong")
MAX_SAMPLE = 100
NOTE_MAX = 500
EXCERPT = 300


def _model(session, version: int) -> RoutingModel:
    row = session.get(RoutingModel, version)
    if row is None:
        raise NotFound(msg("routing.version_not_found", "分拨模型版本 {version} 不存在", version=version))
    return row


def draw_sample(rt: Runtime, actor: Actor, version: int, size: int) -> dict:
    """Adds up to ``size`` (1–100) randomly chosen automatically dispatched cases of ``version``
    that were never drawn to its sample. Returns {"version", "drawn", "summary"}."""
    if not isinstance(size, int) or not 1 <= size <= MAX_SAMPLE:
        raise ValidationFailed(fields={"size": [msg("audit.sample_size", "抽样数须为 1–{max}", max=MAX_SAMPLE)]})
    with rt.uow() as uow:
        s = uow.session
        _model(s, version)
        drawn = select(RoutingAudit.case_id)
        case_ids = list(s.scalars(
            select(Case.id).where(Case.routing_model_id == version, Case.auto_dispatched.is_(True),
                                  Case.id.not_in(drawn))
            .order_by(func.random()).limit(size)))
        now = rt.clock.now()
        s.add_all(RoutingAudit(case_id=case_id, model_version=version, drawn_at=now,
                               drawn_by=actor.username) for case_id in case_ids)
        s.flush()
        result = {"version": version, "drawn": len(case_ids), "summary": _summary_of(s, version)}
        uow.commit()
    return result


def judge(rt: Runtime, actor: Actor, audit_id: int, verdict: str, domain: str | None = None,
          note: str | None = None) -> dict:
    """Records the verdict on a drawn case: ``correct``, or ``wrong`` with the ``domain`` it
    should have had. A verdict is final: judging again is a conflict (409)."""
    domain = (domain or "").strip() or None
    note = (note or "").strip() or None
    with rt.uow() as uow:
        s = uow.session
        row = s.get(RoutingAudit, audit_id)
        if row is None:
            raise NotFound(msg("audit.not_found", "抽检记录 {id} 不存在", id=audit_id))
        case = s.get(Case, row.case_id)
        errors = _check(verdict, domain, note, case.predicted_domain)
        if errors:
            raise ValidationFailed(fields=errors)
        audited = case.predicted_domain if verdict == "correct" else domain
        now = rt.clock.now()
        changed = s.execute(
            update(RoutingAudit).where(RoutingAudit.id == audit_id, RoutingAudit.verdict.is_(None))
            .values(verdict=verdict, audited_domain=audited, note=note, judged_at=now,
                    judged_by=actor.username)
            .execution_options(synchronize_session=False)).rowcount
        if changed != 1:
            raise Conflict(msg("audit.judged", "该抽检已判定，不能重复判定"))
        audit.event(s, case.id, now, actor, "routing_audit",
                    before={"domain": case.predicted_domain},
                    after={"verdict": verdict, "domain": audited, "note": note})
        s.expire(row)
        result = _view(s, row, case, {actor.username: actor.display_name})
        uow.commit()
    return result


def _check(verdict, domain, note, auto_domain) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if verdict not in VERDICTS:
        errors["verdict"] = ["判定须为 correct（正确）或 wrong（错误）"]
    elif verdict == "wrong":
        if domain is None:
            errors["domain"] = ["判定为错误时须选择正确的领域"]
        elif domain not in DOMAINS:
            errors["domain"] = ["未知的诉求领域"]
        elif domain == auto_domain:
            errors["domain"] = ["正确领域与自动派单领域相同；请判定为正确"]
    elif domain is not None and domain != auto_domain:
        errors["domain"] = ["判定为正确时不填领域"]
    if note is not None and len(note) > NOTE_MAX:
        errors["note"] = ["备注不超过 500 字"]
    return errors


def case_number_of(rt: Runtime, audit_id: int) -> str | None:
    """The number of the case an audit drew (None for an unknown audit)."""
    with rt.uow() as uow:
        return uow.session.scalar(select(Case.number).join(RoutingAudit, RoutingAudit.case_id == Case.id)
                                  .where(RoutingAudit.id == audit_id))


def list_audits(rt: Runtime, version: int) -> dict:
    """{"version", "summary", "audits": [...]}: the sample of ``version``, cases to judge first
    (oldest drawn first), then the judged ones (latest first)."""
    with rt.uow() as uow:
        s = uow.session
        _model(s, version)
        rows = s.execute(select(RoutingAudit, Case).join(Case, Case.id == RoutingAudit.case_id)
                         .where(RoutingAudit.model_version == version)).all()
        pending = sorted((r for r in rows if r[0].verdict is None), key=lambda r: r[0].id)
        judged = sorted((r for r in rows if r[0].verdict is not None), key=lambda r: -r[0].id)
        people = {a.drawn_by for a, _ in rows} | {a.judged_by for a, _ in rows if a.judged_by}
        names = dict(s.execute(select(User.username, User.display_name).where(User.username.in_(people))).all())
        return {"version": version, "summary": _summary_of(s, version),
                "audits": [_view(s, a, c, names) for a, c in pending + judged]}


def summaries(session, auto_counts: dict[int, int]) -> dict[int, dict]:
    """{version: summary} for every version in ``auto_counts`` ({version: its automatic
    dispatches}, e.g. from ``usage``) or with a sample."""
    counts = _sample_counts(session)
    return {v: _summary(*counts.get(v, (0, 0, 0)), auto_counts.get(v, 0))
            for v in set(counts) | set(auto_counts)}


def _summary_of(session, version: int) -> dict:
    auto = session.scalar(select(func.count()).where(Case.routing_model_id == version,
                                                     Case.auto_dispatched.is_(True)))
    return _summary(*_sample_counts(session, version).get(version, (0, 0, 0)), auto or 0)


def _sample_counts(session, version: int | None = None) -> dict[int, tuple[int, int, int]]:
    """{version: (drawn, judged, judged correct)}."""
    query = (select(RoutingAudit.model_version, func.count(), func.count(RoutingAudit.verdict),
                    func.sum(when((RoutingAudit.verdict == "correct", 1), else_=0)))
             .group_by(RoutingAudit.model_version))
    if version is not None:
        query = query.where(RoutingAudit.model_version == version)
    return {v: (sampled, judged, int(correct or 0)) for v, sampled, judged, correct in session.execute(query)}


def _summary(sampled: int, judged: int, correct: int, auto: int) -> dict:
    """Counts of a version's sample, and the precision of the judged ones with its 95% Wilson
    interval (None until something is judged). ``auto``: all its automatic dispatches."""
    low = high = precision = None
    if judged:
        precision = round(correct / judged, 4)
        from scipy.stats import binomtest  # on first use: scipy costs ~1 s at start-up
        interval = binomtest(correct, judged).proportion_ci(confidence_level=0.95, method="wilson")
        low, high = round(float(interval.low), 4), round(float(interval.high), 4)
    return {"auto": auto, "sampled": sampled, "judged": judged, "pending": sampled - judged,
            "correct": correct, "wrong": judged - correct, "precision": precision,
            "ci_low": low, "ci_high": high}


EMPTY_SUMMARY = _summary(0, 0, 0, 0)


def _view(session, row: RoutingAudit, case: Case, names: dict[str, str]) -> dict:
    unit = session.get(Unit, case.unit_id) if case.unit_id else None
    text = case.description or ""
    return {"id": row.id, "case_number": case.number,
            "description": text if len(text) <= EXCERPT else text[:EXCERPT] + "…",
            "auto_domain": case.predicted_domain, "confidence": case.domain_confidence,
            "domain": case.domain, "unit": unit.name if unit else None, "status": case.status,
            "drawn_at": iso(row.drawn_at), "drawn_by": row.drawn_by, "verdict": row.verdict,
            "audited_domain": row.audited_domain, "note": row.note,
            "judged_at": iso(row.judged_at), "judged_by": row.judged_by,
            "judged_by_name": names.get(row.judged_by, row.judged_by) if row.judged_by else None}
