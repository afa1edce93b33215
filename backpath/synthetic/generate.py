"""``backpath generate``: synthetic clinics, clinicians and patients through the real models.

Each patient gets an episode as the pages would leave it: a submitted intake, the intake and
review assessments with a care plan (the clinical core's JSON for the patient's archetype,
see ``archetypes``), session notes, a home program with exercise logs, diary entries,
measurements at the plan's occasions with the guideline's decision, the alerts those raise,
and, once the care is over, a discharge.

Fast enough for 100,000 patients in minutes. The core's JSON, about 100 KB a patient, is
made and serialized once per archetype, age and sex (``archetypes``), and that one text is
written for each of its patients. A patient's hundred-odd rows are plain tuples of their
columns' values, not model instances: building those and preparing their values one by one
was most of ``bulk_create``'s time. The columns are the models' own; those the generator
leaves alone get their field's default, as a save would give them. Patients are written a
chunk at a time, one transaction each, in a fixed number of statements per chunk, however
many patients it holds (``_Writer``: COPY on PostgreSQL, an ``executemany`` on SQLite);
memory stays flat however many patients are asked for, and an interrupted run leaves whole
patients only.

Ids and choices come from one random generator seeded with ``--seed`` (and the number of
synthetic clinics already there, so a second run adds new clinics instead of colliding):
the same seed on the same day and database gives the same records.

Refused on a database with real patients (any patient of a clinic that is not synthetic),
unless it is the demo's. The access log gets one entry for the whole run, not one per record:
nothing was read.
"""

from __future__ import annotations

import json
import random
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from time import monotonic
from typing import Any, NamedTuple, TypeAlias, TypeVar

from django.conf import settings
from django.db import connection, models, transaction
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.utils import timezone

from backpath import __version__
from backpath.accounts.models import Clinic, Role, User
from backpath.auditlog.models import Action
from backpath.auditlog.services import record
from backpath.care.models import (
    Assessment,
    Episode,
    Intake,
    Patient,
    PlanVersion,
    SessionNote,
)
from backpath.clinical.followup import adherence_alert
from backpath.clinical.sessions import check_session
from backpath.exercises.library import library
from backpath.followup.models import Alert, DiaryEntry, Measurement
from backpath.programs.models import ExerciseLog, Program, ProgramItem
from backpath.synthetic.archetypes import AlertText, Archetype, JsonText, archetype, synthetic_data

OPERATOR = "operator (backpath generate)"
BATCH = 1_000  # patients per chunk: one transaction, a fixed number of statements
MAX_CLINICS = 1_000
MAX_PATIENTS = 10_000_000
PROGRESS_EVERY = 10.0  # seconds between progress lines on stderr

# The values of a row, as its column reads them on both databases.
Id: TypeAlias = str  # a UUID in 32 hex digits: how Django keeps it in SQLite; PostgreSQL reads it
Day: TypeAlias = str  # a date, ISO 8601
Stamp: TypeAlias = str  # a moment in UTC (see _Builder.at)
UserId: TypeAlias = int

# The bits uuid.UUID(int=..., version=4) sets: the same ids as uuid.UUID, without the object.
_UUID_KEEP = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)

_MINUTES = tuple(timedelta(minutes=m) for m in range(60))
_T = TypeVar("_T")

_PATIENT_FACTS = json.dumps({"smoker": False, "cardiovascular_disease": False})
_DESCRIPTION = "Synthetic: low back pain, in the patient's own words."


class GenerateRefused(Exception):
    """Bad options, or a database that holds real patients."""


@dataclass(frozen=True, slots=True)
class Generated:
    clinics: int
    clinicians: int
    patients: int
    rows: dict[str, int]  # table -> rows written


# One row of each table: the fields are the columns the generator sets, by attribute name.


class _Patient(NamedTuple):
    id: Id
    clinic_id: Id
    first_name: str
    last_name: str
    date_of_birth: Day
    sex: str
    created_by_id: UserId
    created_at: Stamp


