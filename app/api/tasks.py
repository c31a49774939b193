"""Human tasks: my tasks and my groups' tasks; claim, unclaim, complete."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from app.services import tasks

from .auth import current_actor, login_required, runtime
from .idempotency import DOC as IDEMPOTENCY_DOC, idempotent
from .schemas import CaseOut, TaskCompleteIn, TaskListArgs, TaskOut, TaskPage

blp = Blueprint("tasks", __name__, url_prefix="/api/tasks", description="待办任务 (Tasks)")
SECURITY = [{"bearerAuth": []}]


@blp.route("")
class Tasks(MethodView):
    @login_required()
    @blp.arguments(TaskListArgs, location="query")
    @blp.response(200, TaskPage)
    @blp.doc(security=SECURITY)
    def get(self, args):
        """My tasks and my groups' tasks; red-list first (待办列表)."""
        return tasks.list_tasks(runtime(), current_actor(), **args)


@blp.route("/<task_id>")
class TaskItem(MethodView):
    @blp.response(200, TaskOut)
    @blp.doc(security=SECURITY)
    @login_required()
    def get(self, task_id):
        """One task with its form's JSON Schema."""
        return tasks.get_task(runtime(), current_actor(), task_id)


@blp.route("/<task_id>/claim")
class TaskClaim(MethodView):
    @blp.response(200, TaskOut)
    @blp.doc(security=SECURITY)
    @login_required()
    def post(self, task_id):
        """Claim a task for myself (签收/认领)."""
        return tasks.claim(runtime(), current_actor(), task_id)


@blp.route("/<task_id>/unclaim")
class TaskUnclaim(MethodView):
    @blp.response(200, TaskOut)
    @blp.doc(security=SECURITY)
    @login_required()
    def post(self, task_id):
        """Give a claimed task back to the group (退回组内)."""
        return tasks.unclaim(runtime(), current_actor(), task_id)


@blp.route("/<task_id>/complete")
class TaskComplete(MethodView):
    @login_required()
    @blp.arguments(TaskCompleteIn)
    @blp.response(200, CaseOut)
    @blp.doc(security=SECURITY, **IDEMPOTENCY_DOC)
    @idempotent(200)
    def post(self, body, task_id, idem):
        """Complete a task with its form data; the process moves to its next step (办理).
        An `Idempotency-Key` header makes a retry return the first result."""
        return tasks.complete(runtime(), current_actor(), task_id, body["data"], idem=idem)
