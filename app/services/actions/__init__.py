"""Named actions that the BPMN service tasks call (`spiffworkflow:serviceTaskOperator`). The
diagrams decide when; these decide what. Every operator is registered here, explicitly:

| operator          | used by (enterprise_demand.bpmn, unit_handling.bpmn) | function            | rule |
|-------------------|---------------------------------------|--------------------------------|------|
| assign_unit       | 确定承办单位 / 改派                      | `cases.assign_unit`            | P4, P13 |
| auto_assign_unit  | 自动派单                                | `cases.auto_assign_unit`       | P4   |
| classify_domain   | 智能识别领域                            | `classify.classify_domain`     | P4   |
| notify_enterprise | 答复企业                                | `cases.notify_enterprise`      | P17  |
| record_rating     | 记录评价                                | `cases.record_rating`          | P9, P10 |
| close_case        | 结案 / 直接答复办结                      | `cases.close_case`             | P3, P9 |
| start_clocks … await_rating | the deadline clocks          | `app/services/sla.py`          | P5–P8, P11, P13–P15 |
"""
from __future__ import annotations

from app.engine.actions import Action, ActionRegistry

from .. import sla
from . import cases, classify

OPERATORS: dict[str, Action] = {
    "assign_unit": cases.assign_unit,
    "auto_assign_unit": cases.auto_assign_unit,
    "classify_domain": classify.classify_domain,
    "notify_enterprise": cases.notify_enterprise,
    "record_rating": cases.record_rating,
    "close_case": cases.close_case,
    "start_clocks": sla.start_clocks,
    "stop_clock": sla.stop_clock,
    "clock_warning": sla.clock_warning,
    "clock_violated": sla.clock_violated,
    "check_return": sla.check_return,
    "record_return": sla.record_return,
    "co_timeout": sla.co_timeout,
    "decide_extension": sla.decide_extension,
    "await_rating": sla.await_rating,
}


def action_registry() -> ActionRegistry:
    """A registry holding every operator above."""
    registry = ActionRegistry()
    for name, action in OPERATORS.items():
        registry.register(name)(action)
    return registry


ACTIONS = action_registry()  # the runner's registry (wiring.py); the designer lists its names
