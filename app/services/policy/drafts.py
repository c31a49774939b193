"""The draft bundle a policy check runs against: the edited files plus the current others."""
from __future__ import annotations

from pathlib import Path

from app.services.deployments import deploy_errors, read_directory


def directory_bundle(base_dir: str | Path, draft_dir: str | Path | None) -> tuple[dict[str, str], list[str]]:
    """The files of `base_dir` (the workflows directory) with those of `draft_dir` in their place
    or added; returns (bundle, names of the files that differ from `base_dir`)."""
    base = read_directory(base_dir)
    if draft_dir is None or Path(draft_dir).resolve() == Path(base_dir).resolve():
        return base, []
    draft = read_directory(draft_dir)
    if not draft:
        raise ValueError(f"{draft_dir} 中没有 .bpmn、.dmn 或 forms/*.json 文件")
    changed = sorted(name for name, content in draft.items() if base.get(name) != content)
    return base | draft, changed


def draft_errors(files: dict[str, str]) -> list[dict]:
    """Why `files` cannot be deployed at all (then no scenario is run)."""
    return deploy_errors(files)  # QiSu's lint (without the action registry) and the parse
