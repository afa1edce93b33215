"""Reads for the clinical pages, each reading what its page shows (a fixed query count)."""

from __future__ import annotations

import operator
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cached_property, reduce
from typing import Any, Generic, TypeVar

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce, Concat
from django.db.models.lookups import Contains, StartsWith
from django.utils import timezone

from backpath.accounts.models import User
from backpath.care.access import episodes_for, patients_for
from backpath.care.core_input import core_input
from backpath.care.models import (
    Assessment,
    Episode,
    EpisodeStatus,
    Patient,
    PlanVersion,
    SessionNote,
)
from backpath.care.questionnaires import questionnaire
from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import Item
from backpath.clinical.intake import UNKNOWN, assess, parse_intake
from backpath.clinical.language import Lang
from backpath.clinical.pathway import Evaluation, Moment
from backpath.clinical.redflags import AskedOf, red_flag_bank
from backpath.clinical.stratification import prognostic_factors as prognostic_factor_list
from backpath.interchange import in_language, plan_from_record
from backpath.web.i18n import text


class Scope(StrEnum):
    """Whose records a list shows: the clinic's, or the clinician's own: the episodes they
    opened or wrote a session note in (the quality page's "mine"), and the patients of those
    episodes or whom they added. The clinic's is the default, so that an urgent intake of a
    colleague's patient is never out of sight."""

    CLINIC = "clinic"
    MINE = "mine"

    @classmethod
    def parse(cls, raw: object) -> Scope:
        return cls.MINE if raw == cls.MINE.value else cls.CLINIC


def my_episodes(user: User, via: str = "") -> Q:
    """Episodes of ``user``'s own, as a filter on episodes (or on a model that reaches them
    through the relation ``via``, e.g. ``"episode__"``). A session note of theirs is looked
    up per episode the list reaches (by the notes' episode index), not as the set of every
    note they ever wrote, which grows with the years."""
    treated = SessionNote.objects.filter(episode=OuterRef(f"{via}pk"), clinician=user)
    return Q(**{f"{via}opened_by": user}) | Q(Exists(treated))


def _my_patients(user: User) -> Q:
    """Patients the clinician added, or with an episode of their own: looked up per patient
    the list reaches, by the episodes' patient index and the notes' clinician index."""
    theirs = Episode.objects.filter(my_episodes(user), patient=OuterRef("pk"))
    return Q(created_by=user) | Q(Exists(theirs))


M = TypeVar("M", bound=Model)


@dataclass(frozen=True, slots=True)
class Page(Generic[M]):
    """One page of a list in keyset order; a cursor is the id of the row the next (or the
    previous) page starts after (or before): never a name, so a URL may carry it."""

    rows: list[M]
    after: str | None  # the cursor of the next page; None on the last
    before: str | None  # the cursor of the previous page; None on the first

    def __iter__(self) -> Iterator[M]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def _beyond(key: Sequence[str], values: Sequence[object], backwards: bool) -> Q:
    """The rows after ``values`` in the order ``key`` (before them when ``backwards``):
    (a > x) or (a = x and b > y) or ..., led by a >= x so that an index on the key starts its
    scan at the cursor instead of reading every row before it."""
    fields = [(name.removeprefix("-"), name.startswith("-") == backwards) for name in key]
    clauses = [
        Q(
            **{field: value for (field, _up), value in zip(fields[:n], values, strict=False)},
            **{f"{fields[n][0]}__{'gt' if fields[n][1] else 'lt'}": values[n]},
        )
        for n in range(len(fields))
    ]
    first, up = fields[0]
    return Q(**{f"{first}__{'gte' if up else 'lte'}": values[0]}) & reduce(operator.or_, clauses)


