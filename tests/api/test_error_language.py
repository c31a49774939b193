"""Service errors carry a code and parameters; the API shows them in the reader's language."""
from __future__ import annotations

from app.demo.data import ENTERPRISES

ENGLISH = {"Accept-Language": "en"}


def _bad_check_digit() -> str:
    code = ENTERPRISES[1]["credit_code"]
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def _submit(api, headers=None):
    body = {"kind": "投诉", "description": "厂区门口绿化带影响车辆进出", "domain": "城市管理",
            "credit_code": _bad_check_digit(), "contact_phone": "12"}
    return api.client.post("/api/cases", json=body, headers={
        "Authorization": f"Bearer {api.token('agent1')}", **(headers or {})})


def test_field_errors_are_chinese_by_default_and_english_when_asked(api):
    chinese = _submit(api).get_json()["error"]
    english = _submit(api, ENGLISH).get_json()["error"]
    assert chinese["code"] == english["code"] == "validation_failed"
    expected = ENTERPRISES[1]["credit_code"][-1]
    assert chinese["fields"]["credit_code"] == [f"统一社会信用代码校验位错误,应为{expected}"]
    assert english["fields"]["credit_code"] == [
        f"Wrong check character in the credit code; it should be {expected}"]
    assert english["fields"]["contact_phone"] == [
        "Not a phone number: 11-digit mobile or landline with area code"]
    assert chinese["message"] == "提交的数据未通过校验" and english["message"] == "The form has errors"


def test_a_message_with_values_has_its_code_and_parameters_in_every_language(api):
    for headers, text in ((None, "诉求 QS-NOPE 不存在"), (ENGLISH, "There is no case QS-NOPE")):
        raw = api.client.post("/api/timers/faulted/QS-NOPE/retry", headers={
            "Authorization": f"Bearer {api.token('admin1')}", **(headers or {})})
        error = raw.get_json()["error"]
        assert raw.status_code == 404, error
        assert error["message"] == text
        assert error["message_code"] == "case.number_not_found"
        assert error["params"] == {"number": "QS-NOPE"}
