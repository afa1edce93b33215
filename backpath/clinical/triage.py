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
- a combination rule lifts flags of different condition groups together (a history of
  cancer with new leg symptoms or with constant, progressive, night or thoracic pain:
  suspected spinal metastases, the same day after NICE NG234);
- a flag that also counts for another condition (MAL-8 thoracic pain: malignancy and
  fracture) pairs within each of its groups;
- derived flags come from the patient's age, sex, history, pain score and course (FRA-6,
  MAL-5, MAL-9, VAS-3, PAIN-2, CRS-1);
- unasked is not "no": questions answered "unknown" or marked not asked are listed as
  unscreened, and an incomplete screening is never ``none`` (RF-UNSCREENED: at least
  ``caution``, with its own advice to ask them before treating).
The outcome is the highest action among the flags, ``none`` only for a complete screening
that found nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache

from backpath.clinical.language import Text
from backpath.clinical.reasons import Reason
from backpath.clinical.redflags import (
    Action,
    ActionAdvice,
    Condition,
    RedFlag,
    Strength,
    UnscreenedAdvice,
    red_flag_bank,
)

DOUBT_FLAG = "GEN-1"
NON_MECHANICAL_PAIN_FLAG = "MAL-3"
UNRELIEVED_PAIN_FLAG = "PAIN-1"
# NPRS 8 or more is severe pain (Boonstra et al. 2016, instrument bands of the NPRS).
SEVERE_PAIN_FROM = 8
# NHG 2017: not clearly better after 3-4 weeks -> re-evaluate; backpath takes the earlier end.
NOT_BETTER_AFTER_WEEKS = 3


@dataclass(frozen=True, slots=True)
class PatientFacts:
    """What the derived flags need to know about the patient.

    ``pain_score`` (NPRS), ``weeks_since_onset`` and ``improving`` (the course the patient
    reports) are known only once the complaint and questionnaires are answered; ``None``
    derives nothing from them.
    """

    age: int
    female: bool = False
    smoker: bool = False
    cardiovascular_disease: bool = False
    first_episode: bool = False
    pain_score: int | None = None
    weeks_since_onset: int | None = None
    improving: bool | None = None


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
    unscreened: tuple[str, ...] = ()  # questions answered "unknown" or not asked

    @property
    def flag_ids(self) -> tuple[str, ...]:
        return tuple(finding.flag.id for finding in self.findings)

    @property
    def stops_care(self) -> bool:
        """Emergency and same-day findings stop the intake: no plan, act now."""
        return self.urgency.stops_care

    @property
    def complete(self) -> bool:
        """Every red-flag question was answered yes or no."""
        return not self.unscreened

    def _advice(self) -> ActionAdvice | UnscreenedAdvice:
        """A condition with advice of its own for the urgency speaks for it (cauda equina:
        "now"); an urgency only an incomplete screening raised gets the unscreened advice."""
        bank = red_flag_bank()
        top = [f for f in self.findings if f.action is self.urgency]
        for finding in top:
            if special := bank.conditions[finding.flag.condition].advice.get(self.urgency):
                return special
        if self.unscreened and not top:
            return bank.unscreened
        return bank.actions[self.urgency]

    def label(self) -> Text:
        return self._advice().label

    def advice(self) -> Text:
        return self._advice().patient

    def clinician_advice(self) -> Text:
        return self._advice().clinician


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
    # MAL-9: a first-ever episode before age 20 (AHCPR 1994: age < 20 or > 50).
    if facts.age < 20 and facts.first_episode:
        derived.add("MAL-9")
    # PAIN-2: back pain that nothing relieves (PAIN-1) at NPRS 8 or more (NHG 2017).
    if (
        UNRELIEVED_PAIN_FLAG in present
        and facts.pain_score is not None
        and facts.pain_score >= SEVERE_PAIN_FROM
    ):
        derived.add("PAIN-2")
    # CRS-1: not clearly better 3 or more weeks after onset (NHG 2017). Only a course the
    # patient calls improving counts as better: "unchanged", "worse" and no answer do not.
    if (
        facts.weeks_since_onset is not None
        and facts.weeks_since_onset >= NOT_BETTER_AFTER_WEEKS
        and facts.improving is not True
    ):
        derived.add("CRS-1")
    return derived


def triage(
    answered_yes: Iterable[str],
    facts: PatientFacts | None,
    *,
    unscreened: Iterable[str] = (),
) -> Triage:
    """Triage the flags answered "yes" (validated ids) plus those derived from ``facts``.

    Without ``facts`` (a re-check during treatment) no flags are derived. ``unscreened``
    names the questions answered "unknown" or not asked: they are listed in the result and
    keep the urgency from ``none``.
    """
    bank = red_flag_bank()
    present = set(answered_yes)
    if facts is not None:
        present |= derived_flags(facts, present)
    flags = [flag for flag in bank.flags if flag.id in present]  # bank order: stable output
    not_screened = tuple(flag.id for flag in bank.flags if flag.id in set(unscreened))

    actions: dict[str, Action] = {}
    reasons: list[Reason] = []

    def lift(flag: RedFlag, action: Action, reason: Reason) -> None:
        if action.rank > actions[flag.id].rank:
            actions[flag.id] = action
            if reason not in reasons:  # one reason per rule, however many flags it lifts
                reasons.append(reason)

    for flag in flags:
        actions[flag.id] = flag.action
        reasons.append(_flag_reason(flag.id))
    for flag in flags:
        if flag.escalate and present.intersection(flag.escalate.with_any):
            partners = ", ".join(sorted(present.intersection(flag.escalate.with_any)))
            lift(flag, flag.escalate.action, _escalation_reason(flag.id, partners))
    for combination in bank.combinations:
        if set(combination.all_of) <= present and present.intersection(combination.any_of):
            reason = _combination_reason(combination.id)
            for flag in flags:
                if flag.id in combination.all_of or flag.id in combination.any_of:
                    lift(flag, combination.action, reason)

    weak = [flag for flag in flags if flag.strength is Strength.WEAK]
    conditions = (condition for flag in weak for condition in flag.conditions)
    for condition in dict.fromkeys(conditions):  # bank order: stable
        group = [flag for flag in weak if condition in flag.conditions]
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
    if not_screened:
        reasons.append(_unscreened_reason(not_screened))
        if urgency is Action.NONE:
            urgency = Action.CAUTION
    return Triage(urgency, findings, tuple(reasons), bank.ruleset, not_screened)


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
def _combination_reason(combination_id: str) -> Reason:
    bank = red_flag_bank()
    combination = next(c for c in bank.combinations if c.id == combination_id)
    label = bank.actions[combination.action].label
    return Reason(
        combination.id,
        combination.citation,
        Text(
            nl=f"{combination.explanation.nl} → {label.nl}",
            en=f"{combination.explanation.en} → {label.en}",
        ),
    )


@cache
def _unscreened_reason(flag_ids: tuple[str, ...]) -> Reason:
    unscreened = red_flag_bank().unscreened
    ids = ", ".join(flag_ids)
    return Reason(
        unscreened.rule,
        unscreened.citation,
        Text(
            nl=f"Niet gescreend (onbekend of niet gevraagd): {ids}. Geen antwoord is geen "
            "'nee': vraag deze uit voordat u behandelt.",
            en=f"Not screened (unknown or not asked): {ids}. No answer is not a 'no': ask "
            "these before treating.",
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
