"""Prometheus metrics (prometheus_client). Defined once per process; in multi-process mode
(`PROMETHEUS_MULTIPROC_DIR` set before start) every process writes its values to files in that
directory and `/metrics` adds them up. Case gauges are computed when scraped (app/ops)."""
from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUEST_LATENCY = Histogram(
    "qisu_http_request_duration_seconds", "HTTP request latency by Flask endpoint",
    ["endpoint", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
TASKS_COMPLETED = Counter(
    "qisu_tasks_completed_total", "Human tasks completed, by task (BPMN element id)", ["task"])
TIMERS_FIRED = Counter(
    "qisu_timers_fired_total", "Durable timers fired by the workers, by timer element", ["timer"])
TIMER_LATENESS = Histogram(
    "qisu_timer_lateness_seconds", "Seconds between a timer's due time and its firing",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600))


def task_completed(task: str) -> None:
    TASKS_COMPLETED.labels(task=task).inc()


def timer_fired(timer: str, lateness_seconds: float) -> None:
    TIMERS_FIRED.labels(timer=timer).inc()
    TIMER_LATENESS.observe(max(0.0, lateness_seconds))
