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
