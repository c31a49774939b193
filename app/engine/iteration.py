"""A faster walk of the task tree, with the same results in the same order as SpiffWorkflow's.

SpiffWorkflow finds tasks (`get_tasks(state=READY)` and the like) by walking the whole tree with
`BpmnTaskIterator`: a list popped at the front, a filter object per task, a property call for every
parent and child, and a walk back up the tree after every leaf to keep a depth count. The engine
asks many times per step (`do_engine_steps` once per active (sub)process and round), so on a case
of a few hundred tasks that walk was the largest part of a step's engine time.

`walk` visits the same tasks in the same depth-first order with the same rules (children only of
tasks at or above the filter's minimum state; a subprocess's tree before its caller's children;
finished subprocesses skipped when only unfinished tasks are asked for) and the same filter, with
a stack and the true depth. Anything else the iterator supports (`end_at_spec`, breadth first,
`updated_ts`, a custom `task_filter`, `catches_event`) goes to SpiffWorkflow's own iterator, and
so does a tree deep enough for `max_depth` to matter (SpiffWorkflow's depth count is the true
depth within a tree; it is only approximate across subprocesses, so the fast walk gives way well
before the limit). `tests/unit/test_engine_iteration.py` compares both on every step of a loop.
"""
from __future__ import annotations

from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

ANY = TaskState.ANY_MASK
FINISHED = TaskState.FINISHED_MASK
_FAST_KEYS = frozenset(("state", "manual", "spec_name", "spec_class", "lane",
                        "skip_subprocesses"))
SAFE_DEPTH = 400  # the fast walk hands over to SpiffWorkflow's iterator beyond this depth


class _TooDeep(Exception):
    pass


def _min_state(state: int) -> int:
    if state & TaskState.PREDICTED_MASK:
        return TaskState.MAYBE
    if state & TaskState.DEFINITE_MASK:
        return TaskState.FUTURE
    return TaskState.COMPLETED


def _collect(top, first, state=ANY, manual=None, spec_name=None, spec_class=None, lane=None,
             skip_subprocesses=False) -> list:
    """The matching tasks below `first` (inclusive), in BpmnTaskIterator's order."""
    subprocesses = top.subprocesses
    min_state = _min_state(state)
    descend_finished_sp = not state <= FINISHED
    found = []
    stack = [(first, 0)]
    pop, push = stack.pop, stack.append
    while stack:
        task, depth = pop()
        if depth > SAFE_DEPTH:
            raise _TooDeep()
        task_state = task._state
        spec = task.task_spec
        if (task_state & state and (manual is None or spec.manual == manual)
                and (spec_name is None or spec.name == spec_name)
                and (spec_class is None or isinstance(spec, spec_class))
                and (lane is None or spec.lane == lane)):
            found.append(task)
        subprocess = subprocesses.get(task.id)
        if subprocess is None:
            if task._children and task_state >= min_state:
                get = task.workflow.tasks.get
                for child in reversed(task._children):
                    push((get(child), depth + 1))
        else:
            get = task.workflow.tasks.get
            for child in reversed(task._children):
                push((get(child), depth + 1))
            if not (skip_subprocesses or (task_state >= FINISHED and not descend_finished_sp)):
                push((subprocess.task_tree, depth + 1))
    return found


class FastIteration:
    """Mixin for the workflow classes: `get_tasks_iterator` through `_collect` where it can."""

    def get_tasks_iterator(self, first_task=None, **kwargs):
        if kwargs.keys() <= _FAST_KEYS:
            try:
                return iter(_collect(self.top_workflow, first_task or self.task_tree, **kwargs))
            except _TooDeep:
                pass
        return super().get_tasks_iterator(first_task, **kwargs)


class QisuSubWorkflow(FastIteration, BpmnSubWorkflow):
    pass


class QisuWorkflow(FastIteration, BpmnWorkflow):
    """BpmnWorkflow with the fast walk, for itself and the subprocesses it creates."""

    def create_subprocess(self, my_task, spec_name):
        # BpmnWorkflow.create_subprocess with QisuSubWorkflow in place of BpmnSubWorkflow.
        subprocess = QisuSubWorkflow(self.subprocess_specs[spec_name], my_task.id, self)
        self.subprocesses[my_task.id] = subprocess
        return subprocess
