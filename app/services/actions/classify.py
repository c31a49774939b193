"""P4: the service task 智能识别领域 — the active classifier suggests the case's domain.

The suggestion (top three domains with probabilities, the model version, the threshold, the
confidence score and whether it clears the threshold) is stored on the case and returned to the process, whose
gateway `gw_auto` decides between automatic dispatch and the dispatcher.
"""
from __future__ import annotations

from typing import Any

from .. import audit
from ..command import current
from ..routing.model_versions import active_model

NO_SUGGESTION = {"label": "", "confidence": 0.0, "score": 0.0, "auto": False, "threshold": None, "top": [],
                 "model_version": None}


def classify_domain(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    cmd = current()
    model = active_model(cmd.session)
    if model is None:
        return dict(NO_SUGGESTION)
    suggestion = model.suggest(cmd.case.description)
    case = cmd.case
    case.predicted_domain = suggestion["label"]
    case.domain_confidence = suggestion["confidence"]
    case.domain_top3 = suggestion["top"]
    case.routing_model_id = suggestion["model_version"]
    audit.record(cmd, "classify", after=suggestion | {"domain": case.domain}, by_system=True)
    return suggestion
