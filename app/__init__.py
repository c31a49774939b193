"""QiSu (企诉): case management for enterprise demands to a government service hotline."""
from __future__ import annotations

import os
import sys

from flask import Flask

from .config import load_config


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(load_config(app.instance_path))
    app.config.update(overrides or {})
    app.json.ensure_ascii = False
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    if app.config.get("QISU_TRUSTED_PROXIES"):  # behind N reverse proxies: their client address
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = app.config["QISU_TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from .wiring import build_runtime
    app.extensions["qisu"] = build_runtime(app.config)

    from .ops import init_ops
    init_ops(app)  # first: request ids and logs cover everything registered after

    from flask_wtf.csrf import CSRFProtect

    from .api import init_api
    csrf = CSRFProtect(app)
    init_api(app)
    from .api import API_BLUEPRINTS
    for blueprint in API_BLUEPRINTS:
        csrf.exempt(blueprint)  # bearer tokens; session use of the API checks CSRF itself
    from .i18n import init_i18n
    init_i18n(app)
    from .web import bp as web_bp
    from .web.errors import init_page_errors
    app.register_blueprint(web_bp)
    init_page_errors(app)  # browsers get HTML error pages; the API keeps its JSON errors
    from .open311 import bp as open311_bp
    app.register_blueprint(open311_bp)
    csrf.exempt(open311_bp)  # third-party apps authenticate with their api_key
    from .cli import qisu
    app.cli.add_command(qisu)

    if app.config["QISU_AUTO_DEPLOY"] and not app.config.get("TESTING") and not cli_command():
        from .wiring import auto_deploy
        auto_deploy(app)
    if os.environ.get("QISU_INPROCESS_WORKER") == "1" and not app.config.get("TESTING"):
        from .worker import start_in_process
        app.extensions["qisu_worker_stop"] = start_in_process(
            app.extensions["qisu"], app.config["QISU_TIMER_POLL_SECONDS"])
    if os.environ.get("QISU_WARM_ROUTING") == "1" and not app.config.get("TESTING"):
        from .wiring import warm_routing_model
        warm_routing_model(app.extensions["qisu"])
    return app


CLI_OPTIONS_WITH_VALUE = ("--app", "-A", "--env-file", "-e")


def cli_command() -> str | None:
    """The `flask` command this process runs, unless it is `flask run` (a server); None for a
    server (gunicorn, `flask run`), a script or the tests. Commands do not deploy on start-up:
    `flask qisu deploy` does that explicitly, and `flask qisu migrate` must not check a schema it
    is about to upgrade (nor pay for parsing the workflows)."""
    if os.environ.get("FLASK_RUN_FROM_CLI") != "true":
        return None
    args = iter(sys.argv[1:])
    for arg in args:
        if arg in CLI_OPTIONS_WITH_VALUE:
            next(args, None)
        elif not arg.startswith("-"):
            return None if arg == "run" else arg
    return None
