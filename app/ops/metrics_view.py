"""`GET /metrics` in the Prometheus text format.

Request latency, tasks completed and timers fired come from app/metrics.py (summed over the
processes in multi-process mode); open and overdue cases are counted by one grouped query at
scrape time. With `QISU_METRICS_TOKEN` set, the scraper must send `Authorization: Bearer <token>`;
without it only this machine (a loopback client address) may scrape, everyone else gets 403.
Behind a reverse proxy the client address is the proxy's unless `QISU_TRUSTED_PROXIES` is set, so
`bin/serve-prod` always sets a token.
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
import os

from flask import Response, current_app, request
from prometheus_client import REGISTRY, CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from app.http.errors import error_response
from app.metrics import REQUEST_LATENCY
from app.services.case_counts import open_by_status

log = logging.getLogger("qisu.metrics")


def observe_request(endpoint: str, method: str, status: int, duration_ms: float | None) -> None:
    if duration_ms is not None:
        REQUEST_LATENCY.labels(endpoint=endpoint, method=method,
                               status=str(status)).observe(duration_ms / 1000)


class _ProcessMetrics:
    """This process's registry (single-process mode)."""

    def collect(self):
        return REGISTRY.collect()


class CaseCollector:
    """Open cases by status and overdue open cases, counted when scraped."""

    def __init__(self, rt):
        self.rt = rt

    def collect(self):
        up = GaugeMetricFamily("qisu_database_up", "1 when the metrics query reached the database")
        try:
            rows = open_by_status(self.rt)
        except Exception as err:  # the database is down: say so instead of failing the scrape
            log.warning("case metrics unavailable: %s", err.__class__.__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        open_cases = GaugeMetricFamily("qisu_cases_open", "Open cases by status", labels=["status"])
        overdue = GaugeMetricFamily("qisu_cases_overdue", "Open cases past a deadline")
        for status, count, _late in rows:
            open_cases.add_metric([status], count)
        overdue.add_metric([], sum(late for _s, _c, late in rows))
        yield open_cases
        yield overdue


def registry_for_scrape(rt) -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ProcessMetrics())
    registry.register(CaseCollector(rt))
    return registry


def _loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False


def metrics():
    token = current_app.config.get("QISU_METRICS_TOKEN")
    if token:
        sent = request.headers.get("Authorization", "")
        if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return error_response(401, "unauthorized", "需要有效的监控令牌")
    elif not _loopback(request.remote_addr):
        return error_response(403, "forbidden", "未设置监控令牌（QISU_METRICS_TOKEN）时仅允许本机访问")
    registry = registry_for_scrape(current_app.extensions["qisu"])
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)

