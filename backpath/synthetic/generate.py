"""``backpath generate``: synthetic clinics, clinicians and patients through the real models.

Each patient gets an episode as the pages would leave it: a submitted intake, the intake and
review assessments with a care plan (the clinical core's JSON for the patient's archetype,
see ``archetypes``), session notes, a home program with exercise logs, diary entries,
measurements at the plan's occasions with the guideline's decision, the alerts those raise,
and, once the care is over, a discharge. Rows are built in memory and written with
``bulk_create``, one transaction per batch of patients, so an interrupted run leaves whole
patients only.

Ids and choices come from one random generator seeded with ``--seed`` (and the number of
synthetic clinics already there, so a second run adds new clinics instead of colliding):
the same seed on the same day and database gives the same records.

Refused on a database with real patients (any patient of a clinic that is not synthetic),
unless it is the demo's. The access log gets one entry for the whole run, not one per record:
nothing was read.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
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
from backpath.clinical.language import Lang
from backpath.clinical.sessions import check_session
from backpath.exercises.library import library
from backpath.followup.models import Alert, DiaryEntry, Measurement
from backpath.interchange import in_language
from backpath.programs.models import ExerciseLog, Program, ProgramItem
from backpath.synthetic.archetypes import Archetype, archetype, synthetic_data

OPERATOR = "operator (backpath generate)"
BATCH = 1_000  # patients per transaction
MAX_CLINICS = 1_000
MAX_PATIENTS = 10_000_000


class GenerateRefused(Exception):
    """Bad options, or a database that holds real patients."""


@dataclass(frozen=True, slots=True)
class Generated:
    clinics: int
    clinicians: int
    patients: int
    rows: dict[str, int]  # table -> rows written


# The tables in the order they are written: every row's parent is written before it.
_MODELS: tuple[tuple[str, type[models.Model]], ...] = (
    ("patients", Patient),
    ("episodes", Episode),
    ("intakes", Intake),
    ("assessments", Assessment),
    ("plans", PlanVersion),
    ("sessions", SessionNote),
    ("programs", Program),
    ("program_items", ProgramItem),
    ("exercise_logs", ExerciseLog),
    ("diary", DiaryEntry),
    ("measurements", Measurement),
    ("alerts", Alert),
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
) -> Generated:
    """Generate ``patients`` patients spread over ``clinics`` new synthetic clinics."""
    if not 1 <= clinics <= MAX_CLINICS:
        raise GenerateRefused(f"--clinics: must be 1 to {MAX_CLINICS}, not {clinics}")
    if not 1 <= patients <= MAX_PATIENTS:
        raise GenerateRefused(f"--patients: must be 1 to {MAX_PATIENTS}, not {patients}")
    check_database()
    today = today or timezone.localdate()
    already = Clinic.objects.filter(synthetic=True).count()
    builder = _Builder(random.Random(f"{seed}:{already}"), today)
    with transaction.atomic():
        team = builder.clinics(clinics, first=already + 1)
    rows: dict[str, int] = {name: 0 for name, _model in _MODELS}
    done = 0
    while done < patients:
        size = min(batch, patients - done)
        made = builder.patients(team, size)
        with transaction.atomic():
            for name, model in _MODELS:
                model._default_manager.bulk_create(made[name], batch_size=500)
                rows[name] += len(made[name])
        done += size
        if progress:
            progress(done)
    clinicians = sum(len(staff) for _clinic, staff in team)
    record(
        actor=None,
        actor_label=OPERATOR,
        action=Action.CREATE,
        object_type="synthetic_data",
        object_id=builder.uuid().hex,
        detail=f"synthetic data: {clinics} clinics, {patients} patients, seed {seed}",
    )
    return Generated(clinics, clinicians, patients, rows)


def _years_before(day: date, years: int) -> date:
    """The day ``years`` years earlier: a birthday, so the patient is exactly that old."""
    if (day.month, day.day) == (2, 29):
        day -= timedelta(days=1)
    return day.replace(year=day.year - years)


def _weighted(rng: random.Random, shares: Mapping[str, float]) -> Callable[[], str]:
    keys, weights = list(shares), list(shares.values())
    return lambda: rng.choices(keys, weights)[0]


@dataclass(slots=True)
class _Episode:
    """What one patient's records are built from."""

    archetype: Archetype
    course: str
    clinic: Clinic
    clinician: User
    episode: Episode
    start: date  # the review: the plan starts and care begins
    end: date | None  # discharge, or None while in care
    rows: dict[str, list[Any]] = field(default_factory=dict)


