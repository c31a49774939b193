"""The browser can log in and see its task list (a sanity check of the harness)."""
from __future__ import annotations


def test_login_and_task_list(person, api):
    number = api.submit()["number"]
    dispatcher = person("dispatcher1")
    dispatcher.page.goto("/tasks")
    assert number in dispatcher.page.content()
    assert dispatcher.page.locator("text=派单").first.is_visible()
    assert dispatcher.shot("tasks").exists()
