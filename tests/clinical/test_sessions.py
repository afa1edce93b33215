"""Session checks against the care plan (KNGF 2021 C4: passive care; session budget)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backpath.clinical.pathway import Verdict, pathway_rules
from backpath.clinical.sessions import check_session, intervention_codes

AVOID = {"tens": Verdict.DO_NOT_OFFER, "massage": Verdict.ADD_ON_ONLY}


def test_it_lists_active_components_before_passive_interventions() -> None:
    codes = intervention_codes()
    rules = pathway_rules()
    assert codes[0] == "education"
    assert set(codes) == {c.id for c in rules.components} | {n.id for n in rules.not_recommended}
    assert len(codes) == len(set(codes))
    assert codes.index("self_management") < codes.index("tens")


def test_it_passes_active_care_within_the_budget() -> None:
    check = check_session(["education", "exercise_therapy"], AVOID, number=3, max_sessions=3)
    assert check.not_recommended == ()
    assert not check.needs_reason
    assert not check.over_budget


def test_it_warns_for_care_the_plan_advises_against_in_chosen_order() -> None:
    check = check_session(["massage", "exercise_therapy", "tens"], AVOID, 1, 8)
    assert check.not_recommended == (
        ("massage", Verdict.ADD_ON_ONLY),
        ("tens", Verdict.DO_NOT_OFFER),
    )
    assert check.needs_reason


def test_it_does_not_warn_for_passive_care_the_plan_allows() -> None:
    assert check_session(["taping"], AVOID, 1, 8).not_recommended == ()


def test_it_marks_the_first_session_past_the_budget() -> None:
    assert not check_session(["education"], {}, number=8, max_sessions=8).over_budget
    assert check_session(["education"], {}, number=9, max_sessions=8).over_budget


def test_it_refuses_unknown_codes_and_impossible_numbers() -> None:
    with pytest.raises(ValueError, match="unknown intervention code"):
        check_session(["reiki"], AVOID, 1, 3)
    with pytest.raises(ValueError, match="start at 1"):
        check_session(["education"], AVOID, 0, 3)
    with pytest.raises(ValueError, match="start at 1"):
        check_session(["education"], AVOID, 1, 0)


@given(
    chosen=st.lists(st.sampled_from(intervention_codes()), unique=True),
    number=st.integers(1, 40),
    budget=st.integers(1, 40),
)
def test_every_warning_is_a_chosen_avoided_code(
    chosen: list[str], number: int, budget: int
) -> None:
    check = check_session(chosen, AVOID, number, budget)
    assert {code for code, _ in check.not_recommended} == set(chosen) & set(AVOID)
    assert check.over_budget == (number > budget)


def test_a_session_while_the_plan_waits_for_the_gp_needs_a_reason() -> None:
    """KNGF 2021 B.1.3 (PW-HOLD-GP): treatment waits for the GP's answer to a red flag."""
    check = check_session(["education"], {}, number=1, max_sessions=3, on_hold=True)
    assert check.on_hold
    assert check.needs_reason
    assert check.not_recommended == ()


def test_manipulation_while_on_hold_is_contraindicated() -> None:
    """Finucane 2020 (IFOMPT framework): no manipulation while serious pathology is suspected."""
    avoid = {"spinal_manipulation": Verdict.NEVER}
    check = check_session(["spinal_manipulation"], avoid, number=1, max_sessions=3, on_hold=True)
    assert check.not_recommended == (("spinal_manipulation", Verdict.NEVER),)
