"""Agent intake (受理): a phone call becomes a case, or is answered directly from the knowledge base.

The page is one form; htmx fragments help while the caller is on the line: enterprise lookup as
you type, the enterprise card, the suggested receiving unit (the routing table of the newest
deployment), knowledge base search and "cite this answer". Without JavaScript the lookups fall
back to plain GET requests of the same page.
"""
from __future__ import annotations

import re

from flask import Blueprint, render_template, request

from app.domain.errors import DomainError
from app.domain.text import normalized
from app.domain.vocab import DOMAINS
from app.services import enterprises, knowledge
from app.services.routing import model_versions, suggestions

from .common import page, rt
from .filters import KIND_PAIRS
from .demand_forms import submit_demand, towns

bp = Blueprint("intake", __name__)

AGENT = ("agent",)
FIELDS = ("credit_code", "kind", "domain", "town", "matter_class", "description",
          "contact_name", "contact_phone", "direct_reply", "kb_article_id")
ACTIONS = ("direct", "dispatch")
ARTICLE_ID = re.compile(r"[0-9]{1,9}")


def find_enterprise(code: str | None) -> dict | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    return next((e for e in enterprises.search(rt(), code, limit=5) if e["credit_code"] == code),
                None)


def article_or_none(article_id) -> dict | None:
    if not ARTICLE_ID.fullmatch(str(article_id or "")):
        return None
    try:
        return knowledge.get_article(rt(), int(article_id))
    except DomainError:
        return None


def _domain_source(raw) -> str:
    return raw if raw in suggestions.DOMAIN_SOURCES else ""


def _context(values: dict, errors: dict | None = None, **extra) -> dict:
    enterprise = find_enterprise(values.get("credit_code"))
    town = values.get("town") or ""
    domain_suggestion = model_versions.suggest_domain(rt(), values.get("description") or "")
    values["domain"], values["domain_source"] = suggestions.applied_domain(
        domain_suggestion, values.get("domain"), values.get("domain_source") or "")
    return {"values": values, "errors": errors or {}, "enterprise": enterprise,
            "kinds": KIND_PAIRS, "domains": DOMAINS,
            "towns": towns(enterprise["town"] if enterprise else town or None),
            "suggestion": suggestions.suggest_unit(rt(), values.get("domain"), town or
                                               (enterprise or {}).get("town"), values.get("kind")),
            "kb_article": article_or_none(values.get("kb_article_id")),
            "domain_suggestion": domain_suggestion,
            "auto_dispatch_on": model_versions.auto_dispatch_on(rt()),
            **extra}


@bp.route("/intake", methods=["GET", "POST"], endpoint="intake")
@page(*AGENT)
def intake_page(actor):
    if request.method == "GET":
        values = {"kind": "咨询", "matter_class": "general",
                  "credit_code": request.args.get("credit_code", "")}
        cited = article_or_none(request.args.get("kb"))  # 引用此答复 without JavaScript
        if cited:
            values.update(direct_reply=cited["answer"], kb_article_id=str(cited["id"]))
        query = request.args.get("q", "").strip()
        kb_query = request.args.get("kb_q", "").strip()
        return render_template(
            "intake/intake.html", **_context(values), query=query,
            matches=enterprises.search(rt(), query) if query else None,
            kb_query=kb_query, articles=knowledge.search(rt(), kb_query) if kb_query else None)

    values = {name: normalized(request.form.get(name)).strip() for name in FIELDS}
    values["domain_source"] = _domain_source(request.form.get("domain_source"))
    action = request.form.get("action")
    action = action if action in ACTIONS else "dispatch"
    payload = {
        "kind": values["kind"], "description": values["description"],
        "credit_code": values["credit_code"], "domain": values["domain"] or None,
        "town": values["town"] or None, "matter_class": values["matter_class"] or "general",
        "contact_name": values["contact_name"] or None,
        "contact_phone": values["contact_phone"] or None,
    }
    if action == "direct":
        payload["direct_reply"] = values["direct_reply"]
        if values["kb_article_id"]:   # a tampered id is refused by the service as not an integer
            payload["kb_article_id"] = int(values["kb_article_id"]) \
                if ARTICLE_ID.fullmatch(values["kb_article_id"]) else values["kb_article_id"]
    done, errors = submit_demand(actor, payload, "已直接答复并办结" if action == "direct"
                                 else "已受理，等待派单", direct=action == "direct")
    if done:
        return done
    if not values["credit_code"] and "credit_code" in errors:
        errors["credit_code"] = ["请先查询并选择企业"]   # on this page the card does that
    kb_query = (request.form.get("kb_q") or "").strip()[:200]
    return render_template("intake/intake.html", **_context(values, errors), action=action, query="", matches=None,
                           kb_query=kb_query, articles=knowledge.search(rt(), kb_query) if kb_query else None), 422


