"""The care pathway: from profile and working diagnosis to a care plan that explains itself.

The rules are data (``data/pathway.yaml``): per line the profiles and diagnoses it applies
to, its rule id and citation (KNGF 2021 C.1-C.5, NHG 2017, NICE NG59). This module only
selects the lines that apply, dates the evaluations from the intake date, and applies the
clinic's session budget (backpath defaults: low <= 3, medium <= 8, high <= 12 sessions
within 12 weeks; clinical reference §3.3).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from typing import TypeVar

from pydantic import Field, model_validator

from backpath.clinical.citations import citations
from backpath.clinical.classification import Diagnosis
from backpath.clinical.datafiles import load_yaml, parse
from backpath.clinical.instruments import instruments
from backpath.clinical.language import Text
from backpath.clinical.models import FrozenModel
from backpath.clinical.reasons import Reason
from backpath.clinical.stratification import Profile


class Strength(StrEnum):
    OFFER = "offer"
    CONSIDER = "consider"


class Mode(StrEnum):
    SELF_DIRECTED = "self_directed"
    SUPERVISED = "supervised"


class Verdict(StrEnum):
    NEVER = "never"  # contraindicated while a serious cause is suspected (the plan's hold)
    DO_NOT_OFFER = "do_not_offer"
    ADD_ON_ONLY = "add_on_only"  # only as a supplement to exercise therapy, never alone


class Moment(StrEnum):
    INTAKE = "intake"
    EVALUATION = "evaluation"
    DISCHARGE = "discharge"


class _Rule(FrozenModel):
    """A pathway line: where it applies, its rule id and its source."""

    profiles: tuple[Profile, ...] = tuple(Profile)
    diagnoses: tuple[Diagnosis, ...] = tuple(Diagnosis)
    rule: str
    citation: str

    def applies(self, profile: Profile, diagnosis: Diagnosis) -> bool:
        return profile in self.profiles and diagnosis in self.diagnoses


class ComponentRule(_Rule):
    id: str
    strength: Strength
    mode: Mode | None = None
    text: Text
    patient: Text  # the same line in plain words, for the patient's own view of the plan


class AvoidRule(_Rule):
    id: str
    verdict: Verdict
    reason: Text


class EvaluationRule(_Rule):
    at: Moment
    week: int | None = Field(default=None, ge=0)
    instruments: tuple[str, ...]
    decision: Text


class EverySession(_Rule):
    instruments: tuple[str, ...]
    red_flags: tuple[str, ...]
    text: Text


class TextRule(_Rule):
    text: Text


class GpReport(TextRule):
    at: str


class NeverRule(FrozenModel):
    id: str
    rule: str
    citation: str
    reason: Text


class HoldRule(TextRule):
    """The plan while a red flag waits for the GP's answer (a serious cause is suspected)."""

    never: tuple[NeverRule, ...]  # interventions contraindicated until the GP has answered
    drop: tuple[str, ...]  # not-recommended lines that assume no red flags (imaging)
    patient: dict[str, Text]  # component id -> the patient text while on hold


class Budget(FrozenModel):
    max_sessions: int = Field(ge=1, le=100)
    within_weeks: int = Field(ge=1, le=104)


