"""A small GeoReport v2 client written from the specification (wiki.open311.org/GeoReport_v2),
as a third-party app would write it: requests are form-encoded with `attribute[code]=value`
keys, XML answers are read with ElementTree and JSON answers with json, and both become the
same Python data (lists for the container elements, typed booleans, numbers and error codes).
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urlencode

# The specification's container elements, each a list of its child elements.
CONTAINERS = {"services", "attributes", "values", "service_requests", "errors"}
BOOLEANS = {"metadata", "variable", "required"}
FLOATS = {"lat", "long"}


@dataclass
class Answer:
    status: int
    content_type: str
    data: object
    raw: str


class GeoReportClient:
    def __init__(self, http, api_key: str | None = None, fmt: str = "xml",
                 endpoint: str = "/open311/v2"):
        self.http, self.api_key, self.fmt, self.endpoint = http, api_key, fmt, endpoint

    # -- the specification's methods -------------------------------------------------------
    def services(self, **params) -> Answer:
        return self._get("services", params)

    def service_definition(self, service_code: str, **params) -> Answer:
        return self._get(f"services/{service_code}", params)

    def post_request(self, attributes: dict | None = None, **fields) -> Answer:
        form = {"api_key": self.api_key} if self.api_key is not None else {}
        form.update({k: v for k, v in fields.items() if v is not None})
        form.update({f"attribute[{code}]": value for code, value in (attributes or {}).items()})
        raw = self.http.post(f"{self.endpoint}/requests.{self.fmt}", data=urlencode(form),
                             content_type="application/x-www-form-urlencoded; charset=utf-8")
        return self._answer(raw)

    def requests(self, **filters) -> Answer:
        return self._get("requests", filters, with_key=True)

    def request(self, service_request_id: str) -> Answer:
        return self._get(f"requests/{service_request_id}", {}, with_key=True)

    # -- plumbing --------------------------------------------------------------------------
    def _get(self, resource: str, params: dict, with_key: bool = False) -> Answer:
        query = dict(params)
        if with_key and self.api_key is not None:
            query["api_key"] = self.api_key
        return self._answer(self.http.get(f"{self.endpoint}/{resource}.{self.fmt}",
                                          query_string=query))

    def _answer(self, raw) -> Answer:
        text = raw.get_data(as_text=True)
        if raw.content_type.startswith("application/json"):
            data = json.loads(text)
        else:
            assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>'), text[:80]
            data = from_xml(ET.fromstring(text))
        return Answer(raw.status_code, raw.content_type, typed(data), text)


def from_xml(node: ET.Element):
    if node.tag in CONTAINERS:
        return [from_xml(child) for child in node]
    if len(node):
        return {child.tag: from_xml(child) for child in node}
    return node.text  # an empty element is null


def typed(data, key: str | None = None):
    """Booleans, numbers and error codes as the specification types them (XML is all text)."""
    if isinstance(data, list):
        return [typed(item) for item in data]
    if isinstance(data, dict):
        if set(data) == {"code", "description"}:  # an error
            return {"code": int(data["code"]), "description": data["description"]}
        return {k: typed(v, k) for k, v in data.items()}
    if not isinstance(data, str):
        return data
    if key in BOOLEANS:
        return data == "true"
    if key == "order":
        return int(data)
    if key in FLOATS:
        return float(data)
    return data
