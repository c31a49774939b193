"""Bad bytes and shapes are refused at the door, once for every entry point.

A request whose path, query string, form fields or JSON body hold a control character (NUL and
the other C0 characters, DEL, C1 characters) or a lone surrogate is refused before any view runs:
PostgreSQL refuses NUL in text and cannot encode a surrogate, and no field of QiSu takes either.
Tab, newline and carriage return are allowed in the values of form fields and JSON bodies
(multi-line text); never in the path, the query string or a name. A JSON body nested deeper than
`QISU_JSON_MAX_DEPTH` (64) is refused with 400, and so is one Python's parser cannot nest
(RecursionError). Authentication comes first: a request that a view would refuse as anonymous
(401, or the login page) or forbidden (403) is left to that view, which answers without field
details. The answer has the shape of its entry point: JSON `{"error": {...}}` with `fields`
naming where the character was, the HTML error page for a browser, the GeoReport error list
for Open311. The character rules live in `app.domain.control_chars` (shared with the CLI imports).
"""
from __future__ import annotations

import json

from flask import Flask, current_app, request

from app.domain.control_chars import (CONTROL_MESSAGE, TooDeep, bad_character,
                                      control_character_errors, json_errors)
from app.domain.texts import N_

DEPTH_MESSAGE = N_("JSON 嵌套层数超过 {limit} 层")
REFUSED = N_("提交的内容不能包含控制字符")
INVALID_JSON = N_("请求体不是合法的 JSON")  # as app.http.errors says it


def request_problem() -> tuple[int, str, dict[str, list[str]]] | None:
    """(status, message, fields) of what is wrong with the request's bytes or shape, if any."""
    fields: dict[str, list[str]] = {}
    if bad_character(request.path):
        fields["path"] = [CONTROL_MESSAGE]
    fields |= control_character_errors(request.args, multiline=False)
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        fields |= control_character_errors(request.form)
        if request.is_json:
            problem = _json_problem()
            if problem is not None:
                if problem[0] == 400:
                    return problem
                fields |= problem[2]
    if fields:
        return 422, REFUSED, fields
    return None


def _json_problem():
    data = request.get_data(cache=True)
    if not data.strip():
        return None
    limit = current_app.config.get("QISU_JSON_MAX_DEPTH", 64)
    try:
        document = json.loads(data)
    except RecursionError:
        return 400, DEPTH_MESSAGE.format(limit=limit), {"_": [DEPTH_MESSAGE.format(limit=limit)]}
    except ValueError:  # not JSON, not UTF-8, or an integer of more than 4,300 digits
        return 400, INVALID_JSON, {"_": [INVALID_JSON]}
    try:
        fields = json_errors(document, limit)
    except TooDeep:
        return 400, DEPTH_MESSAGE.format(limit=limit), {"_": [DEPTH_MESSAGE.format(limit=limit)]}
    return (422, REFUSED, fields) if fields else None


def init_app(app: Flask) -> None:
    from .bad_bytes_answer import answer, left_to_the_view

    @app.before_request
    def _refuse_bad_bytes():
        problem = request_problem()
        if problem is None or left_to_the_view():
            return None
        return answer(*problem)
