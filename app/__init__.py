"""QiSu (企诉): case management for enterprise demands to a government service hotline."""
from __future__ import annotations

import logging
import os

from flask import Flask

from .config import load_config


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(load_config(app.instance_path))
    app.config.update(overrides or {})
    app.json.ensure_ascii = False
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    logging.basicConfig(level=os.environ.get("QISU_LOG_LEVEL", "INFO"))

    from .wiring import build_runtime
    app.extensions["qisu"] = build_runtime(app.config)

    from flask_wtf.csrf import CSRFProtect

    from .api import init_api
    csrf = CSRFProtect(app)
    init_api(app)
    from .api import API_BLUEPRINTS
    for blueprint in API_BLUEPRINTS:
        csrf.exempt(blueprint)  # bearer tokens; session use of the API checks CSRF itself
    from .web import bp as web_bp
    app.register_blueprint(web_bp)
    from .open311 import bp as open311_bp
    app.register_blueprint(open311_bp)
    csrf.exempt(open311_bp)  # third-party apps authenticate with their api_key
    from .cli import qisu
    app.cli.add_command(qisu)

    if app.config["QISU_AUTO_DEPLOY"] and not app.config.get("TESTING"):
        from .wiring import auto_deploy
        auto_deploy(app)
    if os.environ.get("QISU_INPROCESS_WORKER") == "1" and not app.config.get("TESTING"):
        from .worker import start_in_process
        app.extensions["qisu_worker_stop"] = start_in_process(
            app.extensions["qisu"], app.config["QISU_TIMER_POLL_SECONDS"])
    return app
