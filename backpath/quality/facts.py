"""Building the quality summaries (``models.py``) from an episode's records.

``refresh`` builds the rows of the given episodes again, a chunk at a time with one query per
kind of record, and replaces what was there: it is the only writer, so a summary always says
what the records said when it was built. ``stale`` finds the episodes of a clinic whose row
is missing or older than their last change.

What each row holds follows the figures' definitions (``measures.yaml``): an episode is
*seen* once a session was held or the intake was finished or stopped for a doctor; its
screening counts among those seen; the questionnaires among those not stopped for a doctor.
Change is classified as ``followup.services.measurement_record`` classified it when the
questionnaire came in: against the intake, and after discharge against the discharge.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from itertools import islice
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, Min, OuterRef, Q
from django.utils import timezone

from backpath.auditlog.models import AccessEntry, Action, Outcome
from backpath.care.letters import printed
from backpath.care.models import (
    Assessment,
    DischargeReason,
    Episode,
    IntakeStatus,
    PlanVersion,
    SessionNote,
)
from backpath.clinical.followup import occasions
from backpath.clinical.instruments import instrument
from backpath.clinical.language import Lang
from backpath.clinical.pathway import Evaluation
from backpath.clinical.progress import ChangeClass
from backpath.clinical.scoring import Score, score
from backpath.clinical.stratification import Profile
from backpath.followup.models import Measurement
from backpath.interchange import PLAN_EVALUATIONS, evaluations_from_record
from backpath.learning.models import ModuleRead
from backpath.programs.models import Program
from backpath.quality.casemix import age_on, stratum
from backpath.quality.models import AgainstPlan, EpisodeFacts, OccasionFacts
from backpath.research.rows import Changes

CHUNK = 500
# Interventions the guideline advises against whatever the profile (KNGF 2021 C.4.3), and
# those it advises against at low risk (C.4.1, C.4.2).
ELECTROTHERAPY = frozenset({"tens", "interferential"})
PASSIVE_AT_LOW_RISK = frozenset({"massage", "spinal_manipulation"})
EDUCATION = "education"
# A session during a plan's hold carries "hold" among its warnings: not an intervention.
HOLD_WARNING = "hold"
# The outcome instruments the figures classify, each with its own column, and the occasions
# their minimal important change is counted (and adjusted for case mix) at.
OUTCOME_INSTRUMENTS = ("nprs", "qbpds", "psk")
MIC_OCCASIONS = ("week-6", "week-12", "discharge")
# GPE "improved" is 1 or 2 on the Dutch 7-point scale (completely recovered, very much
# improved), the dichotomy of Kamper et al. 2009 the instrument's file records.
GPE_IMPROVED_AT_MOST = 2
DISCHARGE = "discharge"
AFTER_CARE = "followup-"


def stale(clinic_id: uuid.UUID | None = None) -> list[uuid.UUID]:
    """The clinic's (or every clinic's) episodes without a summary, or changed since theirs
    was built."""
    fresh = EpisodeFacts.objects.filter(episode_id=OuterRef("pk")).filter(
        Q(changed_at__isnull=True) | Q(changed_at__lte=F("built_at"))
    )
    episodes = (
        Episode.objects.all() if clinic_id is None else Episode.objects.filter(clinic_id=clinic_id)
    )
    return list(episodes.filter(~Exists(fresh)).values_list("pk", flat=True))


def mark_changed(episode_ids: Iterable[uuid.UUID]) -> None:
    EpisodeFacts.objects.filter(episode_id__in=list(episode_ids)).update(changed_at=timezone.now())


def rebuild(clinic_id: uuid.UUID | None = None) -> int:
    """Every summary of a clinic (or of the installation) built again."""
    episodes = (
        Episode.objects.all() if clinic_id is None else Episode.objects.filter(clinic_id=clinic_id)
    )
    return refresh(episodes.order_by().values_list("pk", flat=True).iterator(chunk_size=CHUNK))


def refresh(episode_ids: Iterable[uuid.UUID]) -> int:
    """Build the summaries of these episodes again; the number of episodes built."""
    built = 0
    ids = iter(episode_ids)
    while chunk := list(islice(ids, CHUNK)):
        built += _refresh_chunk(chunk)
    return built


@dataclass(slots=True)
class _Session:
    number: int
    held_on: date
    clinician_id: int | None
    interventions: tuple[str, ...]
    warned: tuple[str, ...]


@dataclass(slots=True)
class _Records:
    advised: str = ""
    profile: str = ""
    budget: int = 0
    evaluations: tuple[Evaluation, ...] = ()
    sessions: list[_Session] = field(default_factory=list)
    measurements: dict[str, tuple[date, Mapping[str, Mapping[str, int]]]] = field(
        default_factory=dict
    )
    first_program: datetime | None = None
    read_a_module: bool = False
    reports: set[str] = field(default_factory=set)


def _read(episodes: list[dict[str, Any]]) -> dict[uuid.UUID, _Records]:
    ids = [row["id"] for row in episodes]
    found = {episode_id: _Records() for episode_id in ids}
    for episode_id, profile in (
        Assessment.objects.filter(episode_id__in=ids, kind="intake")
        .order_by("-created_at")
        .values_list("episode_id", "profile")
    ):
        found[episode_id].advised = profile  # the first intake assessment wins: oldest last
    # Only the plans' evaluations are read of their JSON (the rest is large and unused here).
    for episode_id, profile, budget, dutch, english in (
        PlanVersion.objects.filter(episode_id__in=ids)
        .order_by("number")
        .values_list(
            "episode_id",
            "profile",
            "max_sessions",
            f"plan__{PLAN_EVALUATIONS[Lang.NL]}",
            f"plan__{PLAN_EVALUATIONS[Lang.EN]}",
        )
    ):
        records = found[episode_id]
        records.profile, records.budget = profile, budget
        records.evaluations = evaluations_from_record(dutch or [], english or [])
    for episode_id, number, held_on, clinician_id, interventions, warnings in (
        SessionNote.objects.filter(episode_id__in=ids)
        .order_by("number")
        .values_list("episode_id", "number", "held_on", "clinician_id", "interventions", "warnings")
    ):
        warned = tuple(sorted(set(warnings or ()) - {HOLD_WARNING}))
        found[episode_id].sessions.append(
            _Session(number, held_on, clinician_id, tuple(interventions or ()), warned)
        )
    for episode_id, occasion, due_on, answers in Measurement.objects.filter(
        episode_id__in=ids
    ).values_list("episode_id", "occasion", "due_on", "answers"):
        found[episode_id].measurements[occasion] = (due_on, answers)
    for episode_id, first in (
        Program.objects.filter(episode_id__in=ids)
        .order_by()
        .values("episode_id")
        .annotate(first=Min("published_at"))
        .values_list("episode_id", "first")
    ):
        found[episode_id].first_program = first
    for episode_id in (
        ModuleRead.objects.filter(episode_id__in=ids)
        .order_by()
        .values_list("episode_id", flat=True)
        .distinct()
    ):
        found[episode_id].read_a_module = True
    kinds = {printed("start"): "start", printed("end"): "end"}
    by_text = {str(episode_id): episode_id for episode_id in ids}
    # Through the log's (clinic, patient) index; the episode is the entry's object.
    for object_id, detail in (
        AccessEntry.objects.filter(
            clinic_id__in={row["clinic_id"] for row in episodes},
            patient_id__in={row["patient_id"] for row in episodes},
            object_type="episode",
            action=Action.PRINT,
            outcome=Outcome.OK,
            detail__in=list(kinds),
        )
        .values_list("object_id", "detail")
        .distinct()
    ):
        if object_id in by_text:
            found[by_text[object_id]].reports.add(kinds[detail])
    return found


@lru_cache(maxsize=4096)
def _scored(instrument_id: str, answers: tuple[tuple[str, int], ...]) -> Score:
    return score(instrument(instrument_id), dict(answers))


def _scores(answers: Mapping[str, Mapping[str, int]]) -> dict[str, Score]:
    return {i: _scored(i, tuple(sorted(values.items()))) for i, values in answers.items()}


def _occasion_keys(
    evaluations: Sequence[Evaluation], closed: date | None
) -> list[tuple[str, date]]:
    """The plan's measuring occasions with their dates (``clinical.followup.occasions``)."""
    return [(occasion.key, occasion.due) for occasion in occasions(evaluations, closed)]


