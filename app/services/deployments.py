"""Deploying process files: versions by content hash, each case pinned to one deployment."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy import select

from app.db.models import Deployment, ProcessFile
from app.domain.errors import NotFound, ValidationFailed
from app.engine.bundle import BundleError, file_kind, parse_bundle


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
    return session.scalar(select(Deployment).order_by(Deployment.id.desc()).limit(1))


def deploy_files(uow, files: dict[str, str], now, actor_id: int | None = None) -> tuple[Deployment, bool]:
    """Validate and store `files` as a deployment; returns (deployment, created)."""
    try:
        parse_bundle(files)
    except BundleError as err:
        where, message = err.as_field()
        raise ValidationFailed("流程文件校验失败", fields={where: [message]}) from err
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
        return existing, False
    deployment = Deployment(bundle_hash=bundle_hash, manifest=manifest, created_at=now,
                            created_by=actor_id)
    session.add(deployment)
    session.flush()
    return deployment, True


def deploy_directory(rt, path: str | Path) -> tuple[Deployment, bool]:
    with rt.uow() as uow:
        deployment, created = deploy_files(uow, read_directory(path), rt.clock.now())
        uow.commit()
        return deployment, created


def update_file(rt, actor, filename: str, content: str) -> dict:
    """A designer replaces one file of the latest deployment; the result is a new deployment."""
    if file_kind(filename) is None:
        raise ValidationFailed(fields={"filename": ["仅支持 .bpmn、.dmn 和 forms/*.json 文件"]})
    with rt.uow() as uow:
        base = latest(uow.session)
        if base is None:
            raise NotFound("尚无已部署的流程")
        files = bundle_files(uow.session, base)
        files[filename] = content
        deployment, created = deploy_files(uow, files, rt.clock.now(), actor.id)
        uow.commit()
        return describe(deployment) | {"created": created}


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
