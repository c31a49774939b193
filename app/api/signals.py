"""P18 common problems (共性问题) and surge alerts (激增预警)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from app.domain.errors import NotFound
from app.domain.texts import N_, msg
from app.services.signals import query, surges

from .auth import current_actor, login_required, runtime
from .export import EXPORT_CONTENT, export_response
from .signals_schemas import (GROUP_COLUMNS, ProblemArgs, ProblemsOut, SurgeArgs, SurgeOut,
                              export_rows)

blp = Blueprint("signals", __name__, url_prefix="/api/insight",
                description="共性问题与激增预警 (Common problems and surge alerts)")
SECURITY = [{"bearerAuth": []}]
READERS = ("leader", "supervisor", "analyst", "admin")
ACKNOWLEDGERS = ("supervisor", "admin")


def analyse(args: dict) -> dict:
    return query.analyse(runtime(), args)


@blp.route("/common-problems")
class CommonProblems(MethodView):
    @login_required(*READERS)
    @blp.arguments(ProblemArgs, location="query")
    @blp.response(200, ProblemsOut)
    @blp.doc(security=SECURITY, responses={"200": {
        "description": "JSON；format=csv/xlsx 时为文件下载",
        "content": {"application/json": {"schema": ProblemsOut}, **EXPORT_CONTENT}}})
    def get(self, args):
        """Demands of different enterprises about the same problem, grouped by text similarity,
        largest group first; `format=csv|xlsx` downloads the group table (共性问题)."""
        result = analyse(args)
        if args.get("format"):
            return export_response(GROUP_COLUMNS, export_rows(result), args["format"],
                                   N_("共性问题"))
        return result


@blp.route("/surges")
class Surges(MethodView):
    @login_required(*READERS)
    @blp.arguments(SurgeArgs, location="query")
    @blp.response(200, SurgeOut(many=True))
    @blp.doc(security=SECURITY)
    def get(self, args):
        """Recent surge alerts, newest first: `status=open|acknowledged|all` (激增预警)."""
        return surges.list_alerts(runtime(), args["status"], args["limit"])


@blp.route("/surges/<alert_id>/acknowledge")
class Acknowledge(MethodView):
    @blp.response(200, SurgeOut)
    @blp.doc(security=SECURITY)
    @login_required(*ACKNOWLEDGERS)
    def post(self, alert_id):
        """Acknowledge an alert (确认预警); acknowledging again keeps the first acknowledgement."""
        if not (alert_id.isascii() and alert_id.isdigit() and len(alert_id) <= 18):
            raise NotFound(msg("surge.not_found", "未找到该预警"))  # nor an id past the database's integers
        return surges.acknowledge(runtime(), int(alert_id), current_actor())
