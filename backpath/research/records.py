"""What the export reads: the episodes opened in the period, streamed, and per chunk of them
everything the rows need, in one query per kind of record (never one per episode).

Only the columns the tables use are read. Free text (names, notes, reasons, summaries,
addresses) is not even fetched: whether a session gave an over-budget reason is asked of
the database, which answers true or false.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import islice

from django.db.models import (
    BooleanField,
    Count,
    DateField,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from backpath.accounts.models import Clinic
from backpath.care.models import Assessment, AssessmentKind, Episode, PlanVersion, SessionNote
from backpath.clinical.language import Lang
from backpath.followup.models import Alert, Measurement
from backpath.interchange import not_recommended_lines
from backpath.programs.models import ExerciseLog, Program, ProgramItem

# The marker ``care.services.session_record`` adds to a session's warnings when the plan
# waited for the GP's answer; every other warning is an intervention code.
HOLD_WARNING = "hold"


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def episodes_opened(start: date, end: date, clinic: Clinic | None) -> QuerySet[Episode]:
    """The episodes opened from ``start`` to ``end`` (both days included, local time), in
    the order of their random ids: the row order tells nothing about when."""
    episodes = Episode.objects.filter(
        opened_at__gte=_midnight(start), opened_at__lt=_midnight(end + timedelta(days=1))
    )
    if clinic is not None:
        episodes = episodes.filter(clinic=clinic)
    return episodes.order_by("id")


@dataclass(frozen=True, slots=True)
class EpisodeFacts:
    """One episode's own columns, and its patient's age and sex (never the name)."""

    id: uuid.UUID
    patient_id: uuid.UUID
    clinic_id: uuid.UUID
    status: str
    urgency: str
    start: date  # the local day it was opened: day 0 of every offset
    closed: date | None
    discharge_reason: str
    date_of_birth: date
    sex: str
    intake_finished: date | None
    intake_answers: Mapping[str, Mapping[str, int]]


_FACTS = (
    "id",
    "patient_id",
    "clinic_id",
    "status",
    "urgency",
    "opened_at",
    "closed_at",
    "discharge_reason",
    "patient__date_of_birth",
    "patient__sex",
    "intake__finished_at",
    "intake__answers",
)


def _local(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def stream_facts(episodes: QuerySet[Episode], chunk_size: int) -> Iterator[list[EpisodeFacts]]:
    """The episodes in chunks, read from one streaming query (a server-side cursor on
    PostgreSQL): memory holds one chunk, however many episodes there are."""
    rows = episodes.values_list(*_FACTS).iterator(chunk_size=chunk_size)
    while chunk := list(islice(rows, chunk_size)):
        yield [
            EpisodeFacts(
                id=row[0],
                patient_id=row[1],
                clinic_id=row[2],
                status=row[3],
                urgency=row[4],
                start=timezone.localdate(row[5]),
                closed=_local(row[6]),
                discharge_reason=row[7],
                date_of_birth=row[8],
                sex=row[9],
                intake_finished=_local(row[10]),
                intake_answers=row[11] or {},
            )
            for row in chunk
        ]


@dataclass(frozen=True, slots=True)
class PlanFacts:
    id: uuid.UUID
    profile: str
    max_sessions: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SessionFacts:
    number: int
    held_on: date
    pain_now: int | None
    interventions: tuple[str, ...]
    warnings: tuple[str, ...]
    over_budget: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class MeasurementFacts:
    occasion: str
    due_on: date
    filled_on: date
    answers: Mapping[str, Mapping[str, int]]
    outcome: str


@dataclass(frozen=True, slots=True)
class ProgramFacts:
    published: date
    per_week: int  # the program's exercises' times per week, summed


@dataclass(slots=True)
class Records:
    """Everything of one episode the rows are built from, besides its own facts."""

    patient_episode: int = 1
    # (kind, profile, diagnosis), oldest first
    assessments: list[tuple[str, str, str]] = field(default_factory=list)
    plans: list[PlanFacts] = field(default_factory=list)  # in version order
    sessions: list[SessionFacts] = field(default_factory=list)  # in number order
    measurements: list[MeasurementFacts] = field(default_factory=list)  # by due date
    alerts: dict[str, int] = field(default_factory=dict)  # kind -> count
    programs: list[ProgramFacts] = field(default_factory=list)  # in version order
    exercises_done: int = 0
    # plan id -> intervention code -> the rule that advises against it (read only for an
    # episode with a session given against its plan)
    avoid_rules: dict[uuid.UUID, dict[str, str]] = field(default_factory=dict)

    @property
    def intake_profile(self) -> str:
        return next((p for kind, p, _dx in self.assessments if kind == AssessmentKind.INTAKE), "")

    @property
    def diagnosis(self) -> str:
        return self.assessments[-1][2] if self.assessments else ""


def read_chunk(chunk: Sequence[EpisodeFacts], today: date) -> dict[uuid.UUID, Records]:
    """The records of a chunk of episodes, one query per kind of record."""
    ids = [facts.id for facts in chunk]
    found: dict[uuid.UUID, Records] = {episode_id: Records() for episode_id in ids}
    _episode_numbers(chunk, found)
    for episode_id, kind, profile, diagnosis in (
        Assessment.objects.filter(episode_id__in=ids)
        .order_by("created_at")
        .values_list("episode_id", "kind", "profile", "diagnosis")
    ):
        found[episode_id].assessments.append((kind, profile, diagnosis))
    for episode_id, plan_id, profile, budget, created in (
        PlanVersion.objects.filter(episode_id__in=ids)
        .order_by("number")
        .values_list("episode_id", "id", "profile", "max_sessions", "created_at")
    ):
        found[episode_id].plans.append(PlanFacts(plan_id, profile, budget, created))
    _sessions(ids, found)
    for episode_id, occasion, due_on, answers, created, outcome in (
        Measurement.objects.filter(episode_id__in=ids)
        .order_by("due_on")
        .values_list("episode_id", "occasion", "due_on", "answers", "created_at", "outcome")
    ):
        found[episode_id].measurements.append(
            MeasurementFacts(occasion, due_on, timezone.localdate(created), answers, outcome)
        )
    for episode_id, kind, count in (
        Alert.objects.filter(episode_id__in=ids)
        .values_list("episode_id", "kind")
        .annotate(count=Count("id"))
        .order_by()
    ):
        found[episode_id].alerts[kind] = count
    _programs(ids, found, today)
    return found


def _episode_numbers(chunk: Sequence[EpisodeFacts], found: dict[uuid.UUID, Records]) -> None:
    patients = {facts.patient_id for facts in chunk}
    opened: dict[uuid.UUID, list[tuple[datetime, uuid.UUID]]] = defaultdict(list)
    for patient_id, opened_at, episode_id in Episode.objects.filter(
        patient_id__in=patients
    ).values_list("patient_id", "opened_at", "id"):
        opened[patient_id].append((opened_at, episode_id))
    for facts in chunk:
        order = [episode_id for _at, episode_id in sorted(opened[facts.patient_id])]
        found[facts.id].patient_episode = order.index(facts.id) + 1


def _sessions(ids: list[uuid.UUID], found: dict[uuid.UUID, Records]) -> None:
    over_budget = ExpressionWrapper(~Q(over_budget_reason=""), output_field=BooleanField())
    warned: set[uuid.UUID] = set()
    for episode_id, number, held_on, pain, interventions, warnings, created, over in (
        SessionNote.objects.filter(episode_id__in=ids)
        .annotate(gave_over_budget_reason=over_budget)
        .order_by("number")
        .values_list(
            "episode_id",
            "number",
            "held_on",
            "pain_now",
            "interventions",
            "warnings",
            "created_at",
            "gave_over_budget_reason",
        )
    ):
        found[episode_id].sessions.append(
            SessionFacts(
                number, held_on, pain, tuple(interventions), tuple(warnings), over, created
            )
        )
        if set(warnings) - {HOLD_WARNING}:
            warned.add(episode_id)
    if not warned:
        return
    # Only the plans of episodes with a warned session are read whole (their JSON is large).
    for episode_id, plan_id, plan in PlanVersion.objects.filter(episode_id__in=warned).values_list(
        "episode_id", "id", "plan"
    ):
        lines = not_recommended_lines(plan, Lang.EN)
        found[episode_id].avoid_rules[plan_id] = {
            code: str(line["rule"]) for code, line in lines.items()
        }


def _programs(ids: list[uuid.UUID], found: dict[uuid.UUID, Records], today: date) -> None:
    # Subqueries run with one program at a time, each through the indexes (items by program,
    # logs by item and day): a join of the chunk's programs to all items, logs and episodes
    # let PostgreSQL's planner pick hash joins over whole tables, every chunk. The last day
    # comes from the program's row, so that the logs are found by item before day.
    per_week = (
        ProgramItem.objects.filter(program=OuterRef("pk"))
        .order_by()
        .values("program")
        .annotate(total=Sum("per_week"))
        .values("total")
    )
    closed = Episode.objects.filter(pk=OuterRef("episode_id")).order_by().values("closed_at")
    # Done up to the discharge, or up to today while the episode is open.
    last_day = Coalesce(TruncDate(Subquery(closed)), Value(today), output_field=DateField())
    done = (
        ExerciseLog.objects.filter(
            item__program=OuterRef("pk"), done=True, day__lte=OuterRef("last_day")
        )
        .order_by()
        .values("item__program")
        .annotate(count=Count("id"))
        .values("count")
    )
    for episode_id, published, weekly, logged in (
        Program.objects.filter(episode_id__in=ids)
        .annotate(last_day=last_day)
        .annotate(per_week=Subquery(per_week), done=Subquery(done))
        .order_by("number")
        .values_list("episode_id", "published_at", "per_week", "done")
    ):
        records = found[episode_id]
        records.programs.append(ProgramFacts(timezone.localdate(published), weekly or 0))
        records.exercises_done += logged or 0
