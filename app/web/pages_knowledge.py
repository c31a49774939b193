"""Knowledge base (知识库): hotline staff search and read the policy answers."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from app.domain.errors import DomainError
from app.domain.vocab import DOMAINS
from app.services import knowledge

from .common import page, rt
from app.i18n import gettext

bp = Blueprint("knowledge", __name__)

HOTLINE_STAFF = ("agent", "dispatcher", "supervisor", "leader", "admin")


@bp.route("/knowledge", endpoint="knowledge")
@page(*HOTLINE_STAFF)
def knowledge_list(actor):
    query = request.args.get("q", "").strip()
    domain = request.args.get("domain") or None
    domain = domain if domain in DOMAINS else None
    articles = knowledge.search(rt(), query, domain, limit=50)
    if request.headers.get("HX-Request") == "true":
        return render_template("knowledge/_kb_results.html", articles=articles, query=query, cite=False)
    return render_template("knowledge/knowledge.html", articles=articles, query=query, domain=domain,
                           domains=DOMAINS)


@bp.route("/knowledge/<int:article_id>")
@page(*HOTLINE_STAFF)
def knowledge_article(actor, article_id):
    try:
        article = knowledge.get_article(rt(), article_id)
    except DomainError as err:
        return render_template("error.html", message=gettext(err.message)), err.status
    return render_template("knowledge/knowledge_article.html", article=article)
