"""Stored display JSON is read back only through ``backpath.interchange`` (issue #11).

An assessment's result and a plan are stored as ``{"nl": ..., "en": ...}`` copies of the
public JSON. If a rule read them by key, renaming a field of the public contract would
silently change clinical behaviour, and mypy would see none of it. So no module outside
``backpath/interchange.py`` (and the migrations, which are frozen history) may subscript
``.result``, ``.plan`` or ``.input`` of a record, or pick a language copy with ``["en"]``,
``["nl"]`` or ``[lang...]``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "backpath"
# The pure packages read their own data files, never stored records.
PURE = {"clinical", "exercises", "education", "charts"}
STORED = {"result", "plan", "input"}
LANGUAGES = {"en", "nl"}


def _offences(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Subscript):
            continue
        key = node.slice
        if isinstance(node.value, ast.Attribute) and node.value.attr in STORED:
            found.append((node.lineno, f".{node.value.attr}[...]"))
        elif isinstance(key, ast.Constant) and key.value in LANGUAGES:
            found.append((node.lineno, f'["{key.value}"]'))
        elif "lang" in ast.unparse(key):
            found.append((node.lineno, f"[{ast.unparse(key)}]"))
    return found


def _modules() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts
        and path.name != "interchange.py"
        and path.relative_to(PACKAGE).parts[0] not in PURE
    )


def test_no_module_outside_interchange_reads_stored_json_by_key() -> None:
    offences = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {what}"
        for path in _modules()
        for line, what in _offences(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not offences, "read stored JSON through backpath.interchange:\n" + "\n".join(offences)


@pytest.mark.parametrize(
    "source",
    [
        'x = record.result["en"]',
        'x = plan.plan["nl"]["hold"]',
        "x = assessment.input['today']",
        'x = copy["en"]',
        "x = copy[lang().value]",
    ],
)
def test_the_check_sees_each_kind_of_lookup(source: str) -> None:
    assert _offences(ast.parse(source))
