"""Policy checks of a designer's draft (issue 19 §5): start one, follow it, deploy past a failed
one as an admin with a written reason. The run itself is runner.run_scenarios, in a thread of
this process (one at a time: the scenarios take both cores); progress is written to the row, so
any web worker can answer the page's polling."""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy import select

from app.clock import iso
from app.db.models import Deployment, User
from app.db.models_policy import DesignEvent, PolicyCheck
from app.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.engine.bundle import file_kind

from ..deployments import (FILE_TYPES_MESSAGE, bundle_files, bundle_hash_of, deploy_errors,
                           deploy_files, describe, errors_by_place, latest, registered_actions,
                           same_content)
from ..policy_gate import ERROR, FAILED, PASSED, RUNNING, design_event, failed_rules
from .runner import PolicyCheckUnavailable, by_rule, run_scenarios

log = logging.getLogger(__name__)
_ONE_AT_A_TIME = threading.Lock()
STALE_AFTER = timedelta(minutes=30)  # a "running" check older than this died with its server
MIN_REASON = 5


def start_check(rt, actor, edits: dict[str, str], background: bool = True) -> dict:
    """Check the newest deployment with `edits` (filename → content) in place. A draft that
    cannot be deployed at all is refused (422, as a deploy would be); the same draft already
    being checked is not checked twice."""
    for name in edits:
        if file_kind(name) is None:
            raise ValidationFailed(fields={"filename": [FILE_TYPES_MESSAGE]})
    with rt.uow() as uow:
        session = uow.session
        base = latest(session)
        if base is None:
            raise NotFound("尚无已部署的流程")
        files = bundle_files(session, base)
        changed = {name: content for name, content in edits.items()
                   if name not in files or not same_content(name, files[name], content)}
        draft = files | changed
        errors = deploy_errors(draft, registered_actions(rt))  # the lint too, as deploy
        if errors:
            raise ValidationFailed("流程文件校验失败", fields=errors_by_place(errors))
        rules = rt.settings.get("policy_rules")
        digest = bundle_hash_of(draft)
        running = session.scalar(select(PolicyCheck).where(
            PolicyCheck.bundle_hash == digest, PolicyCheck.status == RUNNING)
            .order_by(PolicyCheck.id.desc()).limit(1))
        if running is not None and running.rules == rules and not _stale(rt, running):
            return _describe(session, running)
        check = PolicyCheck(base_deployment_id=base.id, bundle_hash=digest, edits=changed,
                            rules=rules, status=RUNNING, done=0, results=[],
                            started_at=rt.clock.now(), created_by=actor.id if actor else None)
        session.add(check)
        session.flush()
        design_event(session, rt.clock.now(), actor, "policy_check", check_id=check.id,
                     detail={"files": sorted(changed)})
        uow.commit()
        out = _describe(session, check)
    if background:
        threading.Thread(target=run_check, args=(rt, out["id"]), name=f"policy-check-{out['id']}",
                         daemon=True).start()
    else:
        run_check(rt, out["id"])
    return out


def run_check(rt, check_id: int) -> None:
    """Run the scenarios of one check, writing progress and the result to its row."""
    with rt.uow() as uow:
        check = uow.session.get(PolicyCheck, check_id)
        base = uow.session.get(Deployment, check.base_deployment_id)
        files = bundle_files(uow.session, base) | dict(check.edits)
        rules = check.rules

    def progress(total, results):
        with rt.uow() as uow:
            row = uow.session.get(PolicyCheck, check_id)
            row.total, row.done, row.results = total, len(results), results
            uow.commit()

    with _ONE_AT_A_TIME:
        try:
            result = run_scenarios(files, rules, on_progress=progress)
            status, message = result["status"], result["output"] or None
            total, results = result["total"], result["results"]
        except (PolicyCheckUnavailable, OSError) as err:
            status, message, total, results = ERROR, str(err), None, []
        except Exception as err:  # noqa: BLE001 - the row must not stay "running"
            log.exception("policy check %s failed to run", check_id)
            status, message, total, results = ERROR, f"{type(err).__name__}: {err}", None, []
    with rt.uow() as uow:
        row = uow.session.get(PolicyCheck, check_id)
        row.status, row.message, row.finished_at = status, message, rt.clock.now()
        if total is not None:
            row.total, row.done, row.results = total, len(results), results
        design_event(uow.session, rt.clock.now(), None, "policy_check_" + status, check_id=check_id,
                     detail={"failed_rules": failed_rules(row.results)})
        uow.commit()