def _cursor(raw: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return None


def keyset_page(
    found: QuerySet[M], key: Sequence[str], *, after: object, before: object, size: int
) -> Page[M]:
    """A page of ``found`` in the order ``key`` (its last field unique), starting after the
    row ``after`` or ending before the row ``before``: the cursor's row, then the page, each
    read through an index on the key however deep the page. A cursor that names no row of
    ``found`` (tampered, or the row left the list) gives the first page, as does one that
    leads to an empty page (the rows beyond it left: the first page is read again)."""
    backwards = not after and bool(before)
    cursor = _cursor(before if backwards else after)
    names = [name.removeprefix("-") for name in key]
    at = found.filter(pk=cursor).values_list(*names).first() if cursor else None
    if at is None:
        backwards = False
        rows = list(found.order_by(*key)[: size + 1])
    else:
        order = [name[1:] if name.startswith("-") else f"-{name}" for name in key]
        beyond = found.filter(_beyond(key, at, backwards))
        rows = list(beyond.order_by(*(order if backwards else key))[: size + 1])
        if not rows:
            return keyset_page(found, key, after=None, before=None, size=size)
    more, rows = len(rows) > size, rows[:size]
    if backwards:
        rows.reverse()
    later, earlier = (True, more) if backwards else (more, at is not None)
    return Page(
        rows,
        after=str(rows[-1].pk) if later and rows else None,
        before=str(rows[0].pk) if earlier and rows else None,
    )


# A page of the patient list: enough to find someone by eye, small enough to stay fast.
PATIENT_PAGE = 50
# A dashboard list shows this many rows, then "more".
DASHBOARD_PAGE = 25


# pg_trgm indexes a word by its three-letter pieces; a shorter word has too few to search by
# anywhere inside a name, so it matches the start of a name's word ("de" finds "de Vries").
TRIGRAM = 3


def _word_matches(name: Func[Any], word: str) -> Q:
    folded = Func(Value(word), function="backpath_fold", output_field=TextField())
    if len(word) < TRIGRAM:
        # Both patterns start at a word's start, so the trigram index can answer them.
        return Q(StartsWith(name, folded)) | Q(Contains(name, Concat(Value(" "), folded)))
    return Q(Contains(name, folded)) | Q(TrigramWordSimilar(name, folded))


def _patient_name_search(patients: QuerySet[Patient], search: str) -> QuerySet[Patient]:
    """Patients whose name holds every word of ``search`` (at most four).

    PostgreSQL: case and accents folded on both sides, and a word also matches a name word
    it is trigram-similar to (a typo: "jansen" finds "Janssen"), through the GIN index of
    migration care 0007. SQLite: ``icontains`` on either name (folds ASCII case only).
    """
    words = search.split()[:4]
    if not words:
        return patients
    if connection.vendor != "postgresql":
        for word in words:
            patients = patients.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
        return patients
    name = Func(
        F("first_name"), F("last_name"), function="backpath_patient_name", output_field=TextField()
    )
    matching = patients.filter(*(_word_matches(name, word) for word in words))
    # The matches are found in a subquery and the page is taken from them by id: with the
    # clinic's filter beside the search, the planner would walk the clinic's name index in
    # order hoping to meet a page of matches soon, folding every name on the way (a rare
    # name late in the alphabet means most of the clinic). Here the trigram index finds the
    # matches and only they are sorted. The subquery carries the access scoping.
    return Patient.objects.filter(pk__in=matching.values("pk"))


def patient_page(
    user: User,
    *,
    search: str = "",
    scope: Scope = Scope.CLINIC,
    after: object = None,
    before: object = None,
) -> Page[Patient]:
    """A page of the clinic's (or the clinician's own) patients by name, with their open
    episodes and the date of the last one, counted for the page's rows only."""
    patients = patients_for(user)
    if scope is Scope.MINE:
        patients = patients.filter(_my_patients(user))
    episodes = Episode.objects.filter(patient=OuterRef("pk")).order_by()
    patients = _patient_name_search(patients, search).annotate(
        open_episodes=Coalesce(
            Subquery(
                episodes.exclude(status=EpisodeStatus.CLOSED)
                .values("patient")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        ),
        last_opened=Subquery(episodes.order_by("-opened_at").values("opened_at")[:1]),
    )
    return keyset_page(
        patients,
        ("last_name", "first_name", "id"),
        after=after,
        before=before,
        size=PATIENT_PAGE,
    )


def attention_list(user: User, scope: Scope = Scope.CLINIC) -> QuerySet[Episode]:
    """Open episodes that need the clinician: urgent and not yet seen, or ready for review."""
    episodes = episodes_for(user).filter(
        Q(status=EpisodeStatus.URGENT, urgent_seen_at__isnull=True) | Q(status=EpisodeStatus.REVIEW)
    )
    if scope is Scope.MINE:
        episodes = episodes.filter(my_episodes(user))
    # "urgent" sorts before "review"; the id makes the order total, so pages never overlap.
    return episodes.select_related("patient").order_by("-status", "opened_at", "id")


def open_episodes(
    user: User, scope: Scope = Scope.CLINIC, *, after: object = None, before: object = None
) -> Page[Episode]:
    """A page of the open episodes, newest first, each with its sessions counted."""
    episodes = episodes_for(user).exclude(status=EpisodeStatus.CLOSED)
    if scope is Scope.MINE:
        episodes = episodes.filter(my_episodes(user))
    sessions = (
        SessionNote.objects.filter(episode=OuterRef("pk"))
        .order_by()
        .values("episode")
        .annotate(n=Count("pk"))
        .values("n")
    )
    episodes = episodes.select_related("patient").annotate(
        session_count=Coalesce(Subquery(sessions), 0)
    )
    return keyset_page(
        episodes, ("-opened_at", "-id"), after=after, before=before, size=DASHBOARD_PAGE
    )


class EpisodeRecord:
    """An episode's clinical record as its pages show it, each part read on first use: the
    current plan (one row), the assessments, the plan history and the session notes. A page
    that shows only the plan (the patient's home, plan and education pages) reads only the
    plan, not the assessments' stored JSON (tens of kilobytes) nor every note. Each part is
    one query whatever the episode holds; columns no page shows are left out of it."""

    def __init__(self, episode: Episode) -> None:
        self.episode = episode

    @cached_property
    def assessments(self) -> list[Assessment]:
        # The stored input (the raw intake) is for audit and recomputation; pages show the
        # result.
        return list(
            self.episode.assessments.defer("input")
            .select_related("created_by")
            .order_by("created_at")
        )

    @cached_property
    def plans(self) -> list[PlanVersion]:
        """The plan history without each version's stored plan: the history lists the
        versions, and the current one, shown in full, is ``plan``."""
        return list(
            self.episode.plans.defer("plan").select_related("created_by").order_by("number")
        )

    @cached_property
    def plan(self) -> PlanVersion | None:
        return current_plan(self.episode)

    @cached_property
    def sessions(self) -> list[SessionNote]:
        return list(self.episode.sessions.select_related("clinician").order_by("number"))

    @property
    def intake_assessment(self) -> Assessment | None:
        return next((a for a in self.assessments if a.kind == "intake"), None)

    @property
    def latest(self) -> Assessment | None:
        return self.assessments[-1] if self.assessments else None

    @property
    def sessions_used(self) -> int:
        return len(self.sessions)

    @property
    def over_budget(self) -> bool:
        return self.plan is not None and self.sessions_used > self.plan.max_sessions

    def next_evaluation(self, today: date | None = None) -> Evaluation | None:
        """The first dated evaluation after the intake that is not yet past, else the last."""
        if self.plan is None:
            return None
        today = today or timezone.localdate()
        dated = [
            e
            for e in plan_from_record(self.plan.plan).evaluations
            if e.due is not None and e.at is not Moment.INTAKE
        ]
        for evaluation in dated:
            if evaluation.due is not None and evaluation.due >= today:
                return evaluation
        return dated[-1] if dated else None


def episode_record(episode: Episode) -> EpisodeRecord:
    return EpisodeRecord(episode)


def current_plan(episode: Episode) -> PlanVersion | None:
    """The episode's current care plan version (the highest number): one indexed row."""
    return episode.plans.order_by("-number").first()


def plan_on_hold(plan: PlanVersion | None) -> bool:
    """The plan waits for the GP's answer to a red flag (PW-HOLD-GP)."""
    return plan is not None and plan_from_record(plan.plan).on_hold


def unanswered_by_patient(episode: Episode) -> list[str]:
    """The patient's red-flag questions without a yes or no: "I don't know", or never asked."""
    answers = episode.intake.red_flags
    return [
        flag.id
        for flag in red_flag_bank().flags
        if flag.asked_of is AskedOf.PATIENT and not isinstance(answers.get(flag.id), bool)
    ]


# --- The intake's answers, as the clinician reads them at the review -----------------------

# Instruments where the patient names each item (an activity) beside its score.
NAMED_ITEMS = ("psk", "psfs")


@dataclass(frozen=True, slots=True)
class FlagAnswer:
    id: str
    question: str


@dataclass(frozen=True, slots=True)
class ItemAnswer:
    link_id: str
    text: str
    value: int | None  # None: not answered
    label: str  # the answer option's words ("Agree", "3 = ..."), empty when not answered
    note: str  # the activity the patient named (PSK, PSFS), else empty


@dataclass(frozen=True, slots=True)
class InstrumentAnswers:
    id: str
    abbreviation: str
    name: str
    named: bool  # items are activities the patient named: only the named ones are shown
    items: tuple[ItemAnswer, ...]

    @property
    def answered(self) -> int:
        return sum(1 for item in self.items if item.value is not None)


@dataclass(frozen=True, slots=True)
class IntakeAnswers:
    """What the patient answered, item by item, in the interface language."""

    flags_yes: tuple[FlagAnswer, ...]
    flags_unknown: tuple[FlagAnswer, ...]  # "I don't know" (or never asked): not a no
    instruments: tuple[InstrumentAnswers, ...]


def _item_answer(item: Item, value: object, note: str) -> ItemAnswer:
    chosen = value if isinstance(value, int) and not isinstance(value, bool) else None
    option = next((o for o in item.options if o.value == chosen), None)
    return ItemAnswer(
        link_id=item.link_id,
        text=text(item.text),
        value=chosen,
        label=text(option.label) if option is not None else "",
        note=note,
    )


def intake_answers(episode: Episode) -> IntakeAnswers:
    """The intake's red-flag answers and every questionnaire item with the patient's answer.

    Red flags: the questions answered yes, and those without a yes or no. Questionnaires in
    the order they were asked; for PSK and PSFS only the activities the patient named or
    rated. No query beyond the intake the episode carries.
    """
    intake = episode.intake
    bank = red_flag_bank()
    flags_yes: list[FlagAnswer] = []
    flags_unknown: list[FlagAnswer] = []
    for flag in bank.flags:
        if flag.asked_of is not AskedOf.PATIENT or flag.id not in intake.red_flags:
            continue
        answer = intake.red_flags[flag.id]
        if answer is True:
            flags_yes.append(FlagAnswer(flag.id, text(flag.question)))
        elif answer == UNKNOWN:
            flags_unknown.append(FlagAnswer(flag.id, text(flag.question)))
    instruments: list[InstrumentAnswers] = []
    notes_by_instrument: Mapping[str, Mapping[str, str]] = intake.item_notes or {}
    for instrument_id, answers in (intake.answers or {}).items():
        try:
            definition = questionnaire(instrument_id)
        except ClinicalInputError:  # an instrument no longer bundled: its scores still show
            continue
        notes = notes_by_instrument.get(instrument_id, {})
        named = instrument_id in NAMED_ITEMS
        items = tuple(
            _item_answer(item, answers.get(item.link_id), notes.get(item.link_id, ""))
            for item in definition.items
            if not named or item.link_id in answers or item.link_id in notes
        )
        instruments.append(
            InstrumentAnswers(
                id=instrument_id,
                abbreviation=definition.abbreviation,
                name=text(definition.name),
                named=named,
                items=items,
            )
        )
    return IntakeAnswers(tuple(flags_yes), tuple(flags_unknown), tuple(instruments))


def review_factors(assessment: Assessment | None) -> list[str]:
    """The prognostic factors the review form offers pre-ticked: those the assessment read
    from the intake's answers (complaint and questionnaires), and those a clinician documented
    at an earlier review. The clinician unticks what the interview does not confirm."""
    if assessment is None:
        return []
    # The facts are the same in both languages' copies.
    result: Mapping[str, Any] = in_language(assessment.result, Lang.EN)
    known = prognostic_factor_list().factors
    return [factor["id"] for factor in result["prognostic_factors"] if factor["id"] in known]


def review_advice(episode: Episode, documented: Sequence[str]) -> str | None:
    """The profile the review will advise with ``documented`` as the clinician's factors.

    A ticked factor counts as documented, and documented psychosocial factors can raise a
    low STarT Back result (STRAT-PF-UP): the form compares the chosen profile with this
    advice, so keeping the advised profile never gives a plan of another profile unasked.
    """
    known = prognostic_factor_list().factors
    document = core_input(
        episode,
        episode.intake,
        timezone.localdate(),
        prognostic_factors=[factor for factor in documented if factor in known],
    )
    advice = assess(parse_intake(document)).advice
    return advice.profile.value if advice is not None else None