# -- htmx fragments -----------------------------------------------------------------------------

@bp.route("/intake/enterprises")
@page(*AGENT)
def intake_enterprises(actor):
    """Enterprises matching a credit code, name or phone (red list first)."""
    query = request.args.get("q", "").strip()
    matches = enterprises.search(rt(), query, limit=10) if query else None
    return render_template("intake/_intake_enterprises.html", matches=matches, query=query)


@bp.route("/intake/enterprise")
@page(*AGENT)
def intake_enterprise(actor):
    """The chosen enterprise's card (with the hidden credit code); out of band: the town select
    (the enterprise's town unless one was chosen), the routing hint, the emptied match list."""
    enterprise = find_enterprise(request.args.get("credit_code"))
    town = request.args.get("town", "").strip() or (enterprise or {}).get("town") or ""
    domain, kind = request.args.get("domain") or None, request.args.get("kind") or None
    return render_template(
        "intake/_intake_enterprise_chosen.html", enterprise=enterprise, errors={},
        values={"town": town, "domain": domain, "kind": kind},
        towns=towns(enterprise["town"] if enterprise else None),
        suggestion=suggestions.suggest_unit(rt(), domain, town, kind))


@bp.route("/intake/suggestion")
@page(*AGENT)
def intake_suggestion(actor):
    """The receiving unit the routing table suggests for the domain, town and kind so far."""
    town = request.args.get("town", "").strip()
    if not town:
        town = (find_enterprise(request.args.get("credit_code")) or {}).get("town") or ""
    domain = request.args.get("domain") or None
    return render_template("intake/_intake_suggestion.html", values={"domain": domain},
                           suggestion=suggestions.suggest_unit(rt(), domain, town,
                                                           request.args.get("kind") or None))


@bp.route("/intake/domains", methods=["GET", "POST"])
@page(*AGENT)
def intake_domains(actor):
    """P4: the classifier's top three domains for the demand text typed so far. When the top
    domain reaches the auto-dispatch threshold and the agent has not chosen a domain, it is
    filled in (out of band: the domain field, marked 建议, and the suggested unit for it)."""
    args = request.values   # POST from the page: a long text does not fit in a URL
    text = normalized(args.get("description")).strip()
    suggestion = model_versions.suggest_domain(rt(), text) if text else None
    domain, source = (args.get("domain") or "").strip(), _domain_source(args.get("domain_source"))
    values = {"domain": domain, "domain_source": source}
    values["domain"], values["domain_source"] = suggestions.applied_domain(suggestion, domain, source)
    changed = values["domain"] != domain   # only then is the form's field swapped
    town = args.get("town", "").strip() or (find_enterprise(args.get("credit_code")) or {}).get("town")
    return render_template("intake/_intake_domains.html", domain_suggestion=suggestion,
                           domain_model_missing=bool(text) and suggestion is None,
                           values=values, domains=DOMAINS, errors={}, oob=changed,
                           suggestion=suggestions.suggest_unit(rt(), values["domain"] or None, town,
                                                           args.get("kind") or None))


@bp.route("/intake/knowledge")
@page(*AGENT)
def intake_knowledge(actor):
    """Knowledge base matches for the side panel, each with 引用此答复."""
    query = request.args.get("kb_q", "").strip()
    domain = request.args.get("kb_domain") or None
    articles = knowledge.search(rt(), query, domain if domain in DOMAINS else None, limit=10)
    return render_template("knowledge/_kb_results.html", articles=articles, query=query, cite=True)


@bp.route("/intake/direct-reply")
@page(*AGENT)
def intake_direct_reply(actor):
    """The direct-reply block, filled with an article's answer when `kb` names one."""
    article = article_or_none(request.args.get("kb"))
    values = {"direct_reply": article["answer"] if article else "",
              "kb_article_id": str(article["id"]) if article else ""}
    return render_template("intake/_intake_direct_reply.html", values=values, kb_article=article,
                           errors={})
