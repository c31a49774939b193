"""P4 pages: the classifier versions with their cross-validated, live and audited figures (an
administrator activates a version, optionally with a manual threshold); the sample audit of
automatic dispatches (分拨抽检), where supervisors draw and judge."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from app.domain.errors import DomainError, ValidationFailed
from app.domain.vocab import DOMAINS
from app.services.routing import audit as routing_audit, model_versions

from .common import page, rt
from .filters import colon
from app.i18n import gettext

bp = Blueprint("routing", __name__)

READERS = ("admin", "analyst")
MANAGERS = ("admin",)
AUDIT_READERS = ("supervisor", "analyst", "admin")
AUDITORS = ("supervisor", "admin")
# What each stored configuration is, for the people choosing a version.
CONFIG_LABELS = {"baseline": "字符 n-gram 线性 SVM", "union_svc": "字词特征线性 SVM",
                 "stacked": "两模型集成", "stacked3": "三模型集成",
                 "fast": "快速单模型（演示）"}


@bp.app_template_filter("model_config")
def model_config(config: str) -> str:
    return gettext(CONFIG_LABELS.get(config, config))


@bp.app_template_filter("model_source")
def model_source(source: str) -> str:
    """'csv:train.csv + cases:120' → 'CSV 文件 train.csv + 已办结诉求 120 件'."""
    parts = []
    for part in (source or "").split(" + "):
        kind, _, detail = part.partition(":")
        if kind == "csv":
            parts.append(gettext("CSV 文件 {name}").format(name=detail))
        elif kind == "cases":
            parts.append(gettext("已办结诉求 {n} 件").format(n=detail))
        elif part:
            parts.append(part)
    return " + ".join(parts)


@bp.route("/routing/models", endpoint="routing_models")
@page(*READERS)
def models_page(actor):
    return _models_view(actor)


def _models_view(actor, refused: dict | None = None):
    """The versions; `refused`: a refused threshold to show again, typed, with its error."""
    html = render_template("routing/routing_models.html",
                           models=model_versions.list_models(rt(), with_usage=True)[::-1],
                           can_activate=actor.role in MANAGERS, refused=refused or {})
    return (html, 422) if refused else html


@bp.route("/routing/models/<int:version>/activate", methods=["POST"], endpoint="routing_activate")
@page(*MANAGERS)
def activate(actor, version):
    raw = (request.form.get("threshold") or "").strip()
    try:
        threshold = float(raw) if raw else None
    except ValueError:
        threshold = -1.0  # refused below with the service's own message
    try:
        result = model_versions.activate(rt(), version, threshold)
    except ValidationFailed as err:
        _flash_error(err, f"v{version}")
        return _models_view(actor, _refused(f"threshold-{version}", err, threshold=raw))
    except DomainError as err:
        _flash_error(err)
    else:
        flash(f"{gettext('已启用分拨模型版本')} {result['version']} "
              f"({gettext('阈值')} {result['threshold']:.3f})", "success")
    return redirect(url_for("web.routing.routing_models"))


@bp.route("/routing/audit", endpoint="routing_audit")
@page(*AUDIT_READERS)
def audit_page(actor):
    return _audit_view(actor, request.args.get("version", ""))


def _audit_view(actor, raw_version: str, refused: dict | None = None):
    """A version's sample; `refused`: a refused draw or verdict to show again, typed, with its
    errors next to the fields (answered 422, never through the URL)."""
    models = model_versions.list_models(rt(), with_usage=True)[::-1]
    raw = str(raw_version or "")
    version = int(raw) if raw.isdigit() else next((m["version"] for m in models if m["active"]),
                                                   models[0]["version"] if models else None)
    sample = None
    if version is not None:
        try:
            sample = routing_audit.list_audits(rt(), version)
        except DomainError as err:
            _flash_error(err)
    html = render_template("routing/routing_audit.html", models=models, version=version, sample=sample,
                           domains=DOMAINS, can_judge=actor.role in AUDITORS,
                           note_max=routing_audit.NOTE_MAX, refused=refused or {})
    return (html, 422) if refused else html


@bp.route("/routing/audit/<int:version>/draw", methods=["POST"], endpoint="routing_audit_draw")
@page(*AUDITORS)
def draw(actor, version):
    raw = (request.form.get("size") or "").strip()
    try:
        result = routing_audit.draw_sample(rt(), actor, version, int(raw) if raw.isdigit() else -1)
    except ValidationFailed as err:
        _flash_error(err)
        return _audit_view(actor, str(version), _refused("draw", err, size=raw))
    except DomainError as err:
        _flash_error(err)
    else:
        if result["drawn"]:
            flash(gettext("本次抽取 {n} 件").format(n=result["drawn"]), "success")
        else:
            flash(gettext("没有可抽取的自动派单诉求：该版本的自动派单均已抽取过"), "info")
    return redirect(url_for("web.routing.routing_audit", version=version))


@bp.route("/routing/audit/judge/<int:audit_id>", methods=["POST"], endpoint="routing_audit_judge")
@page(*AUDITORS)
def judge(actor, audit_id):
    form = request.form
    version = form.get("version", "")
    try:
        result = routing_audit.judge(rt(), actor, audit_id, form.get("verdict", ""),
                                     form.get("domain"), form.get("note"))
    except ValidationFailed as err:
        _flash_error(err, routing_audit.case_number_of(rt(), audit_id))
        return _audit_view(actor, version, _refused(f"judge-{audit_id}", err,
                                                    domain=form.get("domain") or "",
                                                    note=form.get("note") or ""))
    except DomainError as err:
        _flash_error(err, routing_audit.case_number_of(rt(), audit_id))
    else:
        flash(gettext("{number} 已判定：{verdict}").format(
            number=result["case_number"], verdict=gettext(VERDICT_LABELS[result["verdict"]])), "success")
    return redirect(url_for("web.routing.routing_audit", version=version) if version.isdigit()
                    else url_for("web.routing.routing_audit"))


VERDICT_LABELS = {"correct": "领域正确", "wrong": "领域错误"}


def _refused(form: str, err: ValidationFailed, **values: str) -> dict:
    """Which form was refused, what was typed in it and the errors by field."""
    return {"form": form, "typed": values, "errors": err.fields}


def _flash_error(err: DomainError, prefix: str | None = None) -> None:
    details = " ".join(gettext(m) for messages in (err.fields or {}).values() for m in messages)
    message = details or gettext(err.message)
    flash(f"{prefix}{colon()}{message}" if prefix else message, "error")
