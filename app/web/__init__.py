"""Server-rendered pages (Jinja + htmx) for every role.

Each `pages_*.py` module of this package registers the routes of one area on `bp`; they are
imported automatically, so adding an area is adding a module.
"""
from __future__ import annotations

import pkgutil
from importlib import import_module

from flask import Blueprint

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/web")

from . import filters, vendor  # noqa: E402,F401

for _module in pkgutil.iter_modules(__path__):
    if _module.name.startswith("pages_"):
        import_module(f"{__name__}.{_module.name}")
