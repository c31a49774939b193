"""P4 routing: the classifier's domain suggestion, and the stored classifier versions."""
from __future__ import annotations

import re

from flask.views import MethodView
from flask_smorest import Blueprint

from app.domain.errors import NotFound
from app.services import routing, routing_models

from .auth import login_required, runtime
from .routing_schemas import ActivateIn, ModelOut, SuggestIn, SuggestOut

blp = Blueprint("routing", __name__, url_prefix="/api/routing", description="智能分拨 (Routing)")
SECURITY = [{"bearerAuth": []}]


@blp.route("/suggest")
class Suggest(MethodView):
    @blp.arguments(SuggestIn)
    @blp.response(200, SuggestOut)
    @blp.doc(security=SECURITY)
    @login_required("agent", "dispatcher", "supervisor", "admin")
    def post(self, args):
        """The active classifier's three most likely domains for a demand text, each with the unit
        the routing table gives it, the confidence score and whether the case would be dispatched
        automatically (score ≥ threshold) (智能识别领域)."""
        rt = runtime()
        suggestion = routing_models.suggest_domain(rt, args["text"])
        if suggestion is None:
            raise NotFound("没有启用的分拨模型")
        top3 = [{"domain": d, "confidence": p,
                 "unit": routing.suggest_unit(rt, d, args["town"], args["kind"])}
                for d, p in suggestion["top"]]
        return {"model_version": suggestion["model_version"], "threshold": suggestion["threshold"],
                "score": suggestion["score"], "auto": suggestion["auto"], "top3": top3}


@blp.route("/models")
class Models(MethodView):
    @blp.response(200, ModelOut(many=True))
    @blp.doc(security=SECURITY)
    @login_required("admin", "designer", "analyst")
    def get(self):
        """The stored classifier versions; `flask qisu routing train` adds one (分拨模型版本)."""
        return routing_models.list_models(runtime(), with_usage=True)


@blp.route("/models/<version>/activate")
class Activate(MethodView):
    @blp.arguments(ActivateIn)
    @blp.response(200, ModelOut)
    @blp.doc(security=SECURITY)
    @login_required("admin")
    def post(self, args, version):
        """Make a version the active classifier, optionally with a manual threshold (启用模型)."""
        if not re.fullmatch(r"[0-9]{1,9}", version):
            raise NotFound(f"分拨模型版本 {version} 不存在")
        return routing_models.activate(runtime(), int(version), args["threshold"])
