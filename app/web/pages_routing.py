"""P4 page for administrators and analysts: the classifier versions with their cross-validated
and live figures; an administrator activates a version (optionally with a manual threshold)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from app.domain.errors import DomainError
from app.services import routing_models

from . import bp
from .common import page, rt
from .i18n import gettext

READERS = ("admin", "analyst")
MANAGERS = ("admin",)


@bp.route("/routing/models", endpoint="routing_models")
@page(*READERS)
def models_page(actor):
    return render_template("routing_models.html", models=routing_models.list_models(rt(), with_usage=True)[::-1],
                           can_activate=actor.role in MANAGERS)


@bp.route("/routing/models/<int:version>/activate", methods=["POST"], endpoint="routing_activate")
@page(*MANAGERS)
def activate(actor, version):
    raw = (request.form.get("threshold") or "").strip()
    try:
        threshold = float(raw) if raw else None
    except ValueError:
        threshold = -1.0  # refused below with the service's own message
    try:
        result = routing_models.activate(rt(), version, threshold)
    except DomainError as err:
        details = " ".join(m for messages in (err.fields or {}).values() for m in messages)
        flash(gettext(details or err.message), "error")
    else:
        flash(f"{gettext('已启用分拨模型版本')} {result['version']} "
              f"({gettext('阈值')} {result['threshold']:.3f})", "success")
    return redirect(url_for("web.routing_models"))
