"""User roles and the BPMN lanes that map to them."""

from __future__ import annotations

# code -> (Chinese, English)
ROLES: dict[str, tuple[str, str]] = {
    "enterprise": ("企业", "Enterprise"),
    "agent": ("企业专席话务员", "Hotline agent"),
    "dispatcher": ("派单员", "Dispatcher"),
    "unit": ("承办单位业务专员", "Unit specialist"),
    "supervisor": ("督办员", "Supervisor"),
    "leader": ("领导", "Leader"),
    "designer": ("流程设计", "Process designer"),
    "analyst": ("分析", "Analyst"),
    "admin": ("管理员", "Administrator"),
    "api_client": ("开放接口应用", "Open API client"),
}

# BPMN lane name -> role code
LANE_ROLES: dict[str, str] = {
    "企业专席话务员": "agent",
    "派单员": "dispatcher",
    "承办单位": "unit",
    "企业": "enterprise",
    "督办员": "supervisor",
    "领导": "leader",
}


def role_for_lane(lane: str | None) -> str | None:
    """Role code for a lane given by its Chinese name or directly by a role code."""
    if not lane:
        return None
    lane = lane.strip()
    if lane in LANE_ROLES:
        return LANE_ROLES[lane]
    if lane in ROLES:
        return lane
    return None
