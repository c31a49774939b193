"""Whether a set of files can be deployed: every error found, each naming its file and element.

Plain data out ({"where": "file#element", "file", "element_id", "message"}); services decide what
to do with it (refuse a deployment, show the errors in the modeler).
"""
from __future__ import annotations

import re
from typing import Callable

from .bundle import BundleError, file_kind, parse_bundle
from .decisions import aggregation_errors, policy_errors


def bundle_errors(files: dict[str, str], more: Callable[[dict[str, str]], list] | None = None) -> list[dict]:
    """Parse `files` as a deployment and check its decision tables' hit policies; when it parses,
    also `more(files)`: the caller's own checks, as (filename, element id, message) tuples."""
    try:
        bundle = parse_bundle(files)
    except BundleError as err:
        filename = err.filename or _file_with_id(files, err.element_id)
        return [error(err.message, filename, err.element_id)]
    except Exception as err:  # noqa: BLE001 - SpiffWorkflow raises plain exceptions for some inputs
        return [error(f"流程解析失败：{err}", None, None)]
    found = [error(message, _file_with_id(files, table_id), table_id)
             for table_id, message in policy_errors(bundle) + aggregation_errors(files)]
    found += [error(message, filename, element_id)
              for filename, element_id, message in (more(files) if more else [])]
    return found


def error(message: str, filename: str | None, element_id: str | None) -> dict:
    where = (filename or "bundle") + (f"#{element_id}" if element_id else "")
    return {"where": where, "file": filename, "element_id": element_id, "message": message}


def _file_with_id(files: dict[str, str], element_id: str | None) -> str | None:
    """SpiffWorkflow does not always say which file an element is in; find it."""
    if not element_id:
        return None
    pattern = re.compile(r'\bid="' + re.escape(element_id) + '"')
    found = [name for name in sorted(files) if file_kind(name) != "form" and pattern.search(files[name])]
    return found[0] if len(found) == 1 else None
