"""One 422 that names every invalid field: the request schema's errors and the service's.

The request schema (marshmallow, through flask-smorest's `@blp.arguments`) checks types,
required fields, lengths and choices, and documents them in the OpenAPI document; it refuses
before the view runs. The service owns the rules (identification, cross-field rules, records
that must exist). `with_service_errors` sits outside `@blp.arguments`: when the schema refuses
a JSON object, it asks the service what it would refuse as well and answers one 422 with both,
field by field. Where both name a field, the service's messages win when it judged the same
value (they are the ones the pages show, e.g. a length with the count typed); the schema's stay
for a missing value or one of the wrong type, which the service never sees. Nothing is written.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import request
from marshmallow import ValidationError
from werkzeug.exceptions import UnprocessableEntity

from app.domain.errors import ValidationFailed

from app.http.errors import flatten_messages

ServiceCheck = Callable[[dict], dict[str, list[str]]]


def with_service_errors(check: ServiceCheck):
    """Decorate a view above its `@blp.arguments(...)` (and below its `login_required`, so
    that 401 and 403 come before any validation). `check(payload)` returns the service's
    field errors for `payload` without writing anything."""
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            try:
                return view(*args, **kwargs)
            except UnprocessableEntity as err:
                schema_fields = _schema_fields(err)
                body = request.get_json(silent=True)
                if schema_fields is None or not isinstance(body, dict):
                    raise
                payload = service_payload(body, schema_fields)
                fields = merge(schema_fields, check(payload), judged=payload.keys())
                raise ValidationFailed(fields=fields) from err
        return wrapper
    return decorator


def _schema_fields(err: UnprocessableEntity) -> dict[str, list[str]] | None:
    """The schema's errors by field, when `err` is the request schema's refusal."""
    if not isinstance(getattr(err, "exc", None), ValidationError):
        return None
    return flatten_messages((getattr(err, "data", None) or {}).get("messages") or {})


def service_payload(body: dict, schema_fields: dict) -> dict:
    """The body as the service may read it: a value the schema refused is kept only when it is
    text (too long, not one of the choices: the service may know more); a value of the wrong
    type is left out, the schema's message names it."""
    return {name: value for name, value in body.items()
            if name not in schema_fields or isinstance(value, str)}


def merge(schema_fields: dict[str, list[str]], service_fields: dict[str, list[str]],
          judged) -> dict[str, list[str]]:
    """Every field either names; the service's messages for a field whose value it `judged`."""
    return schema_fields | {name: messages for name, messages in service_fields.items()
                            if name not in schema_fields or name in judged}
