"""Authorization matrix: every API endpoint × every kind of principal gets exactly the intended answer.

The fixture: a case of enterprise ent2 (ENTERPRISES[1]) dispatched to 城管局 (cgj) with the unit's
open `sign` task; a knowledge article; a trained classifier version (routing rows only).

Columns (principals):
    anon     no credentials                ent      ent2, the case's enterprise
    ent_x    ent1, another enterprise      agent    agent1
    disp     dispatcher1                   unit     spec_cgj, the case's unit
    unit_x   spec_rsj, another unit        sup      supervisor1
    lead     leader1                       design   designer1
    analyst  analyst1                      admin    admin1

Cells: an HTTP status; `200+` = 200 and the list contains the fixture's case (or its task);
`200-` = 200 and it does not (nothing leaks through a list).

Adding an endpoint: add one Row (method, Flask rule, the twelve cells, and a body if it takes one).
`test_the_matrix_covers_every_api_rule` fails until every rule under /api/ is in the table.
Rejected requests must write nothing: the case is compared before and after them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest
from sqlalchemy import select

from app.db.models import Case, KnowledgeArticle, RoutingAudit, RoutingModel, SurgeAlert
from app.demo.data import ENTERPRISES
from tests.routing_data import write_csv
from tests.support import UserClient, logged_in

PRINCIPALS = {"anon": None, "ent": "ent2", "ent_x": "ent1", "agent": "agent1",
              "disp": "dispatcher1", "unit": "spec_cgj", "unit_x": "spec_rsj",
              "sup": "supervisor1", "lead": "leader1", "design": "designer1",
              "analyst": "analyst1", "admin": "admin1"}
COLUMNS = tuple(PRINCIPALS)
OWN = ENTERPRISES[1]["credit_code"]


@dataclass(frozen=True)
class Row:
    method: str
    rule: str
    cells: str                               # one cell per column, separated by spaces
    body: Callable[[dict], dict] | None = None
    needs_model: bool = False
    needs_audit: bool = False                # the fixture's case drawn into the model's audit sample
    own_token: bool = False                  # ends the token it is called with: use a fresh one

    def expected(self) -> dict[str, str]:
        cells = self.cells.split()
        assert len(cells) == len(COLUMNS), f"{self.method} {self.rule}: {len(cells)} cells"
        return dict(zip(COLUMNS, cells))


def _case_body(_):
    return {"kind": "投诉", "description": "厂区门口道路破损", "credit_code": OWN, "domain": "城市管理"}


def _file_body(ctx):
    return {"filename": ctx["form_file"], "content": ctx["form_content"]}


#      method rule                                    anon ent ent_x agent disp unit unit_x sup lead design analyst admin
MATRIX = (
    Row("POST", "/api/auth/token",                    "201  201  201  201  201  201  201  201  201  201  201  201",
        body=lambda _: {"username": "agent1", "password": "qisu-agent1"}),
    Row("GET", "/api/auth/me",                        "401  200  200  200  200  200  200  200  200  200  200  200"),
    Row("POST", "/api/auth/logout",                   "401  204  204  204  204  204  204  204  204  204  204  204",
        own_token=True),
    # A wrong current password: 422 for everyone logged in, and no password changes.
    Row("POST", "/api/auth/password",                 "401  422  422  422  422  422  422  422  422  422  422  422",
        body=lambda _: {"current_password": "not-the-password", "new_password": "a-new-password"}),
    Row("GET", "/api/cases",                          "401 200+ 200- 200+ 200+ 200+ 200- 200+ 200+ 200+ 200+ 200+"),
    Row("POST", "/api/cases",                         "401  201  201  201  403  403  403  403  403  403  403  403",
        body=_case_body),
    Row("GET", "/api/cases/<number>",                 "401  200  404  200  200  200  404  200  200  200  200  200"),
    # P17: an enterprise has no staff trail or diagram, not even of its own case.
    Row("GET", "/api/cases/<number>/history",         "401  404  404  200  200  200  404  200  200  200  200  200"),
    Row("GET", "/api/cases/<number>/progress",        "401  200  404  200  200  200  404  200  200  200  200  200"),
    Row("GET", "/api/cases/<number>/diagram",         "401  404  404  200  200  200  404  200  200  200  200  200"),
    # Not at the rating step yet: the owner gets 409; other enterprises do not learn it exists.
    Row("POST", "/api/cases/<number>/rating",         "401  409  404  403  403  403  403  403  403  403  403  403",
        body=lambda _: {"rating": "满意"}),
    # Only the lead unit may ask; at `sign` it is told to sign first (P14), others are refused.
    Row("POST", "/api/cases/<number>/extension-requests",
                                                      "401  403  403  403  403  409  404  403  403  403  403  403",
        body=lambda _: {"reason": "需协调多个部门", "requested_due": "2026-12-31T18:00:00+08:00"}),
    # The case's open task is the unit's `sign`: only that unit sees and acts on it.
    Row("GET", "/api/tasks",                          "401 200- 200- 200- 200- 200+ 200- 200- 200- 200- 200- 200-"),
    Row("GET", "/api/tasks/<task_id>",                "401  404  404  404  404  200  404  404  404  404  404  404"),
    Row("POST", "/api/tasks/<task_id>/claim",         "401  404  404  404  404  200  404  404  404  404  404  404"),
    Row("POST", "/api/tasks/<task_id>/unclaim",       "401  404  404  404  404  409  404  404  404  404  404  404"),
    Row("POST", "/api/tasks/<task_id>/complete",      "401  404  404  404  404  200  404  404  404  404  404  404",
        body=lambda _: {"data": {}}),
    Row("GET", "/api/enterprises",                    "401  403  403  200  200  403  403  200  200  403  200  200"),
    Row("GET", "/api/units",                          "401  200  200  200  200  200  200  200  200  200  200  200"),
    Row("GET", "/api/deployments",                    "401  403  403  403  403  403  403  403  403  200  403  200"),
    Row("POST", "/api/deployments",                   "401  403  403  403  403  403  403  403  403  201  403  403",
        body=_file_body),
    Row("POST", "/api/deployments/validate",          "401  403  403  403  403  403  403  403  403  200  403  403",
        body=_file_body),
    Row("GET", "/api/supervision/overdue",            "401  403  403  403  403  403  403  200  200  403  403  200"),
    Row("GET", "/api/supervision/due-soon",           "401  403  403  403  403  403  403  200  200  403  403  200"),
    Row("GET", "/api/supervision/dissatisfied",       "401  403  403  403  403  403  403  200  200  403  403  200"),
    Row("GET", "/api/supervision/watch",              "401  403  403  403  403  403  403  200  200  403  403  200"),
    Row("GET", "/api/knowledge",                      "401  403  403  200  200  403  403  200  200  403  403  200"),
    Row("GET", "/api/knowledge/<article_id>",         "401  403  403  200  200  403  403  200  200  403  403  200"),
    Row("POST", "/api/routing/suggest",               "401  403  403  200  200  403  403  200  403  403  403  200",
        body=lambda _: {"text": "我司工厂废气排放超标的问题"}, needs_model=True),
    Row("GET", "/api/routing/models",                 "401  403  403  403  403  403  403  403  403  200  200  200"),
    Row("POST", "/api/routing/models/<version>/activate",
                                                      "401  403  403  403  403  403  403  403  403  403  403  200",
        body=lambda _: {}, needs_model=True),
    # P4 sample audit: supervisors, analysts and administrators read; supervisors and
    # administrators draw and judge (here with an unknown domain: a verdict is final, so the
    # authorized answer is the service's own 422, which writes nothing, for both).
    Row("GET", "/api/routing/models/<version>/audits",
                                                      "401  403  403  403  403  403  403  200  403  403  200  200",
        needs_model=True),
    Row("POST", "/api/routing/models/<version>/audits",
                                                      "401  403  403  403  403  403  403  201  403  403  403  201",
        body=lambda _: {"size": 5}, needs_model=True),
    Row("POST", "/api/routing/audits/<audit_id>",     "401  403  403  403  403  403  403  422  403  403  403  422",
        body=lambda _: {"verdict": "wrong", "domain": "星际旅行"}, needs_model=True, needs_audit=True),
    # P18 insight: leadership, supervision, analysis and administration read; only supervisors
    # and administrators acknowledge a surge alert.
    Row("GET", "/api/insight/metrics",                "401  403  403  403  403  403  403  200  200  403  200  200"),
    Row("GET", "/api/insight/trend",                  "401  403  403  403  403  403  403  200  200  403  200  200"),
    Row("GET", "/api/insight/units",                  "401  403  403  403  403  403  403  200  200  403  200  200"),
    Row("GET", "/api/insight/hotspots",               "401  403  403  403  403  403  403  200  200  403  200  200"),
    Row("GET", "/api/insight/towns",                  "401  403  403  403  403  403  403  200  200  403  200  200"),
    Row("GET", "/api/insight/common-problems",        "401  403  403  403  403  403  403  200  200  403  200  200"),
    Row("GET", "/api/insight/surges",                 "401  403  403  403  403  403  403  200  200  403  200  200"),
    Row("POST", "/api/insight/surges/<alert_id>/acknowledge",
                                                      "401  403  403  403  403  403  403  200  403  403  403  200"),
    # Issue 17: timers whose process failed (sandbox limits); administrators list and retry them.
    # Process analytics (issue 21): leadership, supervision, analysis, design and administration.
    Row("GET", "/api/analytics/elements",             "401  403  403  403  403  403  403  200  200  200  200  200"),
    Row("GET", "/api/analytics/flows",                "401  403  403  403  403  403  403  200  200  200  200  200"),
    Row("GET", "/api/analytics/variants",             "401  403  403  403  403  403  403  200  200  200  200  200"),
    Row("GET", "/api/analytics/variants/<variant>/cases",
                                                      "401  403  403  403  403  403  403  200  200  200  200  200"),
    Row("GET", "/api/analytics/conformance",          "401  403  403  403  403  403  403  200  200  200  200  200"),
    Row("POST", "/api/analytics/what-if",             "401  403  403  403  403  403  403  200  200  200  200  200",
        body=lambda ctx: {"sla_dmn": ctx["sla_dmn"]}),
    Row("GET", "/api/timers/faulted",                 "401  403  403  403  403  403  403  403  403  403  403  200"),
    Row("POST", "/api/timers/faulted/<number>/retry", "401  403  403  403  403  403  403  403  403  403  403  200"),
)


@pytest.fixture
def world(api, app, rt, tmp_path):
    number = api.submit(enterprise=1)["number"]
    assert api.dispatch(number, "cgj").status == 200
    task = api.as_("spec_cgj").task_for(number, "sign")
    with rt.uow() as uow:
        article_id = uow.session.scalar(select(KnowledgeArticle.id).order_by(KnowledgeArticle.id))
    form_file = "forms/dispatch.schema.json"
    with open(f"{app.config['QISU_WORKFLOWS_DIR']}/{form_file}", encoding="utf-8") as handle:
        form_content = handle.read()
    with open(f"{app.config['QISU_WORKFLOWS_DIR']}/sla.dmn", encoding="utf-8") as handle:
        sla_dmn = handle.read()
    with rt.uow() as uow:
        now = rt.clock.now()
        alert = SurgeAlert(key="domain_town:城市管理:小榄镇", day=now.strftime("%Y%m%d"),
                           scope="domain_town", domain="城市管理", town="小榄镇",
                           window_start=now, window_end=now, observed=12, expected=2.0,
                           score=1e-6, detected_at=now)
        uow.session.add(alert)
        uow.session.flush()
        alert_id = alert.id
        uow.commit()
    return {"number": number, "task_id": task["id"], "article_id": article_id, "alert_id": alert_id,
            "form_file": form_file, "form_content": form_content, "tmp_path": tmp_path,
            "sla_dmn": sla_dmn, "variant": "0" * 12}


_TRAINED: dict = {}


def _train_model(app, tmp_path) -> int:
    """An active classifier version: trained by the CLI once, then the stored row is re-inserted
    (training cross-validates and is slow; the rows are deleted after each test)."""
    rt = app.extensions["qisu"]
    if not _TRAINED:
        result = app.test_cli_runner().invoke(args=[
            "qisu", "routing", "train", "--csv", str(write_csv(tmp_path / "orders.csv")), "--activate"])
        assert result.exit_code == 0, result.output
        with rt.uow() as uow:
            row = uow.session.scalar(select(RoutingModel).where(RoutingModel.active))
            _TRAINED.update({c.key: getattr(row, c.key) for c in RoutingModel.__table__.columns})
            return row.id
    with rt.uow() as uow:
        uow.session.add(RoutingModel(**_TRAINED))
        uow.commit()
    return _TRAINED["id"]


def _draw(app, ctx) -> int:
    """The fixture's case in the audit sample of the model version (as if it had been dispatched
    automatically and drawn)."""
    rt = app.extensions["qisu"]
    with rt.uow() as uow:
        case = uow.session.scalar(select(Case).where(Case.number == ctx["number"]))
        audit = RoutingAudit(case_id=case.id, model_version=ctx["version"], drawn_at=rt.clock.now(),
                             drawn_by="supervisor1")
        uow.session.add(audit)
        uow.session.flush()
        uow.commit()
        return audit.id


def _url(rule: str, ctx: dict) -> str:
    for name in ("number", "task_id", "article_id", "version", "alert_id", "audit_id", "variant"):
        rule = rule.replace(f"<{name}>", str(ctx.get(name)))
    return rule


def _call(api, principal: str, row: Row, ctx: dict):
    user = api.anonymous() if PRINCIPALS[principal] is None else api.as_(PRINCIPALS[principal])
    if row.own_token and PRINCIPALS[principal] is not None:
        token = api.fresh_token(PRINCIPALS[principal])
        user = UserClient(api.client, {"Authorization": f"Bearer {token}"})
    url = _url(row.rule, ctx)
    if row.method == "GET":
        return user.get(url, per_page=100) if row.rule in ("/api/cases", "/api/tasks") else user.get(url)
    return user.post(url, json=row.body(ctx) if row.body else None)


def _observed(response, row: Row, ctx: dict) -> str:
    if response.status != 200 or row.rule not in ("/api/cases", "/api/tasks"):
        return str(response.status)
    items = response.json["items"]
    numbers = {item["number"] for item in items} if row.rule == "/api/cases" else \
        {item["case"]["number"] for item in items}
    return "200+" if ctx["number"] in numbers else "200-"


def _case_state(api, number: str):
    case = api.as_("admin1").get(f"/api/cases/{number}").json
    return {k: case[k] for k in ("status", "current_step", "unit", "rating", "version", "open_tasks")}


@pytest.mark.parametrize("row", MATRIX, ids=lambda r: f"{r.method} {r.rule}")
def test_every_principal_gets_the_intended_answer(row, api, app, world):
    ctx = dict(world)
    if row.needs_model:
        ctx["version"] = _train_model(app, ctx["tmp_path"])
    if row.needs_audit:
        ctx["audit_id"] = _draw(app, ctx)
    expected = row.expected()
    # Refusals first (they must change nothing), then the principals the endpoint is for.
    order = sorted(COLUMNS, key=lambda p: not expected[p].startswith(("4", "5")))
    before = _case_state(api, ctx["number"])
    observed, checked = {}, False
    for principal in order:
        if not checked and not expected[principal].startswith(("4", "5")):
            assert _case_state(api, ctx["number"]) == before, "a refused request changed the case"
            checked = True
        observed[principal] = _observed(_call(api, principal, row, ctx), row, ctx)
    mismatches = {p: f"expected {expected[p]}, got {observed[p]}" for p in COLUMNS
                  if observed[p] != expected[p]}
    assert not mismatches, f"{row.method} {row.rule}: {mismatches}"


def test_the_matrix_covers_every_api_rule(app):
    in_table = {(row.method, row.rule) for row in MATRIX}
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule in ("/api/openapi.json",) \
                or rule.rule.startswith("/api/docs"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (method, rule.rule) not in in_table:
                missing.append(f"{method} {rule.rule}")
    assert not missing, f"add these endpoints to MATRIX: {missing}"


# -- pages ----------------------------------------------------------------------------------
# 302 = redirected to /login; `200+`/`200-` = the page does / does not show the fixture's case.
#                                   anon ent  ent_x agent disp unit unit_x sup lead design analyst admin
PAGES = (
    ("/",                         "302  302  302  302  302  302  302  302  302  302  302  302"),
    ("/tasks",                    "302 200- 200- 200- 200- 200+ 200- 200- 200- 200- 200- 200-"),
    ("/tasks/<task_id>",          "302  404  404  404  404  200  404  404  404  404  404  404"),
    ("/cases/<number>",           "302  200  404  200  200  200  404  200  200  200  200  200"),
    ("/supervision",              "302  403  403  403  403  403  403  200  200  403  403  200"),
    ("/designer",                 "302  403  403  403  403  403  403  403  403  200  403  200"),
    ("/intake",                   "302  403  403  200  403  403  403  403  403  403  403  403"),
    ("/knowledge",                "302  403  403  200  200  403  403  200  200  403  403  200"),
    ("/knowledge/<article_id>",   "302  403  403  200  200  403  403  200  200  403  403  200"),
    ("/my/cases",                 "302 200+ 200- 403  403  403  403  403  403  403  403  403"),
    ("/my/submit",                "302  200  200  403  403  403  403  403  403  403  403  403"),
    ("/insight",                  "302  403  403  403  403  403  403  200  200  403  200  200"),
    ("/insight/common-problems",  "302  403  403  403  403  403  403  200  200  403  200  200"),
    ("/insight/signals",          "302  403  403  403  403  403  403  200  200  403  200  200"),
    ("/routing/models",           "302  403  403  403  403  403  403  403  403  403  200  200"),
    ("/routing/audit",            "302  403  403  403  403  403  403  200  403  403  200  200"),
)


@pytest.mark.parametrize("principal", COLUMNS)
def test_every_page_answers_each_principal_as_intended(principal, app, world):
    client = app.test_client() if PRINCIPALS[principal] is None else logged_in(app, PRINCIPALS[principal])
    mismatches = {}
    for path, cells in PAGES:
        expected = dict(zip(COLUMNS, cells.split()))[principal]
        response = client.get(_url(path, world))
        got = str(response.status_code)
        if got == "302" and PRINCIPALS[principal] is None:
            assert "/login" in response.headers["Location"], path
        if got == "200" and expected[-1] in "+-":
            got += "+" if world["number"].encode() in response.data else "-"
        if got != expected:
            mismatches[path] = f"expected {expected}, got {got}"
    assert not mismatches, f"{principal}: {mismatches}"


def test_an_enterprise_cannot_submit_for_another_enterprise(api):
    body = _case_body(None) | {"channel": "web"}       # ent1 names ent2's credit code
    created = api.as_("ent1").post("/api/cases", json=body)
    assert created.status == 201
    assert created.json["enterprise"]["credit_code"] == ENTERPRISES[0]["credit_code"]
    assert api.as_("ent2").get(f"/api/cases/{created.json['number']}").status == 404
