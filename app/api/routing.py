"""P4 routing: the classifier's domain suggestion, and the stored classifier versions."""
from __future__ import annotations

import re

from flask.views import MethodView
from flask_smorest import Blueprint

from app.domain.errors import NotFound
from app.domain.texts import msg
from app.services.routing import audit as routing_audit, model_versions, suggestions

from .auth import current_actor, login_required, runtime
from .routing_schemas import (ActivateIn, AuditOut, DrawIn, DrawOut, JudgeIn, ModelOut, SampleOut,
                              SuggestIn, SuggestOut)

blp = Blueprint("routing", __name__, url_prefix="/api/routing", description="智能分拨 (Routing)")
SECURITY = [{"bearerAuth": []}]


@blp.route("/suggest")
class Suggest(MethodView):
    @login_required("agent", "dispatcher", "supervisor", "admin")
    @blp.arguments(SuggestIn)
    @blp.response(200, SuggestOut)
    @blp.doc(security=SECURITY)
    def post(self, args):
        """The active classifier's three most likely domains for a demand text, each with the unit
        the routing table gives it, the confidence score and whether the case would be dispatched
        automatically (score ≥ threshold) (智能识别领域)."""
        rt = runtime()
        suggestion = model_versions.suggest_domain(rt, args["text"])
        if suggestion is None:
            raise NotFound(msg("routing.no_active_model", "没有启用的分拨模型"))
        top3 = [{"domain": d, "confidence": p,
                 "unit": suggestions.suggest_unit(rt, d, args["town"], args["kind"])}
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
        return model_versions.list_models(runtime(), with_usage=True)


@blp.route("/models/<version>/activate")
class Activate(MethodView):
    @login_required("admin")
    @blp.arguments(ActivateIn)
    @blp.response(200, ModelOut)
    @blp.doc(security=SECURITY)
    def post(self, args, version):
        """Make a version the active classifier, optionally with a manual threshold (启用模型)."""
        return model_versions.activate(runtime(), _version(version), args["threshold"])


AUDIT_READERS = ("supervisor", "analyst", "admin")
AUDITORS = ("supervisor", "admin")


@blp.route("/models/<version>/audits")
class Audits(MethodView):
    @blp.response(200, SampleOut)
    @blp.doc(security=SECURITY)
    @login_required(*AUDIT_READERS)
    def get(self, version):
        """A version's audit sample (分拨抽检): the drawn automatically dispatched cases, those to
        judge first, and the precision of the judged ones with its 95% interval."""
        return routing_audit.list_audits(runtime(), _version(version))

    @login_required(*AUDITORS)
    @blp.arguments(DrawIn)
    @blp.response(201, DrawOut)
    @blp.doc(security=SECURITY)
    def post(self, args, version):
        """Draws up to `size` more of the version's automatically dispatched cases at random into
        its sample; a case is drawn at most once (抽样)."""
        return routing_audit.draw_sample(runtime(), current_actor(), _version(version), args["size"])


@blp.route("/audits/<audit_id>")
class Judge(MethodView):
    @login_required(*AUDITORS)
    @blp.arguments(JudgeIn)
    @blp.response(200, AuditOut)
    @blp.doc(security=SECURITY)
    def post(self, args, audit_id):
        """Judges a drawn case: `correct`, or `wrong` with the domain it should have had. Final:
        a second verdict is 409. The verdict goes into the case's trail and is its training
        label (判定)."""
        if not re.fullmatch(r"[0-9]{1,9}", audit_id):
            raise NotFound(msg("audit.not_found", "抽检记录 {id} 不存在", id=audit_id))
        return routing_audit.judge(runtime(), current_actor(), int(audit_id), args["verdict"],
                                   args["domain"], args["note"])


def _version(version: str) -> int:
    if not re.fullmatch(r"[0-9]{1,9}", version):
        raise NotFound(msg("routing.version_not_found", "分拨模型版本 {version} 不存在", version=version))
    return int(version)
