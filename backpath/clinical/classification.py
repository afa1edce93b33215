"""Classification: low back pain (LBP) or lumbosacral radicular syndrome (LRS), and duration.

LRS (NHG-LRS 2015; KNGF 2021): pain radiating into one leg below the knee, typically
dermatomal and worse than the back pain, with signs of nerve-root involvement (neurological
deficit, positive straight-leg raise). The algorithm (clinical reference §2.1, backpath
default) suspects LRS from the intake and lets the clinician confirm or exclude it; a
suspected LRS is treated as LRS, the more careful pathway (no massage or manipulation).
Duration (acute < 6 weeks, subacute 6-12, chronic > 12) is descriptive only: neither NHG
2017 nor KNGF 2021 base treatment on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from backpath.clinical.language import Text
from backpath.clinical.reasons import Reason


class Category(StrEnum):
    LBP = "lbp"
    LRS = "lrs"
    SPECIFIC_PATHOLOGY_SUSPECTED = "specific_pathology_suspected"


class Diagnosis(StrEnum):
    """The working diagnosis the care pathway follows."""

    LBP = "lbp"
    LRS = "lrs"


class LrsStatus(StrEnum):
    NONE = "none"  # nothing points to LRS
    POSSIBLE = "possible"  # leg pain below the knee without the full picture: examine
    SUSPECTED = "suspected"  # the intake fits LRS; the clinician should confirm
    CONFIRMED = "confirmed"  # confirmed by the clinician's examination
    EXCLUDED = "excluded"  # the clinician examined and excluded LRS


class LegPain(StrEnum):
    NONE = "none"
    ABOVE_KNEE = "above_knee"
    BELOW_KNEE = "below_knee"


class Duration(StrEnum):
    ACUTE = "acute"
    SUBACUTE = "subacute"
    CHRONIC = "chronic"


@dataclass(frozen=True, slots=True)
class LegSigns:
    leg_pain: LegPain = LegPain.NONE
    dermatomal: bool = False
    leg_pain_dominant: bool = False  # leg pain worse than back pain
    neurological_signs: bool = False  # deficit found, or reported one-sided numbness/weakness
    slr_positive: bool = False
    lrs_confirmed: bool | None = None  # the clinician's verdict after examination


@dataclass(frozen=True, slots=True)
class Classification:
    category: Category
    diagnosis: Diagnosis
    lrs: LrsStatus
    duration: Duration | None
    weeks_since_onset: int | None
    reasons: tuple[Reason, ...]


def duration_of(onset: date | None, today: date) -> tuple[Duration | None, int | None]:
    if onset is None:
        return None, None
    days = (today - onset).days
    if days < 6 * 7:
        category = Duration.ACUTE
    elif days <= 12 * 7:
        category = Duration.SUBACUTE
    else:
        category = Duration.CHRONIC
    return category, days // 7


def lrs_status(signs: LegSigns) -> LrsStatus:
    if signs.lrs_confirmed is True:
        return LrsStatus.CONFIRMED
    if signs.lrs_confirmed is False:
        return LrsStatus.EXCLUDED
    if signs.leg_pain is not LegPain.BELOW_KNEE:
        return LrsStatus.NONE
    root_signs = signs.dermatomal or signs.neurological_signs or signs.slr_positive
    if root_signs and signs.leg_pain_dominant:
        return LrsStatus.SUSPECTED
    return LrsStatus.POSSIBLE


_LRS_TEXT = {
    LrsStatus.NONE: Text(
        nl="Geen uitstraling onder de knie: lage rugpijn",
        en="No pain radiating below the knee: low back pain",
    ),
    LrsStatus.POSSIBLE: Text(
        nl="Beenpijn onder de knie zonder duidelijk radiculair beeld: lage rugpijn, "
        "onderzoek of er een LRS is",
        en="Leg pain below the knee without a clear radicular picture: low back pain, "
        "examine for LRS",
    ),
    LrsStatus.SUSPECTED: Text(
        nl="Beenpijn onder de knie, heviger dan de rugpijn, met tekenen van wortelprikkeling: "
        "vermoeden van LRS (therapeut bevestigt na onderzoek)",
        en="Leg pain below the knee, worse than the back pain, with signs of nerve-root "
        "involvement: suspected LRS (clinician to confirm on examination)",
    ),
    LrsStatus.CONFIRMED: Text(
        nl="LRS bevestigd door het onderzoek van de therapeut",
        en="LRS confirmed by the clinician's examination",
    ),
    LrsStatus.EXCLUDED: Text(
        nl="LRS uitgesloten door het onderzoek van de therapeut: lage rugpijn",
        en="LRS excluded by the clinician's examination: low back pain",
    ),
}

_SPECIFIC = Text(
    nl="Rode vlag met verwijzing naar de huisarts: vermoeden van een specifieke oorzaak",
    en="Red flag calling for the GP: a specific cause is suspected",
)


def classify(
    signs: LegSigns, onset: date | None, today: date, *, pathology_suspected: bool
) -> Classification:
    status = lrs_status(signs)
    diagnosis = (
        Diagnosis.LRS if status in (LrsStatus.SUSPECTED, LrsStatus.CONFIRMED) else Diagnosis.LBP
    )
    reasons = [Reason(f"CL-LRS-{status.value.upper()}", "nhg-lrs2015", _LRS_TEXT[status])]
    category = Category(diagnosis.value)
    if pathology_suspected:
        category = Category.SPECIFIC_PATHOLOGY_SUSPECTED
        reasons.insert(0, Reason("CL-SPECIFIC", "design-classification", _SPECIFIC))
    duration, weeks = duration_of(onset, today)
    return Classification(category, diagnosis, status, duration, weeks, tuple(reasons))