def _local(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


_EPISODE = (
    "id",
    "clinic_id",
    "patient_id",
    "opened_at",
    "opened_by_id",
    "closed_at",
    "discharge_reason",
    "patient__date_of_birth",
    "intake__status",
    "intake__answers",
    "intake__complaint__onset",
)


def _refresh_chunk(chunk: list[uuid.UUID]) -> int:
    started = timezone.now()
    episodes = list(Episode.objects.filter(pk__in=chunk).values(*_EPISODE))
    records = _read(episodes)
    changes = Changes()
    facts: list[EpisodeFacts] = []
    occasion_rows: list[OccasionFacts] = []
    against_rows: list[AgainstPlan] = []
    for row in episodes:
        built = _build(row, records[row["id"]], changes, started)
        facts.append(built.facts)
        occasion_rows.extend(built.occasions)
        against_rows.extend(built.against)
    names = [f.name for f in EpisodeFacts._meta.concrete_fields]
    update = [n for n in names if n not in ("episode", "changed_at")]
    with transaction.atomic():
        OccasionFacts.objects.filter(episode_id__in=chunk).delete()
        AgainstPlan.objects.filter(episode_id__in=chunk).delete()
        EpisodeFacts.objects.bulk_create(
            facts, update_conflicts=True, unique_fields=["episode"], update_fields=update
        )
        OccasionFacts.objects.bulk_create(occasion_rows)
        AgainstPlan.objects.bulk_create(against_rows)
    return len(facts)


@dataclass(frozen=True, slots=True)
class _Built:
    facts: EpisodeFacts
    occasions: list[OccasionFacts]
    against: list[AgainstPlan]


def _build(row: dict[str, Any], records: _Records, changes: Changes, started: datetime) -> _Built:
    opened_on = timezone.localdate(row["opened_at"])
    closed_on = _local(row["closed_at"])
    status = row["intake__status"]
    sessions = records.sessions
    given = [set(s.interventions) for s in sessions]
    seen = bool(sessions) or status in (IntakeStatus.SUBMITTED, IntakeStatus.STOPPED)
    to_score = seen and status != IntakeStatus.STOPPED
    second = next((s.held_on for s in sessions if s.number == 2), None)
    first_program = _local(records.first_program)
    baseline = _scores(row["intake__answers"] or {})
    pain = baseline.get("nprs")
    onset = row["intake__complaint__onset"]
    weeks = (opened_on - date.fromisoformat(onset)).days // 7 if onset else None
    casemix = stratum(
        records.profile,
        int(pain.total) if pain is not None and pain.total is not None else None,
        weeks,
        age_on(row["patient__date_of_birth"], opened_on),
    )
    common = {
        "episode_id": row["id"],
        "clinic_id": row["clinic_id"],
        "opened_on": opened_on,
        "profile": records.profile,
    }
    occasion_rows = _occasions(records, closed_on, baseline, changes, common, casemix)
    discharge = next((o for o in occasion_rows if o.occasion == DISCHARGE), None)
    gpe = records.measurements.get(DISCHARGE, (None, {}))[1].get("gpe")
    gpe_total = _scored("gpe", tuple(sorted(gpe.items()))).total if gpe else None
    against: dict[tuple[int | None, str], int] = defaultdict(int)
    for session in sessions:
        for code in session.warned:
            against[(session.clinician_id, code)] += 1
    facts = EpisodeFacts(
        **common,
        opened_by_id=row["opened_by_id"],
        advised=records.advised,
        casemix=casemix,
        seen=seen,
        screened=seen and status not in (None, IntakeStatus.SAFETY),
        to_score=to_score,
        submitted=to_score and status == IntakeStatus.SUBMITTED,
        followed=bool(records.profile) and records.advised == records.profile,
        over_budget=bool(records.profile) and len(sessions) > records.budget,
        two_sessions=second is not None,
        program_early=second is not None and first_program is not None and first_program <= second,
        education=records.read_a_module or any(EDUCATION in g for g in given),
        start_report="start" in records.reports,
        end_report="end" in records.reports,
        electro=any(g & ELECTROTHERAPY for g in given),
        passive_low=records.profile == Profile.LOW.value
        and any(g & PASSIVE_AT_LOW_RISK for g in given),
        referred=row["discharge_reason"] == DischargeReason.REFERRED,
        sessions=len(sessions),
        sessions_against=sum(1 for s in sessions if s.warned),
        last_session_on=sessions[-1].held_on if sessions else None,
        closed_on=closed_on,
        discharge_reason=row["discharge_reason"],
        gpe_improved=None
        if gpe_total is None or discharge is None
        else gpe_total <= GPE_IMPROVED_AT_MOST,
        built_at=started,
    )
    return _Built(
        facts,
        occasion_rows,
        [
            AgainstPlan(**common, clinician_id=clinician_id, code=code, sessions=count)
            for (clinician_id, code), count in sorted(against.items(), key=str)
        ],
    )


def _occasions(
    records: _Records,
    closed_on: date | None,
    baseline: Mapping[str, Score],
    changes: Changes,
    common: Mapping[str, Any],
    casemix: str,
) -> list[OccasionFacts]:
    due = dict(_occasion_keys(records.evaluations, closed_on)) if records.profile else {}
    # A questionnaire answered for an occasion the current plan no longer has still counts.
    for key, (due_on, _answers) in records.measurements.items():
        due.setdefault(key, due_on)
    found = []
    discharge_scores = (
        _scores(records.measurements[DISCHARGE][1]) if DISCHARGE in records.measurements else None
    )
    for key, due_on in sorted(due.items(), key=lambda item: (item[1], item[0])):
        measured = records.measurements.get(key)
        classes: dict[str, str] = {}
        if measured is not None:
            later = _scores(measured[1])
            compare_with = baseline
            if key.startswith(AFTER_CARE) and discharge_scores is not None:
                compare_with = discharge_scores
            classes = changes.between(compare_with, later)
        after_care = key.startswith(AFTER_CARE)
        found.append(
            OccasionFacts(
                **common,
                casemix=casemix,
                occasion=key,
                due_on=due_on,
                responded=measured is not None,
                **{i: classes.get(i, "") for i in OUTCOME_INSTRUMENTS},
                relapse=(ChangeClass.WORSE.value in classes.values())
                if after_care and measured is not None
                else None,
            )
        )
    return found
