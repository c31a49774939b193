"""Process deployments: versions of the BPMN/DMN/form files (process designers)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.services import deployments

from .auth import current_actor, login_required, runtime
from .schemas import DeploymentOut, ProcessFileIn

blp = Blueprint("deployments", __name__, url_prefix="/api/deployments",
                description="流程部署 (Process deployments)")
SECURITY = [{"bearerAuth": []}]


@blp.route("")
class Deployments(MethodView):
    @blp.response(200, DeploymentOut(many=True))
    @blp.doc(security=SECURITY)
    @login_required("designer", "admin")
    def get(self):
        """All deployments, newest first; new cases start on the newest."""
        return deployments.list_deployments(runtime())

    @login_required("designer")
    @blp.arguments(ProcessFileIn)
    @blp.response(201, DeploymentOut)
    @blp.doc(security=SECURITY)
    def post(self, body):
        """Replace one file of the newest deployment and deploy the result as a new version.

        The bundle is parsed with SpiffWorkflow and every script and expression is checked by
        the sandbox first; errors name the file and element id."""
        return deployments.update_file(runtime(), current_actor(), body["filename"], body["content"])


class ValidationOut(Schema):
    ok = fields.Boolean(required=True, metadata={"description": "整个部署包可以解析"})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "按位置(文件#元素 id)列出的错误"})


@blp.route("/validate")
class Validate(MethodView):
    @login_required("designer")
    @blp.arguments(ProcessFileIn)
    @blp.response(200, ValidationOut)
    @blp.doc(security=SECURITY)
    def post(self, body):
        """Check one file against the newest deployment without deploying anything (校验).

        The newest deployment is parsed with `filename` replaced by `content`, exactly as a
        deployment would be; `errors` maps `file#element` to messages."""
        errors = deployments.validate_file(runtime(), body["filename"], body["content"])
        return {"ok": not errors, "errors": deployments.errors_by_place(errors)}
