"""Who is acting: the authenticated user as the services see them."""
from __future__ import annotations

from dataclasses import dataclass

STAFF_ROLES = frozenset({"agent", "dispatcher", "supervisor", "leader", "designer", "analyst", "admin"})


@dataclass(frozen=True)
class Actor:
    id: int
    username: str
    display_name: str
    role: str
    unit_id: int | None = None
    enterprise_id: int | None = None

    @property
    def is_staff(self) -> bool:
        """Hotline-side staff see every case; units and enterprises see only their own."""
        return self.role in STAFF_ROLES
