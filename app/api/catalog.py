"""Reference data: enterprises (lookup for intake) and receiving units."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from app.services import catalog, enterprises

from .auth import login_required, runtime
from .schemas import EnterpriseArgs, EnterpriseOut, UnitOut

blp = Blueprint("catalog", __name__, url_prefix="/api", description="企业与承办单位 (Reference data)")
SECURITY = [{"bearerAuth": []}]


@blp.route("/enterprises")
class Enterprises(MethodView):
    @login_required("agent", "dispatcher", "supervisor", "leader", "analyst", "admin")
    @blp.arguments(EnterpriseArgs, location="query")
    @blp.response(200, EnterpriseOut(many=True))
    @blp.doc(security=SECURITY)
    def get(self, args):
        """Look up enterprises by name, credit code or phone; red list first (企业查询)."""
        return enterprises.search(runtime(), args["q"])


@blp.route("/units")
class Units(MethodView):
    @blp.response(200, UnitOut(many=True))
    @blp.doc(security=SECURITY)
    @login_required()
    def get(self):
        """Receiving units: city departments and towns (承办单位)."""
        return catalog.units(runtime())
