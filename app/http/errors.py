"""HTTP error rendering for every entry point: one error shape {"error": {"code", "message",
"fields"}} for the API, the ops endpoints and htmx; the status table (code and message per HTTP
status) that the page errors (`app/web/errors.py`, HTML around these answers) and Open311
(`app/open311/errors.py`, the GeoReport list of the same messages) also render.

`message` and `fields` are in the reader's language (Accept-Language / `lang` cookie; Chinese
unless English is asked for); a service message's own code and parameters are in
`message_code`/`params` when it has them (docs/api.md "Errors").
"""
from __future__ import annotations

import logging

from flask import jsonify
from werkzeug.exceptions import HTTPException

from app.db.session import is_unavailable
from app.domain.errors import DomainError
from app.domain.texts import N_
from app.i18n import translate, translate_fields

log = logging.getLogger("qisu.api")

HTTP_CODES = {
    400: ("bad_request", N_("请求无效")), 401: ("unauthorized", N_("请先登录")),
    403: ("forbidden", N_("无权执行此操作")), 404: ("not_found", N_("未找到对应记录")),
    405: ("method_not_allowed", N_("不支持该请求方法")), 409: ("conflict", N_("操作与当前状态冲突")),
    413: ("payload_too_large", N_("请求内容过大")), 415: ("unsupported_media_type", N_("请使用 JSON 请求体")),
    422: ("validation_failed", N_("提交的数据未通过校验")), 429: ("too_many_requests", N_("请求过于频繁")),
    500: ("internal_error", N_("服务器内部错误")), 503: ("unavailable", N_("服务暂不可用,请稍后重试")),
}
DB_UNAVAILABLE = ("database_unavailable", N_("数据库暂时无法连接,请稍后重试"))  # 503 when is_unavailable(err)
__all__ = ["DB_UNAVAILABLE", "HTTP_CODES", "error_response", "flatten_messages", "handle_domain_error",
           "handle_http_exception", "handle_unexpected", "is_unavailable"]


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    """The error body, its texts in the reader's language."""
    error = {"code": code, "message": translate(message), "fields": translate_fields(fields)}
    if getattr(message, "code", None):
        error.update(message_code=message.code, params=_plain(message.params))
    return jsonify({"error": error}), status


def _plain(params: dict) -> dict:
    return {k: v if isinstance(v, (int, float, bool)) or v is None else str(v) for k, v in params.items()}


def flatten_messages(messages, prefix: str = "") -> dict[str, list[str]]:
    """webargs/marshmallow nest messages by location and field; flatten to dotted names."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if not prefix and key in ("json", "query", "form", "files", "headers", "view_args"):
                name = ""
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            for k, v in flatten_messages(value, name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out[prefix or "_"] = list(messages)
    elif isinstance(messages, list):
        for m in messages:
            for k, v in flatten_messages(m, prefix).items():
                out.setdefault(k, []).extend(v)
    else:
        out[prefix or "_"] = [str(messages)]
    return out


def handle_domain_error(err: DomainError):
    response, status = error_response(err.status, err.code, err.message, err.fields)
    response.headers.update(getattr(err, "headers", None) or {})
    return response, status


def handle_http_exception(err: HTTPException):
    status = err.code or 500
    code, message = HTTP_CODES.get(status, ("error", err.name))
    fields = {}
    data = getattr(err, "data", None) or {}
    if "messages" in data:
        fields = flatten_messages(data["messages"])
    text = str(fields) + str(err.description or "")
    if status in (400, 422) and "JSON" in text and ("Invalid" in text or "decode" in text.lower()):
        status, code, message = 400, "bad_request", N_("请求体不是合法的 JSON")
        fields = {"_": [message]}
    response, status = error_response(status, code, message, fields)
    for name, value in err.get_headers():  # e.g. Allow of a 405, Retry-After of a 429/503
        if name.lower() != "content-type":
            response.headers[name] = value
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    return response, status


def handle_unexpected(err: Exception):
    if isinstance(err, HTTPException):
        return handle_http_exception(err)
    log.exception("unhandled error")
    return error_response(500, *HTTP_CODES[500])
