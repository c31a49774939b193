"""Operations as `flask qisu ...` commands, one module per area (like the blueprints)."""
from __future__ import annotations

from . import apikey, demo, insight, ops, policy, routing, users  # noqa: F401  (each registers its commands)
from .base import qisu, service_call

__all__ = ["qisu", "service_call"]
