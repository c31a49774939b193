"""Deploy gate (issue 19 §5): a designer's deploy needs a passed policy check of the same draft;
an admin deploys past a failed one only with a written reason, recorded on the deployment and in
the design trail. The checks run real scenarios (one rule, QISU_POLICY_RULES) in a child process."""
from __future__ import annotations

import time

import pytest

from app.db.models import Deployment
from app.services.deployments import latest
from tests.policy.drafts import sla_response_minutes
from tests.support import logged_in

WAIT_SECONDS = 600  # a check of one rule takes well under a minute; this only stops a hung run


@pytest.fixture
def gate(rt, monkeypatch):
    monkeypatch.setitem(rt.settings, "policy_gate", True)
    monkeypatch.setitem(rt.settings, "policy_rules", ["P5"])
    return rt.settings


def post(client, url, body):
    return client.post(url, json=body, headers={"X-CSRFToken": client.csrf})


def finished(client, check_id: int) -> dict:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        check = client.get(f"/designer/policy-checks/{check_id}.json").get_json()["check"]
        if check["status"] != "running" or time.monotonic() > deadline:
            return check
        time.sleep(0.5)


def test_a_failing_check_refuses_the_deploy_until_an_admin_overrides_with_a_reason(app, rt, api, gate):
    designer = logged_in(app, "designer1")
    draft = {"filename": "sla.dmn", "content": sla_response_minutes(90)}

    # no check yet: refused, on the page and through the API
    refused = post(designer, "/designer/deploy", draft)
    assert refused.status_code == 409
    assert "检查政策规则" in refused.get_json()["message"]
    response = api.as_("designer1").post("/api/deployments", json=draft)
    assert response.status == 409 and response.json["error"]["code"] == "policy_check_required"

    started = post(designer, "/designer/policy-checks", draft)
    assert started.status_code == 202, started.get_json()
    check = finished(designer, started.get_json()["check"]["id"])
    assert check["status"] == "failed", check
    assert check["failed_rules"] == ["P5"] and check["files"] == ["sla.dmn"]
    p5 = check["rules"][0]
    assert p5["rule"] == "P5" and not p5["ok"] and p5["failed"] >= 1
    failing = [s for s in p5["scenarios"] if s["outcome"] == "failed"]
    assert any(s["step"] == '那么 "响应时限" 的结果为 "violated"' for s in failing), failing
    assert all(s["message"] for s in failing)

    refused = post(designer, "/designer/deploy", draft)
    assert refused.status_code == 409
    assert f"政策规则检查 #{check['id']} 未通过（P5）" in refused.get_json()["message"]

    # the check's page, in Chinese, offers the override to an admin only
    page = designer.get(f"/designer/policy-checks/{check['id']}").get_data(as_text=True)
    assert "政策规则检查 #" in page and "policy-override" not in page
    admin = logged_in(app, "admin1")
    assert 'id="policy-override"' in admin.get(f"/designer/policy-checks/{check['id']}").get_data(as_text=True)

    url = f"/designer/policy-checks/{check['id']}/override"
    assert post(designer, url, {"reason": "紧急政策调整"}).status_code == 403
    no_reason = post(admin, url, {"reason": " "})
    assert no_reason.status_code == 422 and "理由" in str(no_reason.get_json()["fields"])
    before = _latest_id(rt)
    done = post(admin, url, {"reason": "市政府通知临时放宽响应时限，先行部署"})
    assert done.status_code == 200, done.get_json()
    deployment_id = done.get_json()["deployment"]["id"]
    assert deployment_id != before and _latest_id(rt) == deployment_id
    with rt.uow() as uow:
        row = uow.session.get(Deployment, deployment_id)
        assert row.policy_override_reason == "市政府通知临时放宽响应时限，先行部署"
        assert row.policy_check_id == check["id"] and row.policy_override_by is not None

    overview = admin.get("/designer").get_data(as_text=True)  # the deployment's record
    assert "管理员强制部署：市政府通知临时放宽响应时限，先行部署" in overview
    trail = admin.get("/designer/policy-checks").get_data(as_text=True)
    assert "管理员强制部署" in trail and "市政府通知临时放宽响应时限，先行部署" in trail
    assert "政策规则检查未通过" in trail


def test_a_passed_check_lets_the_designer_deploy_that_draft(app, rt, gate):
    gate["policy_rules"] = ["P6"]  # the response limit is not P6's: the draft passes it
    designer = logged_in(app, "designer1")
    draft = {"filename": "sla.dmn", "content": sla_response_minutes(75)}
    started = post(designer, "/designer/policy-checks", draft)
    check = finished(designer, started.get_json()["check"]["id"])
    assert check["status"] == "passed", check
    assert check["failed_rules"] == [] and check["passed"] == check["total"] > 0

    # another draft is not covered by this check
    other = {"filename": "sla.dmn", "content": sla_response_minutes(80)}
    assert post(designer, "/designer/deploy", other).status_code == 409

    deployed = post(designer, "/designer/deploy", draft)
    assert deployed.status_code == 200, deployed.get_json()
    with rt.uow() as uow:
        row = uow.session.get(Deployment, deployed.get_json()["deployment"]["id"])
        assert row.policy_check_id == check["id"] and row.policy_override_reason is None


def test_a_draft_that_cannot_be_deployed_is_not_checked(app, gate):
    designer = logged_in(app, "designer1")
    response = post(designer, "/designer/policy-checks", {"filename": "sla.dmn", "content": "<definitions"})
    assert response.status_code == 422
    assert response.get_json()["ok"] is False


def _latest_id(rt) -> int:
    with rt.uow() as uow:
        return latest(uow.session).id


def test_the_check_pages_speak_the_readers_language(app, rt):
    from app.db.models_policy import PolicyCheck
    from app.services.deployments import latest as newest
    with rt.uow() as uow:
        check = PolicyCheck(base_deployment_id=newest(uow.session).id, bundle_hash="0" * 64,
                            edits={"sla.dmn": "…"}, rules=None, status="failed", total=1, done=1,
                            results=[{"rule": "P5", "feature": "P5 60 分钟内响应", "scenario": "P5 …",
                                      "outcome": "failed", "step": "那么 …", "message": "…"}],
                            started_at=rt.clock.now())
        uow.session.add(check)
        uow.commit()
        check_id = check.id
    designer = logged_in(app, "designer1")
    page = designer.get(f"/designer/policy-checks/{check_id}").get_data(as_text=True)
    assert "政策规则检查 #" in page and "检查的文件" in page and '"检查政策规则"' in page
    listing = designer.get("/designer/policy-checks").get_data(as_text=True)
    assert "未通过：P5" in listing
    designer.get("/lang/en")
    page = designer.get(f"/designer/policy-checks/{check_id}").get_data(as_text=True)
    assert f"Policy check #{check_id}" in page and "Files checked" in page and '"Check policy rules"' in page
    assert "Failed: P5" in designer.get("/designer/policy-checks").get_data(as_text=True)
