"""What the designer's tests share: the workflow files, a deployed file changed, a file as a
modeler saves it again, and requests as the designer pages send them."""
from __future__ import annotations

import html
import re
from pathlib import Path

from lxml import etree
from sqlalchemy import select

from app.db.models import Deployment

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
MAIN = (WORKFLOWS / "enterprise_demand.bpmn").read_text(encoding="utf-8")
RELABELLED = MAIN.replace('<bpmn:userTask id="dispatch" name="派单">',
                          '<bpmn:userTask id="dispatch" name="派单确认">')
# A condition the sandbox refuses, on the sequence flow `flow_direct`.
BROKEN = MAIN.replace('kind == "咨询" and direct_reply != ""', "kind.__class__")


def post_json(client, url, body):
    return client.post(url, json=body, headers={"X-CSRFToken": client.csrf})


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def resaved(text: str) -> str:
    """`text` as a modeler writes it again: other indentation and attribute order, &#34; for
    &quot;, the diagram's shapes in another order, default values left out, another exporter."""
    root = etree.fromstring(text.encode("utf-8"))
    for node in root.iter("{*}*"):
        attributes = list(node.attrib.items())[::-1]
        node.attrib.clear()
        for name, value in attributes:
            if (name, value) not in {("hitPolicy", "UNIQUE"), ("cancelActivity", "true")}:
                node.set(name, value)
    for plane in root.iter("{*}BPMNPlane", "{*}DMNDiagram"):
        plane[:] = list(plane)[::-1]
    root.set("exporter", "bpmn-js")
    etree.indent(root, space="    ")
    return etree.tostring(root, encoding="unicode").replace("&quot;", "&#34;")


def deployment_count(app) -> int:
    with app.extensions["qisu"].uow() as uow:
        return len(uow.session.scalars(select(Deployment)).all())
