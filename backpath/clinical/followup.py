"""Between visits: the red-flag re-check, when questionnaires are due, and what needs attention.

Pure rules with the dates as arguments, so every boundary is testable:

- FU-RECHECK: the patient answers the short cauda equina and progressive-weakness questions
  (the pathway's every-session red flags, CES-1..4 and NEU-1) once a week and with every
  flare report (docs/clinical/reference.md §1.5; KNGF 2021 C.5: a red flag is a stop criterion).
- FU-EVAL: the care plan's dated evaluations, the discharge measurement and the after-care
  follow-ups at 3, 6 and 12 months put questionnaires on the patient's page; each opens a
  few days before its date and counts as overdue a week after it.
- FU-ALERT-*: what reaches the clinician, most urgent first: a new red flag, the guideline's
  progress decisions (``progress.progress_decision``), low exercise adherence and an overdue
  questionnaire.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.language import Text
from backpath.clinical.pathway import Evaluation, Moment, pathway_rules
from backpath.clinical.progress import Outcome, ProgressDecision
from backpath.clinical.reasons import Reason
from backpath.clinical.triage import Triage, triage

RECHECK_EVERY = timedelta(days=7)
# A questionnaire is offered this long before its date (a visit may fall a few days early)...
OPENS_BEFORE = timedelta(days=3)
# ...and tells the clinician it is overdue this long after it.
OVERDUE_AFTER = timedelta(days=7)
# After-care follow-ups, in months after discharge (KNGF 2021 C.5 after-care; backpath
# default to be reviewed: recurrences are common in the first year).
FOLLOWUP_MONTHS = (3, 6, 12)
FOLLOWUP_INSTRUMENTS = ("nprs", "psk", "qbpds", "gpe")
# Low adherence: less than half of the planned exercise sessions logged over the last two
# weeks, once the program has run a week (backpath default for the clinical panel).
ADHERENCE_WINDOW_DAYS = 14
ADHERENCE_MIN_DAYS = 7
ADHERENCE_LOW_BELOW = 0.5


def recheck_flags() -> tuple[str, ...]:
    """The red flags asked in every re-check: the pathway's every-session quick check."""
    return pathway_rules().every_session.red_flags


def recheck(answers: Mapping[str, bool]) -> Triage:
    """Triage a re-check. Every re-check flag must be answered and no other flag is taken.

    Flags derived from who the patient is (age, smoking) were triaged at the intake; a
    re-check looks only for new signs, so none are derived here.
    """
    asked = recheck_flags()
    if unknown := sorted(set(answers) - set(asked)):
        raise ClinicalInputError("answers", f"not re-check questions: {', '.join(unknown)}")
    if missing := [flag for flag in asked if flag not in answers]:
        raise ClinicalInputError("answers", f"unanswered: {', '.join(missing)}")
    return triage([flag for flag in asked if answers[flag]], facts=None)


def recheck_due_on(last_check: date | None, started: date) -> date:
    """The day the next weekly re-check is due: a week after the last, or the start day."""
    return last_check + RECHECK_EVERY if last_check else started


@dataclass(frozen=True, slots=True)
class Occasion:
    """One moment to measure: a plan evaluation, the discharge or an after-care follow-up."""

    key: str  # stable: "week-6", "discharge", "followup-3m"
    due: date
    instruments: tuple[str, ...]
    reason: Reason

    def opens(self) -> date:
        return self.due - OPENS_BEFORE

    def is_open(self, today: date) -> bool:
        return today >= self.opens()

    def is_overdue(self, today: date) -> bool:
        return today > self.due + OVERDUE_AFTER


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


_FOLLOWUP = Text(
    nl="Nazorg {months} maanden na afsluiten: NPRS, PSK, QBPDS en GPE. Terugval of "
    "verslechtering: een nieuwe intake aanbieden.",
    en="After-care {months} months after discharge: NPRS, PSK, QBPDS and GPE. Relapse or "
    "worsening: offer a new intake.",
)


def occasions(evaluations: Sequence[Evaluation], discharged: date | None) -> list[Occasion]:
    """Every measuring moment of an episode, in date order.

    ``evaluations`` are the plan's evaluations: the dated evaluations become ``week-N``; the
    undated discharge line is dated by the discharge, after which the follow-ups at 3, 6 and
    12 months follow.
    """
    found: list[Occasion] = []
    for line in evaluations:
        if line.at is Moment.EVALUATION and line.due is not None:
            if discharged is None or line.due <= discharged:
                found.append(Occasion(f"week-{line.week}", line.due, line.instruments, line.reason))
        elif line.at is Moment.DISCHARGE and discharged is not None:
            found.append(Occasion("discharge", discharged, line.instruments, line.reason))
    if discharged is not None:
        for months in FOLLOWUP_MONTHS:
            text = Text.compose(
                nl=_FOLLOWUP.nl.format(months=months), en=_FOLLOWUP.en.format(months=months)
            )
            found.append(
                Occasion(
                    f"followup-{months}m",
                    add_months(discharged, months),
                    FOLLOWUP_INSTRUMENTS,
                    Reason("FU-FOLLOWUP", "kngf2021-c5", text),
                )
            )
    return sorted(found, key=lambda occasion: occasion.due)


def due_occasions(found: Iterable[Occasion], done: Iterable[str], today: date) -> list[Occasion]:
    """The occasions open today and not yet measured, oldest first."""
    measured = set(done)
    return [o for o in found if o.key not in measured and o.is_open(today)]


