"""Risk of persistent complaints: prognostic factors, the profile advice and the final profile.

KNGF 2021 B.2 assigns one of three treatment profiles by the risk of persistent complaints;
the STarT Back tool may support that judgement but must never decide it alone (B.2.1).
backpath therefore *advises* a profile and the clinician decides:
- STRAT-SBST: the advice starts from the STarT Back risk group (Hill et al. 2008);
- STRAT-PF-UP: a low STarT Back group with two or more psychosocial factors that the
  clinician documented is advised as medium (KNGF B.2.1; backpath default);
- STRAT-PF-RAISE: a low STarT Back group with three or more KNGF B.2 prognostic factors of
  any group, documented or read from the intake's answers (complaint, questionnaires), is
  advised as medium, the factors listed (KNGF B.2.1: never the SBST alone; the threshold
  is a backpath default for the clinical panel);
- STRAT-PF: without a valid STarT Back, two or more psychosocial factors advise high, any
  factor medium, none low (backpath default, clinical reference §3.1);
- STRAT-CLIN: the clinician's profile wins; it needs a reason (checked where it is entered).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from backpath.clinical.datafiles import load_yaml, parse
from backpath.clinical.instruments import instrument
from backpath.clinical.language import Text
from backpath.clinical.models import FrozenModel
from backpath.clinical.reasons import Reason
from backpath.clinical.scoring import Score


class Profile(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


PROFILE_LABELS = {
    Profile.LOW: Text(nl="Laag risico", en="Low risk"),
    Profile.MEDIUM: Text(nl="Gemiddeld risico", en="Medium risk"),
    Profile.HIGH: Text(nl="Hoog risico", en="High risk"),
}


class FactorGroup(StrEnum):
    BACK = "back"
    PATIENT = "patient"
    PSYCHOSOCIAL = "psychosocial"
    WORK = "work"
    OTHER = "other"


class Factor(FrozenModel):
    group: FactorGroup
    label: Text


class FactorList(FrozenModel):
    citation: str
    factors: dict[str, Factor]


@cache
def prognostic_factors() -> FactorList:
    return parse(FactorList, load_yaml("prognostic_factors.yaml"), "prognostic_factors.yaml")


@dataclass(frozen=True, slots=True)
class PresentFactor:
    id: str
    documented: bool  # ticked by the clinician (True) or read from a questionnaire (False)
    source: str  # "clinician" or the instrument item it was read from, e.g. "startback.q5"


# A low STarT Back result is raised to medium from this many prognostic factors.
RAISE_FROM_FACTORS = 3

# Questionnaire answers that point to a KNGF prognostic factor. STarT Back items name their
# construct in Hill et al. 2008 (q1 referred leg pain, q2 comorbid pain, q5 fear, q6 anxiety,
# q7 catastrophising, q8 depression); NPRS >= 8 is "severe" (nprs-bands); TSK-17 > 37 is
# high kinesiophobia (Vlaeyen 1995); ODI above 40% is severe disability (Fairbank 2000).
_ITEM_SIGNALS: tuple[tuple[str, str, int, str], ...] = (
    ("startback", "q1", 1, "leg_pain"),
    ("startback", "q2", 1, "widespread_pain"),
    ("startback", "q5", 1, "fear_of_movement"),
    ("startback", "q6", 1, "psychosocial_stress"),
    ("startback", "q7", 1, "catastrophising"),
    ("startback", "q8", 1, "depressive_feelings"),
)
_BAND_SIGNALS: tuple[tuple[str, str, str], ...] = (
    ("nprs", "severe", "high_pain_intensity"),
    ("tsk17", "high", "fear_of_movement"),
    ("odi", "severe", "high_activity_limitation"),
    ("odi", "crippling", "high_activity_limitation"),
    ("odi", "bed_bound", "high_activity_limitation"),
)


def present_factors(
    documented: Collection[str],
    answers: Mapping[str, Mapping[str, int | None]],
    scores: Mapping[str, Score],
    complaint: Mapping[str, str] | None = None,
) -> tuple[PresentFactor, ...]:
    """The documented factors, then those the intake's answers point to (each factor once).

    ``complaint`` maps factors read from the complaint questions to their source field.
    """
    found: dict[str, PresentFactor] = {
        factor: PresentFactor(factor, True, "clinician") for factor in documented
    }
    for factor, source in (complaint or {}).items():
        if factor not in found:
            found[factor] = PresentFactor(factor, False, source)
    for instrument_id, link_id, value, factor in _ITEM_SIGNALS:
        if answers.get(instrument_id, {}).get(link_id) == value and factor not in found:
            found[factor] = PresentFactor(factor, False, f"{instrument_id}.{link_id}")
    for instrument_id, band, factor in _BAND_SIGNALS:
        score = scores.get(instrument_id)
        if score is not None and score.band == band and factor not in found:
            found[factor] = PresentFactor(factor, False, f"{instrument_id}.{band}")
    order = _factor_order()
    return tuple(sorted(found.values(), key=lambda f: order[f.id]))


@cache
def _factor_order() -> dict[str, int]:
    return {factor: position for position, factor in enumerate(prognostic_factors().factors)}


@dataclass(frozen=True, slots=True)
class ProfileAdvice:
    profile: Profile
    reason: Reason


def advise_profile(startback: Score | None, factors: Collection[PresentFactor]) -> ProfileAdvice:
    groups = prognostic_factors().factors
    psychosocial = [f for f in factors if groups[f.id].group is FactorGroup.PSYCHOSOCIAL]
    documented_psychosocial = tuple(f.id for f in psychosocial if f.documented)
    if startback is not None and startback.band is not None:
        if startback.band == Profile.LOW and len(documented_psychosocial) >= 2:
            return ProfileAdvice(Profile.MEDIUM, _raised_reason(documented_psychosocial))
        if startback.band == Profile.LOW and len(factors) >= RAISE_FROM_FACTORS:
            return ProfileAdvice(
                Profile.MEDIUM, _factors_raised_reason(tuple(f.id for f in factors))
            )
        psychosocial_score = startback.subscales["psychosocial"]
        return ProfileAdvice(
            Profile(startback.band),
            _startback_reason(startback.band, startback.total, psychosocial_score),
        )
    if len(psychosocial) >= 2:
        profile = Profile.HIGH
    elif factors:
        profile = Profile.MEDIUM
    else:
        profile = Profile.LOW
    return ProfileAdvice(profile, _factor_reason(profile, tuple(f.id for f in factors)))


# Reasons depend only on their arguments and the fixed content files: built once each.


@cache
def _startback_reason(band: str, total: object, psychosocial: object) -> Reason:
    label = instrument("startback").band(band)
    assert label is not None
    return Reason(
        "STRAT-SBST",
        "hill2008",
        Text(
            nl=f"STarT Back: {label.label.nl.lower()} (totaal {total}, "
            f"psychosociaal {psychosocial})",
            en=f"STarT Back: {label.label.en.lower()} (total {total}, psychosocial {psychosocial})",
        ),
    )


@cache
def _raised_reason(documented_psychosocial: tuple[str, ...]) -> Reason:
    names = _names(documented_psychosocial)
    return Reason(
        "STRAT-PF-UP",
        "kngf2021-b2.1",
        Text(
            nl=f"STarT Back laag, maar de therapeut legde psychosociale factoren vast "
            f"({names.nl}); de KNGF-richtlijn baseert het profiel nooit op de SBST "
            "alleen: advies gemiddeld risico",
            en=f"STarT Back low, but the clinician documented psychosocial factors "
            f"({names.en}); KNGF never bases the profile on the SBST alone: "
            "advice medium risk",
        ),
    )


@cache
def _factors_raised_reason(factor_ids: tuple[str, ...]) -> Reason:
    names = _names(factor_ids)
    return Reason(
        "STRAT-PF-RAISE",
        "kngf2021-b2.1",
        Text(
            nl=f"STarT Back laag, maar {len(factor_ids)} prognostische factoren voor "
            f"aanhoudende klachten ({names.nl}); de KNGF-richtlijn baseert het profiel nooit "
            "op de SBST alleen: advies gemiddeld risico",
            en=f"STarT Back low, but {len(factor_ids)} prognostic factors for persistent "
            f"complaints ({names.en}); KNGF never bases the profile on the SBST alone: "
            "advice medium risk",
        ),
    )


@cache
def _factor_reason(profile: Profile, factor_ids: tuple[str, ...]) -> Reason:
    names = _names(factor_ids)
    return Reason(
        "STRAT-PF",
        "design-stratification",
        Text(
            nl=f"Geen volledige STarT Back; advies op basis van prognostische factoren "
            f"({names.nl or 'geen'}): {PROFILE_LABELS[profile].nl.lower()}",
            en=f"No complete STarT Back; advice from prognostic factors "
            f"({names.en or 'none'}): {PROFILE_LABELS[profile].en.lower()}",
        ),
    )


def _names(factor_ids: Collection[str]) -> Text:
    labels = prognostic_factors().factors
    return Text.compose(
        nl=", ".join(labels[f].label.nl.lower() for f in factor_ids),
        en=", ".join(labels[f].label.en.lower() for f in factor_ids),
    )