def get_check(rt, check_id: int) -> dict:
    with rt.uow() as uow:
        check = uow.session.get(PolicyCheck, check_id)
        if check is None:
            raise NotFound("政策规则检查不存在")
        if check.status == RUNNING and _stale(rt, check):
            check.status, check.message = ERROR, "检查所在的服务已重启，检查未完成"
            uow.commit()
        return _describe(uow.session, check)


def list_checks(rt, limit: int = 10) -> list[dict]:
    with rt.uow() as uow:
        rows = uow.session.scalars(select(PolicyCheck).order_by(PolicyCheck.id.desc()).limit(limit))
        return [_describe(uow.session, row, with_results=False) for row in rows]


def override_deploy(rt, actor, check_id: int, reason: str) -> dict:
    """An admin deploys the draft of a check that did not pass, with a written reason; the
    reason goes into the deployment's record and the design trail."""
    if actor is None or actor.role != "admin":
        raise Forbidden("只有管理员可以跳过政策规则检查部署")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValidationFailed(fields={"reason": [f"请填写强制部署的理由（至少 {MIN_REASON} 个字）"]})
    with rt.uow() as uow:
        session = uow.session
        check = session.get(PolicyCheck, check_id)
        if check is None:
            raise NotFound("政策规则检查不存在")
        if check.status == RUNNING and not _stale(rt, check):
            raise Conflict("政策规则检查尚未完成")
        base = session.get(Deployment, check.base_deployment_id)
        current = latest(session)
        if current is None or current.id != base.id:
            raise Conflict(f"检查之后已有新的部署 #{current.id}，请重新检查这份草稿")
        files = bundle_files(session, base) | dict(check.edits)
        deployment, created = deploy_files(uow, files, rt.clock.now(), actor.id, reactivate=True,
                                           actions=registered_actions(rt))
        deployment.policy_check_id = check.id
        deployment.policy_override_reason = reason
        deployment.policy_override_by = actor.id
        design_event(session, rt.clock.now(), actor, "policy_override", deployment_id=deployment.id,
                     check_id=check.id, detail={"reason": reason, "status": check.status,
                                                "failed_rules": failed_rules(check.results),
                                                "files": sorted(check.edits)})
        uow.commit()
        return describe(deployment) | {"created": created, "override_reason": reason}


def design_trail(rt, limit: int = 50) -> list[dict]:
    """The newest entries of the design trail (checks, deploys, overrides)."""
    with rt.uow() as uow:
        rows = uow.session.scalars(select(DesignEvent).order_by(DesignEvent.id.desc()).limit(limit))
        return [{"at": iso(e.at), "actor": e.actor_name, "role": e.actor_role, "action": e.action,
                 "deployment_id": e.deployment_id, "policy_check_id": e.policy_check_id,
                 "detail": e.detail or {}} for e in rows]


def _stale(rt, check: PolicyCheck) -> bool:
    return check.status == RUNNING and rt.clock.now() - check.started_at > STALE_AFTER \
        and not _ONE_AT_A_TIME.locked()


def _describe(session, check: PolicyCheck, with_results: bool = True) -> dict:
    creator = session.get(User, check.created_by) if check.created_by else None
    out = {"id": check.id, "status": check.status, "total": check.total, "done": check.done,
           "files": sorted(check.edits), "rules_checked": check.rules,
           "base_deployment_id": check.base_deployment_id, "bundle_hash": check.bundle_hash[:10],
           "started_at": iso(check.started_at),
           "finished_at": iso(check.finished_at) if check.finished_at else None,
           "created_by": creator.display_name if creator else None, "message": check.message,
           "failed_rules": failed_rules(check.results),
           "passed": sum(1 for r in check.results if r.get("outcome") == "passed"),
           "failed": sum(1 for r in check.results if r.get("outcome") == "failed")}
    if with_results:
        out["rules"] = by_rule(check.results)
    return out
