"""Which diagram the figures are drawn on, and its flow graph (app/engine/graph.py)."""
from __future__ import annotations

from dataclasses import dataclass

from app.db.models import Deployment
from app.domain.errors import NotFound
from app.engine.graph import ProcessGraph, build

from ..deployments import latest


@dataclass(frozen=True)
class Scope:
    """The filters of the dashboard, plus the deployment (None: across versions)."""
    filters: object            # app.services.insight.filters.Filters
    deployment: int | None = None


def shown_deployment(session, scope: Scope) -> int:
    """The deployment whose diagram shows the figures: the chosen one, else the current one."""
    if scope.deployment is not None:
        if session.get(Deployment, scope.deployment) is None:
            raise NotFound("部署不存在")
        return scope.deployment
    current = latest(session)
    if current is None:
        raise NotFound("尚未部署流程")
    return current.id


def graph_for(rt, session, deployment_id: int) -> ProcessGraph:
    """The deployment's graph, built once per deployment (deployments never change)."""
    graphs = getattr(rt, "analytics_graphs", None)
    if graphs is None:
        graphs = rt.analytics_graphs = {}
    graph = graphs.get(deployment_id)
    if graph is None:
        bundle = rt.specs.get(session, deployment_id)
        graph = graphs[deployment_id] = build(bundle.files, bundle.process_id)
    return graph


def diagrams(rt, scope: Scope) -> dict:
    """The shown deployment's process diagrams (main process first) for the heat map canvas."""
    with rt.uow() as uow:
        session = uow.session
        deployment_id = shown_deployment(session, scope)
        graph = graph_for(rt, session, deployment_id)
        files = rt.specs.get(session, deployment_id).files
    return {"deployment_id": deployment_id,
            "processes": [{"process_id": pid, "name": graph.names[pid], "xml": files[graph.files[pid]]}
                          for pid in graph.processes]}


def deployments(rt) -> list[dict]:
    """Deployments to choose from, newest first."""
    from sqlalchemy import select
    with rt.uow() as uow:
        return [{"id": d.id, "created_at": d.created_at}
                for d in uow.session.scalars(select(Deployment).order_by(Deployment.id.desc()).limit(50))]


def model_cached(fn):
    """Cache `fn(rt, …)` as the dashboard's answers are cached (app/services/insight/cache.py),
    keyed also by the current deployment: a new deployment changes the diagram and the model
    that conformance checks, without writing a case or an audit event."""
    from functools import wraps

    from ..insight.cache import cached

    @wraps(fn)
    def keyed(rt, _deployment, *args, **kwargs):
        return fn(rt, *args, **kwargs)
    inner = cached(keyed)

    @wraps(fn)
    def wrapper(rt, *args, **kwargs):
        with rt.uow() as uow:
            current = latest(uow.session)
            current_id = current.id if current is not None else None
        return inner(rt, current_id, *args, **kwargs)
    wrapper.uncached = fn
    return wrapper
