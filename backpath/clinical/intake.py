"""An intake, as the command line and the web app receive it, and its assessment.

``assess`` runs the whole clinical flow on one intake: scoring, red-flag triage,
classification, stratification and the care plan.  It takes the date from the intake
(``today``); nothing in the core reads the clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    PlainValidator,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationError,
    model_validator,
)

from backpath.clinical.classification import (
    Classification,
    LegPain,
    LegSigns,
    classify,
    duration_of,
)
from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import instrument, instruments
from backpath.clinical.language import Text
from backpath.clinical.models import FrozenModel
from backpath.clinical.pathway import CarePlan, care_plan, session_budgets
from backpath.clinical.reasons import Reason
from backpath.clinical.redflags import Action, red_flag_bank
from backpath.clinical.scoring import Score, score_values, validate_answers
from backpath.clinical.stratification import (
    PROFILE_LABELS,
    PresentFactor,
    Profile,
    ProfileAdvice,
    advise_profile,
    present_factors,
    prognostic_factors,
)
from backpath.clinical.triage import PatientFacts, Triage, triage

NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class Patient(FrozenModel):
    age: StrictInt = Field(ge=16, le=120)  # KNGF and NHG guidance is for adults
    sex: Sex | None = None
    smoker: StrictBool = False
    cardiovascular_disease: StrictBool = False


class Course(StrEnum):
    """How the complaint has gone since it started, as the patient tells it."""

    IMPROVING = "improving"
    UNCHANGED = "unchanged"
    WORSE = "worse"


class Complaint(FrozenModel):
    onset: date | None = None
    leg_pain: LegPain = LegPain.NONE
    dermatomal: StrictBool = False
    leg_pain_dominant: StrictBool = False
    first_episode: StrictBool | None = None  # None: not asked
    course: Course | None = None
    heavy_physical_work: StrictBool | None = None  # None: not asked


# A red-flag question is answered yes (true) or no (false), or "unknown" (asked, the patient
# could not say), or "not_asked" (explicitly not screened). Unasked is never "no".
UNKNOWN = "unknown"
NOT_ASKED = "not_asked"


def _red_flag_answer(value: object) -> bool | str:
    if isinstance(value, bool) or value in (UNKNOWN, NOT_ASKED):
        return value
    raise ValueError(f'must be true, false, "{UNKNOWN}" or "{NOT_ASKED}"')


RedFlagAnswer = Annotated[bool | Literal["unknown", "not_asked"], PlainValidator(_red_flag_answer)]


def complete_screen(answers: Mapping[str, bool | str]) -> dict[str, bool | str]:
    """Every red-flag question with its answer; one not given is marked ``not_asked``.

    For answers gathered in steps (the clinician's checklist waits for the review) and for
    records stored before a question joined the bank: never taken as "no".
    """
    return {**dict.fromkeys(red_flag_bank().screened, NOT_ASKED), **answers}


class GpAnswer(FrozenModel):
    """The GP's answer to a red-flag referral: physiotherapy may go on (KNGF B.1.3)."""

    answered_on: date
    note: NonBlank


class Findings(FrozenModel):
    """The clinician's examination; every field is optional and documented as given."""

    neurological_deficit: StrictBool | None = None
    slr_positive: StrictBool | None = None
    lrs_confirmed: StrictBool | None = None
    notes: str = Field(default="", max_length=10_000)


class ProfileOverride(FrozenModel):
    profile: Profile
    reason: NonBlank


class Intake(FrozenModel):
    today: date
    patient: Patient
    complaint: Complaint = Complaint()
    red_flags: dict[str, RedFlagAnswer] = Field(default_factory=dict)
    answers: dict[str, dict[str, Any]] = Field(default_factory=dict)
    prognostic_factors: tuple[str, ...] = ()
    findings: Findings = Findings()
    profile_override: ProfileOverride | None = None
    session_budget: dict[Profile, Annotated[StrictInt, Field(ge=1, le=100)]] = Field(
        default_factory=dict
    )
    gp_answer: GpAnswer | None = None

    @model_validator(mode="after")
    def _known_ids(self) -> Intake:
        bank = red_flag_bank()
        for flag_id in self.red_flags:
            if flag_id not in bank.by_id:
                raise ValueError(
                    f"red_flags.{flag_id}: unknown red flag; `backpath redflags` lists them"
                )
        if missing := [flag for flag in bank.screened if flag not in self.red_flags]:
            raise ValueError(
                f"red_flags: not answered: {', '.join(missing)}. Answer each true or false, "
                f'"{UNKNOWN}" when the patient could not say, or "{NOT_ASKED}" for a question '
                "you did not ask"
            )
        known_instruments = instruments()
        for instrument_id in self.answers:
            if instrument_id not in known_instruments:
                known = ", ".join(sorted(known_instruments))
                raise ValueError(f"answers.{instrument_id}: unknown instrument; known: {known}")
        factors = prognostic_factors().factors
        for factor in self.prognostic_factors:
            if factor not in factors:
                raise ValueError(
                    f"prognostic_factors: unknown factor {factor!r}; known: {', '.join(factors)}"
                )
        if self.complaint.onset and self.complaint.onset > self.today:
            raise ValueError("complaint.onset: must not be after today")
        if self.gp_answer and self.gp_answer.answered_on > self.today:
            raise ValueError("gp_answer.answered_on: must not be after today")
        return self

    @property
    def answered_yes(self) -> list[str]:
        return [flag for flag, answer in self.red_flags.items() if answer is True]

    @property
    def unscreened(self) -> list[str]:
        return [flag for flag, answer in self.red_flags.items() if isinstance(answer, str)]


def parse_intake(raw: str | bytes | Mapping[str, Any]) -> Intake:
    """Validate an intake from JSON text or a mapping; bad input raises ClinicalInputError."""
    try:
        if isinstance(raw, str | bytes):
            return Intake.model_validate_json(raw)
        return Intake.model_validate(raw)
    except ValidationError as error:
        raise _input_error(error) from None


def _input_error(error: ValidationError) -> ClinicalInputError:
    first = error.errors(include_url=False)[0]
    # pydantic marks a bad dictionary key with a "[key]" step; the key itself names the field.
    where = ".".join(str(part) for part in first["loc"] if part != "[key]")
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown field"
    if first["type"] == "value_error" and ": " in message:
        # Our own checks start their message with the field they concern.
        where, message = message.split(": ", 1)
    if first["type"] in ("json_invalid", "json_type"):
        where, message = "input", f"not valid JSON ({message})"
    return ClinicalInputError(where or "input", message)


@dataclass(frozen=True, slots=True)
class Assessment:
    intake: Intake
    triage: Triage
    classification: Classification
    scores: Mapping[str, Score]
    factors: tuple[PresentFactor, ...]
    advice: ProfileAdvice | None
    profile: Profile | None
    profile_reason: Reason | None
    plan: CarePlan | None

    @property
    def risk(self) -> str | None:
        """The STarT Back risk group, when STarT Back was answered completely."""
        startback = self.scores.get("startback")
        return startback.band if startback else None

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Every rule that fired, from triage to plan, in the order they were applied."""
        steps: list[Reason] = [*self.triage.reasons, *self.classification.reasons]
        if self.advice:
            steps.append(self.advice.reason)
        if self.profile_reason:
            steps.append(self.profile_reason)
        if self.plan:
            steps.extend(self.plan.reasons)
            if self.plan.hold:
                steps.insert(0, self.plan.hold)
            if self.plan.gp_answer:
                steps.insert(0, self.plan.gp_answer)
        return tuple(steps)


def score_intake(intake: Intake) -> dict[str, Score]:
    scores: dict[str, Score] = {}
    for instrument_id, answers in intake.answers.items():
        definition = instrument(instrument_id)
        values = validate_answers(definition, answers, f"answers.{instrument_id}")
        scores[instrument_id] = score_values(definition, values)
    return scores


def assess(intake: Intake) -> Assessment:
    scores = score_intake(intake)
    patient, complaint, findings = intake.patient, intake.complaint, intake.findings
    answered_yes = intake.answered_yes
    nprs = scores.get("nprs")
    _, weeks_since_onset = duration_of(complaint.onset, intake.today)
    facts = PatientFacts(
        age=patient.age,
        female=patient.sex is Sex.FEMALE,
        smoker=patient.smoker,
        cardiovascular_disease=patient.cardiovascular_disease,
        first_episode=complaint.first_episode is True,
        pain_score=None if nprs is None or nprs.total is None else int(nprs.total),
        weeks_since_onset=weeks_since_onset,
        improving=None if complaint.course is None else complaint.course is Course.IMPROVING,
    )
    undecided = _undecided(intake, facts)
    triaged = triage(answered_yes, facts, unscreened=[*intake.unscreened, *undecided])
    # A red flag at the refer-to-GP level holds the plan until the GP has answered
    # (KNGF 2021 B.1.3); once the clinician records the answer, the plan is released.
    referred = triaged.urgency is Action.REFER_GP
    held = referred and intake.gp_answer is None
    signs = LegSigns(
        leg_pain=complaint.leg_pain,
        dermatomal=complaint.dermatomal,
        leg_pain_dominant=complaint.leg_pain_dominant,
        # One-sided numbness or mild weakness (NEU-4) is a sign of root involvement, not a red flag.
        neurological_signs=bool(findings.neurological_deficit) or "NEU-4" in answered_yes,
        slr_positive=bool(findings.slr_positive),
        lrs_confirmed=findings.lrs_confirmed,
    )
    classification = classify(
        signs,
        complaint.onset,
        intake.today,
        pathology_suspected=triaged.stops_care or held,
    )
    factors = present_factors(
        intake.prognostic_factors,
        intake.answers,
        scores,
        complaint=_complaint_factors(complaint),
    )
    if triaged.stops_care:
        # Act now; stratifying and planning would suggest care that must wait for the doctor.
        return Assessment(intake, triaged, classification, scores, factors, None, None, None, None)

    startback = scores.get("startback")
    advice = advise_profile(startback if startback and startback.valid else None, factors)
    profile, profile_reason = advice.profile, None
    if intake.profile_override:
        profile = intake.profile_override.profile
        label, why = PROFILE_LABELS[profile], intake.profile_override.reason
        profile_reason = Reason(
            "STRAT-CLIN",
            "kngf2021-b2",
            Text.compose(
                nl=f"Profiel vastgesteld door de therapeut: {label.nl.lower()}. Reden: {why}",
                en=f"Profile set by the clinician: {label.en.lower()}. Reason: {why}",
            ),
        )
    budgets = session_budgets(intake.session_budget) if intake.session_budget else None
    plan = care_plan(
        profile,
        classification.diagnosis,
        intake.today,
        refer_first=held,
        budgets=budgets,
        gp_answer=_gp_answer_reason(intake.gp_answer) if referred and intake.gp_answer else None,
    )
    return Assessment(
        intake, triaged, classification, scores, factors, advice, profile, profile_reason, plan
    )


def _undecided(intake: Intake, facts: PatientFacts) -> list[str]:
    """Derived flags that a missing answer leaves open, listed as not screened: MAL-5 and
    MAL-9 without the first-episode answer, PAIN-2 (PAIN-1 yes) without a valid NPRS."""
    age, first_episode = intake.patient.age, intake.complaint.first_episode
    open_flags = {
        "MAL-5": first_episode is None and age > 50,
        "MAL-9": first_episode is None and age < 20,
        "PAIN-2": intake.red_flags.get("PAIN-1") is True and facts.pain_score is None,
    }
    return [flag for flag, undecided in open_flags.items() if undecided]


def _complaint_factors(complaint: Complaint) -> dict[str, str]:
    """KNGF B.2 prognostic factors the intake's complaint answers show, with their source."""
    found: dict[str, str] = {}
    if complaint.first_episode is False:
        found["previous_episodes"] = "complaint.first_episode"
    if complaint.leg_pain is not LegPain.NONE:
        found["leg_pain"] = "complaint.leg_pain"
    if complaint.heavy_physical_work:
        found["high_physical_workload"] = "complaint.heavy_physical_work"
    return found


def _gp_answer_reason(answer: GpAnswer) -> Reason:
    day = answer.answered_on.isoformat()
    return Reason(
        "PW-GP-ANSWER",
        "kngf2021-b1.3",
        Text.compose(
            nl=f"De huisarts antwoordde op {day}: {answer.note}. Het plan is vrijgegeven.",
            en=f"The GP answered on {day}: {answer.note}. The plan is released.",
        ),
    )
