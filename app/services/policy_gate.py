"""The deploy gate (issue 19 §5; the checks themselves are in services/policy/): a new bundle is deployed only after its policy check passed,
unless an admin overrides with a written reason; every such step goes into the design trail."""
from __future__ import annotations

from sqlalchemy import select

from app.db.models_policy import DesignEvent, PolicyCheck
from app.domain.errors import Conflict

RUNNING, PASSED, FAILED, ERROR = "running", "passed", "failed", "error"


class PolicyCheckRequired(Conflict):
    code = "policy_check_required"
    default_message = "部署前须通过政策规则检查"


def failed_rules(results: list[dict]) -> list[str]:
    """"P5", "P12" … of the failed scenarios, in rule order."""
    rules = {r["rule"] for r in results if r.get("outcome") == "failed"}
    return sorted(rules, key=lambda rule: (int(rule[1:]) if rule[1:].isdigit() else 999, rule))


def required_check(session, settings: dict, bundle_hash: str) -> PolicyCheck | None:
    """The passed check of `bundle_hash` a deploy rests on; raises PolicyCheckRequired when there
    is none (never run, still running, failed). None when the gate is off (QISU_POLICY_GATE)."""
    if not settings.get("policy_gate", True):
        return None
    checks = list(session.scalars(
        select(PolicyCheck).where(PolicyCheck.bundle_hash == bundle_hash)
        .order_by(PolicyCheck.id.desc())))
    rules = settings.get("policy_rules")
    checks = [c for c in checks if c.rules == rules]
    passed = next((c for c in checks if c.status == PASSED), None)
    if passed is not None:
        return passed
    newest = checks[0] if checks else None
    if newest is None:
        message = "部署前须通过政策规则检查：请先点击“检查政策规则”"
    elif newest.status == RUNNING:
        message = f"政策规则检查 #{newest.id} 尚未完成，请等待检查通过后再部署"
    elif newest.status == FAILED:
        message = (f"政策规则检查 #{newest.id} 未通过（{'、'.join(failed_rules(newest.results))}），"
                   "不能部署；管理员可填写理由后强制部署")
    else:
        message = f"政策规则检查 #{newest.id} 未能完成，请重新检查"
    raise PolicyCheckRequired(message, fields={"policy_check": [message]})


def design_event(session, now, actor, action: str, *, deployment_id: int | None = None,
                 check_id: int | None = None, detail: dict | None = None) -> DesignEvent:
    entry = DesignEvent(at=now, action=action, deployment_id=deployment_id, policy_check_id=check_id,
                        detail=detail, actor_id=actor.id if actor else None,
                        actor_name=actor.display_name if actor else "系统",
                        actor_role=actor.role if actor else "system")
    session.add(entry)
    return entry
