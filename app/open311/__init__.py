"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at /open311/v2: third-party apps
list the services (the domains), submit service requests (cases, channel "api") with an api_key
and follow them. A plain Flask blueprint: the formats (.xml/.json) are the specification's."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")

from . import views  # noqa: E402,F401
