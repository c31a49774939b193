"""Cases: intake (P1–P3), progress (P17), history (P16), rating (P9)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from app.services import cases, diagram, extensions, intake, progress, tasks

from .auth import current_actor, login_required, runtime
from .idempotency import DOC as IDEMPOTENCY_DOC, idempotent
from .schemas import (CaseIn, CaseListArgs, CaseOut, CasePage, DiagramOut, ExtensionIn, HistoryOut,
                      ProgressOut, RatingIn)
from .validation import with_service_errors

blp = Blueprint("cases", __name__, url_prefix="/api/cases", description="诉求 (Cases)")
SECURITY = [{"bearerAuth": []}]


@blp.route("")
class Cases(MethodView):
    @login_required()
    @blp.arguments(CaseListArgs, location="query")
    @blp.response(200, CasePage)
    @blp.doc(security=SECURITY)
    def get(self, args):
        """Cases I may see, newest first (诉求列表).

        An enterprise user gets each case's EnterpriseCase fields only (P17)."""
        return cases.list_cases(runtime(), current_actor(), **args)

    @login_required("agent", "enterprise")
    @with_service_errors(lambda body: intake.submission_errors(runtime(), current_actor(), body))
    @blp.arguments(CaseIn)
    @blp.response(201, CaseOut)
    @blp.doc(security=SECURITY, **IDEMPOTENCY_DOC)
    @idempotent(201)
    def post(self, body, idem):
        """Submit a demand: agents on the phone, enterprises through web/app (受理).
        One 422 names every missing or invalid field, the enterprise's identification (P2)
        included; nothing is written then.
        An `Idempotency-Key` header makes a retry return the first result."""
        return intake.submit_case(runtime(), current_actor(), body, idem=idem)


@blp.route("/<number>")
class CaseItem(MethodView):
    @blp.response(200, CaseOut)
    @blp.doc(security=SECURITY)
    @login_required()
    def get(self, number):
        """Status, current step, reply and rating of one case (进度查询).

        An enterprise user gets the EnterpriseCase fields only (P17): no staff names, internal
        notes, classifier figures, clocks, open tasks or internal codes."""
        return cases.get_case(runtime(), current_actor(), number)


@blp.route("/<number>/history")
class CaseHistory(MethodView):
    @blp.response(200, HistoryOut)
    @blp.doc(security=SECURITY)
    @login_required()
    def get(self, number):
        """Every recorded action on the case (全程留痕), for staff and units.

        An enterprise user gets 404 for every number: its view is `/progress` (P17)."""
        return cases.history(runtime(), current_actor(), number)


@blp.route("/<number>/progress")
class CaseProgress(MethodView):
    @blp.response(200, ProgressOut)
    @blp.doc(security=SECURITY)
    @login_required()
    def get(self, number):
        """The case and the key steps of its handling in plain words, as the enterprise sees
        them (进度查询, P17): no staff names, internal notes or classifier figures."""
        return progress.progress(runtime(), current_actor(), number)


@blp.route("/<number>/diagram")
class CaseDiagram(MethodView):
    @blp.response(200, DiagramOut)
    @blp.doc(security=SECURITY)
    @login_required()
    def get(self, number):
        """The case's process diagrams with its completed, current and overdue elements (流程图).

        From its deployment's BPMN, for staff and units. An enterprise user gets 404 for every
        number: its view is `/progress` (P17)."""
        return diagram.case_diagram(runtime(), current_actor(), number)


@blp.route("/<number>/rating")
class CaseRating(MethodView):
    @login_required("enterprise")
    @blp.arguments(RatingIn)
    @blp.response(200, CaseOut)
    @blp.doc(security=SECURITY, **IDEMPOTENCY_DOC)
    @idempotent(200)
    def post(self, body, number, idem):
        """The enterprise rates the result (好差评).
        An `Idempotency-Key` header makes a retry return the first result."""
        return tasks.complete_for_case(runtime(), current_actor(), number, "rate", body, idem=idem)


@blp.route("/<number>/extension-requests")
class CaseExtension(MethodView):
    @login_required("unit")
    @blp.arguments(ExtensionIn)
    @blp.response(201, CaseOut)
    @blp.doc(security=SECURITY)
    def post(self, body, number):
        """The lead unit asks for a later resolution deadline; the supervisor decides (申请延期)."""
        return extensions.request_extension(runtime(), current_actor(), number, body["reason"],
                                            body["requested_due"])
