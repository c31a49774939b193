"""Every text QiSu shows has both languages: the Chinese source text and its English in the catalog."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "app/i18n/translations/en/LC_MESSAGES/messages.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


@pytest.fixture(scope="module")
def catalog():
    with PO.open("rb") as f:
        return read_po(f)


@pytest.fixture(scope="module")
def sources() -> dict[str, str]:
    """Source text → where it is first used, as `pybabel extract -F babel.cfg` finds them."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map):
        for text in message if isinstance(message, tuple) else (message,):
            if text:
                found.setdefault(text, f"{filename}:{lineno}")
    return found


def test_every_source_text_has_english(catalog, sources):
    missing = [f"{where}: {text}" for text, where in sorted(sources.items(), key=lambda kv: kv[1])
               if not (catalog.get(text) and catalog.get(text).string)
               or catalog.get(text).fuzzy]
    assert not missing, "no English in messages.po (run `make translations`, then translate):\n" \
        + "\n".join(missing)


def test_english_keeps_the_parameters_of_its_source(catalog):
    wrong = [m.id for m in catalog if m.id and m.string
             and sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string))]
    assert not wrong


def test_the_committed_mo_is_the_compiled_po(catalog):
    with MO.open("rb") as f:
        committed = {m.id: m.string for m in read_mo(f) if m.id}
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    assert committed == {m.id: m.string for m in read_mo(compiled) if m.id}, \
        "messages.mo is stale: run `make translations`"
