"""Parse a deployment (a set of BPMN, DMN and form files) into SpiffWorkflow specs."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from .dmn_engine import FirstMatchEngine
from .sandbox import check_source
from .timers import use_app_clock
from .xml import XmlRejected, parse_xml

MAIN_PROCESS = "enterprise_demand"
FORMS_PREFIX = "forms/"


class BundleError(Exception):
    """A deployment that cannot be parsed; points at the file and element where possible."""

    def __init__(self, message: str, filename: str | None = None, element_id: str | None = None):
        super().__init__(message)
        self.message = message
        self.filename = filename
        self.element_id = element_id

    def as_field(self) -> tuple[str, str]:
        where = self.filename or "bundle"
        if self.element_id:
            where += "#" + self.element_id
        return where, self.message


@dataclass
class ParsedBundle:
    process_id: str
    spec: Any
    subprocess_specs: dict[str, Any]
    forms: dict[str, dict]
    files: dict[str, str] = field(repr=False, default_factory=dict)


def file_kind(filename: str) -> str | None:
    if filename.startswith(FORMS_PREFIX) and filename.endswith(".json"):
        return "form"
    if filename.endswith(".bpmn"):
        return "bpmn"
    if filename.endswith(".dmn"):
        return "dmn"
    return None


class BundleParser(SpiffBpmnParser):
    def get_engine(self, decision_ref, node):
        """Business rule tasks evaluate with `FirstMatchEngine` (FIRST stops at the first match)."""
        return FirstMatchEngine(super().get_engine(decision_ref, node).decision_table)


def parse_bundle(files: dict[str, str], process_id: str = MAIN_PROCESS) -> ParsedBundle:
    parser = BundleParser()
    forms: dict[str, dict] = {}
    for name in sorted(files):
        kind = file_kind(name)
        if kind is None:
            raise BundleError("不支持的文件类型", name)
        if kind == "form":
            forms[name[len(FORMS_PREFIX):]] = _load_form(name, files[name])
            continue
        try:
            root = parse_xml(files[name])
        except XmlRejected as err:
            raise BundleError(str(err), name) from err
        _check_scripts(name, root)
        try:
            if kind == "bpmn":
                parser.add_bpmn_xml(etree.ElementTree(root), filename=name)
            else:
                parser.add_dmn_xml(root, filename=name)
        except ValidationException as err:
            raise BundleError(_spiff_message(err), name, getattr(err, "id", None)) from err
    try:
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
    except ValidationException as err:
        raise BundleError(_spiff_message(err), getattr(err, "file_name", None),
                          getattr(err, "id", None)) from err
    except Exception as err:  # SpiffWorkflow raises plain exceptions for some structural errors
        raise BundleError(f"流程解析失败: {err}") from err
    _check_form_references(spec, subprocess_specs, forms)
    use_app_clock([spec, *subprocess_specs.values()])
    return ParsedBundle(process_id, spec, subprocess_specs, forms, dict(files))


def _spiff_message(err: ValidationException) -> str:
    return str(err).split("\n")[0]


def _load_form(name: str, content: str) -> dict:
    try:
        schema = json.loads(content)
    except ValueError as err:
        raise BundleError(f"表单不是合法的 JSON: {err}", name) from err
    if not isinstance(schema, dict) or schema.get("type") != "object":
        raise BundleError("表单必须是 type=object 的 JSON Schema", name)
    from jsonschema import Draft202012Validator, FormatChecker
    from jsonschema.exceptions import SchemaError
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as err:
        raise BundleError(f"表单 JSON Schema 无效: {err.message}", name) from err
    unchecked = sorted(_formats(schema) - set(FormatChecker().checkers))
    if unchecked:
        raise BundleError(f"表单使用了本系统不能校验的格式：{'、'.join(unchecked)}", name)
    return schema


def _formats(node) -> set[str]:
    """Every `format` a schema names, at any depth (a format nobody checks would accept anything)."""
    found: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("format"), str):
            found.add(node["format"])
        for value in node.values():
            found |= _formats(value)
    elif isinstance(node, list):
        for value in node:
            found |= _formats(value)
    return found


def user_task_specs(spec, subprocess_specs):
    from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
    for process in [spec, *subprocess_specs.values()]:
        for task_spec in process.task_specs.values():
            if isinstance(task_spec, UserTask):
                yield task_spec


def _check_form_references(spec, subprocess_specs, forms: dict[str, dict]) -> None:
    for task_spec in user_task_specs(spec, subprocess_specs):
        form = task_spec.extensions.get("properties", {}).get("formJsonSchemaFilename")
        if form and form not in forms:
            raise BundleError(f"引用的表单 {form} 不存在", None, task_spec.bpmn_id)


# Where scripts and expressions live in BPMN and DMN files, and how each is evaluated.
_SCRIPT_TAGS = {"script": "exec", "preScript": "exec", "postScript": "exec",
                "conditionExpression": "eval", "loopCardinality": "eval",
                "completionCondition": "eval", "timeDate": "eval", "timeDuration": "eval",
                "timeCycle": "eval", "payloadExpression": "eval", "messagePayload": "eval"}


def _check_scripts(filename: str, root: etree._Element) -> None:
    """Refuse any script or expression the sandbox would refuse, naming the element."""
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        tag = etree.QName(node).localname
        source, mode = None, None
        if tag in _SCRIPT_TAGS:
            source, mode = node.text, _SCRIPT_TAGS[tag]
        elif tag == "parameter" and node.get("value") is not None:
            source, mode = node.get("value"), "eval"
        elif tag == "text" and node.getparent() is not None:
            parent = etree.QName(node.getparent()).localname
            if parent in ("inputExpression", "outputEntry"):
                source, mode = node.text, "eval"
            elif parent == "inputEntry":
                source, mode = node.text, "dmn-entry"
        if not source or not source.strip():
            continue
        if mode == "dmn-entry":
            from .dmn_cells import entry_error  # the cell check of the DMN editor (issue 19 §2)
            error = entry_error(source)
        else:
            error = check_source(source, mode)
        if error:
            raise BundleError(f"脚本或表达式不被允许: {error}", filename, _element_id(node))


def _element_id(node: etree._Element) -> str | None:
    """The nearest BPMN/DMN element with an id (a service task, not its spiffworkflow parameter)."""
    while node is not None:
        if node.get("id") and "spiffworkflow" not in (etree.QName(node).namespace or ""):
            return node.get("id")
        node = node.getparent()
    return None
