"""The clinical safety file (docs/clinical/) stays true to the code (issue #10).

- Every rule id the code uses is named in reference.md, and every rule id reference.md names
  is one the code has.
- Every source cited as ``[citation-id]`` in docs/clinical/ is in the citation registry.
- Every test the hazard log names exists (path, class, function; a parametrized name without
  its ``[...]`` part); every entry under a hazard's "Tests:" names a test or says "pending".

Rule ids are collected from the source and the loaded data, not from a list kept here:
- string constants shaped like a rule id (``"PR-WORSE"``, ``Reason("CL-SPECIFIC", ...)``,
  the reminders' rule table) in backpath/clinical, backpath/exercises, backpath/education and
  backpath/reminders/timing.py;
- rule ids named in those modules' docstrings (``- FU-RECHECK: ...``), for the families above;
- the red-flag bank: every flag, ``<flag>-ESC`` for a flag that escalates, every combination,
  ``RF-<condition>`` for a condition with its own rule, the unscreened rule;
- every ``rule:`` in pathway.yaml; ``CL-LRS-<status>``; ``PRG-<PROFILE>-<CATEGORY>`` per
  program slot; the prevention rules.
Plain pytest: no database.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from backpath.clinical.citations import citations
from backpath.clinical.classification import LrsStatus
from backpath.clinical.datafiles import load_yaml
from backpath.clinical.pathway import pathway_rules
from backpath.clinical.redflags import red_flag_bank
from backpath.education.prevention import checks
from backpath.exercises.programs import SLOTS

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "clinical"
REFERENCE = DOCS / "reference.md"
HAZARD_LOG = DOCS / "hazard-log.md"
# The pure rule modules: the clinical core, the exercise and education packages, and the
# reminders' timing rules (not clinical, but rules a clinician should be able to read).
SCANNED = (
    "backpath/clinical",
    "backpath/exercises",
    "backpath/education",
    "backpath/reminders/timing.py",
)

# A rule id in code: "CES-1", "PW-NR-TENS", "PRG-MEDIUM-MOTOR_CONTROL".
CODE_ID = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9_]+)+")
# A rule id in text; lower case after the first hyphen for RF-<condition>.
TEXT_ID = re.compile(r"(?<![\w-])([A-Z][A-Z0-9]*(?:-[A-Za-z0-9_]+)+)(?![\w-])")
# A cited source: [kngf2021-c5], never a link text ([file](url)).
CITED = re.compile(r"\[([a-z][a-z0-9]*(?:[.-][a-z0-9]+)*)\](?!\()")
CODE_SPAN = re.compile(r"`[^`\n]*`")
NODE_ID = re.compile(r"`(tests/[\w/]+\.py(?:::\w+)+)(\[[^`]*\])?`")
HAZARD_FIELDS = (
    "Hazard",
    "Cause",
    "Effect",
    "Severity",
    "Likelihood",
    "Initial risk",
    "Mitigation",
    "Residual risk",
    "Tests",
)


def _sources() -> Iterator[Path]:
    for place in SCANNED:
        path = ROOT / place
        yield from [path] if path.is_file() else sorted(path.rglob("*.py"))


def _docstrings(tree: ast.Module) -> Iterator[str]:
    documented = ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
    for node in ast.walk(tree):
        if isinstance(node, documented) and (text := ast.get_docstring(node)):
            yield text


def _family(rule_id: str) -> str:
    return rule_id.split("-", 1)[0]


@cache
def code_rule_ids() -> frozenset[str]:
    """Every rule id the code uses, from the source and the loaded data files."""
    found: set[str] = set()
    docstrings: list[str] = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        docstrings.extend(_docstrings(tree))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and CODE_ID.fullmatch(node.value)
            ):
                found.add(node.value)

    bank = red_flag_bank()
    found.update(flag.id for flag in bank.flags)
    found.update(f"{flag.id}-ESC" for flag in bank.flags if flag.escalate)
    found.update(combination.id for combination in bank.combinations)
    found.update(
        f"RF-{condition.value}" for condition, info in bank.conditions.items() if info.rule
    )
    found.add(bank.unscreened.rule)

    rules = pathway_rules()
    lines = [
        *rules.components,
        *rules.not_recommended,
        *rules.evaluations,
        rules.every_session,
        *rules.stop_criteria,
        *rules.referral_criteria,
        *rules.gp_reports,
        rules.hold,
    ]
    found.update(line.rule for line in lines)
    pathway_text = yaml_text("pathway.yaml")
    found.update(re.findall(r"^\s*(?:-\s+)?rule:\s*([A-Z][\w-]*)", pathway_text, re.MULTILINE))

    found.update(f"CL-LRS-{status.value.upper()}" for status in LrsStatus)
    found.update(
        f"PRG-{profile.value.upper()}-{category.value.upper()}"
        for profile, categories in SLOTS.items()
        for category in categories
    )
    found.update(item.id for check in checks().values() for item in check.advised())

    # Rule ids named in docstrings (FU-RECHECK, REM-QUIET, PR-CHANGE-...), of the families
    # the code uses: "NHG-LRS" or "TSK-17" in a docstring is not a rule id.
    families = {_family(rule_id) for rule_id in found}
    for text in docstrings:
        found.update(t for t in TEXT_ID.findall(text) if _family(t) in families)
    return frozenset(found)


def yaml_text(name: str) -> str:
    # load_yaml checks the file parses; the text is what the regex reads.
    load_yaml(name)
    return (ROOT / "backpath" / "clinical" / "data" / name).read_text(encoding="utf-8")


def _reference() -> str:
    return REFERENCE.read_text(encoding="utf-8")


def _ids_in(text: str) -> set[str]:
    return set(TEXT_ID.findall(text))


def test_it_collects_the_rule_ids_of_every_family() -> None:
    """The collector itself: if it found nothing of a family, every other check is hollow."""
    families = {_family(rule_id) for rule_id in code_rule_ids()}
    expected = {"CES", "MAL", "GEN", "RF", "CL", "STRAT", "PW", "PR", "FU", "REM", "PRG", "PREV"}
    assert expected <= families
    assert {"RF-WEAK-PAIR", "PW-NR-TENS", "PR-WORSE", "FU-ALERT-RED-FLAG"} <= code_rule_ids()


def test_every_rule_id_in_the_code_is_in_the_reference() -> None:
    body = _reference()
    missing = sorted(code_rule_ids() - _ids_in(body))
    assert not missing, (
        f"rule ids the code uses but docs/clinical/reference.md does not describe: {missing}"
    )


def test_the_reference_names_no_rule_the_code_does_not_have() -> None:
    body = _reference()
    families = {_family(rule_id) for rule_id in code_rule_ids()}
    named = {t for t in _ids_in(body) if _family(t) in families}
    extra = sorted(named - code_rule_ids())
    assert not extra, f"docs/clinical/reference.md names rule ids the code does not have: {extra}"


@pytest.mark.parametrize("name", ["reference.md", "hazard-log.md", "open-questions.md"])
def test_every_cited_source_is_in_the_registry(name: str) -> None:
    text = CODE_SPAN.sub("", (DOCS / name).read_text(encoding="utf-8"))
    cited = set(CITED.findall(text))
    unknown = sorted(c for c in cited if c not in citations())
    assert not unknown, f"{name} cites sources not in citations.yaml: {unknown}"
    if name == "reference.md":
        assert len(cited) >= 20


# --- The hazard log -----------------------------------------------------------------------


def _hazards() -> dict[str, str]:
    """Each hazard's section, by its id (HAZ-01, ...)."""
    text = HAZARD_LOG.read_text(encoding="utf-8")
    parts = re.split(r"^### (HAZ-\d+)\b", text, flags=re.MULTILINE)
    ids = parts[1::2]
    assert len(ids) == len(set(ids)), "hazard ids must be unique"
    return dict(zip(ids, parts[2::2], strict=True))


