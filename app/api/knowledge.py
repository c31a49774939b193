"""Knowledge base: policy answers the hotline searches and cites in a direct reply (知识库)."""
from __future__ import annotations

import re

from flask.views import MethodView
from flask_smorest import Blueprint

from app.domain.errors import NotFound
from app.domain.texts import msg
from app.services import knowledge

from .auth import login_required, runtime
from .schemas import KnowledgeArgs, KnowledgeOut

blp = Blueprint("knowledge", __name__, url_prefix="/api/knowledge", description="知识库 (Knowledge base)")
SECURITY = [{"bearerAuth": []}]
HOTLINE_STAFF = ("agent", "dispatcher", "supervisor", "leader", "admin")


@blp.route("")
class Articles(MethodView):
    @login_required(*HOTLINE_STAFF)
    @blp.arguments(KnowledgeArgs, location="query")
    @blp.response(200, KnowledgeOut(many=True))
    @blp.doc(security=SECURITY)
    def get(self, args):
        """Search the policy answers by words in title, answer or tags, optionally of one domain
        (知识库检索)."""
        return knowledge.search(runtime(), args["q"], args["domain"])


@blp.route("/<article_id>")
class Article(MethodView):
    @blp.response(200, KnowledgeOut)
    @blp.doc(security=SECURITY)
    @login_required(*HOTLINE_STAFF)
    def get(self, article_id):
        """One policy answer (知识库条目)."""
        if not re.fullmatch(r"[0-9]{1,9}", article_id):
            raise NotFound(msg("knowledge.not_found", "未找到该知识库条目"))
        return knowledge.get_article(runtime(), int(article_id))
