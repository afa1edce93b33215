"""Prevention and work: a workstation check and a lifestyle check with personal, sourced advice.

Clinical reference §7.5 (docs/clinical/reference.md): exercise lowers the risk of a new
episode (Steffens et al., JAMA Intern Med 2016;176:199-208); move at least 150 minutes a
week, strengthen muscles and bones twice a week and avoid sitting still a lot
(Gezondheidsraad, Beweegrichtlijnen 2017); posture is "vary and move", never one correct
posture, and workstation set-up is optional comfort advice (KNGF 2021 language; weak
evidence for ergonomics as prevention); overweight and smoking are associated with low back
pain and get general health advice and cessation signposting; stress and poor sleep point to
the education modules on them.

The questions and advice rules live in ``data/prevention.yaml``, validated when it loads: a
missing translation, an unknown citation or module, or a condition on a question or option
that does not exist names the file and the field.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import Field, StringConstraints, model_validator

from backpath.clinical.citations import citations
from backpath.clinical.datafiles import DataFileError, parse
from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.language import Text
from backpath.clinical.models import FrozenModel
from backpath.education.modules import modules

DATA = Path(__file__).parent / "data" / "prevention.yaml"

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
RuleId = Annotated[str, StringConstraints(pattern=r"^PREV-[A-Z0-9]+(-[A-Z0-9]+)*$", max_length=40)]

# A validated answer: an option value, a number, or None for a skipped optional question.
Answer = str | int | float | None

# Values derived from the answers that a condition may test, and the questions they need.
# BMI is weight / height squared, to one decimal (half up) as it is usually reported, so the
# advice agrees with the number a patient would work out (WHO: 25 or more is overweight).
DERIVED: dict[str, tuple[str, str]] = {"bmi": ("height_cm", "weight_kg")}


class CheckKind(StrEnum):
    WORKSTATION = "workstation"
    LIFESTYLE = "lifestyle"


class QuestionKind(StrEnum):
    CHOICE = "choice"
    NUMBER = "number"


class Option(FrozenModel):
    value: Id
    label: Text


class Question(FrozenModel):
    id: Id
    name: Text  # a short name for error messages ("Weight"); ``text`` is the question itself
    text: Text
    kind: QuestionKind
    options: tuple[Option, ...] = ()
    min: float | None = None
    max: float | None = None
    decimals: int = Field(default=0, ge=0, le=1)
    unit: Text | None = None
    optional: bool = False

    @model_validator(mode="after")
    def _fits_its_kind(self) -> Question:
        if self.kind is QuestionKind.CHOICE:
            if len(self.options) < 2:
                raise ValueError("a choice question needs at least two options")
            values = [option.value for option in self.options]
            if len(set(values)) != len(values):
                raise ValueError("option values must be unique")
            if self.min is not None or self.max is not None or self.unit is not None:
                raise ValueError("a choice question has no min, max or unit")
        else:
            if self.options:
                raise ValueError("a number question has no options")
            if self.min is None or self.max is None or self.unit is None:
                raise ValueError("a number question needs min, max and unit")
            if self.min >= self.max:
                raise ValueError(f"min {self.min:g} must be below max {self.max:g}")
        return self


class Condition(FrozenModel):
    """One test on one answer (or derived value); every operator given must hold."""

    question: Id
    in_: tuple[Id, ...] | None = Field(default=None, alias="in", min_length=1)
    lt: float | None = None
    lte: float | None = None
    gt: float | None = None
    gte: float | None = None

    @model_validator(mode="after")
    def _one_kind_of_test(self) -> Condition:
        bounds = (self.lt, self.lte, self.gt, self.gte)
        if self.in_ is None and all(bound is None for bound in bounds):
            raise ValueError("give 'in' (option values) or lt, lte, gt or gte (numbers)")
        if self.in_ is not None and any(bound is not None for bound in bounds):
            raise ValueError("'in' tests an option; it does not mix with lt, lte, gt or gte")
        return self

    def holds(self, value: Answer) -> bool:
        if value is None:
            return False
        if self.in_ is not None:
            return value in self.in_
        assert not isinstance(value, str)  # the loader only allows bounds on numbers
        return (
            (self.lt is None or value < self.lt)
            and (self.lte is None or value <= self.lte)
            and (self.gt is None or value > self.gt)
            and (self.gte is None or value >= self.gte)
        )


class Match(StrEnum):
    ALL = "all"
    ANY = "any"


class Advised(FrozenModel):
    """What a rule gives: the advice, its source and, where there is one, a module to read."""

    id: RuleId
    advice: Text
    citation: str
    module: Id | None = None


class Rule(Advised):
    match: Match = Match.ALL
    when: tuple[Condition, ...] = Field(min_length=1)


class WellDone(Advised):
    """The advice when no rule fires: positive reinforcement, never an empty page."""


class Check(FrozenModel):
    title: Text
    intro: Text
    questions: tuple[Question, ...] = Field(min_length=1)
    answered_together: tuple[tuple[Id, Id], ...] = ()
    rules: tuple[Rule, ...] = Field(min_length=1)
    well_done: WellDone

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def advised(self) -> tuple[Advised, ...]:
        """The rules and then the well-done advice."""
        return (*self.rules, self.well_done)


class PreventionFile(FrozenModel):
    reviewer: str = Field(min_length=2)
    reviewed_on: date
    workstation: Check
    lifestyle: Check


@dataclass(frozen=True, slots=True)
class Advice:
    rule: str
    text: Text
    citation: str
    module: str | None


def _check_references(kind: CheckKind, check: Check, source: str) -> None:
    """What spans fields: ids, pairs, conditions, citations and modules, each named by path."""
    where = f"{source}: {kind.value}"
    ids = [q.id for q in check.questions]
    for position, question_id in enumerate(ids):
        if question_id in ids[:position]:
            raise DataFileError(f"{where}.questions.{position}.id: {question_id!r} is repeated")
        if question_id in DERIVED:
            raise DataFileError(f"{where}.questions.{position}.id: {question_id!r} is derived")
    for p, pair in enumerate(check.answered_together):
        for n, question_id in enumerate(pair):
            question = check.question(question_id)
            if question is None or not question.optional:
                raise DataFileError(
                    f"{where}.answered_together.{p}.{n}: {question_id!r} is not an optional "
                    "question of this check"
                )
    for r, rule in enumerate(check.rules):
        for c, condition in enumerate(rule.when):
            _check_condition(check, condition, f"{where}.rules.{r}.when.{c}")
    for r, item in enumerate(check.advised()):
        at = f"{where}.rules.{r}" if r < len(check.rules) else f"{where}.well_done"
        if item.citation not in citations():
            raise DataFileError(f"{at}.citation: unknown citation id {item.citation!r}")
        if item.module is not None and item.module not in modules():
            raise DataFileError(f"{at}.module: unknown education module {item.module!r}")


def _check_condition(check: Check, condition: Condition, at: str) -> None:
    if condition.question in DERIVED:
        missing = [q for q in DERIVED[condition.question] if check.question(q) is None]
        if missing:
            raise DataFileError(
                f"{at}.question: {condition.question!r} needs the question(s) {missing}"
            )
        if condition.in_ is not None:
            raise DataFileError(f"{at}.in: {condition.question!r} is a number")
        return
    question = check.question(condition.question)
    if question is None:
        raise DataFileError(f"{at}.question: no question {condition.question!r} in this check")
    if question.kind is QuestionKind.CHOICE:
        if condition.in_ is None:
            raise DataFileError(f"{at}: {question.id!r} is a choice: test it with 'in'")
        values = {option.value for option in question.options}
        for n, value in enumerate(condition.in_):
            if value not in values:
                raise DataFileError(f"{at}.in.{n}: {question.id!r} has no option {value!r}")
    elif condition.in_ is not None:
        raise DataFileError(f"{at}.in: {question.id!r} is a number: test it with lt, lte, gt, gte")


def load_checks(path: Path = DATA) -> dict[CheckKind, Check]:
    """Both checks from ``path``, validated field by field and then as a whole."""
    source = path.name
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise DataFileError(f"{source}: not valid YAML ({error})") from None
    loaded = parse(PreventionFile, raw, source)
    found = {kind: getattr(loaded, kind.value) for kind in CheckKind}
    rule_ids: set[str] = set()
    for kind, check in found.items():
        _check_references(kind, check, source)
        for r, item in enumerate(check.advised()):
            if item.id in rule_ids:
                at = f"rules.{r}" if r < len(check.rules) else "well_done"
                raise DataFileError(f"{source}: {kind.value}.{at}.id: {item.id!r} is repeated")
            rule_ids.add(item.id)
    return found


@cache
def checks() -> Mapping[CheckKind, Check]:
    """The packaged checks by kind, loaded once."""
    return load_checks()


def _check(check_id: str) -> Check:
    try:
        return checks()[CheckKind(check_id)]
    except ValueError:
        allowed = ", ".join(kind.value for kind in CheckKind)
        raise ClinicalInputError("check", f"must be one of {allowed} (got {check_id!r})") from None


def _number_text(value: float) -> str:
    return f"{value:g}"


def _parse_number(question: Question, raw: object) -> int | float:
    assert question.min is not None
    assert question.max is not None
    assert question.unit is not None
    allowed = (
        f"must be a number from {_number_text(question.min)} to {_number_text(question.max)}"
        f" {question.unit.en}"
    )
    value: Decimal | None = None
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        if not isinstance(raw, float) or math.isfinite(raw):
            value = Decimal(str(raw))
    elif isinstance(raw, str):
        try:
            value = Decimal(raw.strip())
        except InvalidOperation:
            value = None
    if value is None or not value.is_finite():
        raise ClinicalInputError(question.id, f"{allowed} (got {raw!r})")
    if not Decimal(str(question.min)) <= value <= Decimal(str(question.max)):
        raise ClinicalInputError(question.id, f"{allowed} (got {raw!r})")
    step = Decimal(1).scaleb(-question.decimals)
    if value != value.quantize(step):
        whole = "a whole number" if question.decimals == 0 else "at most one decimal"
        raise ClinicalInputError(question.id, f"must be {whole} (got {raw!r})")
    return int(value) if question.decimals == 0 else float(value)


def _parse_choice(question: Question, raw: object) -> str:
    values = [option.value for option in question.options]
    if not isinstance(raw, str) or raw not in values:
        raise ClinicalInputError(question.id, f"must be one of {', '.join(values)} (got {raw!r})")
    return raw


def _skipped(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def validate(check_id: str, raw_answers: object) -> dict[str, Answer]:
    """The answers of one check, each parsed and in range, or ClinicalInputError(field, ...).

    A number may come as a number or as decimal text (a form field). A skipped optional
    question becomes None; questions answered together must both be given or both skipped.
    Validating validated answers gives them back unchanged.
    """
    check = _check(check_id)
    if not isinstance(raw_answers, Mapping):
        raise ClinicalInputError("answers", "must be a mapping of question ids to answers")
    for key in raw_answers:
        if check.question(str(key)) is None:
            raise ClinicalInputError(str(key), f"no such question in the {check_id} check")
    answers: dict[str, Answer] = {}
    for question in check.questions:
        raw = raw_answers.get(question.id)
        if _skipped(raw):
            if not question.optional:
                raise ClinicalInputError(question.id, "an answer is needed")
            answers[question.id] = None
        elif question.kind is QuestionKind.CHOICE:
            answers[question.id] = _parse_choice(question, raw)
        else:
            answers[question.id] = _parse_number(question, raw)
    for first, second in check.answered_together:
        given = [answers[first] is not None, answers[second] is not None]
        if given.count(True) == 1:
            missing = second if given[0] else first
            raise ClinicalInputError(missing, f"give both {first} and {second}, or neither")
    return answers


def bmi(height_cm: float, weight_kg: float) -> float:
    """Body mass index (kg/m²) to one decimal, rounded half up."""
    value = Decimal(str(weight_kg)) / (Decimal(str(height_cm)) / 100) ** 2
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _derived(answers: Mapping[str, Answer]) -> dict[str, Answer]:
    height, weight = answers.get("height_cm"), answers.get("weight_kg")
    if isinstance(height, int | float) and isinstance(weight, int | float):
        return {"bmi": bmi(height, weight)}
    return {"bmi": None}


def _fires(rule: Rule, values: Mapping[str, Answer]) -> bool:
    results = (condition.holds(values.get(condition.question)) for condition in rule.when)
    return any(results) if rule.match is Match.ANY else all(results)


def advise(check_id: str, answers: object) -> list[Advice]:
    """The advice for one check's answers, in the file's order; never empty.

    The answers are validated first (so this raises ClinicalInputError for bad ones). When no
    rule fires, the check's well-done advice is given instead.
    """
    check = _check(check_id)
    valid = validate(check_id, answers)
    values = {**valid, **_derived(valid)}
    fired = [rule for rule in check.rules if _fires(rule, values)]
    chosen: list[Advised] = [*fired] if fired else [check.well_done]
    return [Advice(item.id, item.advice, item.citation, item.module) for item in chosen]


def advice_by_ids(check_id: str, rule_ids: list[str]) -> list[Advice]:
    """Stored advice (rule ids) as advice again; ids no longer in the file are left out."""
    check = _check(check_id)
    by_id = {item.id: item for item in check.advised()}
    return [
        Advice(item.id, item.advice, item.citation, item.module)
        for item in (by_id[rule_id] for rule_id in rule_ids if rule_id in by_id)
    ]
