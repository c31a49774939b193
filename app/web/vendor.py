"""Front-end packages from npm (installed by `make`), served from node_modules/ under /vendor."""
from __future__ import annotations

from flask import abort, send_from_directory

from app.config import ROOT

from . import bp

NODE_MODULES = ROOT / "node_modules"
# Only the built distributions of the packages the pages use.
ALLOWED = ("bpmn-js/dist/", "dmn-js/dist/", "htmx.org/dist/", "echarts/dist/", "swagger-ui-dist/",
           "@bpmn-io/properties-panel/dist/assets/", "diagram-js-minimap/assets/",
           "bpmn-js-token-simulation/assets/", "bpmn-js-bpmnlint/dist/assets/")


@bp.route("/vendor/<path:filename>")
def vendor(filename: str):
    if not filename.startswith(ALLOWED) or ".." in filename:
        abort(404)
    return send_from_directory(NODE_MODULES, filename, max_age=86400)
