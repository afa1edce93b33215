"""The red-flag question bank (clinical reference §1.3) as data, and its vocabulary.

Each flag has a stable id (``CES-1``), the condition group it points to, a strength and an
action level.  Strong flags act on their own; weak flags only in combination (see
``triage.py``).  The bank cites KNGF 2021 B.1.3, NHG-LRS 2015, Downie et al. 2013 and
Verhagen et al. 2016 per flag.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum, StrEnum
from functools import cache

from pydantic import Field, PrivateAttr, model_validator

from backpath.clinical.citations import citations
from backpath.clinical.datafiles import load_yaml, parse
from backpath.clinical.language import Text
from backpath.clinical.models import FrozenModel


class Condition(StrEnum):
    CAUDA_EQUINA = "cauda_equina"
    NEUROLOGICAL = "neurological"
    FRACTURE = "fracture"
    MALIGNANCY = "malignancy"
    INFECTION = "infection"
    AXIAL_SPONDYLOARTHRITIS = "axial_spondyloarthritis"
    VASCULAR = "vascular"
    SEVERE_PAIN = "severe_pain"
    COURSE = "course"
    CLINICIAN = "clinician"


class Strength(StrEnum):
    STRONG = "strong"
    WEAK = "weak"


class Action(StrEnum):
    """Action levels A0-A3 of clinical reference §1.2, plus ``none``."""

    EMERGENCY = "emergency"  # A0: call 112 / go to the emergency department
    SAME_DAY = "same_day"  # A1: GP today (out of hours: huisartsenpost)
    REFER_GP = "refer_gp"  # A2: contact the GP within a week, pause or adapt therapy
    CAUTION = "caution"  # A3: record, tell the patient what to watch, re-check next session
    NONE = "none"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def stops_care(self) -> bool:
        """Emergency and same-day levels stop the intake: no plan, act now."""
        return self in (Action.EMERGENCY, Action.SAME_DAY)


class _Rank(IntEnum):
    NONE = 0
    CAUTION = 1
    REFER_GP = 2
    SAME_DAY = 3
    EMERGENCY = 4


_RANK = {action: _Rank[action.name] for action in Action}


class AskedOf(StrEnum):
    PATIENT = "patient"
    CLINICIAN = "clinician"
    DERIVED = "derived"  # computed from the patient's age, sex and history


class Escalation(FrozenModel):
    """A higher action when this flag comes with any of the named flags."""

    with_any: tuple[str, ...] = Field(min_length=1)
    action: Action
    citation: str


class RedFlag(FrozenModel):
    id: str
    condition: Condition
    # Further groups the flag counts for in the two-weak-signs rule (thoracic pain points to
    # malignancy and to fracture).
    also_conditions: tuple[Condition, ...] = ()
    strength: Strength
    action: Action
    asked_of: AskedOf
    question: Text
    # Asked in the re-check instead of ``question`` once the clinician has documented the
    # symptom as long-standing: "has it changed?" (a "yes" counts as the flag).
    changed_question: Text | None = None
    meaning: Text
    citation: str
    escalate: Escalation | None = None

    @property
    def conditions(self) -> tuple[Condition, ...]:
        return (self.condition, *self.also_conditions)


class Combination(FrozenModel):
    """Flags of different condition groups that together act higher than each alone."""

    id: str
    all_of: tuple[str, ...] = Field(min_length=1)
    any_of: tuple[str, ...] = Field(min_length=1)
    action: Action
    citation: str
    explanation: Text


class UnscreenedAdvice(FrozenModel):
    """What to say when red-flag questions were answered "unknown" or not asked."""

    rule: str
    citation: str
    label: Text
    patient: Text
    clinician: Text


class GroupRule(FrozenModel):
    """A condition-specific combination rule that replaces the generic two-weak-flags rule."""

    all_of: tuple[str, ...]
    at_least: int = Field(ge=1)
    of: tuple[str, ...]
    action: Action
    explanation: Text
    citation: str


class ActionAdvice(FrozenModel):
    label: Text
    patient: Text
    clinician: Text


class ConditionInfo(FrozenModel):
    label: Text
    rule: GroupRule | None = None
    # Advice that replaces the action level's own when this condition sets the urgency
    # (a suspected cauda equina syndrome: "call now", not "call today").
    advice: dict[Action, ActionAdvice] = Field(default_factory=dict)


class RedFlagBank(FrozenModel):
    ruleset: str
    actions: dict[Action, ActionAdvice]
    unscreened: UnscreenedAdvice
    combinations: tuple[Combination, ...] = ()
    conditions: dict[Condition, ConditionInfo]
    flags: tuple[RedFlag, ...]
    _by_id: dict[str, RedFlag] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> RedFlagBank:
        ids = [flag.id for flag in self.flags]
        if len(set(ids)) != len(ids):
            raise ValueError("flag ids must be unique")
        if set(self.actions) != set(Action):
            raise ValueError("every action level needs its advice")
        if set(self.conditions) != set(Condition):
            raise ValueError("every condition needs its label")
        known = set(ids)
        cited: list[str] = [self.unscreened.citation]
        for flag in self.flags:
            cited.append(flag.citation)
            if flag.changed_question and flag.asked_of is not AskedOf.PATIENT:
                raise ValueError(f"{flag.id}: only a patient question can have a changed_question")
            if flag.escalate:
                cited.append(flag.escalate.citation)
                if unknown := set(flag.escalate.with_any) - known:
                    raise ValueError(f"{flag.id} escalates with unknown flags {sorted(unknown)}")
        combination_ids = [c.id for c in self.combinations]
        if len(set(combination_ids)) != len(combination_ids):
            raise ValueError("combination ids must be unique")
        for combination in self.combinations:
            cited.append(combination.citation)
            if unknown := (set(combination.all_of) | set(combination.any_of)) - known:
                raise ValueError(f"{combination.id} names unknown flags {sorted(unknown)}")
        for info in self.conditions.values():
            if info.rule:
                cited.append(info.rule.citation)
                if unknown := (set(info.rule.all_of) | set(info.rule.of)) - known:
                    raise ValueError(f"condition rule names unknown flags {sorted(unknown)}")
        if missing := [c for c in cited if c not in citations()]:
            raise ValueError(f"citations not in the registry: {sorted(set(missing))}")
        self._by_id = {flag.id: flag for flag in self.flags}
        return self

    @property
    def by_id(self) -> Mapping[str, RedFlag]:
        return self._by_id

    @property
    def screened(self) -> tuple[str, ...]:
        """The flags a complete screening answers: every question, not the derived flags."""
        return tuple(flag.id for flag in self.flags if flag.asked_of is not AskedOf.DERIVED)


@cache
def red_flag_bank() -> RedFlagBank:
    return parse(RedFlagBank, load_yaml("redflags.yaml"), "redflags.yaml")
