"""Server-rendered pages (Jinja + htmx) for every role. One module per area registers its routes."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/web")

from . import filters, pages_auth, pages_cases, pages_supervision, pages_tasks, vendor  # noqa: E402,F401
