"""Faulted timers (issue 17): timers whose process failed, e.g. a script past the sandbox limits."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.services import timers

from .auth import login_required, runtime

blp = Blueprint("timers", __name__, url_prefix="/api/timers",
                description="定时器故障 (Faulted timers)")
SECURITY = [{"bearerAuth": []}]


class FaultedTimerOut(Schema):
    case = fields.String(required=True, metadata={"description": "诉求编号"})
    timer = fields.String(required=True, metadata={"description": "定时器的 BPMN 元素 id"})
    due_at = fields.String(required=True, metadata={"description": "到期时间(UTC)"})
    reason = fields.String(required=True, metadata={"description": "故障原因(流程错误)"})


class RetriedOut(Schema):
    retried = fields.Integer(required=True, metadata={"description": "重新等待触发的定时器数"})


@blp.route("/faulted")
class Faulted(MethodView):
    @blp.response(200, FaultedTimerOut(many=True))
    @blp.doc(security=SECURITY)
    @login_required("admin")
    def get(self):
        """Timers the worker stopped firing because their process failed, and why."""
        return timers.faulted_timers(runtime())


@blp.route("/faulted/<number>/retry")
class Retry(MethodView):
    @blp.response(200, RetriedOut)
    @blp.doc(security=SECURITY)
    @login_required("admin")
    def post(self, number):
        """Make the faulted timers of case `number` wait again (after the cause was fixed)."""
        return {"retried": timers.retry_faulted(runtime(), number)}
