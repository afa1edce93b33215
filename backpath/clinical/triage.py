"""Red-flag triage: which flags are present and what must happen now.

Rules (clinical reference §1.2; KNGF 2021 B.1.3: a single feature rarely means serious
pathology, a combination raises the probability; on doubt always contact the GP):
- a strong flag acts on its own, at its own action level;
- a flag with an escalation acts higher when one of its partner flags is present
  (CES-5 with another cauda equina sign: same day; INF-2..4 with fever: same day);
- a weak flag alone is ``caution``; two weak flags of the same condition, or a weak flag
  with the clinician's "niet-pluisgevoel" (GEN-1), refer to the GP;
- a condition with its own rule (axial spondyloarthritis: AXS-1 and at least two of
  AXS-2..6, after ASAS 2009) uses that rule instead of the two-weak-flags rule;
- derived flags come from the patient's age, sex and history (FRA-6, MAL-5, VAS-3).
The outcome is the highest action among the flags, ``none`` when no flag is present.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache

from backpath.clinical.language import Text
from backpath.clinical.reasons import Reason
from backpath.clinical.redflags import (
    Action,
    Condition,
    RedFlag,
    Strength,
    red_flag_bank,
)

DOUBT_FLAG = "GEN-1"
NON_MECHANICAL_PAIN_FLAG = "MAL-3"


@dataclass(frozen=True, slots=True)
class PatientFacts:
    """What the derived flags need to know about the patient."""

    age: int
    female: bool = False
    smoker: bool = False
    cardiovascular_disease: bool = False
    first_episode: bool = False


@dataclass(frozen=True, slots=True)
class Finding:
    """A flag that is present, with the action it triggers after the combination rules."""

    flag: RedFlag
    action: Action


@dataclass(frozen=True, slots=True)
class Triage:
    urgency: Action
    findings: tuple[Finding, ...]
    reasons: tuple[Reason, ...]
    ruleset: str

    @property
    def flag_ids(self) -> tuple[str, ...]:
        return tuple(finding.flag.id for finding in self.findings)

    @property
    def stops_care(self) -> bool:
        """Emergency and same-day findings stop the intake: no plan, act now."""
        return self.urgency in (Action.EMERGENCY, Action.SAME_DAY)

    def advice(self) -> Text:
        return red_flag_bank().actions[self.urgency].patient

    def clinician_advice(self) -> Text:
        return red_flag_bank().actions[self.urgency].clinician


def derived_flags(facts: PatientFacts, present: Collection[str]) -> set[str]:
    """Flags that follow from who the patient is rather than from a question."""
    derived: set[str] = set()
    # FRA-6: age >= 65, or a woman >= 50 (H&W 2014: fracture more common in these groups).
    if facts.age >= 65 or (facts.female and facts.age >= 50):
        derived.add("FRA-6")
    # MAL-5: older than 50 with a first-ever episode (Verhagen 2016, Canadian guideline item).
    if facts.age > 50 and facts.first_episode:
        derived.add("MAL-5")
    # VAS-3: older than 50, smoker or cardiovascular disease, with non-mechanical pain.
    if (
        facts.age > 50
        and (facts.smoker or facts.cardiovascular_disease)
        and NON_MECHANICAL_PAIN_FLAG in present
    ):
        derived.add("VAS-3")
    return derived


def triage(answered_yes: Iterable[str], facts: PatientFacts | None) -> Triage:
    """Triage the flags answered "yes" (validated ids) plus those derived from ``facts``.

    Without ``facts`` (a re-check during treatment) no flags are derived.
    """
    bank = red_flag_bank()
    present = set(answered_yes)
    if facts is not None:
        present |= derived_flags(facts, present)
    flags = [flag for flag in bank.flags if flag.id in present]  # bank order: stable output

    actions: dict[str, Action] = {}
    reasons: list[Reason] = []

    def lift(flag: RedFlag, action: Action, reason: Reason) -> None:
        if action.rank > actions[flag.id].rank:
            actions[flag.id] = action
            reasons.append(reason)

    for flag in flags:
        actions[flag.id] = flag.action
        reasons.append(_flag_reason(flag.id))
    for flag in flags:
        if flag.escalate and present.intersection(flag.escalate.with_any):
            partners = ", ".join(sorted(present.intersection(flag.escalate.with_any)))
            lift(flag, flag.escalate.action, _escalation_reason(flag.id, partners))

    weak = [flag for flag in flags if flag.strength is Strength.WEAK]
    for condition in dict.fromkeys(flag.condition for flag in weak):  # bank order: stable
        group = [flag for flag in weak if flag.condition is condition]
        rule = bank.conditions[condition].rule
        if rule is not None:
            fired = (
                set(rule.all_of) <= present and len(present.intersection(rule.of)) >= rule.at_least
            )
            for flag in group if fired else []:
                lift(
                    flag,
                    rule.action,
                    Reason(f"RF-{condition.value}", rule.citation, rule.explanation),
                )
        elif len(group) >= 2:
            reason = _pair_reason(condition, ", ".join(flag.id for flag in group))
            for flag in group:
                lift(flag, Action.REFER_GP, reason)
    if DOUBT_FLAG in present:
        for flag in weak:
            lift(flag, Action.REFER_GP, _doubt_reason(flag.id))

    findings = tuple(Finding(flag, actions[flag.id]) for flag in flags)
    urgency = max((f.action for f in findings), key=lambda a: a.rank, default=Action.NONE)
    return Triage(urgency, findings, tuple(reasons), bank.ruleset)


# The reasons below depend only on flag ids and the (fixed) bank, so each is built once:
# an intake's triage then costs lookups, not text assembly.


@cache
def _flag_reason(flag_id: str) -> Reason:
    bank = red_flag_bank()
    flag = bank.by_id[flag_id]
    label = bank.actions[flag.action].label
    return Reason(
        flag.id,
        flag.citation,
        Text(nl=f"{flag.meaning.nl} → {label.nl}", en=f"{flag.meaning.en} → {label.en}"),
    )


@cache
def _escalation_reason(flag_id: str, partners: str) -> Reason:
    bank = red_flag_bank()
    escalate = bank.by_id[flag_id].escalate
    assert escalate is not None
    label = bank.actions[escalate.action].label
    return Reason(
        f"{flag_id}-ESC",
        escalate.citation,
        Text(
            nl=f"{flag_id} samen met {partners} → {label.nl}",
            en=f"{flag_id} together with {partners} → {label.en}",
        ),
    )


@cache
def _pair_reason(condition: Condition, ids: str) -> Reason:
    name = red_flag_bank().conditions[condition].label
    return Reason(
        "RF-WEAK-PAIR",
        "design-redflags",
        Text(
            nl=f"Meerdere zwakke signalen voor {name.nl.lower()} ({ids}): "
            "samen reden om de huisarts te raadplegen",
            en=f"Several weak signs of {name.en.lower()} ({ids}): "
            "together a reason to consult the GP",
        ),
    )


@cache
def _doubt_reason(flag_id: str) -> Reason:
    return Reason(
        "RF-WEAK-DOUBT",
        "kngf2021-b1.3",
        Text(
            nl=f"{flag_id} samen met een niet-pluisgevoel van de therapeut → huisarts raadplegen",
            en=f"{flag_id} with the clinician's sense that something is wrong → consult the GP",
        ),
    )
