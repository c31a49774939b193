"""The designer's 比较 view: the element-level diff of a file between two deployments
(the diff itself is `app/engine/model_diff.py`)."""
from __future__ import annotations

from app.engine.model_diff import diff_contents

from .deployments import file_content


def diff_versions(rt, filename: str, a: int, b: int) -> dict:
    """`diff_contents` of `filename` as deployed in `a` and in `b`, with the deployment ids."""
    result = diff_contents(filename, file_content(rt, filename, a), file_content(rt, filename, b))
    return {"filename": filename, "a": a, "b": b} | result