class PathwayRules(FrozenModel):
    ruleset: str
    budgets: dict[Profile, Budget]
    budget_citation: str
    components: tuple[ComponentRule, ...]
    not_recommended: tuple[AvoidRule, ...]
    evaluations: tuple[EvaluationRule, ...]
    every_session: EverySession
    stop_criteria: tuple[TextRule, ...]
    referral_criteria: tuple[TextRule, ...]
    gp_reports: tuple[GpReport, ...]
    hold: HoldRule

    @model_validator(mode="after")
    def _consistent(self) -> PathwayRules:
        if set(self.budgets) != set(Profile):
            raise ValueError("a budget is needed for every profile")
        lines: list[_Rule] = [
            *self.components,
            *self.not_recommended,
            *self.evaluations,
            self.every_session,
            *self.stop_criteria,
            *self.referral_criteria,
            *self.gp_reports,
            self.hold,
        ]
        rule_ids = [line.rule for line in lines] + [never.rule for never in self.hold.never]
        if duplicated := sorted({r for r in rule_ids if rule_ids.count(r) > 1}):
            raise ValueError(f"rule ids must be unique: {duplicated}")
        cited = [line.citation for line in lines] + [self.budget_citation]
        cited += [never.citation for never in self.hold.never]
        avoided = {line.id for line in self.not_recommended}
        held = {never.id for never in self.hold.never} | set(self.hold.drop)
        if unknown_ids := sorted(held - avoided):
            raise ValueError(f"hold names interventions not in not_recommended: {unknown_ids}")
        if unknown_ids := sorted(set(self.hold.patient) - {c.id for c in self.components}):
            raise ValueError(f"hold patient texts name unknown components: {unknown_ids}")
        if missing := sorted({c for c in cited if c not in citations()}):
            raise ValueError(f"citations not in the registry: {missing}")
        measured = [*(e.instruments for e in self.evaluations), self.every_session.instruments]
        named = {instrument_id for group in measured for instrument_id in group}
        if unknown := sorted(named - set(instruments())):
            raise ValueError(f"evaluations name unknown instruments: {unknown}")
        return self


@cache
def pathway_rules() -> PathwayRules:
    return parse(PathwayRules, load_yaml("pathway.yaml"), "pathway.yaml")


@dataclass(frozen=True, slots=True)
class Component:
    id: str
    strength: Strength
    mode: Mode | None
    reason: Reason
    patient: Text


@dataclass(frozen=True, slots=True)
class NotRecommended:
    id: str
    verdict: Verdict
    reason: Reason


@dataclass(frozen=True, slots=True)
class Evaluation:
    at: Moment
    week: int | None
    due: date | None
    instruments: tuple[str, ...]
    reason: Reason


@dataclass(frozen=True, slots=True)
class CarePlan:
    profile: Profile
    diagnosis: Diagnosis
    max_sessions: int
    within_weeks: int
    budget_reason: Reason
    components: tuple[Component, ...]
    not_recommended: tuple[NotRecommended, ...]
    evaluations: tuple[Evaluation, ...]
    every_session: EverySession
    stop_criteria: tuple[Reason, ...]
    referral_criteria: tuple[Reason, ...]
    gp_reports: tuple[Reason, ...]
    hold: Reason | None
    ruleset: str
    gp_answer: Reason | None = None  # the GP's recorded answer that released a hold

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Every rule that shaped the plan, in plan order."""
        return (
            self.budget_reason,
            *(c.reason for c in self.components),
            *(n.reason for n in self.not_recommended),
            *(e.reason for e in self.evaluations),
        )


RuleT = TypeVar("RuleT", ComponentRule, AvoidRule)


def _first_per_id(lines: Iterable[RuleT], profile: Profile, diagnosis: Diagnosis) -> list[RuleT]:
    chosen: dict[str, RuleT] = {}
    for line in lines:
        if line.id not in chosen and line.applies(profile, diagnosis):
            chosen[line.id] = line
    return list(chosen.values())


def session_budgets(max_sessions: Mapping[Profile, int]) -> dict[Profile, Budget]:
    """The default budgets with a clinic's ``{profile: max_sessions}`` applied (validated)."""
    return {
        profile: Budget(
            max_sessions=max_sessions.get(profile, budget.max_sessions),
            within_weeks=budget.within_weeks,
        )
        for profile, budget in pathway_rules().budgets.items()
    }


@dataclass(frozen=True, slots=True)
class _Lines:
    """The date-independent part of a plan for one profile and diagnosis."""

    components: tuple[Component, ...]
    not_recommended: tuple[NotRecommended, ...]
    evaluations: tuple[tuple[EvaluationRule, Reason], ...]
    stop_criteria: tuple[Reason, ...]
    referral_criteria: tuple[Reason, ...]
    gp_reports: tuple[Reason, ...]