class _Episode(NamedTuple):
    id: Id
    clinic_id: Id
    patient_id: Id
    status: str
    urgency: str
    opened_by_id: UserId
    opened_at: Stamp
    closed_at: Stamp | None
    discharge_reason: str
    discharge_summary: str


class _Intake(NamedTuple):
    id: Id
    episode_id: Id
    status: str
    filled_by_id: UserId
    red_flags: JsonText
    urgency: str
    redflags_ruleset: str
    patient_facts: JsonText
    description: str
    complaint: JsonText
    answers: JsonText
    instrument_versions: JsonText
    started_at: Stamp
    finished_at: Stamp


class _Assessment(NamedTuple):
    id: Id
    episode_id: Id
    kind: str
    input: JsonText
    result: JsonText
    urgency: str
    diagnosis: str
    profile: str
    risk: str
    redflags_ruleset: str
    pathway_ruleset: str
    backpath_version: str
    created_by_id: UserId
    created_at: Stamp


class _Plan(NamedTuple):
    id: Id
    episode_id: Id
    number: int
    assessment_id: Id
    profile: str
    max_sessions: int
    within_weeks: int
    starts_on: Day
    plan: JsonText
    created_by_id: UserId
    created_at: Stamp


class _Session(NamedTuple):
    id: Id
    episode_id: Id
    number: int
    held_on: Day
    clinician_id: UserId
    subjective: str
    pain_now: int
    interventions: JsonText
    warnings: JsonText
    deviation_reason: str
    over_budget_reason: str
    created_at: Stamp


class _Program(NamedTuple):
    id: Id
    episode_id: Id
    number: int
    created_by_id: UserId
    published_at: Stamp


class _Item(NamedTuple):
    id: Id
    program_id: Id
    position: int
    exercise_id: str
    sets: int | None
    reps: int | None
    hold_seconds: int | None
    minutes: int | None
    per_week: int


class _Log(NamedTuple):
    id: Id
    item_id: Id
    day: Day
    done: bool
    pain: int | None
    difficulty: int | None
    logged_at: Stamp


class _Diary(NamedTuple):
    episode_id: Id
    day: Day
    pain: int
    active_minutes: int
    exercises: str
    sitting_breaks: int
    sleep: str
    stress: int
    updated_at: Stamp


class _Measurement(NamedTuple):
    id: Id
    episode_id: Id
    occasion: str
    due_on: Day
    answers: JsonText
    scores: JsonText
    instrument_versions: JsonText
    outcome: str
    decision: JsonText
    created_at: Stamp


class _Alert(NamedTuple):
    id: Id
    clinic_id: Id
    episode_id: Id
    kind: str
    key: str
    priority: int
    rule: str
    source: str
    text: JsonText
    created_at: Stamp
    resolved_at: Stamp | None
    resolved_by_id: UserId | None


@dataclass(slots=True)
class _Chunk:
    """A chunk of patients' rows, by table (the names of Generated.rows)."""

    patients: list[_Patient] = field(default_factory=list)
    episodes: list[_Episode] = field(default_factory=list)
    intakes: list[_Intake] = field(default_factory=list)
    assessments: list[_Assessment] = field(default_factory=list)
    plans: list[_Plan] = field(default_factory=list)
    sessions: list[_Session] = field(default_factory=list)
    programs: list[_Program] = field(default_factory=list)
    program_items: list[_Item] = field(default_factory=list)
    exercise_logs: list[_Log] = field(default_factory=list)
    diary: list[_Diary] = field(default_factory=list)
    measurements: list[_Measurement] = field(default_factory=list)
    alerts: list[_Alert] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Table:
    name: str  # the _Chunk field
    model: type[models.Model]
    columns: tuple[str, ...]  # the row's fields