class _Builder:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
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

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def at(self, day: date, hour: int = 10) -> datetime:
        return datetime.combine(day, time(hour, self.rng.randrange(60)), self.tz)

    def between(self, span: Sequence[int]) -> int:
        return self.rng.randint(span[0], span[1])

    def clinics(self, count: int, *, first: int) -> list[tuple[Clinic, list[User]]]:
        data, made = self.data, []
        for number in range(first, first + count):
            city = data.clinic_cities[(number - 1) % len(data.clinic_cities)]
            clinic = Clinic.objects.create(
                id=self.uuid(),
                name=f"{data.clinic_prefix} Fysio {city} {number}",
                city=city,
                synthetic=True,
            )
            staff = []
            for n in range(1, self.between(data.clinicians_per_clinic) + 1):
                sex = self.rng.choice(("female", "male"))
                user = User(
                    email=f"clinician{n}.clinic{number}@{data.email_domain}",
                    first_name=self.rng.choice(data.first_names[sex]),
                    last_name=self.rng.choice(data.last_names),
                    clinic=clinic,
                    role=Role.CLINICIAN,
                )
                # Nobody logs in as an invented clinician (and hashing would take seconds).
                user.set_unusable_password()
                staff.append(user)
            User.objects.bulk_create(staff)
            made.append((clinic, staff))
        return made

    def patients(self, team: list[tuple[Clinic, list[User]]], count: int) -> dict[str, list[Any]]:
        rows: dict[str, list[Any]] = {name: [] for name, _model in _MODELS}
        for _ in range(count):
            clinic, staff = self.rng.choice(team)
            made = self._episode(clinic, self.rng.choice(staff))
            made.rows = rows
            self._assessments(made)
            self._sessions(made)
            self._program(made)
            self._diary(made)
            self._measurements(made)
        return rows

    def _episode(self, clinic: Clinic, clinician: User) -> _Episode:
        data, rng = self.data, self.rng
        key = self.pick_archetype()
        # At least a day ago: the review, a day after the intake, has been held by today.
        opened = self.today - timedelta(days=1 + rng.randrange(data.days))
        sex = self.pick_sex()
        first = rng.choice(data.first_names[sex or rng.choice(("female", "male"))])
        age = self.between(data.age)
        kind = archetype(key, age, sex)
        born = _years_before(opened, age) - timedelta(days=rng.randrange(365))
        patient = Patient(
            id=self.uuid(),
            clinic=clinic,
            first_name=first,
            last_name=rng.choice(data.last_names),
            date_of_birth=born,
            sex=sex,
            created_by=clinician,
            created_at=self.at(opened, 9),
        )
        course = self.course[key]()
        start = opened + timedelta(days=1)
        end = start + timedelta(days=self.between(kind.data.care_days))
        closed = end <= self.today
        episode = Episode(
            id=self.uuid(),
            clinic=clinic,
            patient=patient,
            status="closed" if closed else "treatment",
            urgency=kind.urgency,
            opened_by=clinician,
            opened_at=self.at(opened, 9),
            closed_at=self.at(end, 17) if closed else None,
            discharge_reason=self.reason[course]() if closed else "",
            discharge_summary=data.discharge_summary if closed else "",
        )
        return _Episode(kind, course, clinic, clinician, episode, start, end if closed else None)

    def _assessments(self, made: _Episode) -> None:
        a, episode, rows = made.archetype, made.episode, made.rows
        opened = episode.opened_at.date()
        rows["patients"].append(episode.patient)
        rows["episodes"].append(episode)
        rows["intakes"].append(
            Intake(
                id=self.uuid(),
                episode=episode,
                status="submitted",
                filled_by=made.clinician,
                red_flags=a.red_flags,
                urgency=a.urgency,
                redflags_ruleset=a.redflags_ruleset,
                patient_facts={"smoker": False, "cardiovascular_disease": False},
                description="Synthetic: low back pain, in the patient's own words.",
                complaint=a.complaint,
                answers=a.answers,
                instrument_versions=a.instrument_versions,
                started_at=self.at(opened, 9),
                finished_at=self.at(opened, 9),
            )
        )
        common = {
            "episode": episode,
            "urgency": a.urgency,
            "diagnosis": a.diagnosis,
            "profile": a.profile,
            "risk": a.risk,
            "redflags_ruleset": a.redflags_ruleset,
            "pathway_ruleset": a.pathway_ruleset,
            "backpath_version": __version__,
            "created_by": made.clinician,
        }
        rows["assessments"].append(
            Assessment(
                id=self.uuid(),
                kind="intake",
                input=a.intake_input,
                result=a.intake_result,
                created_at=self.at(opened, 10),
                **common,
            )
        )
        review = Assessment(
            id=self.uuid(),
            kind="review",
            input=a.review_input,
            result=a.review_result,
            created_at=self.at(made.start, 11),
            **common,
        )
        rows["assessments"].append(review)
        rows["plans"].append(
            PlanVersion(
                id=self.uuid(),
                episode=episode,
                number=1,
                assessment=review,
                profile=a.profile,
                max_sessions=a.max_sessions,
                within_weeks=a.within_weeks,
                starts_on=made.start,
                plan=a.plan,
                created_by=made.clinician,
                created_at=self.at(made.start, 11),
            )
        )

    def _last_day(self, made: _Episode) -> date:
        return made.end or self.today

    def _pain(self, made: _Episode, day: date) -> int:
        """The pain on a day of care, moving from the intake's towards the course's end."""
        baseline = made.archetype.data.answers.nprs["q1"]
        drop = self.data.courses[made.course].discharge[0]
        span = made.archetype.data.care_days[1]
        done = min(1.0, (day - made.start).days / span)
        return min(10, max(0, round(baseline - drop * done) + self.rng.randint(-1, 1)))

    def _sessions(self, made: _Episode) -> None:
        a, rng, data = made.archetype, self.rng, self.data
        wanted = self.between(a.data.sessions)
        last = self._last_day(made)
        gap = max(3, a.data.care_days[0] // max(1, wanted))
        for number in range(1, wanted + 1):
            held = made.start + timedelta(days=gap * (number - 1))
            if held > last:
                break
            given = rng.sample(a.components, self.between(data.active_per_session))
            if rng.random() < data.passive_share:
                given.append(self.pick_passive())
            check = check_session(given, a.avoid, number, a.max_sessions)
            made.rows["sessions"].append(
                SessionNote(
                    id=self.uuid(),
                    episode=made.episode,
                    number=number,
                    held_on=held,
                    clinician=made.clinician,
                    subjective="Synthetic session note.",
                    pain_now=self._pain(made, held),
                    interventions=given,
                    warnings=[code for code, _verdict in check.not_recommended],
                    deviation_reason=rng.choice(data.deviation_reasons)
                    if check.needs_reason
                    else "",
                    over_budget_reason="",
                    created_at=self.at(held, 14),
                )
            )

    def _program(self, made: _Episode) -> None:
        rng, data = self.rng, self.data
        program = Program(
            id=self.uuid(),
            episode=made.episode,
            number=1,
            created_by=made.clinician,
            published_at=self.at(made.start, 12),
        )
        made.rows["programs"].append(program)
        chosen = rng.sample(data.exercises[made.archetype.profile], data.exercises_per_program)
        items = []
        for position, exercise_id in enumerate(chosen, start=1):
            dosage = self.dosage[exercise_id]
            items.append(
                ProgramItem(
                    id=self.uuid(),
                    program=program,
                    position=position,
                    exercise_id=exercise_id,
                    sets=dosage.sets,
                    reps=dosage.reps,
                    hold_seconds=dosage.hold_seconds,
                    minutes=dosage.minutes,
                    per_week=rng.choice((3, 5, 7)),
                )
            )
        made.rows["program_items"] += items
        adherent = rng.random() < data.adherent_share
        share = data.done_when_adherent if adherent else data.done_otherwise
        last = min(self._last_day(made), made.start + timedelta(weeks=data.log_weeks))
        done = planned = 0
        day = made.start + timedelta(days=1)
        while day <= last:
            for item in items:
                did = rng.random() < share
                done, planned = done + did, planned + 1
                made.rows["exercise_logs"].append(
                    ExerciseLog(
                        id=self.uuid(),
                        item=item,
                        day=day,
                        done=did,
                        pain=self._pain(made, day) if did else None,
                        difficulty=rng.randint(2, 4) if did else None,
                        logged_at=self.at(day, 19),
                    )
                )
            day += timedelta(days=data.log_every_days)
        spec = adherence_alert(done, planned, (last - made.start).days)
        if spec is not None:
            self._alert(made, spec.kind.value, spec.kind.priority, spec.reason.rule,
                        spec.reason.source, spec.reason.text.nl, spec.reason.text.en,
                        key=f"week-{data.log_weeks}", day=last)  # fmt: skip

    def _diary(self, made: _Episode) -> None:
        rng, data = self.rng, self.data
        last = min(self._last_day(made), made.start + timedelta(weeks=data.log_weeks))
        day = made.start
        while day <= last:
            pain = self._pain(made, day)
            made.rows["diary"].append(
                DiaryEntry(
                    episode=made.episode,
                    day=day,
                    pain=pain,
                    active_minutes=rng.randrange(10, 90, 5),
                    exercises=rng.choice(("all", "all", "some", "none")),
                    sitting_breaks=rng.randrange(0, 10),
                    sleep=rng.choice(("good", "fair", "poor") if pain < 6 else ("fair", "poor")),
                    stress=min(10, max(0, pain + rng.randint(-3, 1))),
                    updated_at=self.at(day, 21),
                )
            )
            day += timedelta(days=data.diary_every_days)

    def _measurements(self, made: _Episode) -> None:
        a = made.archetype
        due = {key: made.start + timedelta(days=days) for key, days in a.occasion_days.items()}
        if made.end is not None:
            due = {key: day for key, day in due.items() if day <= made.end}
            due["discharge"] = made.end
        for occasion, day in due.items():
            if day > self.today:
                continue
            measured = a.measured[made.course, occasion]
            made.rows["measurements"].append(
                Measurement(
                    id=self.uuid(),
                    episode=made.episode,
                    occasion=occasion,
                    due_on=day,
                    answers=measured.answers,
                    scores=measured.scores,
                    instrument_versions=measured.instrument_versions,
                    outcome=measured.outcome,
                    decision=measured.decision,
                    created_at=self.at(day, 16),
                )
            )
            alert = measured.alert
            if alert is not None:
                self._alert(made, alert.kind, alert.priority, alert.rule, alert.source,
                            in_language(alert.text, Lang.NL), in_language(alert.text, Lang.EN),
                            key=occasion, day=day)  # fmt: skip

    def _alert(
        self,
        made: _Episode,
        kind: str,
        priority: int,
        rule: str,
        source: str,
        nl: str,
        en: str,
        *,
        key: str,
        day: date,
    ) -> None:
        # A closed episode's alerts were dealt with before the discharge.
        made.rows["alerts"].append(
            Alert(
                id=self.uuid(),
                clinic=made.clinic,
                episode=made.episode,
                kind=kind,
                key=key,
                priority=priority,
                rule=rule,
                source=source,
                text={"nl": nl, "en": en},
                created_at=self.at(day, 16),
                resolved_at=self.at(made.end, 12) if made.end is not None else None,
                resolved_by=made.clinician if made.end is not None else None,
            )
        )
