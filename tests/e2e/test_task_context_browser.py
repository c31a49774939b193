"""The re-handling round through the pages (P10): the enterprise says why it is dissatisfied, the
supervisor's 督办回访 page shows that reason and the reply it is about, and the unit's 签收 page in
the new round shows the reason, the supervisor's instruction and what it proposed and replied."""
from __future__ import annotations

from tests.support import CONTACT

SOLUTION, REPLY = "修剪门口绿化带枝叶", "已修剪，车辆可以进出"
REASON = "只修剪了枝叶，货车仍然进不去"
INSTRUCTION = "请三日内移植绿化带并当面答复企业"


def _task_id(api, user: str, number: str, name: str) -> str:
    task = api.as_(user).task_for(number, name)
    assert task is not None, (user, name)
    return task["id"]


def _submit(person, shot: str) -> None:
    person.shot(shot)
    with person.page.expect_navigation():
        person.page.click("form.task-form button[type=submit]")


def test_the_unit_re_handling_sees_why(person, api):
    number = api.submit()["number"]
    assert api.dispatch(number, "cgj").status == 200
    unit_api = api.as_("spec_cgj")
    for name, data in (("sign", {}), ("contact", CONTACT), ("propose", {"solution": SOLUTION}),
                       ("reply", {"result": "部分解决", "reply_text": REPLY})):
        assert unit_api.complete(number, name, data).status == 200

    enterprise = person("ent2")
    enterprise.page.goto(f"/tasks/{_task_id(api, 'ent2', number, 'rate')}")
    assert enterprise.page.locator("#previous-rounds").count() == 0      # first round: nothing before
    enterprise.page.select_option("#f-rating", "不满意")
    enterprise.page.fill("#f-rating_comment", REASON)
    _submit(enterprise, "rate-dissatisfied")

    supervisor = person("supervisor1")
    page = supervisor.page
    page.goto(f"/tasks/{_task_id(api, 'supervisor1', number, 'supervise')}")
    shown = page.inner_text("#previous-rounds")
    assert "第 2 轮办理" in shown and "不满意" in shown and REASON in shown and REPLY in shown
    supervisor.shot("supervise-sees-reason")
    page.fill("#f-instruction", INSTRUCTION)
    _submit(supervisor, "supervise")
    assert api.as_("supervisor1").task_for(number, "supervise") is None

    unit = person("spec_cgj")
    page = unit.page
    page.goto(f"/tasks/{_task_id(api, 'spec_cgj', number, 'sign')}")
    rounds = page.locator("#previous-rounds")
    rounds.wait_for()
    shown = rounds.inner_text()
    assert "第 2 轮办理" in shown
    for text in (REASON, INSTRUCTION, SOLUTION, REPLY):
        assert text in shown, text
    # the block sits above the form: what the unit needs comes before what it must fill in
    assert rounds.bounding_box()["y"] < page.locator("form.task-form").bounding_box()["y"]
    unit.shot("sign-round-2")
