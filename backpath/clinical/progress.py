"""Progress: change between two measurements, and what the guideline says to do about it.

Change is classified with the instrument's minimal important change (MIC, ``Mcid``):
- PR-CHANGE-IMPROVED: an improvement of at least the MIC in points *or* of at least the
  fraction of the room for improvement at baseline (Ostelo et al. 2008: 2 points NPRS,
  20 QBPDS, 10 ODI, 5 RMDQ, or 30%).  Ostelo et al. define the MIC for improvement only;
- PR-CHANGE-WORSE: a deterioration of at least the MIC in points, or of at least the
  instrument's smallest detectable change (SDC) where one is documented and larger
  (``Mcid.worse_points``; the SDCs on file, NPRS 2 points (Childs et al. 2005) and
  QBPDS 15.8 (Demoulin et al. 2010), do not exceed the MIC).  The fraction of baseline never
  makes a change worse: from a low baseline it is a step within measurement error
  (NPRS 1 -> 2 or 3 -> 4, QBPDS 10 -> 14);
- PR-CHANGE-NONE: otherwise no meaningful change.
Scores are compared exactly, as the decimals they stand for rather than binary floats, so a
change of exactly the MIC counts (PSFS 4.1 -> 2.1 is 2 points worse).

Decisions (clinical reference §6):
- PR-WORSE: a meaningful deterioration -> re-assess, re-check red flags (KNGF C.5);
- PR-12: medium/high risk, week 12 or later, not improved -> GP or step 3 (KNGF A.3);
- PR-LRS: LRS, week 6 or later, not improved -> GP, surgery to be weighed (NHG-LRS 2015);
- PR-6: medium/high risk, week 6 or later, no meaningful change -> consult the GP (KNGF C.5);
- PR-LOW-3: low risk, week 3 or later, not improved -> re-stratify (NHG 2017: 3-4 weeks);
- PR-CONTINUE: otherwise continue the plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from backpath.clinical.classification import Diagnosis
from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import Direction
from backpath.clinical.language import Text
from backpath.clinical.reasons import Reason
from backpath.clinical.scoring import Number, Score
from backpath.clinical.stratification import Profile


class ChangeClass(StrEnum):
    IMPROVED = "improved"
    NO_CHANGE = "no_change"
    WORSE = "worse"


@dataclass(frozen=True, slots=True)
class Change:
    instrument: str
    baseline: Number
    followup: Number
    improvement: Number  # positive = better, whatever the instrument's direction
    fraction: float | None  # improvement as a fraction of the room to improve at baseline
    classification: ChangeClass


def change(baseline: Score, followup: Score) -> Change:
    """Classify the change from ``baseline`` to ``followup`` of the same instrument."""
    definition = baseline.definition
    if followup.definition.id != definition.id or followup.version != baseline.version:
        raise ClinicalInputError(
            "followup", f"must be the same instrument and version as the baseline ({definition.id})"
        )
    if definition.mcid is None:
        raise ClinicalInputError(
            "instrument", f"{definition.id} has no minimal important change to classify change by"
        )
    if baseline.total is None or followup.total is None:
        which = "baseline" if baseline.total is None else "followup"
        raise ClinicalInputError(which, "is not a valid score (items missing)")
    better_is_higher = definition.direction is Direction.HIGHER_IS_BETTER
    before, after = _exact(baseline.total), _exact(followup.total)
    improvement = after - before if better_is_higher else before - after
    lowest, highest = _exact(definition.range.min), _exact(definition.range.max)
    room = highest - before if better_is_higher else before - lowest
    fraction = improvement / room if room > 0 else None
    mcid = definition.mcid
    by_fraction = (
        mcid.fraction is not None and fraction is not None and fraction >= _exact(mcid.fraction)
    )
    if improvement >= _exact(mcid.points) or by_fraction:
        classification = ChangeClass.IMPROVED
    elif -improvement >= _exact(mcid.worse_points):
        classification = ChangeClass.WORSE
    else:
        classification = ChangeClass.NO_CHANGE
    whole = isinstance(baseline.total, int) and isinstance(followup.total, int)
    return Change(
        definition.id,
        baseline.total,
        followup.total,
        int(improvement) if whole else float(improvement),
        None if fraction is None else float(fraction),
        classification,
    )


def _exact(value: Number) -> Fraction:
    """A score or threshold as the decimal it stands for: 2.3 is 23/10, not a binary float."""
    return Fraction(str(value))


class Outcome(StrEnum):
    CONTINUE = "continue"
    REVIEW_WORSE = "review_worse"
    RESTRATIFY = "restratify"
    CONSULT_GP = "consult_gp"
    STEP3_OR_GP = "step3_or_gp"


@dataclass(frozen=True, slots=True)
class ProgressDecision:
    outcome: Outcome
    reason: Reason


_TEXTS = {
    Outcome.REVIEW_WORSE: (
        "PR-WORSE",
        "kngf2021-c5",
        Text(
            nl="Klinisch relevante verslechtering ({which}): opnieuw beoordelen en rode "
            "vlaggen nalopen.",
            en="Meaningful deterioration ({which}): re-assess and re-check red flags.",
        ),
    ),
    Outcome.STEP3_OR_GP: (
        "PR-12",
        "kngf2021-a3",
        Text(
            nl="Week {week}: niet verbeterd. Terug naar de huisarts of stap 3 (multidisciplinair).",
            en="Week {week}: not improved. Back to the GP or step 3 (multidisciplinary care).",
        ),
    ),
    Outcome.CONSULT_GP: (
        "PR-6",
        "kngf2021-c5",
        Text(
            nl="Week {week}: geen betekenisvolle verandering. Overleg met de huisarts.",
            en="Week {week}: no meaningful change. Consult the GP.",
        ),
    ),
    Outcome.RESTRATIFY: (
        "PR-LOW-3",
        "nhg-lbp2017",
        Text(
            nl="Week {week}: onvoldoende herstel bij laag risico. STarT Back en prognostische "
            "factoren opnieuw beoordelen.",
            en="Week {week}: insufficient recovery at low risk. Re-check STarT Back and "
            "prognostic factors.",
        ),
    ),
    Outcome.CONTINUE: (
        "PR-CONTINUE",
        "kngf2021-c5",
        Text(
            nl="Week {week}: verloop volgens verwachting. Plan voortzetten.",
            en="Week {week}: progress as expected. Continue the plan.",
        ),
    ),
}
_LRS_GP = (
    "PR-LRS",
    "nhg-lrs2015",
    Text(
        nl="Week {week}: LRS niet verbeterd. Terug naar de huisarts (afweging operatie).",
        en="Week {week}: LRS not improved. Back to the GP (surgery to be weighed).",
    ),
)


def progress_decision(
    profile: Profile, diagnosis: Diagnosis, week: int, changes: Sequence[Change]
) -> ProgressDecision:
    """The guideline's decision at ``week`` weeks after the start, from measured changes."""
    if not changes:
        raise ClinicalInputError("changes", "at least one measured change is needed")
    if week < 0:
        raise ClinicalInputError("week", "must be 0 or more")
    worse = [c.instrument for c in changes if c.classification is ChangeClass.WORSE]
    improved = any(c.classification is ChangeClass.IMPROVED for c in changes)
    intensive = profile in (Profile.MEDIUM, Profile.HIGH)
    if worse:
        outcome, rule = Outcome.REVIEW_WORSE, _TEXTS[Outcome.REVIEW_WORSE]
    elif improved:
        outcome, rule = Outcome.CONTINUE, _TEXTS[Outcome.CONTINUE]
    elif intensive and week >= 12:
        outcome, rule = Outcome.STEP3_OR_GP, _TEXTS[Outcome.STEP3_OR_GP]
    elif diagnosis is Diagnosis.LRS and week >= 6:
        outcome, rule = Outcome.CONSULT_GP, _LRS_GP
    elif intensive and week >= 6:
        outcome, rule = Outcome.CONSULT_GP, _TEXTS[Outcome.CONSULT_GP]
    elif profile is Profile.LOW and week >= 3:
        outcome, rule = Outcome.RESTRATIFY, _TEXTS[Outcome.RESTRATIFY]
    else:
        outcome, rule = Outcome.CONTINUE, _TEXTS[Outcome.CONTINUE]
    rule_id, source, template = rule
    text = Text.compose(
        nl=template.nl.format(week=week, which=", ".join(worse)),
        en=template.en.format(week=week, which=", ".join(worse)),
    )
    return ProgressDecision(outcome, Reason(rule_id, source, text))
