"""Deploying process files: versions by content hash, each case pinned to one deployment."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy import func, select

from app.clock import iso
from app.db.models import Case, Deployment, ProcessFile, User
from app.domain.errors import NotFound, ValidationFailed
from app.domain.texts import msg
from app.domain.vocab import CASE_STATUSES, FINAL_STATUSES
from app.engine.bundle import file_kind
from app.engine.checks import bundle_errors, error as _error
from app.engine.same_model import same_content

from .policy_gate import design_event, required_check

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
        raise ValidationFailed(msg("deployment.invalid", "流程文件校验失败"), fields=errors_by_place(errors))
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
    bundle_hash = bundle_hash_of(files)
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


def bundle_hash_of(files: dict[str, str]) -> str:
    """The identity of a set of files: a deployment's bundle_hash, a policy check's draft."""
    return sha256(json.dumps(sorted((name, sha256(content)) for name, content in files.items())))


def deploy_directory(rt, path: str | Path) -> tuple[Deployment, bool]:
    with rt.uow() as uow:
        deployment, created = deploy_files(uow, read_directory(path), rt.clock.now(),
                                           actions=registered_actions(rt))
        uow.commit()
        return deployment, created


FILE_TYPES_MESSAGE = "仅支持 .bpmn、.dmn 和 forms/*.json 文件"


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
            raise NotFound(msg("deployment.none", "尚无已部署的流程"))
        files = bundle_files(uow.session, base)
        if filename not in files or not same_content(filename, files[filename], content):
            files[filename] = content
        new_hash = bundle_hash_of(files)
        # issue 19 §5: a bundle other than the current one needs its passed policy check
        check = required_check(uow.session, rt.settings, new_hash) if new_hash != base.bundle_hash \
            else None
        deployment, created = deploy_files(uow, files, rt.clock.now(), actor.id, reactivate=True,
                                           actions=registered_actions(rt))
        reactivated = not created and deployment.id != base.id
        if created or reactivated:
            if check is not None and deployment.policy_check_id is None:
                deployment.policy_check_id = check.id
            design_event(uow.session, rt.clock.now(), actor, "deploy", deployment_id=deployment.id,
                         check_id=check.id if check else None,
                         detail={"file": filename, "reactivated": reactivated})
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
                # issue 19 §5: the policy check it passed, or the admin's reason to deploy anyway
                "policy_check_id": d.policy_check_id, "policy_override": d.policy_override_reason,
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
            raise NotFound(msg("deployment.not_found", "部署不存在"))
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
            raise NotFound(msg("deployment.not_found", "部署不存在"))
        file_id = deployment.manifest.get(filename)
        if file_id is None:
            raise NotFound(msg("deployment.file_not_found", "部署 {id} 中没有文件 {filename}",
                               id=deployment.id, filename=filename))
        return session.get(ProcessFile, file_id).content
