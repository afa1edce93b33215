"""Case-mix adjustment of the outcome figures by indirect standardisation.

A clinic that treats more patients with a poor prognosis will reach the minimal important
change less often for reasons that are not its care. Each episode falls in a stratum of
what predicts the outcome and is known at the start: the care plan's profile (STarT Back /
LRS), the baseline pain (NPRS), how long the complaint had lasted and the patient's age. The
installation's own rate in each stratum gives the clinic's *expected* count; the adjusted
figure is the installation's overall rate scaled by observed / expected (the standardised
ratio). The model is deliberately simple and stated on the page with its limits: strata are
coarse, the reference is this installation's clinics (not a national registry), and a
stratum the installation has no answered occasions in is expected at the overall rate.

Pure: no Django; the figures module counts, this module only does arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

# Band edges, chosen for prognosis in the guideline's terms: NPRS 0-3 mild, 4-6 moderate,
# 7-10 severe; complaints under 6 weeks acute, 6-12 subacute, over 12 persistent (KNGF 2021
# A.1); working age split at 40 and 60.
PAIN_BANDS = ((0, "pain0-3"), (4, "pain4-6"), (7, "pain7-10"))
DURATION_BANDS = ((0, "acute"), (6, "subacute"), (13, "persistent"))
AGE_BANDS = ((0, "age<40"), (40, "age40-59"), (60, "age60+"))
UNKNOWN = "?"


def _band(value: int | None, bands: tuple[tuple[int, str], ...]) -> str:
    if value is None:
        return UNKNOWN
    found = UNKNOWN
    for lower, name in bands:
        if value >= lower:
            found = name
    return found


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def stratum(profile: str, baseline_pain: int | None, complaint_weeks: int | None, age: int) -> str:
    """The episode's case-mix stratum, as one string stored with its figures."""
    return "|".join(
        (
            profile or UNKNOWN,
            _band(baseline_pain, PAIN_BANDS),
            _band(complaint_weeks, DURATION_BANDS),
            _band(age, AGE_BANDS),
        )
    )


@dataclass(frozen=True, slots=True)
class Cell:
    """Episodes counted in a stratum, and how many of them reached the outcome."""

    reached: int
    counted: int


@dataclass(frozen=True, slots=True)
class Adjusted:
    observed: int
    counted: int
    expected: float  # the count the installation's strata rates predict
    percent: int | None  # the adjusted percentage; None when nothing was counted

    @property
    def raw_percent(self) -> int | None:
        return round(100 * self.observed / self.counted) if self.counted else None


def standardise(clinic: Mapping[str, Cell], reference: Mapping[str, Cell]) -> Adjusted:
    """Indirectly standardise the clinic's cells against the reference population's."""
    observed = sum(cell.reached for cell in clinic.values())
    counted = sum(cell.counted for cell in clinic.values())
    ref_reached = sum(cell.reached for cell in reference.values())
    ref_counted = sum(cell.counted for cell in reference.values())
    if not counted or not ref_counted:
        return Adjusted(observed, counted, 0.0, None)
    overall = ref_reached / ref_counted
    expected = 0.0
    for key, cell in clinic.items():
        ref = reference.get(key)
        rate = ref.reached / ref.counted if ref and ref.counted else overall
        expected += cell.counted * rate
    if expected == 0:
        # Nobody in these strata reaches the outcome anywhere: adjusting says nothing more.
        return Adjusted(observed, counted, expected, round(100 * observed / counted))
    return Adjusted(
        observed, counted, expected, min(100, round(100 * overall * observed / expected))
    )
