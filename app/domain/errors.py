"""Domain exceptions; the API layer maps `status` to the HTTP status code.

A message is a `texts.Msg` (code, Chinese template, parameters) or a plain Chinese source text;
the entry points show it in the reader's language (`app.i18n.translate`)."""

from __future__ import annotations

from .texts import N_


class DomainError(Exception):
    status: int = 400
    code: str = "domain_error"
    default_message: str = N_("操作失败")

    def __init__(self, message: str | None = None, fields: dict | None = None):
        self.message: str = message or self.default_message
        self.fields: dict[str, list[str]] = {
            k: [v] if isinstance(v, str) else list(v) for k, v in (fields or {}).items()
        }
        super().__init__(self.message)

    def describe(self) -> str:
        """One line for a terminal or a log: the message, then each field's messages."""
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in self.fields.items())
        return f"{self.message}{' — ' + details if details else ''}"

    def to_dict(self) -> dict:
        body: dict = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return body


class ValidationFailed(DomainError):
    status = 422
    code = "validation_failed"
    default_message = N_("提交的数据未通过校验")


class BadRequest(DomainError):
    status = 400
    code = "bad_request"
    default_message = N_("请求无效")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = N_("未找到对应记录")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    default_message = N_("无权执行此操作")


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"
    default_message = N_("请先登录")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = N_("操作与当前状态冲突")


class ProcessError(DomainError):
    """The process definition failed while running (e.g. a script error); nothing was saved."""
    status = 422
    code = "process_error"
    default_message = N_("流程执行出错,操作未生效")


class TooManyRequests(DomainError):
    """Too many attempts; `retry_after` seconds until the next one is accepted."""
    status = 429
    code = "too_many_requests"
    default_message = N_("请求过于频繁,请稍后再试")

    def __init__(self, message: str | None = None, retry_after: int | None = None):
        super().__init__(message)
        self.headers = {"Retry-After": str(retry_after)} if retry_after else {}


class IdempotencyKeyReused(DomainError):
    """The same Idempotency-Key was sent with a different request."""
    status = 422
    code = "idempotency_key_reused"
    default_message = N_("该 Idempotency-Key 已用于另一个不同的请求")
