"""Timer events that read the application's clock instead of the machine's.

SpiffWorkflow's timer definitions compare against `datetime.now()`. QiSu's deadlines are computed
with an injectable clock (tests say "61 minutes later" and the timers due by then fire), so after
parsing, every time-date and duration timer is switched to a subclass that asks the script
engine for the time. The state they keep is exactly SpiffWorkflow's (`event_value`, `event_fired`).
"""
from __future__ import annotations

from datetime import datetime, timezone

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (DurationTimerEventDefinition,
                                                              TimeDateEventDefinition,
                                                              TimerEventDefinition)


def _now(my_task) -> datetime:
    return my_task.workflow.script_engine.now()


class ClockedTimeDate(TimeDateEventDefinition):
    def has_fired(self, my_task):
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            event_value = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            my_task._set_internal_data(event_value=str(event_value))
        if TimerEventDefinition.parse_time_or_duration(str(event_value)) <= _now(my_task):
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class ClockedDuration(DurationTimerEventDefinition):
    def has_fired(self, my_task):
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            parsed = TimerEventDefinition.parse_iso_duration(expression)
            start = _now(my_task)
            event_value = (start + TimerEventDefinition.get_timedelta_from_start(parsed, start)).isoformat()
            my_task._set_internal_data(event_value=event_value)
        if TimerEventDefinition.get_datetime(event_value) <= _now(my_task):
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


_SWAPS = {TimeDateEventDefinition: ClockedTimeDate, DurationTimerEventDefinition: ClockedDuration}


def use_app_clock(specs) -> None:
    """Switch the timer definitions of parsed process specs to the clocked subclasses."""
    for spec in specs:
        for task_spec in spec.task_specs.values():
            definition = getattr(task_spec, "event_definition", None)
            replacement = _SWAPS.get(type(definition))
            if replacement is not None:
                definition.__class__ = replacement


def due_at(my_task) -> datetime | None:
    """The due time (aware UTC) of a waiting timer task, once SpiffWorkflow has evaluated it."""
    value = my_task._get_internal_data("event_value")
    if value is None:
        return None
    return TimerEventDefinition.get_datetime(str(value)).astimezone(timezone.utc)