# The tables in the order they are written: every row's parent is written before it.
_TABLES = (
    _Table("patients", Patient, _Patient._fields),
    _Table("episodes", Episode, _Episode._fields),
    _Table("intakes", Intake, _Intake._fields),
    _Table("assessments", Assessment, _Assessment._fields),
    _Table("plans", PlanVersion, _Plan._fields),
    _Table("sessions", SessionNote, _Session._fields),
    _Table("programs", Program, _Program._fields),
    _Table("program_items", ProgramItem, _Item._fields),
    _Table("exercise_logs", ExerciseLog, _Log._fields),
    _Table("diary", DiaryEntry, _Diary._fields),
    _Table("measurements", Measurement, _Measurement._fields),
    _Table("alerts", Alert, _Alert._fields),
)


def check_database() -> None:
    """Refuses a database with real patients unless it is the demo's."""
    if settings.BACKPATH_DEMO:
        return
    if Patient.objects.filter(clinic__synthetic=False).exists():
        raise GenerateRefused(
            "this database holds real patients (in clinics that are not synthetic); "
            "synthetic data is generated only into an empty or synthetic database, or the demo's"
        )


def generate(
    *,
    clinics: int,
    patients: int,
    seed: int,
    today: date | None = None,
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
    into: Clinic | None = None,
) -> Generated:
    """Generate ``patients`` patients spread over ``clinics`` new synthetic clinics, or
    (``into``, with no new clinic) among an existing clinic's clinicians: the demo's history.

    ``progress`` is told the patients written after each chunk; without it, a run of more
    than one chunk says how far it is on stderr now and then.
    """
    if into is not None:
        if clinics != 0:
            raise GenerateRefused("into an existing clinic, no new clinics are made: --clinics 0")
    elif not 1 <= clinics <= MAX_CLINICS:
        raise GenerateRefused(f"--clinics: must be 1 to {MAX_CLINICS}, not {clinics}")
    if not 1 <= patients <= MAX_PATIENTS:
        raise GenerateRefused(f"--patients: must be 1 to {MAX_PATIENTS}, not {patients}")
    check_database()
    today = today or timezone.localdate()
    already = Clinic.objects.filter(synthetic=True).count()
    writer = _Writer()
    builder = _Builder(random.Random(f"{seed}:{already}"), today, writer.utc)
    if into is not None:
        staff = User.objects.filter(clinic=into, role__in=(Role.CLINICIAN, Role.CLINIC_ADMIN))
        team = [(into.id.hex, list(staff.order_by("pk").values_list("pk", flat=True)))]
        if not team[0][1]:
            raise GenerateRefused(f"{into.name}: no clinicians to treat the patients")
    else:
        with transaction.atomic():
            team = builder.clinics(clinics, first=already + 1)
    if progress is None and patients > batch:
        progress = _on_stderr(patients)
    rows: dict[str, int] = {table.name: 0 for table in _TABLES}
    done = 0
    with writer:
        while done < patients:
            size = min(batch, patients - done)
            chunk = builder.patients(team, size)
            with transaction.atomic():
                for table in _TABLES:
                    made: list[tuple[Any, ...]] = getattr(chunk, table.name)
                    writer.write(table, made)
                    rows[table.name] += len(made)
            done += size
            if progress:
                progress(done)
    record(
        actor=None,
        actor_label=OPERATOR,
        action=Action.CREATE,
        object_type="synthetic_data",
        object_id=builder.uuid(),
        detail=f"synthetic data: {clinics} clinics, {patients} patients, seed {seed}",
    )
    clinicians = sum(len(staff) for _clinic, staff in team)
    return Generated(clinics, clinicians, patients, rows)


def _on_stderr(total: int) -> Callable[[int], None]:
    began = shown = monotonic()

    def show(done: int) -> None:
        nonlocal shown
        now = monotonic()
        if now - shown >= PROGRESS_EVERY or done == total:
            shown = now
            rate = done / max(now - began, 1e-9)
            print(
                f"backpath generate: {done:,} of {total:,} patients ({rate:,.0f} a second)",
                file=sys.stderr,
                flush=True,
            )

    return show


