"""A designer sees, per deployment, how many cases run on it and where they wait: a table and
the deployment's diagrams with the number of cases waiting at each element."""
from __future__ import annotations


def test_the_deployment_page_shows_where_cases_wait(person, api, app):
    numbers = [api.submit()["number"] for _ in range(2)]
    dispatcher = api.as_("dispatcher1")
    assert all(dispatcher.task_for(n, "dispatch") for n in numbers)
    designer = person("designer1")
    page = designer.page
    page.goto(f"/designer/deployments/{app.config['BASE_DEPLOYMENT_ID']}")
    row = page.locator("#waiting-points tr[data-element-id='dispatch']")
    assert row.locator("td.num").inner_text() == "2"
    assert "派单" in row.inner_text() and "待办任务" in row.inner_text()
    page.wait_for_selector("#waiting-diagrams[data-ready='1']", timeout=20000)
    badge = page.locator(".waiting-diagram[data-file='enterprise_demand.bpmn'] .wait-badge[data-element-id='dispatch']")
    assert badge.inner_text() == "2"
    # the called process has no waiting case yet: only the diagram with cases is shown
    assert page.locator(".waiting-diagram").count() == 1
    designer.shot("deployment-waits")
