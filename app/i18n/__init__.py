"""Chinese first, English available, through Flask-Babel and gettext catalogs.

Source texts (gettext msgids) are the Chinese wording; `translations/en/LC_MESSAGES/messages.po`
holds their English, compiled to the committed `messages.mo` (`make translations` extracts,
updates and compiles; tests/unit/test_translations.py fails on a text without English).
Service messages carry a code and parameters (`app.domain.texts.Msg`): `translate()` renders
the message's template in the reader's language, then fills in the parameters.
The language comes from the `lang` cookie (set by /lang/<code>), else Accept-Language, else zh.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, g, has_request_context, request
from flask_babel import Babel
from flask_babel import gettext as _babel_gettext

LANGUAGES = ("zh", "en")
TRANSLATIONS = Path(__file__).parent / "translations"


def current_language() -> str:
    """The reader's language: 'zh' or 'en' (zh outside a request)."""
    if not has_request_context():
        return "zh"
    if "lang" not in g:
        chosen = request.cookies.get("lang")
        if chosen not in LANGUAGES:
            chosen = request.accept_languages.best_match(list(LANGUAGES), default="zh") or "zh"
        g.lang = chosen
    return g.lang


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "zh")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    # Templates get `_` from app.web.filters; Jinja's newstyle gettext would %-format every text.
    Babel(app, locale_selector=current_language, configure_jinja=False)


def gettext(text: str, **params) -> str:
    """The reader's language for a Chinese source text (or a `Msg`, see `translate`);
    parameters fill `{name}` after translation."""
    if getattr(text, "template", None) is not None and not params:
        return translate(text)
    translated = _babel_gettext(str(text)) if has_request_context() else str(text)
    return translated.format(**params) if params else translated


def translate(message) -> str:
    """A message in the reader's language: a `Msg`'s template translated, then its parameters
    (themselves translated when they are messages) filled in; a plain text looked up as it is."""
    template = getattr(message, "template", None)
    if template is None:
        return gettext(message)
    params = {k: translate(v) if hasattr(v, "template") else v for k, v in message.params.items()}
    return gettext(template, **params) if params else gettext(template)


def translate_fields(fields: dict | None) -> dict[str, list[str]]:
    return {name: [translate(m) for m in messages] for name, messages in (fields or {}).items()}