def _tests_block(section: str) -> str:
    """The "Tests:" entry of a hazard: its line and the indented lines under it."""
    lines = section.splitlines()
    start = next((i for i, line in enumerate(lines) if "**Tests:**" in line), None)
    if start is None:
        return ""
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith((" ", "\t")) or not line.strip():
            break
        block.append(line)
    return "\n".join(block)


def _defined_tests(path: Path) -> tuple[set[str], dict[str, set[str]]]:
    """The test functions of a module: top-level, and per class (nested classes flattened)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    functions = {
        node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    classes: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            classes[node.name] = {
                item.name
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            }
    return functions, classes


def resolves(node_id: str) -> bool:
    """Whether a pytest node id (without its ``[...]`` part) names a test that exists.

    ``path::test`` may name a top-level test or a test method of any class in the file;
    ``path::Class::test`` names the method of that class.
    """
    path, *names = node_id.split("::")
    file = ROOT / path
    if not file.is_file() or not names:
        return False
    functions, classes = _defined_tests(file)
    if len(names) == 1:
        return names[0] in functions or any(names[0] in m for m in classes.values())
    *owners, name = names
    return all(owner in classes for owner in owners) and name in classes[owners[-1]]


def test_every_hazard_has_its_fields() -> None:
    hazards = _hazards()
    assert len(hazards) >= 15
    for hazard_id, section in hazards.items():
        missing = [f for f in HAZARD_FIELDS if f"**{f}:**" not in section]
        assert not missing, f"{hazard_id} lacks {missing}"


def test_every_test_a_hazard_names_exists() -> None:
    unresolved = [
        f"{hazard_id}: {node_id}"
        for hazard_id, section in _hazards().items()
        for node_id, _params in NODE_ID.findall(_tests_block(section))
        if not resolves(node_id)
    ]
    assert not unresolved, f"the hazard log names tests that do not exist: {unresolved}"


def _tests_items(block: str) -> list[str]:
    """The entries of a "Tests:" block: the rest of its first line, then each line under it."""
    head, *rest = block.splitlines() or [""]
    items = [head.split("**Tests:**", 1)[-1], *rest]
    return [item.strip().removeprefix("- ").strip() for item in items if item.strip()]


def test_a_hazard_without_tests_says_pending() -> None:
    """Each entry under "Tests:" names a test, or says "pending" (and what it is for)."""
    unproven = [
        f"{hazard_id}: {item or '(nothing)'}"
        for hazard_id, section in _hazards().items()
        for item in _tests_items(_tests_block(section)) or [""]
        if not NODE_ID.search(item) and "pending" not in item.lower()
    ]
    assert not unproven, (
        f"hazard test entries that name no test and do not say 'pending': {unproven}"
    )


class TestTheResolver:
    """The node-id resolver, on this very file (a class, its methods, top-level tests)."""

    HERE = "tests/docs/test_clinical_docs.py"

    def test_it_finds_a_top_level_test(self) -> None:
        assert resolves(f"{self.HERE}::test_a_hazard_without_tests_says_pending")

    def test_it_finds_a_test_in_a_class_with_or_without_the_class(self) -> None:
        assert resolves(f"{self.HERE}::TestTheResolver::test_it_finds_a_top_level_test")
        assert resolves(f"{self.HERE}::test_it_finds_a_top_level_test")

    def test_it_refuses_what_does_not_exist(self) -> None:
        assert not resolves(f"{self.HERE}::test_that_does_not_exist")
        assert not resolves(f"{self.HERE}::TestTheResolver::test_every_hazard_has_its_fields")
        assert not resolves(f"{self.HERE}::NoSuchClass::test_it_finds_a_top_level_test")
        assert not resolves("tests/nowhere.py::test_it")

    def test_it_reads_a_parametrized_name_without_its_parameters(self) -> None:
        line = f"- **Tests:** `{self.HERE}::test_every_cited_source_is_in_the_registry[x y]`"
        [(node_id, params)] = NODE_ID.findall(line)
        assert params == "[x y]"
        assert resolves(node_id)
