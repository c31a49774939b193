"""A small hand-counted history for the process analytics tests (API and browser).

Three complaints from enterprise 1, minutes between steps as below (FixedClock):
- A: dispatch after 10, sign 30, contact 20, propose 120, reply 60; rated 满意.
- B: dispatch after 20, sign 90 (past the 60-minute response deadline), contact 10, propose 30,
  reply 30; rated 不满意; supervise 15; second round sign 20, contact 10, propose 30, reply 30;
  rated 满意.
- C: dispatch after 5; 签收 waiting.
"""
from __future__ import annotations

STEPS_A = (("dispatch", 10), ("sign", 30), ("contact", 20), ("propose", 120), ("reply", 60))
STEPS_B1 = (("dispatch", 20), ("sign", 90), ("contact", 10), ("propose", 30), ("reply", 30))
STEPS_B2 = (("supervise", 15), ("sign", 20), ("contact", 10), ("propose", 30), ("reply", 30))
ROUND = ("sign", "contact", "propose", "reply")
PATH_A = ["dispatch", *ROUND, "rate"]
PATH_B = ["dispatch", *ROUND, "rate", "supervise", *ROUND, "rate"]
PATH_C = ["dispatch", "sign"]


def _data(api, name):
    return {"dispatch": {"unit_code": "cgj", "override_reason": "派单员判断"},
            "contact": {"contacted_at": api.now_beijing(), "contact_method": "电话"},
            "propose": {"solution": "协调相关部门处理"},
            "reply": {"result": "解决", "reply_text": "已协调解决"},
            "supervise": {"instruction": "请重新联系企业"}}.get(name, {})


def _play(api, rt, number, steps):
    for name, minutes in steps:
        rt.clock.advance(minutes=minutes)
        user = {"dispatch": "dispatcher1", "supervise": "supervisor1"}.get(name, "spec_cgj")
        response = api.as_(user).complete(number, name, _data(api, name))
        assert response.status == 200, (name, response)


def play(api, rt) -> dict:
    """Plays A, B and C; returns their numbers."""
    a = api.submit()["number"]
    _play(api, rt, a, STEPS_A)
    assert api.rate(a, "满意").status == 200
    b = api.submit()["number"]
    _play(api, rt, b, STEPS_B1)
    assert api.rate(b, "不满意").status == 200
    _play(api, rt, b, STEPS_B2)
    assert api.rate(b, "满意").status == 200
    c = api.submit()["number"]
    _play(api, rt, c, (("dispatch", 5),))
    return {"A": a, "B": b, "C": c}
