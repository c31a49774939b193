"""The GeoReport v2 use cases on top of QiSu's services: the domains as services, a service
request as a case submitted through the same intake (channel "api"), and the app's requests."""
from __future__ import annotations


from app.domain.actor import Actor
from app.domain.open311 import (ATTRIBUTES, CODE_TO_DOMAIN, DESCRIPTION_MAX, INTAKE_FIELD_NAMES,
                                KIND_KEYS, SERVICE_GROUP, SERVICES, kind_for)
from app.services import catalog, intake
from app.services.runtime import Runtime

from .errors import Open311Error

SERVICE_NOTICE = ("诉求已受理,编号 {number}。派单后承办单位将按规定时限响应、办理并答复,"
                  "办理进度可凭编号查询。")
TEXT_LIMITS = {"address_string": 500, "address_id": 100, "email": 254, "device_id": 100,
               "account_id": 100, "media_url": 1000}


def service_list() -> list[dict]:
    return [{"service_code": code, "service_name": domain,
             "description": f"向 12345 企业服务专线反映{domain}方面的问题、咨询或建议",
             "metadata": True, "type": "realtime", "keywords": keywords, "group": SERVICE_GROUP}
            for domain, (code, keywords) in SERVICES.items()]


def domain_of(code: str | None) -> str:
    if not code:
        raise Open311Error(400, "service_code: 请提供 service_code")
    if code not in CODE_TO_DOMAIN:
        raise Open311Error(404, f"service_code: 未知的服务代码 {code}")
    return CODE_TO_DOMAIN[code]


def service_definition(rt: Runtime, code: str) -> dict:
    domain_of(code)
    values = {"kind": [{"key": key, "name": name} for key, name in KIND_KEYS.items()],
              "town": [{"key": unit_code, "name": name} for unit_code, name in towns(rt)]}
    attributes = []
    for attribute in ATTRIBUTES:
        item = {"variable": True, **attribute}
        if attribute["code"] in values:
            item["values"] = values[attribute["code"]]
        attributes.append(item)
    return {"service_code": code, "attributes": attributes}


def towns(rt: Runtime) -> list[tuple[str, str]]:
    return catalog.towns(rt)


def submit(rt: Runtime, actor: Actor, form) -> list[dict]:
    """POST Service Request: the form's fields become a case through the intake service.
    An unknown service code is 404; otherwise one 400 names every wrong parameter."""
    code = form.get("service_code")
    domain = domain_of(code) if code else None
    payload, errors = intake_payload(rt, form)
    payload["domain"] = domain
    if not code:
        errors.insert(0, "service_code: 请提供 service_code")
    if errors:
        raise Open311Error(400, *errors, *intake_errors(rt, actor, payload, errors))
    case = intake.submit_case(rt, actor, payload)
    return [{"service_request_id": case["number"],
             "service_notice": SERVICE_NOTICE.format(number=case["number"]),
             "account_id": form.get("account_id") or None}]


def intake_payload(rt: Runtime, form) -> tuple[dict, list[str]]:
    """The intake's payload from the Open311 parameters, and the errors of what only Open311
    has (attributes, location, lengths); the intake checks the rest (description, phone, P2)."""
    errors: list[str] = []
    kind = kind_for(form.get("attribute[kind]"))
    if kind is None:
        errors.append(f"attribute[kind]: 诉求类型须为 {'/'.join(KIND_KEYS)} 之一")
    town = form.get("attribute[town]") or None
    if town is not None:
        names = dict(towns(rt))
        town = names.get(town, town)
        if town not in names.values():
            errors.append("attribute[town]: 未知的镇街")
    description = form.get("description") or ""
    if len(description) > DESCRIPTION_MAX:
        errors.append(f"description: 诉求内容不能超过 {DESCRIPTION_MAX} 个字符")
    name = ((form.get("last_name") or "").strip() + (form.get("first_name") or "").strip())
    if len(name) > 50:
        errors.append("first_name: 姓名不能超过 50 个字符")
    for field, limit in TEXT_LIMITS.items():
        if len(form.get(field) or "") > limit:
            errors.append(f"{field}: 不能超过 {limit} 个字符")
    media_url = form.get("media_url") or None
    if media_url and not media_url.lower().startswith(("http://", "https://")):
        errors.append("media_url: 须为 http:// 或 https:// 开头的网址")
    lat, long, location_errors = coordinates(form.get("lat"), form.get("long"))
    errors.extend(location_errors)
    phone = form.get("phone") or None
    submission = {"address": form.get("address_string"), "address_id": form.get("address_id"),
                  "lat": lat, "long": long, "media_url": media_url, "email": form.get("email"),
                  "device_id": form.get("device_id"), "account_id": form.get("account_id")}
    payload = {"kind": kind, "description": description, "town": town,
               "credit_code": form.get("attribute[credit_code]") or None, "phone": phone,
               "contact_phone": phone, "contact_name": name or None, "submission": submission}
    return payload, errors


def intake_errors(rt: Runtime, actor: Actor, payload: dict, errors: list[str]) -> list[str]:
    """What the intake would refuse as well (P2 identification, phone, …), for the parameters
    Open311's own checks did not name, so that one answer names every wrong parameter."""
    named = {error.split(":", 1)[0] for error in errors}
    found: list[str] = []
    for field, messages in intake.submission_errors(rt, actor, payload).items():
        name = INTAKE_FIELD_NAMES.get(field, field)
        found.extend(f"{name}: {message}" for message in messages
                     if name not in named and f"{name}: {message}" not in found)
    return found


def coordinates(lat: str | None, long: str | None) -> tuple[float | None, float | None, list[str]]:
    """WGS84 latitude and longitude, both or neither."""
    if not lat and not long:
        return None, None, []
    if not lat or not long:
        return None, None, ["lat: lat 与 long 须同时提供"]
    try:
        lat_value, long_value = float(lat), float(long)
    except ValueError:
        return None, None, ["lat: lat 与 long 须为数字"]
    errors = []
    if not -90 <= lat_value <= 90:
        errors.append("lat: 纬度须在 -90 到 90 之间")
    if not -180 <= long_value <= 180:
        errors.append("long: 经度须在 -180 到 180 之间")
    return lat_value, long_value, errors
