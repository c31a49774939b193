"""`/api/docs`: Swagger UI from npm (under /vendor), started by a static script instead of
flask-smorest's inline one, so the page runs under the same script policy as every other page
(no 'unsafe-inline')."""
from __future__ import annotations

from flask import Flask, current_app, render_template, url_for

DOCS_ENDPOINT = "api-docs.openapi_swagger_ui"


def api_docs_page():
    config = current_app.config
    return render_template("api_docs.html", title=config["API_TITLE"],
                           spec_url=url_for("api-docs.openapi_json"),
                           swagger_ui_url=config["OPENAPI_SWAGGER_UI_URL"])


def init_docs_page(app: Flask) -> None:
    app.view_functions[DOCS_ENDPOINT] = api_docs_page
