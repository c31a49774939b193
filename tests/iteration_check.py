"""Compare the engine's fast task walk with SpiffWorkflow's own iterator on every call.

Used by tests/integration/test_engine_iteration.py; as a plugin (`-p tests.iteration_check`) it
checks every walk of a whole test run."""
from __future__ import annotations

import pytest
from SpiffWorkflow.bpmn.util.subworkflow import BpmnBaseWorkflow

from app.engine.iteration import FastIteration

calls = {"compared": 0}


def _checked(self, first_task=None, **kwargs):
    fast = list(FastIteration.get_tasks_iterator(self, first_task, **kwargs))
    slow = list(BpmnBaseWorkflow.get_tasks_iterator(self, first_task, **kwargs))
    assert [t.id for t in fast] == [t.id for t in slow], kwargs
    calls["compared"] += 1
    return iter(slow)


@pytest.fixture(autouse=True)
def compare_walks(monkeypatch):
    for cls in FastIteration.__subclasses__() + [sub for c in FastIteration.__subclasses__()
                                                  for sub in c.__subclasses__()]:
        monkeypatch.setattr(cls, "get_tasks_iterator", _checked, raising=False)
    yield calls
