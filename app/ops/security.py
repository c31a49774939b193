"""Session cookie flags and security headers on every response.

The pages' inline scripts carry a per-request nonce (`csp_nonce()` in templates); scripts are
otherwise only loaded from this origin. Styles allow inline attributes (bpmn-js, htmx and
swagger-ui set them). The swagger-ui page (`/api/docs`, flask-smorest's template) has an inline
script without a nonce, so that one page also allows inline scripts.
"""
from __future__ import annotations

import secrets

from flask import Flask, g, request

BASE_CSP = ("default-src 'self'; img-src 'self' data: blob:; font-src 'self' data:; "
            "style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; "
            "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
RELAXED_SCRIPT_PATHS = ("/api/docs",)


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(path: str, nonce: str | None) -> str:
    if path.startswith(RELAXED_SCRIPT_PATHS):
        return f"{BASE_CSP}; script-src 'self' 'unsafe-inline'"
    script = f"script-src 'self' 'nonce-{nonce}'" if nonce else "script-src 'self'"
    return f"{BASE_CSP}; {script}"


def _headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Content-Security-Policy",
                       content_security_policy(request.path, g.get("csp_nonce")))
    if g.get("secure_cookies"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def init_app(app: Flask) -> None:
    secure = bool(app.config.get("QISU_SECURE_COOKIES"))
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = secure
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", 12 * 3600)
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.before_request
    def _mark_secure():
        g.secure_cookies = secure

    app.after_request(_headers)
