"""Registry of named actions that BPMN service tasks call (`spiffworkflow:serviceTaskOperator`).

The diagrams decide *when* an action runs; the registry says *what* it does. Actions receive
their evaluated parameters and the task data, and return a JSON-serializable result that the
service task stores in its result variable.
"""
from __future__ import annotations

from typing import Any, Callable

Action = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any] | None]


class UnknownAction(LookupError):
    pass


class ActionRegistry:
    def __init__(self):
        self._actions: dict[str, Action] = {}

    def register(self, name: str) -> Callable[[Action], Action]:
        def decorator(fn: Action) -> Action:
            if name in self._actions:
                raise ValueError(f"action {name!r} registered twice")
            self._actions[name] = fn
            return fn
        return decorator

    def names(self) -> list[str]:
        return sorted(self._actions)

    def call(self, name: str, params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
        try:
            action = self._actions[name]
        except KeyError:
            raise UnknownAction(f"未注册的服务任务操作: {name}") from None
        return action(params, data) or {}
