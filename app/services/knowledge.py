"""Knowledge base: policy answers the agent searches and cites in a direct reply (P3)."""
from __future__ import annotations

import re

from sqlalchemy import case as sql_case, func, or_, select

from app.clock import iso
from app.db.models import KnowledgeArticle
from app.domain.errors import NotFound
from app.domain.texts import msg

from .runtime import Runtime

MAX_WORDS = 8
# Words are separated by spaces and punctuation (ASCII or full-width).
_SEPARATORS = re.compile(r"[\s,.;:!?/|、,。;:!?()()\[\]【】\"'“”‘’]+")


def words(query: str | None) -> list[str]:
    """The search words of a query: `社保 基数` → ['社保', '基数'] (at most MAX_WORDS)."""
    return [w for w in _SEPARATORS.split((query or "").strip().lower()) if w][:MAX_WORDS]


def search(rt: Runtime, query: str | None = None, domain: str | None = None,
           limit: int = 20) -> list[dict]:
    """Articles containing every word of `query` in their title, answer or tags (any case),
    optionally of one `domain`; title matches first, then the most recently updated."""
    terms = words(query)
    stmt = select(KnowledgeArticle)
    for term in terms:
        stmt = stmt.where(or_(*(func.lower(column).contains(term, autoescape=True) for column in
                                (KnowledgeArticle.title, KnowledgeArticle.answer,
                                 KnowledgeArticle.tags))))
    if domain:
        stmt = stmt.where(KnowledgeArticle.domain == domain)
    order = [KnowledgeArticle.updated_at.desc(), KnowledgeArticle.id]
    if terms:
        in_title = sql_case((func.lower(KnowledgeArticle.title).contains(terms[0], autoescape=True), 0),
                            else_=1)
        order.insert(0, in_title)
    with rt.uow() as uow:
        return [describe(a) for a in uow.session.scalars(stmt.order_by(*order).limit(limit))]


def get_article(rt: Runtime, article_id: int) -> dict:
    with rt.uow() as uow:
        # Beyond the id column's range there is no article (PostgreSQL would refuse the query).
        article = uow.session.get(KnowledgeArticle, article_id) if 0 < article_id < 2**31 else None
        if article is None:
            raise NotFound(msg("knowledge.not_found", "未找到该知识库条目"))
        return describe(article)


def describe(article: KnowledgeArticle) -> dict:
    return {"id": article.id, "title": article.title, "answer": article.answer,
            "domain": article.domain, "tags": split_tags(article.tags),
            "updated_at": iso(article.updated_at)}


def split_tags(tags: str | None) -> list[str]:
    return [t for t in (tags or "").split(",") if t]


def join_tags(tags: list[str] | tuple[str, ...]) -> str:
    return ",".join(t.strip() for t in tags if t.strip())
