"""Template globals and filters: labels, translations, time left."""
from __future__ import annotations

from flask import current_app
from flask_wtf.csrf import generate_csrf

from app.domain.roles import ROLES
from app.domain.vocab import CASE_STATUSES, CLOCKS, KIND_LABELS_EN, KINDS, MATTER_CLASSES

from . import bp
from .common import current_user
from app.i18n import current_language, gettext


KIND_PAIRS = {k: (k, KIND_LABELS_EN[k]) for k in KINDS}  # for the `label` filter


@bp.app_context_processor
def _globals():
    return {"ROLES": ROLES, "CASE_STATUSES": CASE_STATUSES, "CLOCKS": CLOCKS,
            "MATTER_CLASSES": MATTER_CLASSES, "KINDS": KIND_PAIRS, "_": gettext, "lang": current_language(),
            "csrf_token": generate_csrf, "actor": current_user(),
            "endpoints": current_app.view_functions}


@bp.app_template_filter("label")
def label(mapping_value) -> str:
    """(Chinese, English) pair → the current language's label."""
    if isinstance(mapping_value, (tuple, list)) and len(mapping_value) == 2:
        return mapping_value[1] if current_language() == "en" else mapping_value[0]
    return str(mapping_value)


@bp.app_template_global("colon")
def colon() -> str:
    """'：' after a Chinese label, ': ' after an English one."""
    return ": " if current_language() == "en" else "："


@bp.app_template_filter("bracketed")
def bracketed(text) -> str:
    """'（x）' in Chinese text, ' (x)' in English."""
    return f" ({text})" if current_language() == "en" else f"（{text}）"


@bp.app_template_global("list_sep")
def list_sep() -> str:
    """'、' between items of a Chinese list, ', ' in English."""
    return ", " if current_language() == "en" else "、"


def clause_sep() -> str:
    """'；' between messages in Chinese, '; ' in English."""
    return "; " if current_language() == "en" else "；"


@bp.app_template_filter("steps")
def steps(current_step: str | None) -> str:
    """'签收、督办回访' → each step in the current language ('Accept, Supervise and revisit')."""
    if not current_step:
        return ""
    return list_sep().join(gettext(s) for s in current_step.split("、"))


@bp.app_template_filter("time_left")
def time_left(seconds) -> str:
    """'剩余 3小时5分' / '超期 2天1小时' (English: '3h 5m left' / '2d 1h overdue')."""
    if seconds is None:
        return "—"
    late = seconds < 0
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if current_language() == "en":
        parts = [f"{days}d" if days else "", f"{hours}h" if hours else "",
                 f"{minutes}m" if minutes and not days else ""]
        text = " ".join(p for p in parts if p) or "<1m"
        return f"{text} {'overdue' if late else 'left'}"
    parts = [f"{days}天" if days else "", f"{hours}小时" if hours else "",
             f"{minutes}分" if minutes and not days else ""]
    return ("超期 " if late else "剩余 ") + ("".join(parts) or "不足1分")
