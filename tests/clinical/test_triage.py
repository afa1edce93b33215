"""Red-flag triage: strong flags act alone, weak flags in combination (clinical reference §1)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backpath.clinical.language import Lang
from backpath.clinical.redflags import Action, AskedOf, Condition, Strength, red_flag_bank
from backpath.clinical.triage import PatientFacts, derived_flags, triage

ADULT = PatientFacts(age=40)
BANK = red_flag_bank()
ASKED = sorted(f.id for f in BANK.flags if f.asked_of is not AskedOf.DERIVED)


def urgency(*flags: str, facts: PatientFacts = ADULT) -> Action:
    return triage(flags, facts).urgency


def test_it_finds_nothing_when_no_flag_is_present() -> None:
    result = triage([], ADULT)
    assert result.urgency is Action.NONE
    assert result.findings == ()
    assert not result.stops_care
    assert "No warning signs" in BANK.actions[Action.NONE].label(Lang.EN)


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        ("CES-1", Action.SAME_DAY),
        ("CES-2", Action.SAME_DAY),
        ("CES-3", Action.SAME_DAY),
        ("CES-4", Action.SAME_DAY),
        ("NEU-1", Action.SAME_DAY),
        ("NEU-2", Action.SAME_DAY),
        ("NEU-3", Action.SAME_DAY),
        ("FRA-1", Action.SAME_DAY),
        ("INF-1", Action.SAME_DAY),
        ("VAS-1", Action.EMERGENCY),
        ("CES-6", Action.EMERGENCY),  # complete retention (Finucane 2020)
        ("VAS-2", Action.SAME_DAY),  # symptomatic AAA (NHG 2017, NICE NG156)
        ("FRA-2", Action.REFER_GP),
        ("FRA-3", Action.REFER_GP),
        ("MAL-1", Action.REFER_GP),
        ("GEN-1", Action.REFER_GP),
        ("GEN-2", Action.REFER_GP),
        ("CES-5", Action.REFER_GP),
    ],
)
def test_it_acts_on_a_strong_flag_alone(flag: str, expected: Action) -> None:
    assert BANK.by_id[flag].strength is Strength.STRONG
    assert urgency(flag) is expected


@pytest.mark.parametrize(
    "flag",
    [
        "FRA-4",
        "FRA-5",
        "MAL-2",
        "MAL-3",
        "MAL-4",
        "MAL-6",
        "MAL-7",
        "MAL-8",
        "INF-2",
        "NEU-4",
        "AXS-2",
        "PAIN-1",
    ],
)
def test_it_asks_only_for_caution_on_one_weak_flag(flag: str) -> None:
    assert BANK.by_id[flag].strength is Strength.WEAK
    assert urgency(flag) is Action.CAUTION


def test_it_refers_two_weak_flags_of_the_same_condition() -> None:
    result = triage(["MAL-3", "MAL-4"], ADULT)
    assert result.urgency is Action.REFER_GP
    assert "RF-WEAK-PAIR" in [reason.rule for reason in result.reasons]


def test_it_does_not_add_up_weak_flags_of_different_conditions() -> None:
    assert urgency("MAL-3", "FRA-4") is Action.CAUTION


def test_it_refers_a_weak_flag_with_clinician_doubt() -> None:
    result = triage(["FRA-4", "GEN-1"], ADULT)
    fra4 = next(f for f in result.findings if f.flag.id == "FRA-4")
    assert fra4.action is Action.REFER_GP
    assert "RF-WEAK-DOUBT" in [reason.rule for reason in result.reasons]


def test_it_escalates_sexual_dysfunction_with_another_cauda_equina_sign() -> None:
    assert urgency("CES-5") is Action.REFER_GP
    result = triage(["CES-5", "CES-2"], ADULT)
    ces5 = next(f for f in result.findings if f.flag.id == "CES-5")
    assert ces5.action is Action.SAME_DAY
    assert "CES-5-ESC" in [reason.rule for reason in result.reasons]


def test_it_escalates_infection_risk_with_fever() -> None:
    result = triage(["INF-3", "INF-1"], ADULT)
    assert {f.flag.id: f.action for f in result.findings}["INF-3"] is Action.SAME_DAY


def test_it_makes_a_known_aneurysm_an_emergency_with_acute_pain() -> None:
    result = triage(["VAS-2", "VAS-1"], ADULT)
    assert result.urgency is Action.EMERGENCY
    assert result.stops_care


def test_it_refers_inflammatory_back_pain_only_by_its_own_rule() -> None:
    # AXS-1 and two inflammatory features: refer (ASAS-based rule).
    assert urgency("AXS-1", "AXS-2", "AXS-4") is Action.REFER_GP
    # Without AXS-1 two features stay caution: the generic pair rule does not apply.
    assert urgency("AXS-2", "AXS-3") is Action.CAUTION
    # AXS-1 with one feature is not enough.
    assert urgency("AXS-1", "AXS-2") is Action.CAUTION


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (PatientFacts(age=65), {"FRA-6"}),
        (PatientFacts(age=64), set()),
        (PatientFacts(age=50, female=True), {"FRA-6"}),
        (PatientFacts(age=49, female=True), set()),
        (PatientFacts(age=51, first_episode=True), {"MAL-5"}),
        (PatientFacts(age=50, first_episode=True), set()),
    ],
)
def test_it_derives_flags_from_age_sex_and_history(facts: PatientFacts, expected: set[str]) -> None:
    assert derived_flags(facts, set()) == expected


def test_it_derives_the_vascular_risk_profile_only_with_non_mechanical_pain() -> None:
    smoker = PatientFacts(age=60, smoker=True)
    assert "VAS-3" not in derived_flags(smoker, set())
    assert "VAS-3" in derived_flags(smoker, {"MAL-3"})
    heart = PatientFacts(age=60, cardiovascular_disease=True)
    assert "VAS-3" in derived_flags(heart, {"MAL-3"})
    assert "VAS-3" not in derived_flags(PatientFacts(age=50, smoker=True), {"MAL-3"})


def test_it_refers_an_older_woman_with_osteoporosis_on_two_weak_fracture_signs() -> None:
    # FRA-6 (derived: woman >= 50) + FRA-4 (osteoporosis): two weak fracture signs.
    result = triage(["FRA-4"], PatientFacts(age=72, female=True))
    assert result.flag_ids == ("FRA-4", "FRA-6")
    assert result.urgency is Action.REFER_GP


def test_it_gives_advice_in_both_languages_for_every_level() -> None:
    for action in Action:
        advice = BANK.actions[action]
        assert advice.patient.nl
        assert advice.patient.en
    emergency = triage(["VAS-1"], ADULT)
    assert "112" in emergency.advice()(Lang.NL)
    assert "112" in emergency.clinician_advice()(Lang.EN)


def test_it_cites_a_source_for_every_reason() -> None:
    result = triage(["CES-5", "CES-1", "MAL-3", "MAL-4", "GEN-1", "FRA-4"], PatientFacts(age=70))
    assert result.reasons
    for reason in result.reasons:
        assert reason.rule
        assert reason.source
        assert reason.text(Lang.NL)
        assert reason.text(Lang.EN)


@given(st.sets(st.sampled_from(ASKED)), st.sets(st.sampled_from(ASKED)))
def test_it_never_lowers_urgency_when_a_flag_is_added(base: set[str], extra: set[str]) -> None:
    assert urgency(*(base | extra)).rank >= urgency(*base).rank


@given(st.sets(st.sampled_from(ASKED), min_size=1))
def test_it_reports_the_highest_action_among_the_findings(flags: set[str]) -> None:
    result = triage(flags, ADULT)
    assert result.urgency.rank == max(f.action.rank for f in result.findings)
    assert all(f.action.rank >= f.flag.action.rank for f in result.findings)


# KNGF 2021 asks to avoid fear-inducing words in patient communication (letsel, degeneratie,
# slijtage) and to say "lage rugpijn"; the English list mirrors it.
FEARFUL_WORDS = (
    "letsel",
    "degeneratie",
    "slijtage",
    "beschadig",
    "aspecifie",
    "injury",
    "degenerat",
    "wear and tear",
    "damage",
)


def test_it_words_patient_texts_without_fear_inducing_terms() -> None:
    texts = [advice.patient for advice in BANK.actions.values()]
    texts += [flag.question for flag in BANK.flags if flag.asked_of is AskedOf.PATIENT]
    for text in texts:
        for lang in Lang:
            lowered = text(lang).lower()
            assert not [word for word in FEARFUL_WORDS if word in lowered], text(lang)


# --- Issue #10: combinations across condition groups, new questions, unscreened answers ---


@pytest.mark.parametrize("partner", ["NEU-1", "NEU-2", "NEU-4", "CES-4"])
def test_cancer_with_leg_neurology_is_same_day(partner: str) -> None:
    """NICE NG234 (2023): known cancer with neurological symptoms: contact immediately."""
    result = triage(["MAL-1", partner], ADULT)
    assert result.urgency is Action.SAME_DAY
    assert "RF-MSCC-NEURO" in [r.rule for r in result.reasons]
    assert all(f.action is Action.SAME_DAY for f in result.findings)


@pytest.mark.parametrize("partner", ["MAL-3", "MAL-6", "MAL-7", "MAL-8"])
def test_cancer_with_suspicious_spinal_pain_is_same_day(partner: str) -> None:
    """NICE NG234: known cancer with progressive, constant, night or thoracic pain: 24 h."""
    result = triage(["MAL-1", partner], ADULT)
    assert result.urgency is Action.SAME_DAY
    assert [r.rule for r in result.reasons].count("RF-MSCC-PAIN") == 1


@pytest.mark.parametrize("partner", ["MAL-3", "MAL-7", "NEU-4"])
def test_the_combination_needs_the_cancer_history(partner: str) -> None:
    assert urgency(partner) is Action.CAUTION


def test_thoracic_pain_counts_for_fracture_and_malignancy() -> None:
    """AHCPR 1994, Verhagen 2016: thoracic pain is a sign for both groups."""
    assert urgency("MAL-8", "FRA-4") is Action.REFER_GP
    assert urgency("MAL-8", "MAL-2") is Action.REFER_GP
    assert BANK.by_id["MAL-8"].conditions == (Condition.MALIGNANCY, Condition.FRACTURE)


@pytest.mark.parametrize(
    ("facts", "present", "derived"),
    [
        (PatientFacts(age=19, first_episode=True), set(), {"MAL-9"}),
        (PatientFacts(age=20, first_episode=True), set(), set()),
        (PatientFacts(age=19, first_episode=False), set(), set()),
        (PatientFacts(age=40, pain_score=8), {"PAIN-1"}, {"PAIN-2"}),
        (PatientFacts(age=40, pain_score=7), {"PAIN-1"}, set()),
        (PatientFacts(age=40, pain_score=10), set(), set()),
        (PatientFacts(age=40, pain_score=None), {"PAIN-1"}, set()),
        (PatientFacts(age=40, weeks_since_onset=3), set(), {"CRS-1"}),
        (PatientFacts(age=40, weeks_since_onset=3, improving=False), set(), {"CRS-1"}),
        (PatientFacts(age=40, weeks_since_onset=3, improving=True), set(), set()),
        (PatientFacts(age=40, weeks_since_onset=2), set(), set()),
    ],
)
def test_it_derives_the_new_flags_at_their_boundaries(
    facts: PatientFacts, present: set[str], derived: set[str]
) -> None:
    """MAL-9 age < 20 (AHCPR 1994); PAIN-2 NPRS >= 8 (NHG 2017, Boonstra 2016);
    CRS-1 3 weeks or more without clear improvement (NHG 2017)."""
    assert derived_flags(facts, present) == derived


def test_cauda_equina_says_now_not_today() -> None:
    """NHG-LRS 2015: suspected cauda equina syndrome is referred at once."""
    result = triage(["CES-3"], None)
    assert result.urgency is Action.SAME_DAY
    assert result.advice()(Lang.EN).startswith("Call your GP now")
    assert result.advice()(Lang.NL).startswith("Bel nu uw huisarts")
    assert "now" in result.label()(Lang.EN)
    assert "today" not in result.advice()(Lang.EN).split(".")[0]
    other = triage(["INF-1"], None)
    assert other.advice()(Lang.EN).startswith("Call your GP today")


def test_the_same_day_text_of_another_condition_is_kept_beside_cauda_equina() -> None:
    result = triage(["CES-1", "VAS-1"], None)
    assert result.urgency is Action.EMERGENCY
    assert result.advice() == BANK.actions[Action.EMERGENCY].patient


@given(st.sets(st.sampled_from(ASKED)), st.sets(st.sampled_from(ASKED), min_size=1))
def test_an_incomplete_screening_is_never_none(yes: set[str], unknown: set[str]) -> None:
    result = triage(yes - unknown, ADULT, unscreened=unknown)
    assert result.urgency is not Action.NONE
    assert set(result.unscreened) == unknown
    assert result.urgency.rank >= triage(yes - unknown, ADULT).urgency.rank
