"""P4 pages keep what was typed: a refused verdict or draw on 分拨抽检 and a refused threshold
on 分拨模型 come back (422, never through the URL) with the input kept and the error next to its
field; the audit note has a live counter, and the server refuses an over-long note at the field."""
from __future__ import annotations

import html as htmllib
import re

import pytest

from tests.routing_data import write_csv
from tests.support import logged_in

CLEAR = "我司工厂废气排放超标的问题，请环保部门尽快处理"   # 环境保护, confidently


def _train(app, tmp_path, activate: bool) -> int:
    args = ["qisu", "routing", "train", "--csv", str(write_csv(tmp_path / "orders.csv"))]
    result = app.test_cli_runner().invoke(args=args + (["--activate"] if activate else []))
    assert result.exit_code == 0, result.output
    return int(re.search(r"model version (\d+)", result.output).group(1))


@pytest.fixture
def version(app, tmp_path):
    return _train(app, tmp_path, activate=True)


@pytest.fixture
def drawn(version, api, app):
    """The supervisor's page client and the ids of two drawn automatic dispatches."""
    for _ in range(2):
        assert api.submit(description=CLEAR, domain=None, town="小榄镇")["routing"]["auto_dispatched"]
    client = logged_in(app, "supervisor1")
    page = client.post(f"/routing/audit/{version}/draw", data={"csrf_token": client.csrf, "size": "2"},
                       follow_redirects=True).get_data(as_text=True)
    return client, re.findall(r'data-audit="(\d+)"', page)


def _pending(api, version) -> int:
    return api.as_("supervisor1").get(f"/api/routing/models/{version}/audits").json["summary"]["pending"]


def _tag(html: str, element_id: str) -> str:
    return re.search(rf'<(?:input|select)[^>]*\bid="{element_id}"[^>]*>', html, re.S).group(0)


def test_the_note_has_a_live_counter_and_no_silent_cut(drawn):
    client, ids = drawn
    page = client.get("/routing/audit").get_data(as_text=True)
    note = _tag(page, f"note-{ids[0]}")
    assert 'data-maxlength="500"' in note and "maxlength=\"500\"" not in note.replace("data-maxlength", "")
    assert re.search(rf'id="note-{ids[0]}-count"[^>]*>0/500<', page)


def test_an_over_long_note_is_refused_at_the_field_and_kept(version, drawn, api):
    client, ids = drawn
    typed = "复核：" + "长" * 498   # 501 characters
    response = client.post(f"/routing/audit/judge/{ids[0]}", data={
        "csrf_token": client.csrf, "version": version, "verdict": "wrong", "domain": "城乡建设",
        "note": typed})
    assert response.status_code == 422 and "Location" not in response.headers
    page = response.get_data(as_text=True)
    note = _tag(page, f"note-{ids[0]}")
    assert f'value="{typed}"' in note and 'aria-invalid="true"' in note
    assert f'<p class="field-error" id="note-{ids[0]}-error" role="alert">备注不超过 500 字</p>' in page
    assert re.search(rf'id="note-{ids[0]}-count"[^>]*>501/500<', page)
    assert 'class="char-count over"' in page
    assert '<option value="城乡建设" selected>' in _select(page, ids[0])
    assert 'value=""' in _tag(page, f"note-{ids[1]}")   # the other row stays as it was
    assert _pending(api, version) == 2                  # nothing written


def _select(html: str, audit_id: str) -> str:
    return re.search(rf'<select id="domain-{audit_id}".*?</select>', html, re.S).group(0)


def test_a_verdict_without_its_domain_keeps_the_note(version, drawn, api):
    client, ids = drawn
    response = client.post(f"/routing/audit/judge/{ids[1]}", data={
        "csrf_token": client.csrf, "version": version, "verdict": "wrong", "domain": "",
        "note": "实为施工扬尘 <b>"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="实为施工扬尘 &lt;b&gt;"' in _tag(page, f"note-{ids[1]}")
    select = _tag(page, f"domain-{ids[1]}")
    assert 'aria-invalid="true"' in select and "autofocus" in select
    assert (f'<p class="field-error" id="domain-{ids[1]}-error" role="alert">'
            f'判定为错误时须选择正确的领域</p>') in page
    assert _pending(api, version) == 2
    done = client.post(f"/routing/audit/judge/{ids[1]}", follow_redirects=True, data={
        "csrf_token": client.csrf, "version": version, "verdict": "wrong", "domain": "城乡建设",
        "note": "实" * 500}).get_data(as_text=True)
    assert "已判定：领域错误" in done and _pending(api, version) == 1   # 500 is within the limit


def test_a_refused_draw_keeps_the_typed_size(version, drawn):
    client, _ = drawn
    response = client.post(f"/routing/audit/{version}/draw", data={"csrf_token": client.csrf,
                                                                   "size": "二十"})
    assert response.status_code == 422 and "Location" not in response.headers
    page = response.get_data(as_text=True)
    size = _tag(page, "size")
    assert 'value="二十"' in size and 'aria-invalid="true"' in size
    assert '<p class="field-error" id="size-error" role="alert">抽样数须为 1–100</p>' in page


def test_a_refused_threshold_keeps_the_typed_value_on_its_row(app, api, tmp_path):
    active = _train(app, tmp_path, activate=True)
    other = _train(app, tmp_path, activate=False)
    client = logged_in(app, "admin1")
    response = client.post(f"/routing/models/{other}/activate",
                           data={"csrf_token": client.csrf, "threshold": "1.5"})
    assert response.status_code == 422 and "Location" not in response.headers
    page = htmllib.unescape(response.get_data(as_text=True))
    field = _tag(page, f"threshold-{other}")
    assert 'value="1.5"' in field and 'aria-invalid="true"' in field
    assert (f'<p class="field-error" id="threshold-{other}-error" role="alert">'
            f'阈值须在 (0, 1] 之间</p>') in page
    assert 'value=""' in _tag(page, f"threshold-{active}")
    actives = {m["version"]: m["active"] for m in api.as_("admin1").get("/api/routing/models").json}
    assert actives == {active: True, other: False}
