"""The three tables of the research export, column by column: this *is* the data dictionary.

Every column says its type, unit, meaning, allowed values, where it comes from and whether
small cells are suppressed in it. The rows (``rows.py``) are built by column name and the
writers take the order from here, so a column missing from the dictionary cannot be written.

The columns that repeat per instrument, occasion or alert kind are generated from the
clinical content (instrument definitions, pathway evaluations, ``AlertKind``), so a new
evaluation week or instrument adds its columns and their dictionary lines together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache

from backpath.care.models import DischargeReason, EpisodeStatus, Sex
from backpath.clinical.classification import Diagnosis
from backpath.clinical.followup import FOLLOWUP_MONTHS, AlertKind
from backpath.clinical.instruments import Instrument, instruments
from backpath.clinical.pathway import Moment, pathway_rules
from backpath.clinical.progress import ChangeClass, Outcome
from backpath.clinical.redflags import Action
from backpath.clinical.sessions import intervention_codes
from backpath.clinical.stratification import Profile

# Age at the episode's start in bands of this many years; the oldest band is open-ended,
# as ages past 90 are few enough to single a person out (HIPAA safe harbour does the same).
AGE_BAND_YEARS = 5
AGE_TOP = 90
# Pseudonyms are this many hex digits of the HMAC: 64 bits, no collision among millions.
PSEUDONYM_DIGITS = 16
# The intake's measurements: the baseline every change is measured from.
BASELINE = "intake"


class Kind(StrEnum):
    TEXT = "text"  # one code
    CODES = "codes"  # several codes, sorted, separated by ";"
    INTEGER = "integer"
    NUMBER = "number"  # a decimal number
    BOOLEAN = "boolean"  # true or false


CODE_SEPARATOR = ";"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind
    meaning: str
    source: str
    unit: str = ""
    allowed: str = ""
    # A value found in fewer than --min-cell rows of this column is replaced by the marker.
    suppressed: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    meaning: str  # what one row is
    columns: tuple[Column, ...]
    # Worked out once: every row is built by these names (millions of times in an export).
    names: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", tuple(column.name for column in self.columns))


def _one_of(values: Iterable[str]) -> str:
    return ", ".join(values)


def _between(low: float, high: float) -> str:
    return f"{_plain(low)} to {_plain(high)}"


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def age_bands() -> tuple[str, ...]:
    bands = [f"{low}-{low + AGE_BAND_YEARS - 1}" for low in range(0, AGE_TOP, AGE_BAND_YEARS)]
    return (*bands, f"{AGE_TOP}+")


def age_band(age: int) -> str:
    """The band of ``age`` (one of ``age_bands()``)."""
    if age >= AGE_TOP:
        return f"{AGE_TOP}+"
    low = max(0, age) // AGE_BAND_YEARS * AGE_BAND_YEARS
    return f"{low}-{low + AGE_BAND_YEARS - 1}"


@cache
def occasions() -> tuple[str, ...]:
    """Every measuring moment, in order; the keys ``clinical.followup.occasions`` gives them."""
    weeks = sorted(
        {
            line.week
            for line in pathway_rules().evaluations
            if line.at is Moment.EVALUATION and line.week is not None
        }
    )
    return (
        BASELINE,
        *(f"week-{week}" for week in weeks),
        "discharge",
        *(f"followup-{months}m" for months in FOLLOWUP_MONTHS),
    )


@cache
def classified_instruments() -> tuple[Instrument, ...]:
    """The instruments whose change backpath classifies (those with a minimal important
    change): their scores per occasion are columns of the episodes table."""
    return tuple(d for _id, d in sorted(instruments().items()) if d.mcid is not None)


def not_recommended_rules() -> tuple[str, ...]:
    rules = pathway_rules()
    return tuple(
        sorted({line.rule for line in rules.not_recommended} | {n.rule for n in rules.hold.never})
    )


def not_recommended_codes() -> tuple[str, ...]:
    return tuple(dict.fromkeys(line.id for line in pathway_rules().not_recommended))


def column_name(*parts: str) -> str:
    """A column name from an instrument and an occasion key: ``nprs_week_6``."""
    return "_".join(parts).replace("-", "_")


def _pseudonym(name: str, what: str, source: str) -> Column:
    return Column(
        name,
        Kind.TEXT,
        f"The {what}'s pseudonym: HMAC-SHA256 of its id under this export's random key "
        f"(never stored), first {PSEUDONYM_DIGITS} hex digits. The same within this export, "
        "different in every other.",
        source,
        allowed=f"{PSEUDONYM_DIGITS} hex digits",
    )


EPISODE = _pseudonym("episode", "episode", "care.Episode.id")
_DAYS = "days since the episode's start (the day it was opened is day 0)"


def _episode_columns() -> tuple[Column, ...]:
    outcome_values = _one_of(outcome.value for outcome in Outcome)
    return (
        EPISODE,
        _pseudonym("patient", "patient", "care.Patient.id"),
        _pseudonym("clinic", "clinic", "accounts.Clinic.id"),
        Column(
            "patient_episode",
            Kind.INTEGER,
            "Which episode of the patient this is, counting every episode in backpath "
            "(also those opened outside the period): 1 is the first, 2 a return.",
            "care.Episode.opened_at",
            allowed="1 or more",
        ),
        Column(
            "age_band",
            Kind.TEXT,
            f"The patient's age on the day the episode was opened, in {AGE_BAND_YEARS}-year bands.",
            "care.Patient.date_of_birth, care.Episode.opened_at",
            unit="years",
            allowed=_one_of(age_bands()),
            suppressed=True,
        ),
        Column(
            "sex",
            Kind.TEXT,
            "The patient's sex as recorded; empty when not recorded.",
            "care.Patient.sex",
            allowed=_one_of(Sex.values),
            suppressed=True,
        ),
        Column(
            "status",
            Kind.TEXT,
            "Where the episode stands on the day of the export.",
            "care.Episode.status",
            allowed=_one_of(EpisodeStatus.values),
            suppressed=True,
        ),
        Column(
            "urgency",
            Kind.TEXT,
            "The highest red-flag action level found (intake, review or a re-assessment); "
            "empty before the safety questions were answered.",
            "care.Episode.urgency",
            allowed=_one_of(action.value for action in Action),
            suppressed=True,
        ),
        Column(
            "diagnosis",
            Kind.TEXT,
            "The working diagnosis of the latest assessment: non-specific low back pain (lbp) "
            "or lumbosacral radicular syndrome (lrs).",
            "care.Assessment.diagnosis",
            allowed=_one_of(diagnosis.value for diagnosis in Diagnosis),
            suppressed=True,
        ),
        Column(
            "startback_total",
            Kind.INTEGER,
            "STarT Back total score at the intake.",
            "care.Intake.answers, scored by backpath.clinical.scoring",
            unit="points",
            allowed=_between(0, 9),
        ),
        Column(
            "startback_psychosocial",
            Kind.INTEGER,
            "STarT Back psychosocial subscale (items 5-9) at the intake.",
            "care.Intake.answers, scored by backpath.clinical.scoring",
            unit="points",
            allowed=_between(0, 5),
        ),
        Column(
            "startback_risk",
            Kind.TEXT,
            "STarT Back risk group at the intake (Keele scoring).",
            "care.Intake.answers, scored by backpath.clinical.scoring",
            allowed=_one_of(profile.value for profile in Profile),
            suppressed=True,
        ),
        Column(
            "profile_advised",
            Kind.TEXT,
            "The risk profile backpath advised at the intake (STarT Back and the prognostic "
            "factors read from the answers).",
            "care.Assessment.profile of the intake assessment",
            allowed=_one_of(profile.value for profile in Profile),
            suppressed=True,
        ),
        Column(
            "profile_final",
            Kind.TEXT,
            "The profile of the care plan in effect (the clinician's choice at the review, "
            "an override included); empty without a plan.",
            "care.PlanVersion.profile of the highest version",
            allowed=_one_of(profile.value for profile in Profile),
            suppressed=True,
        ),
        Column(
            "plan_versions",
            Kind.INTEGER,
            "Care plan versions (1 = the review's plan; more after changes, re-assessments or "
            "the GP's answer to a red flag).",
            "care.PlanVersion",
            allowed="0 or more",
        ),
        Column(
            "sessions_used",
            Kind.INTEGER,
            "Treatment sessions recorded.",
            "care.SessionNote",
            unit="sessions",
            allowed="0 or more",
        ),
        Column(
            "sessions_budget",
            Kind.INTEGER,
            "The session budget of the care plan in effect; empty without a plan.",
            "care.PlanVersion.max_sessions of the highest version",
            unit="sessions",
            allowed="1 or more",
        ),
        Column(
            "sessions_over_budget",
            Kind.INTEGER,
            "Sessions recorded beyond the budget of the plan in effect at the time.",
            "care.SessionNote.over_budget_reason (given or not; the text is not exported)",
            unit="sessions",
            allowed="0 or more",
        ),
        Column(
            "sessions_on_hold",
            Kind.INTEGER,
            "Sessions recorded while the plan waited for the GP's answer to a red flag.",
            "care.SessionNote.warnings",
            unit="sessions",
            allowed="0 or more",
        ),
        Column(
            "interventions",
            Kind.CODES,
            "Every intervention given in at least one session.",
            "care.SessionNote.interventions",
            allowed=_one_of(intervention_codes()),
            suppressed=True,
        ),
        Column(
            "not_recommended_given",
            Kind.CODES,
            "Interventions given although the plan in effect advised against them (the "
            "clinician's reason is free text and never exported).",
            "care.SessionNote.warnings",
            allowed=_one_of(not_recommended_codes()),
            suppressed=True,
        ),
        Column(
            "not_recommended_rules",
            Kind.CODES,
            "The coded reasons of those interventions: the guideline rule of the plan in "
            "effect that advises against each (see docs/clinical/reference.md).",
            "care.PlanVersion.plan (not-recommended lines), care.SessionNote.warnings",
            allowed=_one_of(not_recommended_rules()),
            suppressed=True,
        ),
        Column(
            "exercise_sessions_planned",
            Kind.NUMBER,
            "Home exercise sessions the programs planned: each exercise's times per week x "
            "the weeks its program version was in effect, from its publication to the next "
            "version, the discharge or the day of the export; empty without a program.",
            "programs.Program.published_at, programs.ProgramItem.per_week",
            unit="exercise sessions",
            allowed="0 or more, 1 decimal",
        ),
        Column(
            "exercise_sessions_done",
            Kind.INTEGER,
            "Home exercise sessions the patient logged as done up to the discharge (or the "
            "day of the export); empty without a program.",
            "programs.ExerciseLog.done",
            unit="exercise sessions",
            allowed="0 or more",
        ),
        Column(
            "exercise_adherence",
            Kind.NUMBER,
            "exercise_sessions_done / exercise_sessions_planned (above 1 when the patient did "
            "more than planned); empty when nothing was planned.",
            "programs.ExerciseLog, programs.ProgramItem",
            unit="fraction",
            allowed="0 or more, 3 decimals",
        ),
        *(
            Column(
                f"alerts_{kind.value}",
                Kind.INTEGER,
                f"Alerts of the kind '{kind.value}' raised for the clinician.",
                "followup.Alert.kind",
                unit="alerts",
                allowed="0 or more",
            )
            for kind in AlertKind
        ),
        Column(
            "intake_day",
            Kind.INTEGER,
            "When the intake was submitted (or stopped by a red flag); empty before.",
            "care.Intake.finished_at",
            unit=_DAYS,
            allowed="0 or more",
        ),
        Column(
            "discharge_day",
            Kind.INTEGER,
            "When the episode was closed; empty while it is open.",
            "care.Episode.closed_at",
            unit=_DAYS,
            allowed="0 or more",
        ),
        Column(
            "discharge_reason",
            Kind.TEXT,
            "Why the episode was closed (coded; the discharge summary is never exported).",
            "care.Episode.discharge_reason",
            allowed=_one_of(DischargeReason.values),
            suppressed=True,
        ),
        *_score_columns(),
        *(
            Column(
                column_name("outcome", occasion),
                Kind.TEXT,
                f"The guideline's decision at the {occasion} measurement (progress rules "
                "PR-*; empty when no change could be classified or nothing was measured).",
                "followup.Measurement.outcome",
                allowed=outcome_values,
                suppressed=True,
            )
            for occasion in occasions()
            if occasion != BASELINE
        ),
    )


def _score_columns() -> Iterable[Column]:
    changes = _one_of(change.value for change in ChangeClass)
    for definition in classified_instruments():
        for occasion in occasions():
            yield Column(
                column_name(definition.id, occasion),
                Kind.NUMBER,
                f"{definition.abbreviation} total at the {occasion} measurement; empty when "
                "not measured or not scorable.",
                f"{'care.Intake' if occasion == BASELINE else 'followup.Measurement'}.answers, "
                "scored by backpath.clinical.scoring",
                unit="points",
                allowed=_between(definition.range.min, definition.range.max),
            )
            if occasion != BASELINE:
                yield Column(
                    column_name(definition.id, occasion, "change"),
                    Kind.TEXT,
                    f"Change of the {definition.abbreviation} at {occasion} against the intake "
                    "(after-care follow-ups: against the discharge measurement when there is "
                    "one), classified by the minimal important change.",
                    "backpath.clinical.progress.change on the stored answers",
                    allowed=changes,
                    suppressed=True,
                )


def _subscales() -> tuple[str, ...]:
    names = {name for d in instruments().values() for name in d.scoring.subscales}
    return tuple(sorted(names))


def _measurement_columns() -> tuple[Column, ...]:
    return (
        EPISODE,
        Column(
            "instrument",
            Kind.TEXT,
            "The questionnaire (`backpath instruments show ID` has its items and scoring).",
            "care.Intake.answers, followup.Measurement.answers",
            allowed=_one_of(sorted(instruments())),
        ),
        Column(
            "occasion",
            Kind.TEXT,
            "The measuring moment: the intake, a plan evaluation week, the discharge or an "
            "after-care follow-up (months after discharge).",
            "followup.Measurement.occasion",
            allowed=_one_of(occasions()),
        ),
        Column(
            "day",
            Kind.INTEGER,
            "When the questionnaire was filled in.",
            "care.Intake.finished_at, followup.Measurement.created_at",
            unit=_DAYS,
            allowed="0 or more",
        ),
        Column(
            "due_day",
            Kind.INTEGER,
            "When the occasion was due; empty for the intake.",
            "followup.Measurement.due_on",
            unit=_DAYS,
            allowed="0 or more",
        ),
        Column(
            "total",
            Kind.NUMBER,
            "The instrument's total score; empty when not scorable (too few items answered).",
            "answers scored by backpath.clinical.scoring",
            unit="points",
            allowed="the instrument's range",
        ),
        *(
            Column(
                column_name("subscale", name),
                Kind.NUMBER,
                f"The {name} subscale, for the instruments that have one.",
                "answers scored by backpath.clinical.scoring",
                unit="points",
                allowed="the subscale's range",
            )
            for name in _subscales()
        ),
        Column(
            "change",
            Kind.TEXT,
            "Change against the intake (after-care follow-ups: against the discharge "
            "measurement when there is one), classified by the minimal important change; "
            "empty for the intake and for instruments without one.",
            "backpath.clinical.progress.change on the stored answers",
            allowed=_one_of(change.value for change in ChangeClass),
            suppressed=True,
        ),
        Column(
            "change_from",
            Kind.TEXT,
            "The occasion the change is measured from; empty when there is no change.",
            "followup.Measurement.occasion",
            allowed=_one_of((BASELINE, "discharge")),
        ),
    )


def _session_columns() -> tuple[Column, ...]:
    return (
        EPISODE,
        Column(
            "number",
            Kind.INTEGER,
            "The session's number within the episode.",
            "care.SessionNote.number",
            allowed="1 or more",
        ),
        Column(
            "day",
            Kind.INTEGER,
            "When the session was held (may be negative if recorded with an earlier date).",
            "care.SessionNote.held_on",
            unit=_DAYS,
        ),
        Column(
            "pain_now",
            Kind.INTEGER,
            "Pain at the session (NPRS); empty when not asked.",
            "care.SessionNote.pain_now",
            unit="points",
            allowed=_between(0, 10),
        ),
        Column(
            "interventions",
            Kind.CODES,
            "The interventions given (SOAP texts are never exported).",
            "care.SessionNote.interventions",
            allowed=_one_of(intervention_codes()),
            suppressed=True,
        ),
        Column(
            "not_recommended",
            Kind.CODES,
            "Interventions given although the plan in effect advised against them.",
            "care.SessionNote.warnings",
            allowed=_one_of(not_recommended_codes()),
            suppressed=True,
        ),
        Column(
            "not_recommended_rules",
            Kind.CODES,
            "The guideline rule of the plan in effect that advises against each of them.",
            "care.PlanVersion.plan (not-recommended lines)",
            allowed=_one_of(not_recommended_rules()),
            suppressed=True,
        ),
        Column(
            "on_hold",
            Kind.BOOLEAN,
            "The plan waited for the GP's answer to a red flag when the session was held.",
            "care.SessionNote.warnings",
            allowed="true, false",
        ),
        Column(
            "over_budget",
            Kind.BOOLEAN,
            "The session went beyond the session budget of the plan in effect.",
            "care.SessionNote.over_budget_reason (given or not; the text is not exported)",
            allowed="true, false",
        ),
    )


@cache
def episodes_table() -> Table:
    return Table("episodes", "one episode of care opened in the period", _episode_columns())


@cache
def measurements_table() -> Table:
    return Table(
        "measurements",
        "one instrument at one occasion of an exported episode (the intake included)",
        _measurement_columns(),
    )


@cache
def sessions_table() -> Table:
    return Table("sessions", "one treatment session of an exported episode", _session_columns())


def tables() -> tuple[Table, ...]:
    return (episodes_table(), measurements_table(), sessions_table())
