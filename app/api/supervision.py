"""Supervision (督办): overdue, soon overdue and dissatisfied cases, the red-list watch list."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from app.services import supervision

from .auth import login_required, runtime
from .schemas import DueSoonArgs, SupervisionCase

blp = Blueprint("supervision", __name__, url_prefix="/api/supervision",
                description="督办 (Supervision)")
SECURITY = [{"bearerAuth": []}]
ROLES = ("supervisor", "leader", "admin")


@blp.route("/overdue")
class Overdue(MethodView):
    @blp.response(200, SupervisionCase(many=True))
    @blp.doc(security=SECURITY)
    @login_required(*ROLES)
    def get(self):
        """Open cases with a violated deadline; red list first (超期)."""
        return supervision.overdue(runtime())


@blp.route("/due-soon")
class DueSoon(MethodView):
    @login_required(*ROLES)
    @blp.arguments(DueSoonArgs, location="query")
    @blp.response(200, SupervisionCase(many=True))
    @blp.doc(security=SECURITY)
    def get(self, args):
        """Running deadlines past their warning time or due within `hours` (即将超期)."""
        return supervision.due_soon(runtime(), args["hours"])


@blp.route("/dissatisfied")
class Dissatisfied(MethodView):
    @blp.response(200, SupervisionCase(many=True))
    @blp.doc(security=SECURITY)
    @login_required(*ROLES)
    def get(self):
        """Open cases the enterprise rated dissatisfied (不满意督办)."""
        return supervision.dissatisfied(runtime())


@blp.route("/watch")
class Watch(MethodView):
    @blp.response(200, SupervisionCase(many=True))
    @blp.doc(security=SECURITY)
    @login_required(*ROLES)
    def get(self):
        """Every open red-list case with its step, open tasks and clocks (强力督办, 一跟到底)."""
        return supervision.watch_list(runtime())
