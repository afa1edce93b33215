"""Which records each resource type is built from, who may read it, and how it is searched.

Three families:
- the public content (Questionnaire, CodeSystem): no caller needed;
- the clinic (Organization, Practitioner): any key or clinician of the clinic, no patient data;
- the patient record (Patient, and the episode's Condition, Flag, CarePlan, Goal,
  QuestionnaireResponse, Observation): the scope ``patients:read`` or ``episodes:read``, only
  the caller's clinic (another clinic's record is a 404), and every read written to the
  access log: a read names the resource; a search page writes one entry per patient on it.

An episode's resources are built from its stored records (``sources.EpisodeRecords``); a
resource's id leads back to its episode (``owner``), so a read builds one episode only.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.db.models import QuerySet
from fhir.resources.R4B.resource import Resource

from backpath.accounts.models import Role, User
from backpath.api import records
from backpath.api.auth import Principal
from backpath.api.models import Scope
from backpath.auditlog.models import Outcome
from backpath.care.models import Episode, Intake, Patient, PlanVersion
from backpath.clinical.instruments import instruments
from backpath.clinical.language import Lang
from backpath.fhir.codes import SERVED, code_system
from backpath.fhir.mapping_careplan import careplans
from backpath.fhir.mapping_clinic import organization, practitioner
from backpath.fhir.mapping_condition import conditions
from backpath.fhir.mapping_flag import flags
from backpath.fhir.mapping_goal import goals
from backpath.fhir.mapping_observation import observations
from backpath.fhir.mapping_patient import patient_resource
from backpath.fhir.mapping_questionnaire import questionnaire
from backpath.fhir.mapping_response import questionnaire_response
from backpath.fhir.outcomes import not_found
from backpath.fhir.search import DateBound, Query, as_instant
from backpath.fhir.sources import EpisodeRecords, fhir_instrument, instrument_of
from backpath.followup.models import Measurement

Moment = datetime | date | None


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


# --- from a resource id to its episode --------------------------------------------------------


def _answered_owner(resource_id: str) -> uuid.UUID | None:
    """``{intake or measurement id}.{instrument}[.{part}]`` -> the episode."""
    record = _uuid(resource_id.split(".")[0])
    if record is None:
        return None
    for model in (Intake, Measurement):
        found = model.objects.filter(pk=record).values_list("episode_id", flat=True).first()
        if found is not None:
            return found
    return None


def _episode_owner(resource_id: str) -> uuid.UUID | None:
    """``{episode id}`` or ``{episode id}.{flag}``."""
    return _uuid(resource_id.split(".")[0])


def _plan_owner(resource_id: str) -> uuid.UUID | None:
    plan = _uuid(resource_id)
    if plan is None:
        return None
    return PlanVersion.objects.filter(pk=plan).values_list("episode_id", flat=True).first()


# --- the episode's resource types -------------------------------------------------------------


def _answered_responses(found: EpisodeRecords, lang: Lang) -> list[Resource]:
    return [questionnaire_response(a, lang) for a in found.answered]


def _answered_observations(found: EpisodeRecords, lang: Lang) -> list[Resource]:
    return [o for a in found.answered for o in observations(a, lang)]


def _coded_status(concept: Any) -> str | None:
    return concept.coding[0].code if concept is not None and concept.coding else None


@dataclass(frozen=True, slots=True)
class EpisodeType:
    name: str
    scope: Scope
    build: Callable[[EpisodeRecords, Lang], Sequence[Resource]]
    owner: Callable[[str], uuid.UUID | None]
    date: Callable[[Any], Moment]  # the resource's date for ``date=``
    status: Callable[[Any], str | None]  # its status for ``status=``
    params = frozenset({"patient", "date", "status", "_lastUpdated"})


EPISODE_TYPES = {
    kind.name: kind
    for kind in (
        EpisodeType(
            "QuestionnaireResponse",
            Scope.EPISODES_READ,
            _answered_responses,
            _answered_owner,
            lambda r: r.authored,
            lambda r: r.status,
        ),
        EpisodeType(
            "Observation",
            Scope.EPISODES_READ,
            _answered_observations,
            _answered_owner,
            lambda r: r.effectiveDateTime,
            lambda r: r.status,
        ),
        EpisodeType(
            "Condition",
            Scope.EPISODES_READ,
            lambda found, lang: conditions(found),
            _episode_owner,
            lambda r: r.recordedDate,
            lambda r: _coded_status(r.clinicalStatus),
        ),
        EpisodeType(
            "Flag",
            Scope.EPISODES_READ,
            flags,
            _episode_owner,
            lambda r: r.period.start if r.period else None,
            lambda r: r.status,
        ),
        EpisodeType(
            "CarePlan",
            Scope.EPISODES_READ,
            careplans,
            _plan_owner,
            lambda r: r.period.start if r.period else None,
            lambda r: r.status,
        ),
        EpisodeType(
            "Goal",
            Scope.EPISODES_READ,
            lambda found, lang: goals(found),
            _answered_owner,
            lambda r: r.startDate,
            lambda r: r.lifecycleStatus,
        ),
    )
}


def _denied(caller: Principal, resource_type: str, resource_id: str) -> Exception:
    records.log_read(
        caller,
        patient_id=None,
        object_type=f"fhir:{resource_type}",
        object_id=resource_id[:64],
        outcome=Outcome.DENIED,
    )
    return not_found()


def _episodes(caller: Principal) -> QuerySet[Episode]:
    return records.episodes(caller).select_related("patient")


def read_episode_resource(
    caller: Principal, kind: EpisodeType, resource_id: str, lang: Lang
) -> Resource:
    episode_id = kind.owner(resource_id)
    episode = _episodes(caller).filter(pk=episode_id).first() if episode_id else None
    if episode is None:
        raise _denied(caller, kind.name, resource_id)
    records.log_read(
        caller,
        patient_id=episode.patient_id,
        object_type=f"fhir:{kind.name}",
        object_id=resource_id,
    )
    for resource in kind.build(EpisodeRecords(episode), lang):
        if resource.id == resource_id:
            return resource
    raise not_found()


@dataclass(frozen=True, slots=True)
class Found:
    """A resource found by a search, with the patient it is about (for the access log)."""

    resource: Resource
    patient_id: uuid.UUID | None = None


def _all(bounds: Iterable[DateBound], value: Moment) -> bool:
    bounds = tuple(bounds)
    if not bounds:
        return True
    return value is not None and all(b.matches(as_instant(value)) for b in bounds)


def matching(
    found: Iterable[Found],
    query: Query,
    *,
    date_of: Callable[[Any], Moment] = lambda r: None,
    status_of: Callable[[Any], str | None] = lambda r: None,
) -> list[Found]:
    """The resources that meet the query's dates and status, oldest change first."""
    kept = [
        item
        for item in found
        if _all(query.last_updated, item.resource.meta.lastUpdated if item.resource.meta else None)
        and _all(query.dates, date_of(item.resource))
        and (query.status is None or status_of(item.resource) in query.status)
    ]
    return sorted(kept, key=lambda item: (_changed(item.resource), item.resource.id or ""))


