"""Where the open cases of one deployment wait: at which user task, for which timer, or stopped
on a step the deployed process refused (a faulted timer). For the designer, before deploying a
change that would meet those cases (they keep their deployment)."""
from __future__ import annotations

from sqlalchemy import distinct, func, select

from app.db.models import Case, Deployment, HumanTask, Timer
from app.domain.errors import NotFound
from app.domain.vocab import FINAL_STATUSES
from app.engine.bundle import file_kind


def waiting_points(rt, deployment_id: int) -> dict:
    """{"deployment", "open_cases", "points": [{"element_id", "title", "kind", "cases"}],
    "diagrams" (its BPMN files), "elsewhere"}: each point counts distinct open cases; kind is "task", "timer" or "stopped";
    `elsewhere` counts open cases at none of them (e.g. waiting for a signal)."""
    with rt.uow() as uow:
        session = uow.session
        deployment = session.get(Deployment, deployment_id)
        if deployment is None:
            raise NotFound("部署不存在")
        open_cases = select(Case.id).where(Case.deployment_id == deployment_id,
                                           Case.status.not_in(FINAL_STATUSES))
        total = session.scalar(select(func.count()).select_from(open_cases.subquery()))
        points = []
        tasks = session.execute(
            select(HumanTask.spec_name, func.min(HumanTask.title), func.count(distinct(HumanTask.case_id)))
            .where(HumanTask.status == "ready", HumanTask.case_id.in_(open_cases))
            .group_by(HumanTask.spec_name))
        points += [{"element_id": e, "title": t, "kind": "task", "cases": n} for e, t, n in tasks]
        for status, kind in (("waiting", "timer"), ("faulted", "stopped")):
            timers = session.execute(
                select(Timer.name, func.count(distinct(Timer.case_id)))
                .where(Timer.status == status, Timer.case_id.in_(open_cases)).group_by(Timer.name))
            points += [{"element_id": e, "title": None, "kind": kind, "cases": n} for e, n in timers]
        waiting = session.scalar(select(func.count(distinct(HumanTask.case_id))).where(
            HumanTask.status == "ready", HumanTask.case_id.in_(open_cases))) or 0
        timed = session.scalar(select(func.count(distinct(Timer.case_id))).where(
            Timer.status.in_(("waiting", "faulted")), Timer.case_id.in_(open_cases),
            Timer.case_id.not_in(select(HumanTask.case_id).where(HumanTask.status == "ready")))) or 0
        points.sort(key=lambda p: (-p["cases"], p["kind"], p["element_id"]))
        return {"deployment": deployment_id, "open_cases": total, "points": points,
                "diagrams": sorted(n for n in deployment.manifest if file_kind(n) == "bpmn"),
                "elsewhere": max(total - waiting - timed, 0)}
