"""Session cookie flags and security headers on every response.

The pages' inline scripts carry a per-request nonce (`csp_nonce()` in templates); scripts are
otherwise only loaded from this origin, on every page including `/api/docs` (Swagger UI is
started from a static file, app/api/docs_page.py). Styles allow inline attributes (bpmn-js, htmx
and swagger-ui set them).

Over HTTPS (`QISU_SECURE_COOKIES=1`): `Secure` cookies, `Strict-Transport-Security` with
`QISU_HSTS_SECONDS` (default one year, 0: none) and https external URLs; behind reverse proxies
`QISU_TRUSTED_PROXIES=N` makes werkzeug's ProxyFix trust the last N `X-Forwarded-*` hops.
"""
from __future__ import annotations

import secrets

from flask import Flask, g, request

BASE_CSP = ("default-src 'self'; img-src 'self' data: blob:; font-src 'self' data:; "
            "style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; "
            "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(path: str, nonce: str | None) -> str:
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
    if g.get("hsts"):
        headers.setdefault("Strict-Transport-Security", g.hsts)
    return response


def init_app(app: Flask) -> None:
    secure = bool(app.config.get("QISU_SECURE_COOKIES"))
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = secure
    if secure:  # served over HTTPS (behind a proxy: QISU_TRUSTED_PROXIES passes X-Forwarded-Proto)
        app.config["PREFERRED_URL_SCHEME"] = "https"
    hsts_seconds = int(app.config.get("QISU_HSTS_SECONDS", 31_536_000) or 0)
    hsts = f"max-age={hsts_seconds}; includeSubDomains" if secure and hsts_seconds > 0 else None
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", 12 * 3600)
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.before_request
    def _mark_secure():
        g.hsts = hsts

    app.after_request(_headers)
