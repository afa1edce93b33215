"""Clinical vignettes (vignettes.yaml): intake in, decision and reasons out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from backpath.clinical.citations import citations
from backpath.clinical.intake import assess, parse_intake
from backpath.clinical.pathway import Verdict
from tests.screening import screened

HERE = Path(__file__).parent
EXAMPLES = HERE.parent.parent / "examples"
VIGNETTES: list[dict[str, Any]] = yaml.safe_load((HERE / "vignettes.yaml").read_text())


def load_intake(vignette: dict[str, Any]) -> Any:
    """The vignette's intake. Inline intakes list their answers; every other red-flag
    question counts as answered "no" (a complete screening), so each vignette shows one rule.
    """
    if "example" in vignette:
        return json.loads((EXAMPLES / f"{vignette['example']}.json").read_text())
    intake = dict(vignette["intake"])
    intake["red_flags"] = screened(
        **{k.replace("-", "_"): v for k, v in intake.get("red_flags", {}).items()}
    )
    return intake


def test_it_covers_every_example_intake() -> None:
    used = {v["example"] for v in VIGNETTES if "example" in v}
    assert used == {path.stem for path in EXAMPLES.glob("*.json")}
    assert len(used) >= 8


def test_each_sourced_vignette_names_a_known_citation() -> None:
    sources = [v["source"] for v in VIGNETTES if "source" in v]
    assert len(sources) >= 15
    assert not [s for s in sources if s not in citations()]


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["name"] for v in VIGNETTES])
def test_it_decides_as_the_vignette_expects(vignette: dict[str, Any]) -> None:
    result = assess(parse_intake(load_intake(vignette)))
    expect = vignette["expect"]
    observed: dict[str, Any] = {
        "urgency": result.triage.urgency.value,
        "red_flags": list(result.triage.flag_ids),
        "category": result.classification.category.value,
        "diagnosis": result.classification.diagnosis.value,
        "risk": result.risk,
        "profile_advice": result.advice.profile.value if result.advice else None,
        "profile": result.profile.value if result.profile else None,
    }
    for key, value in observed.items():
        if key in expect:
            assert value == expect[key], key
    fired = [reason.rule for reason in result.reasons]
    missing = [rule for rule in expect.get("rules", []) if rule not in fired]
    assert not missing, f"rules that did not fire: {missing}; fired: {fired}"
    if "plan" not in expect:
        return
    plan_expect = expect["plan"]
    if plan_expect is None:
        assert result.plan is None
        return
    plan = result.plan
    assert plan is not None
    verdicts = {entry.id: entry.verdict for entry in plan.not_recommended}
    if "max_sessions" in plan_expect:
        assert plan.max_sessions == plan_expect["max_sessions"]
    if "components" in plan_expect:
        assert set(plan_expect["components"]) <= {c.id for c in plan.components}
    for entry in plan_expect.get("do_not_offer", []):
        assert verdicts[entry] is Verdict.DO_NOT_OFFER, entry
    for entry in plan_expect.get("add_on_only", []):
        assert verdicts[entry] is Verdict.ADD_ON_ONLY, entry
    for entry in plan_expect.get("never", []):
        assert verdicts[entry] is Verdict.NEVER, entry
    for entry in plan_expect.get("absent", []):
        assert entry not in verdicts, entry
    if "hold" in plan_expect:
        assert (plan.hold is not None) == plan_expect["hold"]
