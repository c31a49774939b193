"""`make translations`: add the new source texts to the English catalog and compile it.

Unlike `pybabel update`, a catalog entry that extraction does not find is kept, not made
obsolete: some texts are shown by value (a stored trail label, a DMN output) and reach `gettext`
from data rather than from a literal in the code.
"""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
PO = Path(__file__).parent / "translations/en/LC_MESSAGES/messages.po"


def source_texts(root: Path = ROOT) -> dict[str, str]:
    """Every source text as `pybabel extract -F babel.cfg` finds it → where it is first used."""
    with (root / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(root), method_map, options_map):
        for text in message if isinstance(message, tuple) else (message,):
            if text:
                found.setdefault(text, f"{filename}:{lineno}")
    return found


def update(po: Path = PO) -> list[str]:
    """Adds the source texts the catalog lacks (empty English), compiles; returns those added."""
    with po.open("rb") as f:
        catalog = read_po(f)
    added = [text for text in source_texts() if text not in catalog]
    for text in added:
        catalog.add(text, "")
    with po.open("wb") as f:
        write_po(f, catalog, width=100, sort_output=True)
    with po.with_suffix(".mo").open("wb") as f:
        write_mo(f, catalog)
    return added


if __name__ == "__main__":
    new = update()
    print(f"{len(new)} new source texts without English in {PO.relative_to(ROOT)}")
    for text in new:
        print(" ", text)
