"""Server-rendered pages (Jinja + htmx) for every role, one blueprint per area.

`bp` ("web") holds the shared pieces — static files, vendored scripts, template filters, the
layout in `templates/`. Each area's module `pages_<area>.py` has its own blueprint, nested in
`web` (endpoints `web.<area>.<view>`), and its templates in `templates/<area>/`. Adding an area is
adding a module.
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
        _area = import_module(f"{__name__}.{_module.name}").bp
        if _area is not bp:  # a module that still adds its routes to `web` itself
            bp.register_blueprint(_area)