def week_of(start: date, day: date) -> int:
    """Whole weeks from the plan's start to ``day`` (0 in the first week)."""
    return max(0, (day - start).days // 7)


class AlertKind(StrEnum):
    """What needs the clinician, declared most urgent first (the dashboard's order)."""

    RED_FLAG = "red_flag"
    WORSE = "worse"
    STEP3_OR_GP = "step3_or_gp"
    CONSULT_GP = "consult_gp"
    RESTRATIFY = "restratify"
    RETURNED = "returned"
    FLARE = "flare"
    LOW_ADHERENCE = "low_adherence"
    OVERDUE = "overdue"

    @property
    def priority(self) -> int:
        return list(AlertKind).index(self)


@dataclass(frozen=True, slots=True)
class AlertSpec:
    kind: AlertKind
    reason: Reason


_FROM_OUTCOME = {
    Outcome.REVIEW_WORSE: AlertKind.WORSE,
    Outcome.STEP3_OR_GP: AlertKind.STEP3_OR_GP,
    Outcome.CONSULT_GP: AlertKind.CONSULT_GP,
    Outcome.RESTRATIFY: AlertKind.RESTRATIFY,
}


def progress_alert(decision: ProgressDecision) -> AlertSpec | None:
    """The alert for a progress decision; continuing the plan needs none."""
    kind = _FROM_OUTCOME.get(decision.outcome)
    return AlertSpec(kind, decision.reason) if kind else None


def red_flag_alert(result: Triage) -> AlertSpec | None:
    """A re-check that stops care alerts at once; a lower finding waits for the next visit.

    The clinician still sees a lower finding on the episode page (FU-RECHECK-LOW).
    """
    if not result.stops_care:
        return None
    flags = ", ".join(result.flag_ids)
    clinician = result.clinician_advice()
    text = Text.compose(
        nl=f"Nieuwe rode vlag bij de controle ({flags}). {clinician.nl}",
        en=f"New red flag at the re-check ({flags}). {clinician.en}",
    )
    return AlertSpec(AlertKind.RED_FLAG, Reason("FU-ALERT-RED-FLAG", "kngf2021-c5", text))


def low_adherence(done: int, planned: int, program_days: int) -> bool:
    """Less than half the planned exercise sessions done, once the program has run a week."""
    if done < 0 or planned < 0 or program_days < 0:
        raise ClinicalInputError("adherence", "counts must be 0 or more")
    if program_days < ADHERENCE_MIN_DAYS or planned == 0:
        return False
    return done / planned < ADHERENCE_LOW_BELOW


def adherence_alert(done: int, planned: int, program_days: int) -> AlertSpec | None:
    if not low_adherence(done, planned, program_days):
        return None
    text = Text.compose(
        nl=f"Lage therapietrouw: {done} van {planned} geplande oefenmomenten gedaan in de "
        f"laatste {ADHERENCE_WINDOW_DAYS} dagen. Bespreek belemmeringen en pas het programma aan.",
        en=f"Low adherence: {done} of {planned} planned exercise sessions done in the last "
        f"{ADHERENCE_WINDOW_DAYS} days. Discuss barriers and adjust the program.",
    )
    return AlertSpec(AlertKind.LOW_ADHERENCE, Reason("FU-ALERT-ADHERENCE", "kngf2021-c2", text))


def overdue_alert(occasion: Occasion, today: date) -> AlertSpec | None:
    if not occasion.is_overdue(today):
        return None
    days, asked = (today - occasion.due).days, ", ".join(occasion.instruments)
    text = Text.compose(
        nl=f"Meting {occasion.key} is {days} dagen over tijd ({asked}).",
        en=f"Measurement {occasion.key} is {days} days overdue ({asked}).",
    )
    return AlertSpec(AlertKind.OVERDUE, Reason("FU-ALERT-OVERDUE", "mds-lbp", text))


def returned_alert(discharged: date, today: date) -> AlertSpec:
    """A discharged patient whose pain returned asks for a new start (KNGF 2021 C.5 after-care:
    recurrences are common; a low threshold to come back keeps a new episode short)."""
    weeks = max(0, (today - discharged).days // 7)
    text = Text.compose(
        nl=f"Terug na afsluiten ({weeks} weken geleden): de klachten zijn terug. Nieuwe intake "
        "klaargezet; de patiënt begint met de veiligheidsvragen.",
        en=f"Back after discharge ({weeks} weeks ago): the complaints have returned. A new "
        "intake is ready; the patient starts with the safety questions.",
    )
    return AlertSpec(AlertKind.RETURNED, Reason("FU-ALERT-RETURNED", "kngf2021-c5", text))


def flare_alert(pain: int) -> AlertSpec:
    """A flare-up report without red flags: not urgent, but the plan may need adjusting
    (KNGF 2021 C.5: re-evaluate when the course differs from the expected one)."""
    if not 0 <= pain <= 10:
        raise ClinicalInputError("pain", "must be 0 to 10")
    text = Text.compose(
        nl=f"Opvlamming gemeld (pijn {pain}/10), zonder rode vlaggen. Bespreek het plan bij "
        "opvlamming en pas zo nodig de opbouw aan.",
        en=f"Flare-up reported (pain {pain}/10), no red flags. Go through the flare-up plan and "
        "adjust the build-up if needed.",
    )
    return AlertSpec(AlertKind.FLARE, Reason("FU-ALERT-FLARE", "kngf2021-c5", text))
