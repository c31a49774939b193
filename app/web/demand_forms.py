"""What the agent's intake page and the enterprise's submit page share."""
from __future__ import annotations

from flask import flash, redirect, url_for

from app.demo.data import TOWNS
from app.domain.errors import DomainError, ValidationFailed
from app.services import catalog, intake

from . import bp
from .common import rt
from app.i18n import gettext


@bp.app_context_processor
def _text_limits():
    """The intake's text limits, for the forms' live counters (the service refuses beyond)."""
    return {"text_limits": intake.LIMITS}


def towns(extra: str | None = None) -> list[str]:
    """The towns (镇街) of the receiving units, plus the enterprise's town when it is not one."""
    names = [name for _, name in catalog.towns(rt())] or list(TOWNS)
    if extra and extra not in names:
        names.append(extra)
    return names


def submit_demand(actor, payload: dict, success_message: str, direct: bool = False):
    """Submit through the intake service: (a redirect to the new case, {}) or (None, errors)
    naming every field to correct."""
    try:
        case = intake.submit_case(rt(), actor, payload, direct=direct)
    except ValidationFailed as err:
        return None, err.fields
    except DomainError as err:
        return None, {"form": [err.message]}
    if case.get("routing", {}).get("auto_dispatched") and case.get("unit"):
        # the classifier was sure and the routing table chose the unit: no dispatcher involved
        flash(gettext("已受理并自动派单至 {unit}").format(unit=case["unit"]["name"]), "success")
    elif case.get("unit"):   # an enterprise's P17 view: no routing figures, only where it went
        flash(gettext("已受理并转交 {unit} 办理").format(unit=case["unit"]["name"]), "success")
    else:
        flash(gettext(success_message), "success")
    return redirect(url_for("web.cases.case_view", number=case["number"])), {}
