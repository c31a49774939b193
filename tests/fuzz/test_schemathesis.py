"""Property-based fuzzing of the JSON API with Schemathesis, from /api/openapi.json.

Every operation is called with generated (valid and invalid) parameters and bodies, as several
principals, and sometimes with the path parameters of a real case and its open task so that the
deep code paths run. Every check runs: each response must not be a 5xx, must have a documented
status code and content type, must match the documented schema (including the one error shape) and
headers; a request that breaks the document (negative data, a missing required header) must be
refused, and one that follows it must be accepted (`positive_data_acceptance`). The few rules a
schema cannot state (a period's start before its end, an agent's enterprise identification, a
task's own form, the current password, a deployable BPMN) are listed per operation in
`schemathesis.toml` at the repository root, which Schemathesis reads from the working directory.

Bounded for CI: QISU_FUZZ_EXAMPLES examples per operation (default 12), derandomized, so a run is
reproducible. The long run: `QISU_FUZZ_EXAMPLES=500 .venv/bin/python -m pytest tests/fuzz`.
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import CHECKS as REGISTERED_CHECKS
from sqlalchemy import select

from app.db.models import HumanTask

EXAMPLES = int(os.environ.get("QISU_FUZZ_EXAMPLES", "12"))
CHECKS = REGISTERED_CHECKS.get_all()  # every check Schemathesis has (`--checks all`)
# One principal of each kind; the enterprise ent2 owns the seeded case, spec_cgj's unit handles it.
PRINCIPALS = ("agent1", "dispatcher1", "spec_cgj", "spec_rsj", "ent2", "ent1",
              "supervisor1", "leader1", "designer1", "analyst1", "admin1", "anonymous")
# Hypothesis favours the first choice: the principal an operation is meant for, so that most
# examples get past authorization into the code that parses and acts on the input.
OWNER_BY_PREFIX = (("/api/cases/{number}/rating", "ent2"),
                   ("/api/cases/{number}/extension-requests", "spec_cgj"),
                   ("/api/tasks", "spec_cgj"), ("/api/deployments", "designer1"),
                   ("/api/supervision", "supervisor1"), ("/api/routing/models", "admin1"),
                   ("/api/routing", "dispatcher1"), ("/api/auth", "analyst1"), ("/api", "agent1"))


def _load_schema():
    """The document is generated from the code alone, so a throwaway app serves it; the calls go
    to the test session's app (with its database) through `call_and_validate(app=...)`."""
    from app import create_app
    doc_app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "QISU_AUTO_DEPLOY": False,
                          "SECRET_KEY": "fuzz"})
    return schemathesis.openapi.from_wsgi("/api/openapi.json", doc_app)


@pytest.fixture
def seeded(api, rt):
    """A case of ent2 dispatched to 城管局 with its unit's open tasks; tokens for every principal."""
    number = api.submit(enterprise=1)["number"]
    assert api.dispatch(number, "cgj").status == 200
    tokens = {name: api.token(name) for name in PRINCIPALS if name != "anonymous"}
    return {"number": number, "tokens": tokens, "rt": rt, "fresh_token": api.fresh_token}


def _open_task_id(rt) -> str | None:
    with rt.uow() as uow:
        return uow.session.scalar(select(HumanTask.id).where(HumanTask.status == "ready")
                                  .order_by(HumanTask.created_at))


def _use_real_targets(case, seeded) -> None:
    params = case.path_parameters
    if "number" in params:
        params["number"] = seeded["number"]
    if "task_id" in params:
        params["task_id"] = _open_task_id(seeded["rt"]) or params["task_id"]


schema = _load_schema()


@schema.parametrize()
@schema.given(data=st.data())
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, data, seeded, app):
    owner = next(who for prefix, who in OWNER_BY_PREFIX if case.path.startswith(prefix))
    principal = data.draw(st.sampled_from((owner,) + PRINCIPALS), label="principal")
    if data.draw(st.booleans(), label="real targets"):
        _use_real_targets(case, seeded)
    # The generated case may carry an Authorization header of its own (from bearerAuth).
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    if principal != "anonymous":
        token = seeded["tokens"][principal]
        if case.path == "/api/auth/logout":  # it ends the token it is called with
            token = seeded["fresh_token"](principal)
        case.headers["Authorization"] = f"Bearer {token}"
    case.call_and_validate(app=app, checks=CHECKS)
