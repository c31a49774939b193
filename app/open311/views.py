"""The GeoReport v2 resources. Services are public; requests need the app's api_key (QiSu's
cases are confidential to the enterprise, so an app sees only the requests it submitted)."""
from __future__ import annotations

from flask import current_app, request
from werkzeug.exceptions import MethodNotAllowed, NotFound

from app.services import api_keys, service_requests

from . import bp, errors, service
from .errors import Open311Error
from .formats import FORMATS, render

errors.register(bp)


def runtime():
    return current_app.extensions["qisu"]


@bp.url_value_preprocessor
def check_request(endpoint, values) -> None:
    """The format suffix, then the jurisdiction (checked only when one is configured)."""
    fmt = (values or {}).get("fmt")
    if fmt is not None and fmt not in FORMATS:
        raise Open311Error(400, f"不支持的格式 {fmt},请使用 .xml 或 .json")
    expected = current_app.config.get("QISU_OPEN311_JURISDICTION")
    given = request.values.get("jurisdiction_id")
    if expected and given and given != expected:
        raise Open311Error(404, f"jurisdiction_id: 未知的辖区 {given}")


def client():
    """The app the request's api_key belongs to (403 when missing, unknown or revoked)."""
    return api_keys.actor_for_key(runtime(), request.values.get("api_key"))


@bp.get("/services.<fmt>")
def services(fmt):
    return render(service.service_list(), "services", fmt)


@bp.get("/services/<code>.<fmt>")
def service_definition(code, fmt):
    return render(service.service_definition(runtime(), code), "service_definition", fmt)


@bp.post("/requests.<fmt>")
def create_request(fmt):
    actor = client()
    return render(service.submit(runtime(), actor, request.form), "service_requests", fmt)


@bp.get("/requests.<fmt>")
def list_requests(fmt):
    actor = client()
    return render(service_requests.list_requests(runtime(), actor, request.args), "service_requests", fmt)


@bp.get("/requests/<number>.<fmt>")
def get_request(number, fmt):
    actor = client()
    return render(service_requests.get_request(runtime(), actor, number), "service_requests", fmt)


@bp.route("/", defaults={"rest": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def fallback(rest):
    """Anything else under /open311/v2 answers in the specification's error format."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in ("GET", "POST"):
        if method == request.method:
            continue
        try:
            endpoint, _ = adapter.match(method=method)
        except (NotFound, MethodNotAllowed):
            continue
        if endpoint != request.endpoint:
            raise Open311Error(405, f"该资源不支持 {request.method} 请求")
    raise Open311Error(404, "未找到该资源")
