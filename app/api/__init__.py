"""The JSON API: flask-smorest blueprints; OpenAPI generated at /api/openapi.json."""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from app.domain.errors import DomainError
from app.http.errors import handle_domain_error, handle_http_exception, handle_unexpected

from . import openapi_text
from . import (analytics, auth, cases, catalog, deployments, insight, knowledge, routing, signals,
               supervision, tasks, timers)
from .schemas import EnterpriseCase, ErrorOut


API_BLUEPRINTS = tuple(module.blp for module in (auth, cases, tasks, catalog, deployments,
                                                  supervision, knowledge, routing, insight,
                                                  signals, timers, analytics))


class QisuApi(Api):
    ERROR_SCHEMA = ErrorOut  # documents {"error": {"code", "message", "fields"}}

    def handle_http_exception(self, error):
        return handle_http_exception(error)


def init_api(app: Flask) -> Api:
    app.config.update({
        "API_TITLE": "QiSu 企诉 API",
        "API_VERSION": "1.0",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        "OPENAPI_SWAGGER_UI_URL": "/vendor/swagger-ui-dist/",  # from npm, served by the app
        "API_SPEC_OPTIONS": {
            "info": {"description": "企业诉求快速响应平台的开放接口。错误统一为 "
                                    '{"error": {"code", "message", "fields"}}。'},
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        },
    })
    api = QisuApi(app)
    openapi_text.install(api)  # every text's character rule, stated in the document
    from .docs_page import init_docs_page
    init_docs_page(app)  # /api/docs without an inline script
    # Referenced by CaseOut's description: what an enterprise user gets of a case (P17).
    api.spec.components.schema("EnterpriseCase", schema=EnterpriseCase)
    for blueprint in API_BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(Exception, handle_unexpected)
    return api
