"""GeoReport v2 errors: a list of {code, description}; 403 for the api_key, 404 for what does not
exist, 400 for anything else the server cannot fulfil (the specification's HTTP codes)."""
from __future__ import annotations

import logging

from flask import request
from werkzeug.exceptions import HTTPException

from app.domain.control_chars import printable
from app.domain.errors import DomainError
from app.domain.open311 import INTAKE_FIELD_NAMES
from app.http.errors import DB_UNAVAILABLE, HTTP_CODES, is_unavailable
from app.i18n import translate

from .formats import FORMATS, render

log = logging.getLogger("qisu.open311")


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions: str):
        super().__init__(descriptions[0] if descriptions else str(status))
        self.status = status
        # what the client sent may be echoed: shown without control characters (XML has none)
        self.descriptions = tuple(printable(d) for d in descriptions) or (HTTP_CODES[400][1],)

    def body(self) -> list[dict]:
        return [{"code": self.status, "description": d} for d in self.descriptions]


def from_domain(err: DomainError) -> Open311Error:
    """A service's error: one error per field, named by the Open311 parameter the client sent
    (in the reader's language, as the API's errors)."""
    status = err.status if err.status in (403, 404) else 400
    if not err.fields:
        return Open311Error(status, translate(err.message))
    return Open311Error(status, *(f"{INTAKE_FIELD_NAMES.get(field, field)}: {translate(message)}"
                                  for field, messages in err.fields.items()
                                  for message in messages))


def request_format() -> str:
    """The format the client asked for in the URL; XML (the required one) otherwise."""
    fmt = (request.view_args or {}).get("fmt") or request.path.rsplit(".", 1)[-1]
    return fmt if fmt in FORMATS else "xml"


def respond(err: Open311Error):
    return render(err.body(), "errors", request_format(), err.status)


def handle_open311(err: Open311Error):
    return respond(err)


def handle_domain(err: DomainError):
    return respond(from_domain(err))


def handle_http(err: HTTPException):
    status = err.code or 500
    if status == 413:
        return respond(Open311Error(413, HTTP_CODES[413][1]))
    return respond(Open311Error(status if status in (403, 404, 405) else 400,
                                HTTP_CODES[400][1] if status >= 400 else str(err)))


def handle_unexpected(err: Exception):
    if isinstance(err, HTTPException):
        return handle_http(err)
    if is_unavailable(err):
        log.warning("database unavailable: %s", err.__class__.__name__)
        return respond(Open311Error(503, DB_UNAVAILABLE[1]))
    log.exception("unhandled error in the Open311 API")
    return respond(Open311Error(500, HTTP_CODES[500][1]))


def register(bp) -> None:
    bp.register_error_handler(Open311Error, handle_open311)
    bp.register_error_handler(DomainError, handle_domain)
    bp.register_error_handler(HTTPException, handle_http)
    bp.register_error_handler(Exception, handle_unexpected)