@cache
def _lines(profile: Profile, diagnosis: Diagnosis) -> _Lines:
    """Selected once per profile and diagnosis: the rules are fixed for the process."""
    rules = pathway_rules()

    def texts(lines: Iterable[TextRule]) -> tuple[Reason, ...]:
        return tuple(
            Reason(line.rule, line.citation, line.text)
            for line in lines
            if line.applies(profile, diagnosis)
        )

    return _Lines(
        components=tuple(
            Component(
                line.id,
                line.strength,
                line.mode,
                Reason(line.rule, line.citation, line.text),
                line.patient,
            )
            for line in _first_per_id(rules.components, profile, diagnosis)
        ),
        not_recommended=tuple(
            NotRecommended(line.id, line.verdict, Reason(line.rule, line.citation, line.reason))
            for line in _first_per_id(rules.not_recommended, profile, diagnosis)
        ),
        evaluations=tuple(
            (line, Reason(line.rule, line.citation, line.decision))
            for line in rules.evaluations
            if line.applies(profile, diagnosis)
        ),
        stop_criteria=texts(rules.stop_criteria),
        referral_criteria=texts(rules.referral_criteria),
        gp_reports=texts(rules.gp_reports),
    )


@cache
def _held_lines(profile: Profile, diagnosis: Diagnosis) -> _Lines:
    """The plan's lines while it is on hold for the GP's answer."""
    hold = pathway_rules().hold
    lines = _lines(profile, diagnosis)
    never = {
        n.id: NotRecommended(n.id, Verdict.NEVER, Reason(n.rule, n.citation, n.reason))
        for n in hold.never
    }
    components = tuple(
        Component(c.id, c.strength, c.mode, c.reason, hold.patient.get(c.id, c.patient))
        for c in lines.components
    )
    kept = tuple(n for n in lines.not_recommended if n.id not in never and n.id not in hold.drop)
    return _Lines(
        components=components,
        not_recommended=(*never.values(), *kept),
        evaluations=lines.evaluations,
        stop_criteria=lines.stop_criteria,
        referral_criteria=lines.referral_criteria,
        gp_reports=lines.gp_reports,
    )


@cache
def _budget_reason(max_sessions: int, within_weeks: int) -> Reason:
    return Reason(
        "PW-BUDGET",
        pathway_rules().budget_citation,
        Text(
            nl=f"Tot {max_sessions} behandelingen binnen {within_weeks} weken; "
            "meer vraagt een gedocumenteerde reden en een herevaluatie.",
            en=f"Up to {max_sessions} sessions within {within_weeks} weeks; "
            "more needs a documented reason and a re-evaluation.",
        ),
    )


def care_plan(
    profile: Profile,
    diagnosis: Diagnosis,
    start: date,
    *,
    refer_first: bool = False,
    budgets: Mapping[Profile, Budget] | None = None,
    gp_answer: Reason | None = None,
) -> CarePlan:
    """The care plan for a profile and working diagnosis, starting on ``start``.

    ``refer_first`` (a red flag at the refer-to-GP level, the GP's answer not yet recorded)
    puts the plan on hold (PW-HOLD-GP, KNGF 2021 B.1.3): contact with the GP comes first;
    manipulation and massage are contraindicated (KNGF 2021 C.4.1 names fracture as a serious
    harm of manipulation; Finucane et al. 2020 list suspected fracture, malignancy,
    infection and vascular disease); the patient is not told the pain usually passes by
    itself, and the "no imaging without red flags" line goes. ``gp_answer`` records the
    answer that released an earlier hold.
    """
    rules = pathway_rules()
    budget = (budgets or rules.budgets)[profile]
    lines = _held_lines(profile, diagnosis) if refer_first else _lines(profile, diagnosis)
    evaluations = tuple(
        Evaluation(
            line.at,
            line.week,
            None if line.week is None else start + timedelta(weeks=line.week),
            line.instruments,
            reason,
        )
        for line, reason in lines.evaluations
    )
    return CarePlan(
        profile=profile,
        diagnosis=diagnosis,
        max_sessions=budget.max_sessions,
        within_weeks=budget.within_weeks,
        budget_reason=_budget_reason(budget.max_sessions, budget.within_weeks),
        components=lines.components,
        not_recommended=lines.not_recommended,
        evaluations=evaluations,
        every_session=rules.every_session,
        stop_criteria=lines.stop_criteria,
        referral_criteria=lines.referral_criteria,
        gp_reports=lines.gp_reports,
        hold=Reason(rules.hold.rule, rules.hold.citation, rules.hold.text) if refer_first else None,
        ruleset=rules.ruleset,
        gp_answer=gp_answer,
    )
