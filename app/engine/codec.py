"""The task trees of a workflow state to and from their dictionaries, faster, in the same format.

SpiffWorkflow's `TaskConverter` turns each task into a dictionary through its registry: a
parsed UUID for every id, parent and child, a `DeepMerge` of the parent's data into every task
when loading, a property lookup for every parent. A state holds a few hundred tasks and every
command loads and saves one, so that per-task overhead was a large part of a step.

`FastTaskMappings` is a mixin for the workflow converters: their task mappings go through
`tasks_to_dict` / `tasks_from_dict`, which do what `TaskConverter.to_dict` / `from_dict` do (data
stored as the delta to the parent's data), field for field and in the same order, with plain
loops: UUIDs built straight from their hex (each id string parsed once per load), the parent's
data copied with a dict comprehension (the same shallow copies `DeepMerge.merge({}, data)` makes),
values restored only where a dictionary or list may hold a typed value. The stored JSON is the
same as before; `tests/unit/test_state_codec.py` compares both ways with SpiffWorkflow's own.
"""
from __future__ import annotations

from copy import copy
from uuid import UUID, SafeUUID

from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

_new = object.__new__
_set = object.__setattr__
_UNKNOWN = SafeUUID.unknown
WAITING = TaskState.WAITING


def _uuid(text: str, memo: dict) -> UUID:
    """UUID(text) for the canonical form SpiffWorkflow writes (36 characters, hyphens)."""
    value = memo.get(text)
    if value is None:
        if len(text) != 36:
            value = UUID(text)
        else:
            value = _new(UUID)
            _set(value, "int", int(text.replace("-", ""), 16))
            _set(value, "is_safe", _UNKNOWN)
        memo[text] = value
    return value


_CONTAINERS = (dict, list, set)


def _containers(data: dict) -> list:
    """The keys of `data` whose values DeepMerge copies (dicts, lists, sets)."""
    return [key for key, value in data.items() if isinstance(value, _CONTAINERS)]


def _inherited(data: dict, container_keys: list, updates: dict) -> dict:
    """DeepMerge.merge({}, data): a new dict whose dict, list and set values are shallow copies
    (`container_keys` names them). Keys about to be overwritten by `updates` are not copied."""
    out = dict(data)
    for key in container_keys:
        if key not in updates:
            value = out[key]
            kind = type(value)
            out[key] = value.copy() if kind is dict or kind is list or kind is set else copy(value)
    return out


def _restorer(registry):
    """registry.restore for values parsed from JSON, without a call per plain value."""
    restore = registry.restore

    def walk(value):
        kind = type(value)
        if kind is dict:
            if "typename" in value:
                return restore(value)
            return {key: (walk(item) if type(item) in (dict, list) else item)
                    for key, item in value.items()}
        if kind is list:
            return [walk(item) if type(item) in (dict, list) else item for item in value]
        return restore(value)
    return walk


def tasks_to_dict(registry, tasks: dict) -> dict:
    """{str(id): TaskConverter.to_dict(task) plus its typename} for every task of `tasks`."""
    typename = registry.typenames[Task]
    convert = registry.convert
    out = {}
    text_of = {}
    for task_id in tasks:
        text_of[task_id] = str(task_id)
    for task_id, task in tasks.items():
        parent = tasks.get(task._parent)
        if parent is None:
            data, delta = task.data, {}
        else:
            theirs, mine = parent.data, task.data
            data = {}
            delta = {"updates": {key: value for key, value in mine.items()
                                 if key not in theirs or value != theirs[key]},
                     "deletions": [key for key in theirs if key not in mine]}
        children = []
        for child in task._children:
            text = text_of.get(child)
            children.append(text if text is not None else str(child))
        internal = task.internal_data
        out[text_of[task_id]] = {
            "id": text_of[task_id],
            "parent": text_of[task._parent] if parent is not None else None,
            "children": children,
            "last_state_change": task.last_state_change,
            "state": task._state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": convert(internal) if internal else {},
            "data": data,
            "delta": delta,
            "typename": typename,
        }
    return out


def tasks_from_dict(registry, mapping: dict, workflow) -> dict:
    """The tasks of `mapping` restored into `workflow.tasks` (TaskConverter.from_dict for each)."""
    memo: dict = {}
    specs = workflow.spec.task_specs
    tasks = workflow.tasks
    walk = _restorer(registry)
    restore = registry.restore
    top = workflow.top_workflow
    thread_id = Task.thread_id_pool
    container_keys: dict = {}  # task id -> keys of its data holding dicts, lists or sets
    for key, dct in mapping.items():
        if dct.get("typename") != "Task":  # something else: the registry's own way
            task = restore(dct, workflow=workflow)
            tasks[_uuid(key, memo)] = task
            continue
        task_spec = specs.get(dct["task_spec"])
        if task_spec is None:  # Task() substitutes a StartTask: let it
            task = Task(workflow, None, state=dct["state"], id=_uuid(dct["id"], memo))
        else:
            task = _new(Task)
            task.id = _uuid(dct["id"], memo)
            tasks[task.id] = task
            task.workflow = workflow
            task._state = dct["state"]
            task.task_spec = task_spec
            task.thread_id = thread_id
        parent_id = dct["parent"]
        task._parent = _uuid(parent_id, memo) if parent_id is not None else None
        task._children = [_uuid(child, memo) for child in dct["children"]]
        task.last_state_change = dct["last_state_change"]
        task.triggered = dct["triggered"]
        internal = dct["internal_data"]
        task.internal_data = walk(internal) if internal else {}
        if isinstance(task_spec, CatchingEvent) and task._state & WAITING:
            top.event_manager.add_task(task)
        delta = dct.get("delta")
        parent = tasks.get(task._parent) if delta else None
        if parent is not None:
            updates = delta.get("updates", {})
            updates = walk(updates) if updates else {}
            inherited = container_keys.get(parent.id)
            if inherited is None:
                inherited = _containers(parent.data)
            data = _inherited(parent.data, inherited, updates)
            data.update(updates)
            deletions = delta.get("deletions", {})
            for name in deletions:
                if name in data:
                    del data[name]
            mine = [name for name in inherited if name not in updates and name not in deletions]
            mine.extend(name for name, value in updates.items()
                        if isinstance(value, _CONTAINERS) and name in data)
        else:
            data = walk(dct["data"])
            mine = _containers(data)
        task.data = data
        container_keys[task.id] = mine
        if key != dct["id"]:  # keyed differently from its own id: keep the mapping's key too
            tasks[_uuid(key, memo)] = task
    return tasks


class FastTaskMappings:
    """Mixin for SpiffWorkflow's workflow converters: task mappings through this module."""

    def mapping_to_dict(self, mapping, **kwargs):
        if not kwargs and mapping and all(type(task) is Task for task in mapping.values()):
            return tasks_to_dict(self.registry, mapping)
        return super().mapping_to_dict(mapping, **kwargs)

    def mapping_from_dict(self, mapping, key_class=None, **kwargs):
        workflow = kwargs.get("workflow")
        if key_class is UUID and workflow is not None and len(kwargs) == 1 and not workflow.tasks:
            return tasks_from_dict(self.registry, mapping, workflow)
        return super().mapping_from_dict(mapping, key_class, **kwargs)