@dataclass(frozen=True, slots=True)
class _Layout:
    """How a table's rows are written: the generator's columns, then the rest, which get
    their field's default as a save would give them (an auto_now is now)."""

    table: str  # quoted, like the columns
    given: str
    columns: str  # the given and the rest
    rest: list[models.Field[Any, Any]]
    documents: list[int]  # the positions of the given JSON columns
    # PostgreSQL, for rows that hold JSON: the staging table and its columns' definitions,
    # and the statement that copies its rows to the table, the rest as parameters.
    stage: str = ""
    staging: str = ""
    insert: str = ""


class _Writer:
    """Writes rows of plain values to the models' tables, a few statements a table and chunk.

    SQLite keeps JSON as text: its rows go in as they are, one ``executemany`` a table.

    On PostgreSQL the rows stream in with COPY. A JSON value goes to the server once per
    run, into a temporary table of documents, and each row that holds it gets it from there
    (INSERT ... SELECT from a staging table of the rows with the document's number). Parsing
    and compressing 100 KB of JSON a patient was most of the server's time; this way each
    distinct document is parsed and compressed once, and every row that holds it gets the
    same compressed bytes: the server's own compression, as the app's writes get it.
    """

    DOCUMENTS = "synthetic_documents"

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        # Follows a moment in UTC: PostgreSQL's timestamptz reads the offset; Django keeps
        # SQLite's naive.
        self.utc = "+00:00" if self.postgres else ""
        self.layouts = {table.name: self._layout(table) for table in _TABLES}
        self.documents: dict[JsonText, int] = {}  # on the server, by number
        self.unsent: list[tuple[int, JsonText]] = []

    def _layout(self, table: _Table) -> _Layout:
        quote, meta = connection.ops.quote_name, table.model._meta
        fields = {f.attname: f for f in meta.concrete_fields}
        column = {f.attname: quote(f.column) for f in meta.concrete_fields if f.column}
        given = [fields.pop(name) for name in table.columns]
        rest = [f for f in fields.values() if f is not meta.auto_field]  # the database numbers it
        documents = [i for i, f in enumerate(given) if isinstance(f, models.JSONField)]
        name = quote(meta.db_table)
        given_columns = ", ".join(column[f.attname] for f in given)
        columns = ", ".join(column[f.attname] for f in given + rest)
        if not (self.postgres and documents):
            return _Layout(name, given_columns, columns, rest, documents)
        stage = quote(f"synthetic_{meta.db_table}")
        staging, picked, joins = [], [], []
        for i, f in enumerate(given):
            if i in documents:
                staging.append(f"{column[f.attname]} integer")
                picked.append(f"d{i}.doc")
                joins.append(f"JOIN {self.DOCUMENTS} d{i} ON d{i}.id = s.{column[f.attname]}")
            else:
                staging.append(f"{column[f.attname]} {f.db_type(connection)}")
                picked.append(f"s.{column[f.attname]}")
        picked += [f"CAST(%s AS {f.cast_db_type(connection)})" for f in rest]
        insert = (
            f"INSERT INTO {name} ({columns}) SELECT {', '.join(picked)} "
            f"FROM {stage} s {' '.join(joins)}"
        )
        return _Layout(
            name, given_columns, columns, rest, documents, stage, ", ".join(staging), insert
        )

    def __enter__(self) -> _Writer:
        """Makes the run's temporary tables on PostgreSQL (the session's own)."""
        if self.postgres:
            tables = {self.DOCUMENTS: "id integer PRIMARY KEY, doc jsonb NOT NULL"}
            tables |= {t.stage: t.staging for t in self.layouts.values() if t.stage}
            with connection.cursor() as cursor:
                for name, columns in tables.items():
                    # A failed run in this session may have left its own.
                    cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{name}")
                    cursor.execute(f"CREATE TEMPORARY TABLE {name} ({columns})")
        return self

    def __exit__(self, failed: type[BaseException] | None, *_exc: object) -> None:
        # After a failure the transaction may be unusable: the next run, or the end of the
        # session, drops them.
        if self.postgres and failed is None:
            stages = [t.stage for t in self.layouts.values() if t.stage]
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE pg_temp.{self.DOCUMENTS}, {', '.join(stages)}")

    def write(self, table: _Table, rows: Sequence[tuple[Any, ...]]) -> None:
        layout = self.layouts[table.name]
        blank = table.model()
        tail = tuple(
            f.get_db_prep_save(f.pre_save(blank, add=True), connection) for f in layout.rest
        )
        with connection.cursor() as cursor:
            if layout.stage:
                self._copy(cursor, layout.stage, layout.given, self._numbered(layout, rows))
                self._copy(cursor, self.DOCUMENTS, "id, doc", self.unsent)
                self.unsent.clear()
                cursor.execute(layout.insert, tail)
                cursor.execute(f"TRUNCATE {layout.stage}")
            elif self.postgres:
                self._copy(cursor, layout.table, layout.columns, (row + tail for row in rows))
            else:
                marks = ", ".join(["%s"] * (len(table.columns) + len(layout.rest)))
                cursor.executemany(
                    f"INSERT INTO {layout.table} ({layout.columns}) VALUES ({marks})",
                    [row + tail for row in rows],
                )

    def _numbered(self, layout: _Layout, rows: Iterable[tuple[Any, ...]]) -> Iterator[list[Any]]:
        """The rows with each JSON value replaced by its document's number; the documents
        the server has not had yet are kept for sending."""
        for row in rows:
            values = list(row)
            for i in layout.documents:
                number = self.documents.get(values[i])
                if number is None:
                    number = self.documents[values[i]] = len(self.documents)
                    self.unsent.append((number, values[i]))
                values[i] = number
            yield values

    @staticmethod
    def _copy(
        cursor: CursorWrapper, table: str, columns: str, rows: Iterable[Sequence[Any]]
    ) -> None:
        sql = f"COPY {table} ({columns}) FROM STDIN"
        # Logged like any statement (connection.queries, assertNumQueries).
        logged: AbstractContextManager[None] = (
            cursor.debug_sql(sql) if isinstance(cursor, CursorDebugWrapper) else nullcontext()
        )
        with logged, connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


