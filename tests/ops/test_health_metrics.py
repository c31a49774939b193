"""/healthz, /readyz and /metrics: what a load balancer and Prometheus see."""
from __future__ import annotations

from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families

from app import create_app
from app.clock import FixedClock
from app.services.timers import fire_due


def _samples(client, headers=None) -> dict:
    raw = client.get("/metrics", headers=headers or {})
    assert raw.status_code == 200 and raw.mimetype == "text/plain"
    out = {}
    for family in text_string_to_metric_families(raw.get_data(as_text=True)):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def test_healthz_answers_without_the_database(tmp_path):
    app = create_app({"TESTING": True, "QISU_AUTO_DEPLOY": False,
                      "DATABASE_URL": "sqlite:///" + str(tmp_path / "missing" / "no.db")})
    raw = app.test_client().get("/healthz")
    assert raw.status_code == 200 and raw.get_json() == {"status": "ok"}


def test_readyz_is_ready_on_the_migrated_database(app):
    raw = app.test_client().get("/readyz")
    assert raw.status_code == 200, raw.get_json()
    assert raw.get_json()["status"] == "ready" and raw.get_json()["migration"]


def test_readyz_refuses_until_the_schema_is_at_head(tmp_path):
    from alembic import command

    from app.db.migrations import alembic_config
    url = "sqlite:///" + str(tmp_path / "ready.db")
    client = create_app({"TESTING": True, "QISU_AUTO_DEPLOY": False,
                         "DATABASE_URL": url}).test_client()
    body = client.get("/readyz").get_json()
    assert body["error"]["code"] == "schema_not_migrated" and "flask qisu migrate" in body["error"]["message"]
    command.upgrade(alembic_config(url), "0004")
    raw = client.get("/readyz")
    assert raw.status_code == 503 and raw.get_json()["error"]["code"] == "schema_not_at_head"
    command.upgrade(alembic_config(url), "head")
    assert client.get("/readyz").status_code == 200


def test_health_routes_are_not_in_the_api_document(api):
    paths = api.client.get("/api/openapi.json").get_json()["paths"]
    assert not any(p in paths for p in ("/healthz", "/readyz", "/metrics"))


def test_metrics_count_requests_tasks_timers_and_cases(app, api, rt):
    client = app.test_client()
    before = _samples(client)
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    after = _samples(client)
    done = ("qisu_tasks_completed_total", (("task", "dispatch"),))
    assert after[done] == before.get(done, 0) + 1
    intake = ("qisu_http_request_duration_seconds_count",
              (("endpoint", "cases.Cases"), ("method", "POST"), ("status", "201")))
    assert after[intake] >= before.get(intake, 0) + 1
    assert after[("qisu_cases_open", (("status", "signing"),))] == 1
    assert after[("qisu_cases_overdue", ())] == 0
    assert after[("qisu_database_up", ())] == 1

    # The response deadline (60 min) passes; a worker fires the timers.
    rt.clock = FixedClock(rt.clock.now() + timedelta(minutes=61))
    assert fire_due(rt) >= 1
    late = _samples(client)
    fired = sum(v for (name, _), v in late.items() if name == "qisu_timers_fired_total")
    fired_before = sum(v for (name, _), v in after.items() if name == "qisu_timers_fired_total")
    assert fired > fired_before
    assert late[("qisu_timer_lateness_seconds_count", ())] > after.get(
        ("qisu_timer_lateness_seconds_count", ()), 0)
    assert late[("qisu_cases_overdue", ())] == 1


def test_metrics_token_when_configured(app, monkeypatch):
    monkeypatch.setitem(app.config, "QISU_METRICS_TOKEN", "s3cret")
    client = app.test_client()
    raw = client.get("/metrics")
    assert raw.status_code == 401 and raw.get_json()["error"]["code"] == "unauthorized"
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert _samples(client, {"Authorization": "Bearer s3cret"})
