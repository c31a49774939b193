"""P4 routing hint at intake: the unit the `routing` decision table would suggest, before the
case exists, so the agent can tell the caller who will handle it.

The table is the one of the newest deployment (what a case submitted now would run on),
evaluated by SpiffWorkflow's own DMN engine with the process's sandboxed script engine — the
same rules and the same hit policy (FIRST) as the business rule task `route`
(`app/engine/decisions.py`).
"""
from __future__ import annotations

import logging

from sqlalchemy import select

from app.db.models import Unit
from app.engine import decisions

from ..deployments import latest
from ..runtime import Runtime

ROUTING_DECISION = "routing"
log = logging.getLogger(__name__)


def suggest_unit(rt: Runtime, domain: str | None, town: str | None,
                 kind: str | None) -> dict | None:
    """{"code", "name"} of the suggested receiving unit, or None (no rule matched, no
    deployment, or the table failed on these inputs)."""
    with rt.uow() as uow:
        session = uow.session
        deployment = latest(session)
        if deployment is None:
            return None
        bundle = rt.specs.get(session, deployment.id)
        data = {"domain": domain or "", "town": town or "", "kind": kind or "",
                "domain_suggestion": {"label": ""}}
        try:
            result = decisions.evaluate(bundle, ROUTING_DECISION, data, rt.runner.script_engine)
        except Exception:  # a designer's table that fails on these inputs: no hint
            log.warning("routing table failed for %s", data, exc_info=True)
            return None
        code = result.get("suggested_unit") if isinstance(result, dict) else None
        if not code:
            return None
        unit = session.scalar(select(Unit).where(Unit.code == code))
        return {"code": code, "name": unit.name if unit else code}


DOMAIN_SOURCES = ("", "suggested", "agent")


def applied_domain(suggestion: dict | None, domain: str | None, source: str) -> tuple[str, str]:
    """P4 at intake: the domain field's value and where it came from ("suggested" or "agent").

    The agent's own choice stays, even 未分类. Otherwise the classifier's top domain is filled in
    when its score reaches the active model's auto-dispatch threshold (`auto`), and a filled-in
    suggestion the text no longer supports is taken back: below the threshold the domains are
    only offered, never chosen."""
    if source == "agent" or (domain and source != "suggested"):
        return domain or "", "agent"
    if suggestion and suggestion.get("auto") and suggestion.get("label"):
        return suggestion["label"], "suggested"
    return "", ""


def dispatch_suggestion(rt: Runtime, case: dict) -> dict:
    """P4 on the dispatch task: ONE suggestion, the one the process made and the dispatch checks
    an override against — the routing table applied, at intake, to the agent's domain when the
    agent chose one, else to the classifier's top domain. The classifier's other domains are
    listed with the unit the table would give each, as alternatives, not as suggestions.

    {"domain", "source": "agent" | "classifier" | None, "unit": {"code", "name"} | None,
     "rows": [{"domain", "confidence" (None for the agent's), "unit", "suggested"}]}"""
    routing = case.get("routing") or {}
    source = "agent" if case.get("domain") else "classifier" if routing.get("predicted_domain") else None
    domain = case.get("domain") or routing.get("predicted_domain") or None
    unit = None
    if case.get("suggested_unit"):
        with rt.uow() as uow:
            name = uow.session.scalar(select(Unit.name).where(Unit.code == case["suggested_unit"]))
        unit = {"code": case["suggested_unit"], "name": name or case["suggested_unit"]}
    rows = []
    for item in routing.get("top3") or []:
        chosen = item["domain"] == domain
        rows.append({"domain": item["domain"], "confidence": item["confidence"], "suggested": chosen,
                     "unit": unit if chosen else suggest_unit(rt, item["domain"], case.get("town"),
                                                              case.get("kind"))})
    if domain and not any(row["suggested"] for row in rows):
        rows.insert(0, {"domain": domain, "confidence": None, "unit": unit, "suggested": True})
    return {"domain": domain, "source": source, "unit": unit, "rows": rows}
