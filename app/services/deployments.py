"""Deploying process files: versions by content hash, each case pinned to one deployment."""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

from lxml import etree
from sqlalchemy import func, select

from app.clock import iso
from app.db.models import Case, Deployment, ProcessFile, User
from app.domain.errors import NotFound, ValidationFailed
from app.domain.vocab import CASE_STATUSES, FINAL_STATUSES
from app.engine.bundle import BundleError, file_kind, parse_bundle
from app.engine.xml import XmlRejected, parse_xml

from .process_lint import lint_errors


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_directory(path: str | Path) -> dict[str, str]:
    root = Path(path)
    files = {}
    for file in sorted(root.rglob("*")):
        name = file.relative_to(root).as_posix()
        if file.is_file() and file_kind(name):
            files[name] = file.read_text(encoding="utf-8")
    return files


def latest(session) -> Deployment | None:
    """The deployment new cases start on: the one deployed last (created, or deployed again)."""
    return session.scalar(select(Deployment).order_by(
        func.coalesce(Deployment.generation, Deployment.id).desc(), Deployment.id.desc()).limit(1))


def deploy_files(uow, files: dict[str, str], now, actor_id: int | None = None,
                 reactivate: bool = False, *, actions: list[str] | None = None
                 ) -> tuple[Deployment, bool]:
    """Validate and store `files` as a deployment; returns (deployment, created). With
    `reactivate` (a designer's deploy), an older deployment with the same files becomes the one
    new cases start on again; a server start deploying its directory never does that, so it
    cannot undo a designer's later deployment."""
    errors = deploy_errors(files, actions)
    if errors:
        raise ValidationFailed("流程文件校验失败", fields=errors_by_place(errors))
    session = uow.session
    manifest = {}
    for name, content in sorted(files.items()):
        digest = sha256(content)
        row = session.scalar(select(ProcessFile).where(
            ProcessFile.filename == name, ProcessFile.content_hash == digest))
        if row is None:
            row = ProcessFile(filename=name, content_hash=digest, content=content,
                              created_at=now, created_by=actor_id)
            session.add(row)
            session.flush()
        manifest[name] = row.id
    bundle_hash = sha256(json.dumps(
        sorted((name, sha256(content)) for name, content in files.items())))
    existing = session.scalar(select(Deployment).where(Deployment.bundle_hash == bundle_hash))
    if existing is not None:
        current = latest(session)
        if reactivate and current is not None and current.id != existing.id:
            top = session.scalar(select(func.max(func.coalesce(Deployment.generation, Deployment.id))))
            existing.generation = top + 1
            session.flush()
        return existing, False
    deployment = Deployment(bundle_hash=bundle_hash, manifest=manifest, created_at=now,
                            created_by=actor_id)
    session.add(deployment)
    session.flush()
    return deployment, True


def deploy_directory(rt, path: str | Path) -> tuple[Deployment, bool]:
    with rt.uow() as uow:
        deployment, created = deploy_files(uow, read_directory(path), rt.clock.now(),
                                           actions=registered_actions(rt))
        uow.commit()
        return deployment, created


FILE_TYPES_MESSAGE = "仅支持 .bpmn、.dmn 和 forms/*.json 文件"


def bundle_errors(files: dict[str, str]) -> list[dict]:
    """Parse `files` as a deployment; the errors found, each naming its file and element."""
    try:
        parse_bundle(files)
    except BundleError as err:
        filename = err.filename or _file_with_id(files, err.element_id)
        return [_error(err.message, filename, err.element_id)]
    except Exception as err:  # noqa: BLE001 - SpiffWorkflow raises plain exceptions for some inputs
        return [_error(f"流程解析失败：{err}", None, None)]
    return []


def _error(message: str, filename: str | None, element_id: str | None) -> dict:
    where = (filename or "bundle") + (f"#{element_id}" if element_id else "")
    return {"where": where, "file": filename, "element_id": element_id, "message": message}


def _file_with_id(files: dict[str, str], element_id: str | None) -> str | None:
    """SpiffWorkflow does not always say which file an element is in; find it."""
    if not element_id:
        return None
    pattern = re.compile(r'\bid="' + re.escape(element_id) + '"')
    found = [name for name in sorted(files) if file_kind(name) != "form" and pattern.search(files[name])]
    return found[0] if len(found) == 1 else None


