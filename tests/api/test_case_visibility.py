"""What each role sees of a case (P17 for the enterprise, P16 for the staff), walked through the
API and through the pages: the table below is the one in docs/api.md ("What each role sees of a
case"), and each cell is observed.

The case: ent2's complaint, classified by an active model (routing figures), dispatched by the
dispatcher to 人社局 (rsj) with a reason of his own (an internal note), awaiting 签收.

Columns:
    summary   the case itself (GET /api/cases/{no}; the page /cases/<no>)
    contact   the contact person and phone the enterprise left
    trail     the staff's trail (GET …/history; the page's 办理记录)
    diagram   the process diagram (GET …/diagram; the page's 流程图)
    routing   the classifier's figures (the `routing` block, the trail's 置信度)
    notes     anything staff-internal: a staff member's name, the dispatcher's reason
    progress  the P17 progress (GET …/progress; on the page, the case's status)
"""
from __future__ import annotations

import re

import pytest

from app.demo.data import USERS
from tests.api.test_authorization_matrix import _train_model
from tests.support import logged_in

COLUMNS = ("summary", "contact", "trail", "diagram", "routing", "notes", "progress")
ALL, NOTHING = " ".join(["✓"] * 7), " ".join(["-"] * 7)
#             user           summary contact trail diagram routing notes progress
TABLE = {
    "enterprise": ("ent2",        "✓ ✓ - - - - ✓"),
    "agent":      ("agent1",      ALL),
    "dispatcher": ("dispatcher1", ALL),
    "unit":       ("spec_rsj",    ALL),       # the case's unit
    "other_unit": ("spec_cgj",    NOTHING),   # 404 everywhere: the case does not exist for it
    "supervisor": ("supervisor1", ALL),
    "leader":     ("leader1",     ALL),
    "analyst":    ("analyst1",    ALL),
    "designer":   ("designer1",   ALL),
    "admin":      ("admin1",      ALL),
}
DESCRIPTION = "今天想问一下情况，厂区门口的事还没人来看"
PHONE = "13900139001"
REASON = "核实后由人社部门牵头办理"
STAFF_NAMES = [u["display_name"] for u in USERS if u["role"] != "enterprise"]


@pytest.fixture
def case(api, app, tmp_path):
    _train_model(app, tmp_path)
    number = api.submit(description=DESCRIPTION, domain=None, contact_name="谢经理",
                        contact_phone=PHONE)["number"]
    assert api.as_("admin1").get(f"/api/cases/{number}").json["routing"]["model_version"]
    assert api.dispatch(number, "rsj", reason=REASON).status == 200
    return number


def _expected(role: str) -> dict[str, bool]:
    return dict(zip(COLUMNS, (cell == "✓" for cell in TABLE[role][1].split())))


def _notes(text: str) -> bool:
    return REASON in text or any(name in text for name in STAFF_NAMES)


def _seen_through_api(api, user: str, number: str) -> dict[str, bool]:
    client = api.as_(user)
    item = client.get(f"/api/cases/{number}")
    listed = [c for c in client.get("/api/cases", per_page=100).json["items"] if c["number"] == number]
    history = client.get(f"/api/cases/{number}/history")
    diagram = client.get(f"/api/cases/{number}/diagram")
    progress = client.get(f"/api/cases/{number}/progress")
    readable = [r.json for r in (item, history, diagram, progress) if r.status == 200] + listed
    text = str(readable)
    assert item.status in (200, 404) and history.status in (200, 404) and diagram.status in (200, 404)
    return {
        "summary": item.status == 200 and item.json["description"] == DESCRIPTION,
        "contact": PHONE in text,
        "trail": history.status == 200 and bool(history.json["events"]),
        "diagram": diagram.status == 200 and bool(diagram.json["processes"]),
        "routing": "predicted_domain" in text or "'confidence'" in text or "model_version" in text,
        "notes": _notes(text),
        "progress": progress.status == 200 and bool(progress.json["steps"]),
    }


def _body(response) -> str:
    """A page without its header (which names the viewer), or "" when refused."""
    if response.status_code != 200:
        return ""
    return re.sub(r"<header>.*?</header>", "", response.get_data(as_text=True), flags=re.S)


def _seen_through_pages(app, user: str, number: str) -> dict[str, bool]:
    client = logged_in(app, user)
    response = client.get(f"/cases/{number}")
    assert response.status_code in (200, 404)
    page = _body(response)
    # and the lists that name the case: the enterprise's own, the task list
    lists = _body(client.get("/my/cases")) + _body(client.get("/tasks"))
    return {
        "summary": DESCRIPTION in page,
        "contact": PHONE in page,
        "trail": "办理记录" in page,
        "diagram": 'id="case-diagram"' in page,
        "routing": "置信度" in page or "置信度" in lists,
        "notes": _notes(page) or _notes(lists),
        "progress": "待签收" in page,
    }


@pytest.mark.parametrize("role", TABLE)
def test_each_role_sees_its_row_of_the_table_through_the_api(role, api, case):
    seen = _seen_through_api(api, TABLE[role][0], case)
    assert seen == _expected(role), {c: seen[c] for c in COLUMNS if seen[c] != _expected(role)[c]}


@pytest.mark.parametrize("role", TABLE)
def test_each_role_sees_its_row_of_the_table_through_the_pages(role, app, case):
    seen = _seen_through_pages(app, TABLE[role][0], case)
    assert seen == _expected(role), {c: seen[c] for c in COLUMNS if seen[c] != _expected(role)[c]}