@cache
def _listed(codes: tuple[str, ...]) -> JsonText:
    """A list of codes as JSON: a few hundred lists serve all the session notes."""
    return json.dumps(codes)


def _years_before(day: date, years: int) -> date:
    """The day ``years`` years earlier: a birthday, so the patient is exactly that old."""
    if (day.month, day.day) == (2, 29):
        day -= timedelta(days=1)
    return day.replace(year=day.year - years)


def _weighted(rng: random.Random, shares: Mapping[str, float]) -> Callable[[], str]:
    keys, weights = list(shares), list(shares.values())
    return lambda: rng.choices(keys, weights)[0]


@dataclass(slots=True)
class _Care:
    """One patient's episode, that the rest of their records are built from."""

    rows: _Chunk
    archetype: Archetype
    course: str
    clinic: Id
    clinician: UserId
    episode: Id
    start: date  # the review: the plan starts and care begins
    end: date | None  # discharge, or None while in care
    pain: int  # at the intake
    relief: int  # points off the pain by the end of the care
    span: int  # the longest care of the archetype, in days


class _Builder:
    def __init__(self, rng: random.Random, today: date, utc: str) -> None:
        self.rng = rng
        self.random = rng.random
        self.today = today
        self.utc = utc
        self.hours: dict[tuple[date, int], datetime] = {}  # (day, local hour) -> its start in UTC
        self.data = synthetic_data()
        self.tz = timezone.get_current_timezone()
        self.pick_archetype = _weighted(
            rng, {key: a.weight for key, a in self.data.archetypes.items()}
        )
        self.pick_sex = _weighted(rng, self.data.sexes)
        self.pick_passive = _weighted(rng, self.data.passive)
        self.course = {key: _weighted(rng, a.course) for key, a in self.data.archetypes.items()}
        self.reason = {key: _weighted(rng, r) for key, r in self.data.discharge_reasons.items()}
        self.dosage = {key: e.dosage for key, e in library().items()}

    def uuid(self) -> Id:
        return f"{self.rng.getrandbits(128) & _UUID_KEEP | _UUID_SET:032x}"

    # The row loops draw a few numbers a row: from random() directly, several times faster
    # than randrange() and choice().

    def below(self, n: int) -> int:
        """0 to n - 1."""
        return int(self.random() * n)

    def pick(self, choices: Sequence[_T]) -> _T:
        return choices[int(self.random() * len(choices))]

    def between(self, span: Sequence[int]) -> int:
        """From the first to the last, inclusive."""
        return span[0] + self.below(span[1] - span[0] + 1)

    def at(self, day: date, hour: int = 10) -> Stamp:
        """A moment in that hour of the local day, as its column reads it."""
        start = self.hours.get((day, hour))
        if start is None:
            local = datetime.combine(day, time(hour), self.tz)
            start = self.hours[day, hour] = local.astimezone(UTC).replace(tzinfo=None)
        # The hours used are well clear of a change of clock: the offset holds all hour.
        return (start + _MINUTES[self.below(60)]).isoformat(" ") + self.utc

    def clinics(self, count: int, *, first: int) -> list[tuple[Id, list[UserId]]]:
        data, made = self.data, []
        for number in range(first, first + count):
            city = data.clinic_cities[(number - 1) % len(data.clinic_cities)]
            clinic = Clinic.objects.create(
                id=uuid.UUID(self.uuid()),
                name=f"{data.clinic_prefix} Fysio {city} {number}",
                city=city,
                synthetic=True,
            )
            staff = []
            for n in range(1, self.between(data.clinicians_per_clinic) + 1):
                sex = self.pick(("female", "male"))
                user = User(
                    email=f"clinician{n}.clinic{number}@{data.email_domain}",
                    first_name=self.pick(data.first_names[sex]),
                    last_name=self.pick(data.last_names),
                    clinic=clinic,
                    role=Role.CLINICIAN,
                )
                # Nobody logs in as an invented clinician (and hashing would take seconds).
                user.set_unusable_password()
                staff.append(user)
            User.objects.bulk_create(staff)
            made.append((clinic.id.hex, [user.pk for user in staff]))
        return made

    def patients(self, team: list[tuple[Id, list[UserId]]], count: int) -> _Chunk:
        rows = _Chunk()
        for _ in range(count):
            clinic, staff = self.pick(team)
            care = self._episode(rows, clinic, self.pick(staff))
            self._sessions(care)
            self._program(care)
            self._diary(care)
            self._measurements(care)
        return rows

    def _episode(self, rows: _Chunk, clinic: Id, clinician: UserId) -> _Care:
        """The patient, their episode, its intake and the assessments with the care plan."""
        data = self.data
        key = self.pick_archetype()
        # At least a day ago: the review, a day after the intake, has been held by today.
        opened = self.today - timedelta(days=1 + self.below(data.days))
        sex = self.pick_sex()
        first = self.pick(data.first_names[sex or self.pick(("female", "male"))])
        age = self.between(data.age)
        a = archetype(key, age, sex)
        born = _years_before(opened, age) - timedelta(days=self.below(365))
        # The clinician registers the patient and opens the episode; the intake is submitted
        # (and assessed) within the hour. In the morning the date is the same in UTC.
        began, submitted = self.at(opened, 9), self.at(opened, 10)
        patient, episode = self.uuid(), self.uuid()
        rows.patients.append(
            _Patient(
                id=patient,
                clinic_id=clinic,
                first_name=first,
                last_name=self.pick(data.last_names),
                date_of_birth=born.isoformat(),
                sex=sex,
                created_by_id=clinician,
                created_at=began,
            )
        )
        course = self.course[key]()
        start = opened + timedelta(days=1)
        end = start + timedelta(days=self.between(a.data.care_days))
        closed = end <= self.today
        rows.episodes.append(
            _Episode(
                id=episode,
                clinic_id=clinic,
                patient_id=patient,
                status="closed" if closed else "treatment",
                urgency=a.urgency,
                opened_by_id=clinician,
                opened_at=began,
                closed_at=self.at(end, 17) if closed else None,
                discharge_reason=self.reason[course]() if closed else "",
                discharge_summary=data.discharge_summary if closed else "",
            )
        )
        rows.intakes.append(
            _Intake(
                id=self.uuid(),
                episode_id=episode,
                status="submitted",
                filled_by_id=clinician,
                red_flags=a.red_flags,
                urgency=a.urgency,
                redflags_ruleset=a.redflags_ruleset,
                patient_facts=_PATIENT_FACTS,
                description=_DESCRIPTION,
                complaint=a.complaint,
                answers=a.answers,
                instrument_versions=a.instrument_versions,
                started_at=began,
                finished_at=submitted,
            )
        )
        reviewed = self.at(start, 11)
        review = self.uuid()
        for made, kind, given, result, at in (
            (self.uuid(), "intake", a.intake_input, a.intake_result, submitted),
            (review, "review", a.review_input, a.review_result, reviewed),
        ):
            rows.assessments.append(
                _Assessment(
                    id=made,
                    episode_id=episode,
                    kind=kind,
                    input=given,
                    result=result,
                    urgency=a.urgency,
                    diagnosis=a.diagnosis,
                    profile=a.profile,
                    risk=a.risk,
                    redflags_ruleset=a.redflags_ruleset,
                    pathway_ruleset=a.pathway_ruleset,
                    backpath_version=__version__,
                    created_by_id=clinician,
                    created_at=at,
                )
            )
        rows.plans.append(
            _Plan(
                id=self.uuid(),
                episode_id=episode,
                number=1,
                assessment_id=review,
                profile=a.profile,
                max_sessions=a.max_sessions,
                within_weeks=a.within_weeks,
                starts_on=start.isoformat(),
                plan=a.plan,
                created_by_id=clinician,
                created_at=reviewed,
            )
        )
        return _Care(
            rows=rows,
            archetype=a,
            course=course,
            clinic=clinic,
            clinician=clinician,
            episode=episode,
            start=start,
            end=end if closed else None,
            pain=a.data.answers.nprs["q1"],
            relief=data.courses[course].discharge[0],
            span=a.data.care_days[1],
        )

    def _last_day(self, care: _Care) -> date:
        return care.end or self.today

    def _pain(self, care: _Care, day: date) -> int:
        """The pain on a day of care, moving from the intake's towards the course's end."""
        done = min(1.0, (day - care.start).days / care.span)
        return min(10, max(0, round(care.pain - care.relief * done) + self.below(3) - 1))

    def _sessions(self, care: _Care) -> None:
        a, rng, data = care.archetype, self.rng, self.data
        wanted = self.between(a.data.sessions)
        last = self._last_day(care)
        gap = max(3, a.data.care_days[0] // max(1, wanted))
        for number in range(1, wanted + 1):
            held = care.start + timedelta(days=gap * (number - 1))
            if held > last:
                break
            given = rng.sample(a.components, self.between(data.active_per_session))
            if rng.random() < data.passive_share:
                given.append(self.pick_passive())
            check = check_session(given, a.avoid, number, a.max_sessions)
            care.rows.sessions.append(
                _Session(
                    id=self.uuid(),
                    episode_id=care.episode,
                    number=number,
                    held_on=held.isoformat(),
                    clinician_id=care.clinician,
                    subjective="Synthetic session note.",
                    pain_now=self._pain(care, held),
                    interventions=_listed(tuple(given)),
                    warnings=_listed(tuple(code for code, _verdict in check.not_recommended)),
                    deviation_reason=self.pick(data.deviation_reasons)
                    if check.needs_reason
                    else "",
                    over_budget_reason="",
                    created_at=self.at(held, 14),
                )
            )

    def _program(self, care: _Care) -> None:
        rng, data = self.rng, self.data
        program = self.uuid()
        care.rows.programs.append(
            _Program(
                id=program,
                episode_id=care.episode,
                number=1,
                created_by_id=care.clinician,
                published_at=self.at(care.start, 12),
            )
        )
        chosen = rng.sample(data.exercises[care.archetype.profile], data.exercises_per_program)
        items = []
        for position, exercise_id in enumerate(chosen, start=1):
            dosage = self.dosage[exercise_id]
            item = self.uuid()
            items.append(item)
            care.rows.program_items.append(
                _Item(
                    id=item,
                    program_id=program,
                    position=position,
                    exercise_id=exercise_id,
                    sets=dosage.sets,
                    reps=dosage.reps,
                    hold_seconds=dosage.hold_seconds,
                    minutes=dosage.minutes,
                    per_week=self.pick((3, 5, 7)),
                )
            )
        adherent = rng.random() < data.adherent_share
        share = data.done_when_adherent if adherent else data.done_otherwise
        last = min(self._last_day(care), care.start + timedelta(weeks=data.log_weeks))
        done = planned = 0
        day = care.start + timedelta(days=1)
        while day <= last:
            # The patient logs the day's exercises at once, in the evening.
            iso, logged = day.isoformat(), self.at(day, 19)
            for item in items:
                did = self.random() < share
                done, planned = done + did, planned + 1
                care.rows.exercise_logs.append(
                    _Log(
                        id=self.uuid(),
                        item_id=item,
                        day=iso,
                        done=did,
                        pain=self._pain(care, day) if did else None,
                        difficulty=2 + self.below(3) if did else None,
                        logged_at=logged,
                    )
                )
            day += timedelta(days=data.log_every_days)
        spec = adherence_alert(done, planned, (last - care.start).days)
        if spec is not None:
            self._alert(care, AlertText.of(spec), key=f"week-{data.log_weeks}", day=last)

    def _diary(self, care: _Care) -> None:
        data = self.data
        last = min(self._last_day(care), care.start + timedelta(weeks=data.log_weeks))
        day = care.start
        while day <= last:
            pain = self._pain(care, day)
            care.rows.diary.append(
                _Diary(
                    episode_id=care.episode,
                    day=day.isoformat(),
                    pain=pain,
                    active_minutes=5 * self.between((2, 17)),
                    exercises=self.pick(("all", "all", "some", "none")),
                    sitting_breaks=self.below(10),
                    sleep=self.pick(("good", "fair", "poor") if pain < 6 else ("fair", "poor")),
                    stress=min(10, max(0, pain + self.below(5) - 3)),
                    updated_at=self.at(day, 21),
                )
            )
            day += timedelta(days=data.diary_every_days)

    def _measurements(self, care: _Care) -> None:
        a = care.archetype
        due = {key: care.start + timedelta(days=days) for key, days in a.occasion_days.items()}
        if care.end is not None:
            due = {key: day for key, day in due.items() if day <= care.end}
            due["discharge"] = care.end
        for occasion, day in due.items():
            if day > self.today:
                continue
            measured = a.measured[care.course, occasion]
            care.rows.measurements.append(
                _Measurement(
                    id=self.uuid(),
                    episode_id=care.episode,
                    occasion=occasion,
                    due_on=day.isoformat(),
                    answers=measured.answers,
                    scores=measured.scores,
                    instrument_versions=measured.instrument_versions,
                    outcome=measured.outcome,
                    decision=measured.decision,
                    created_at=self.at(day, 16),
                )
            )
            if measured.alert is not None:
                self._alert(care, measured.alert, key=occasion, day=day)

    def _alert(self, care: _Care, alert: AlertText, *, key: str, day: date) -> None:
        # A closed episode's alerts were dealt with before the discharge.
        care.rows.alerts.append(
            _Alert(
                id=self.uuid(),
                clinic_id=care.clinic,
                episode_id=care.episode,
                kind=alert.kind,
                key=key,
                priority=alert.priority,
                rule=alert.rule,
                source=alert.source,
                text=alert.text,
                created_at=self.at(day, 16),
                resolved_at=self.at(care.end, 12) if care.end is not None else None,
                resolved_by_id=care.clinician if care.end is not None else None,
            )
        )