def errors_by_place(errors: list[dict]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for error in errors:
        out.setdefault(error["where"], []).append(error["message"])
    return out


def deploy_errors(files: dict[str, str], actions: list[str] | None = None) -> list[dict]:
    """What validate and deploy refuse in `files`: QiSu's modelling rules (app/engine/lint.py, as
    the modeler shows them; `actions` are the registered operators — pass them: without, service
    tasks' actions go unchecked), then what parsing refuses (bundle_errors)."""
    return [_error(message, filename, element_id)
            for filename, element_id, message in lint_errors(files, actions)] + bundle_errors(files)


def validate_file(rt, filename: str, content: str) -> list[dict]:
    """The errors the newest deployment would have with `filename` replaced by `content`.

    Nothing is written. Each error is {"where": "file#element", "file", "element_id", "message"}."""
    if file_kind(filename) is None:
        return [_error(FILE_TYPES_MESSAGE, filename, None) | {"where": "filename"}]
    with rt.uow() as uow:
        base = latest(uow.session)
        files = bundle_files(uow.session, base) if base is not None else {}
    files[filename] = content
    return deploy_errors(files, registered_actions(rt))


def registered_actions(rt) -> list[str]:
    """The operators the runtime's service tasks can call."""
    return rt.runner.script_engine.actions.names()


def update_file(rt, actor, filename: str, content: str) -> dict:
    """A designer replaces one file of the latest deployment; the result is a new deployment,
    or the latest one ("created": False) when `content` is that file saved again unchanged."""
    if file_kind(filename) is None:
        raise ValidationFailed(fields={"filename": [FILE_TYPES_MESSAGE]})
    with rt.uow() as uow:
        base = latest(uow.session)
        if base is None:
            raise NotFound("尚无已部署的流程")
        files = bundle_files(uow.session, base)
        if filename not in files or not same_content(filename, files[filename], content):
            files[filename] = content
        deployment, created = deploy_files(uow, files, rt.clock.now(), actor.id, reactivate=True,
                                           actions=registered_actions(rt))
        reactivated = not created and deployment.id != base.id
        uow.commit()
        return describe(deployment) | {"created": created, "reactivated": reactivated}


def bundle_files(session, deployment: Deployment) -> dict[str, str]:
    ids = list(deployment.manifest.values())
    return {f.filename: f.content
            for f in session.scalars(select(ProcessFile).where(ProcessFile.id.in_(ids)))}


def describe(deployment: Deployment) -> dict:
    return {"id": deployment.id, "bundle_hash": deployment.bundle_hash,
            "files": sorted(deployment.manifest), "created_at": deployment.created_at.isoformat()}


def list_deployments(rt) -> list[dict]:
    with rt.uow() as uow:
        return [describe(d) for d in
                uow.session.scalars(select(Deployment).order_by(Deployment.id.desc()))]


# -- the designer's views: files and their versions, deployments, differences ----------------

KIND_ORDER = {"bpmn": 0, "dmn": 1, "form": 2}


def short_hash(digest: str) -> str:
    return digest[:10]


def designer_overview(rt) -> dict:
    """The files of the newest deployment, each with every stored version, and all deployments
    with how many open and closed cases run on each."""
    with rt.uow() as uow:
        session = uow.session
        deployments = list(session.scalars(select(Deployment).order_by(Deployment.id.desc())))
        newest = latest(session)
        users = _user_names(session)
        included: dict[int, list[int]] = {}  # process file id -> deployment ids, oldest first
        for deployment in reversed(deployments):
            for file_id in deployment.manifest.values():
                included.setdefault(file_id, []).append(deployment.id)
        files = []
        names = sorted(newest.manifest, key=lambda n: (KIND_ORDER[file_kind(n) or "form"], n)) \
            if newest else []
        rows = session.scalars(select(ProcessFile).where(ProcessFile.filename.in_(names))
                               .order_by(ProcessFile.created_at, ProcessFile.id)) if names else []
        by_name: dict[str, list[ProcessFile]] = {}
        for row in rows:
            by_name.setdefault(row.filename, []).append(row)
        for name in names:
            versions = []
            previous_deployment = None
            for number, row in enumerate(by_name.get(name, []), start=1):
                in_deployments = included.get(row.id, [])
                versions.append({
                    "id": row.id, "number": number, "hash": short_hash(row.content_hash),
                    "created_at": iso(row.created_at), "created_by": users.get(row.created_by),
                    "deployments": in_deployments, "current": row.id == newest.manifest[name],
                    # Compare with the previous version that was deployed (deployment ids).
                    "compare": ({"a": previous_deployment, "b": in_deployments[0]}
                                if previous_deployment and in_deployments else None),
                })
                if in_deployments:
                    previous_deployment = in_deployments[0]
            files.append({"filename": name, "kind": file_kind(name),
                          "versions": list(reversed(versions))})
        counts = _case_counts(session)
        return {
            "newest": newest.id if newest else None,
            "files": files,
            "deployments": [{
                "id": d.id, "created_at": iso(d.created_at), "created_by": users.get(d.created_by),
                "bundle_hash": short_hash(d.bundle_hash), "files": len(d.manifest),
                "open_cases": counts.get(d.id, {}).get("open", 0),
                "closed_cases": counts.get(d.id, {}).get("closed", 0),
                "changed": _changed_files(d, deployments),
            } for d in deployments],
        }


def _user_names(session) -> dict[int, str]:
    return {uid: name for uid, name in session.execute(select(User.id, User.display_name))}


def _case_counts(session) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {}
    rows = session.execute(select(Case.deployment_id, Case.status, func.count())
                           .group_by(Case.deployment_id, Case.status))
    for deployment_id, status, count in rows:
        key = "closed" if status in FINAL_STATUSES else "open"
        counts.setdefault(deployment_id, {"open": 0, "closed": 0})[key] += count
    return counts


def _changed_files(deployment: Deployment, deployments: list[Deployment]) -> list[str]:
    """Files whose version differs from the deployment just before this one."""
    older = [d for d in deployments if d.id < deployment.id]
    if not older:
        return []
    before = max(older, key=lambda d: d.id).manifest
    names = set(before) | set(deployment.manifest)
    return sorted(n for n in names if before.get(n) != deployment.manifest.get(n))


def deployment_cases(rt, deployment_id: int, include_closed: bool = False) -> dict:
    """The cases that run on one deployment (open ones unless `include_closed`)."""
    with rt.uow() as uow:
        session = uow.session
        deployment = session.get(Deployment, deployment_id)
        if deployment is None:
            raise NotFound("部署不存在")
        query = select(Case).where(Case.deployment_id == deployment_id)
        if not include_closed:
            query = query.where(Case.status.not_in(FINAL_STATUSES))
        cases = session.scalars(query.order_by(Case.created_at.desc(), Case.id.desc()))
        return {"id": deployment.id, "created_at": iso(deployment.created_at),
                "cases": [{"number": c.number, "status": c.status,
                           "status_label": CASE_STATUSES.get(c.status, (c.status, c.status)),
                           "current_step": c.current_step, "kind": c.kind,
                           "created_at": iso(c.created_at),
                           "open": c.status not in FINAL_STATUSES} for c in cases]}


def file_content(rt, filename: str, deployment_id: int | None = None) -> str:
    """The text of `filename` in a deployment (the newest by default)."""
    with rt.uow() as uow:
        session = uow.session
        deployment = session.get(Deployment, deployment_id) if deployment_id else latest(session)
        if deployment is None:
            raise NotFound("部署不存在")
        file_id = deployment.manifest.get(filename)
        if file_id is None:
            raise NotFound(f"部署 {deployment.id} 中没有文件 {filename}")
        return session.get(ProcessFile, file_id).content



# -- is a file saved again the same file? ------------------------------------------------------

_DI_NAMESPACE = re.compile(r"/(DI|DC|DMNDI)/?$")
# Diagram attributes that are no layout: ids, and the marker bpmn-js adds to exclusive gateways.
_IGNORED_DI_ATTRIBUTES = {"id", "isMarkerVisible"}


def same_content(filename: str, old: str, new: str) -> bool:
    """Whether `new` is `old` saved again by a modeler: for BPMN/DMN the same model elements (as
    the designer's diff compares them) and the same diagram layout; for forms the same JSON.
    Formatting, attribute order, quoting, namespace prefixes, exporter stamps, default values,
    the derived incoming/outgoing and the order of diagram shapes do not count. Moving a shape
    does: it is a new version."""
    if old == new:
        return True
    if file_kind(filename) == "form":
        try:
            return json.loads(old) == json.loads(new)
        except ValueError:
            return False
    from .process_diff import diff_contents  # process_diff imports this module
    try:
        diff = diff_contents(filename, old, new)
        if diff["added"] or diff["removed"] or diff["changed"]:
            return False
        before, after = parse_xml(old), parse_xml(new)
    except (ValidationFailed, XmlRejected):
        return False
    return _model_order(before) == _model_order(after) and _layout(before) == _layout(after)


def _is_di(node) -> bool:
    return bool(_DI_NAMESPACE.search(etree.QName(node).namespace or ""))


def _model_order(root) -> list[str]:
    """The ids of the model in document order: the diff compares elements by id, but the order
    of a decision table's rules, inputs and outputs matters."""
    return [node.get("id") for node in root.iter()
            if isinstance(node.tag, str) and node.get("id") and not _is_di(node)
            and not any(_is_di(ancestor) for ancestor in node.iterancestors())]


def _layout(root) -> Counter:
    """The diagram interchange of a BPMN/DMN file, shapes and edges in any order: one entry per
    DI element with the model element it draws, its tag, its attributes (numbers compared as
    numbers) and, for a part without a reference of its own, its place among its siblings of
    that tag (the waypoints of an edge keep their order)."""
    entries: Counter = Counter()
    for node in root.iter():
        if not isinstance(node.tag, str) or not _is_di(node):
            continue
        place = 0 if _reference(node) else sum(
            1 for sibling in node.itersiblings(preceding=True) if sibling.tag == node.tag)
        attributes = tuple(sorted((etree.QName(key).localname, _number(value))
                                  for key, value in node.attrib.items()
                                  if etree.QName(key).localname not in _IGNORED_DI_ATTRIBUTES))
        entries[(_drawn(node), etree.QName(node).localname, place, attributes)] += 1
    return entries


def _drawn(node) -> str | None:
    """The model element a DI element (or the shape or edge it is part of) draws."""
    for n in (node, *node.iterancestors()):
        if _reference(n):
            return _reference(n)
    return None


def _reference(node) -> str | None:
    return node.get("bpmnElement") or node.get("dmnElementRef") or node.get("id")


def _number(value: str) -> str | float:
    try:
        return float(value)
    except ValueError:
        return value
