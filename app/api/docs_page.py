"""`/api/docs`: Swagger UI from npm (under /vendor), started by a static script instead of
flask-smorest's inline one, so the page runs under the same script policy as every other page
(no 'unsafe-inline')."""
from __future__ import annotations

from flask import Flask, render_template, url_for

DOCS_ENDPOINT = "api-docs.openapi_swagger_ui"


def api_docs_page():
    return render_template("api_docs.html", title="QiSu 企诉 API",
                           spec_url=url_for("api-docs.openapi_json"),
                           swagger_ui_url="/vendor/swagger-ui-dist/")


def init_docs_page(app: Flask) -> None:
    app.view_functions[DOCS_ENDPOINT] = api_docs_page