def _changed(resource: Resource) -> datetime:
    changed = resource.meta.lastUpdated if resource.meta else None
    # The public definitions have no time of change: they sort first, by id.
    return changed if isinstance(changed, datetime) else datetime.min.replace(tzinfo=UTC)


def search_episode_type(
    caller: Principal, kind: EpisodeType, query: Query, lang: Lang
) -> list[Found]:
    episodes = _episodes(caller)
    if query.patient is not None:
        episodes = episodes.filter(patient_id=query.patient)
    built = (
        Found(resource, episode.patient_id)
        for episode in episodes.order_by("opened_at", "id")
        for resource in kind.build(EpisodeRecords(episode), lang)
    )
    return matching(built, query, date_of=kind.date, status_of=kind.status)


def everything(caller: Principal, patient: Patient, lang: Lang) -> list[Resource]:
    """The patient and every resource of their episodes, the clinic first."""
    found: list[Resource] = [patient_resource(patient), organization(patient.clinic)]
    for episode in _episodes(caller).filter(patient=patient).order_by("opened_at", "id"):
        episode_records = EpisodeRecords(episode)
        for kind in EPISODE_TYPES.values():
            found.extend(kind.build(episode_records, lang))
    return found


def log_page(caller: Principal, resource_type: str, page: Iterable[Found]) -> None:
    """One access-log entry per patient whose data is on a page of search results."""
    for patient_id in dict.fromkeys(item.patient_id for item in page if item.patient_id):
        records.log_read(
            caller,
            patient_id=patient_id,
            object_type=f"fhir:{resource_type}",
            object_id=patient_id,
        )


# --- the patient, the clinic, the public content ----------------------------------------------


def read_patient(caller: Principal, resource_id: str) -> Patient:
    patient_id = _uuid(resource_id)
    if patient_id is None:
        raise _denied(caller, "Patient", resource_id)
    return records.patient(caller, patient_id)


def search_patients(caller: Principal, query: Query) -> list[Found]:
    patients = records.patients(caller).order_by("created_at", "id")
    return matching((Found(patient_resource(p), p.id) for p in patients), query)


def clinicians(caller: Principal) -> QuerySet[User]:
    return User.objects.filter(
        clinic_id=caller.clinic_id, role__in=(Role.CLINICIAN, Role.CLINIC_ADMIN)
    ).order_by("date_joined", "pk")


def read_practitioner(caller: Principal, resource_id: str) -> Resource:
    user = clinicians(caller).filter(pk=int(resource_id)).first() if resource_id.isdigit() else None
    if user is None:
        raise not_found()
    return practitioner(user)


def search_practitioners(caller: Principal, query: Query) -> list[Found]:
    return matching((Found(practitioner(u)) for u in clinicians(caller)), query)


def public_questionnaires(lang: Lang) -> list[Resource]:
    return [questionnaire(definition, lang) for definition in instruments().values()]


def read_questionnaire(resource_id: str, lang: Lang) -> Resource:
    definition = instrument_of(resource_id)
    if definition is None or fhir_instrument(definition.id) != resource_id:
        raise not_found()
    return questionnaire(definition, lang)


def read_code_system(resource_id: str) -> Resource:
    if resource_id not in SERVED:
        raise not_found()
    return code_system(resource_id)


def code_systems() -> list[Resource]:
    return [code_system(system_id) for system_id in SERVED]
