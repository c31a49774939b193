"""Process deployments: versions of the BPMN/DMN/form files (process designers)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

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

    @blp.arguments(ProcessFileIn)
    @blp.response(201, DeploymentOut)
    @blp.doc(security=SECURITY)
    @login_required("designer")
    def post(self, body):
        """Replace one file of the newest deployment and deploy the result as a new version.

        The bundle is parsed with SpiffWorkflow and every script and expression is checked by
        the sandbox first; errors name the file and element id."""
        return deployments.update_file(runtime(), current_actor(), body["filename"], body["content"])
