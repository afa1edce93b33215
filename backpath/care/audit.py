"""Every write to a patient's record goes into the access log (``backpath.auditlog``): who
changed which record of which patient, when. Every service writes one entry.

An action is an :class:`AuditAction`, never a free string, so a typo is a type error and the
list below is the whole vocabulary of writes a clinic's auditor reads.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from backpath.accounts.models import User
from backpath.auditlog.models import Action
from backpath.auditlog.services import record
from backpath.care.models import Episode, Patient


class AuditAction(StrEnum):
    # the clinical record (care)
    PATIENT_CREATE = "patient.create"
    PATIENT_INVITE = "patient.invite"
    PATIENT_UPDATE = "patient.update"
    EPISODE_OPEN = "episode.open"
    EPISODE_URGENT_SEEN = "episode.urgent_seen"
    EPISODE_CLOSE = "episode.close"
    INTAKE_SAFETY = "intake.safety"
    INTAKE_SUBMIT = "intake.submit"
    ASSESSMENT_REVIEW = "assessment.review"
    PLAN_ADJUST = "plan.adjust"
    PLAN_GP_ANSWER = "plan.gp_answer"
    SESSION_RECORD = "session.record"
    # home programs
    PROGRAM_PUBLISH = "program.publish"
    EXERCISE_LOG = "exercise.log"
    QUOTA_LOG = "quota.log"
    # the clinic's own exercises (clinic data: no patient)
    CLINIC_EXERCISE_CREATE = "clinic_exercise.create"
    CLINIC_EXERCISE_CHANGE = "clinic_exercise.change"
    CLINIC_EXERCISE_ARCHIVE = "clinic_exercise.archive"
    CLINIC_EXERCISE_DELETE = "clinic_exercise.delete"
    # between visits
    DIARY_SAVE = "diary.save"
    RECHECK_WEEKLY = "recheck.weekly"
    RECHECK_FLARE = "recheck.flare"
    MEASUREMENT_SAVE = "measurement.save"
    ALERT_RESOLVE = "alert.resolve"
    EPISODE_COME_BACK = "episode.come_back"
    LONG_STANDING_DOCUMENT = "long_standing.document"
    LONG_STANDING_REMOVE = "long_standing.remove"
    MODULE_READ = "module.read"
    PREVENTION_CHECK = "prevention.check"
    REMINDERS_SETTINGS = "reminders.settings"
    REMINDERS_CALENDAR_NEW = "reminders.calendar_new"
    REMINDERS_CALENDAR_STOP = "reminders.calendar_stop"


# The writes that add a record; the others change one.
_CREATES = frozenset(
    {
        AuditAction.PATIENT_CREATE,
        AuditAction.EPISODE_OPEN,
        AuditAction.INTAKE_SUBMIT,
        AuditAction.ASSESSMENT_REVIEW,
        AuditAction.PLAN_ADJUST,
        AuditAction.PLAN_GP_ANSWER,
        AuditAction.SESSION_RECORD,
        AuditAction.PROGRAM_PUBLISH,
        AuditAction.EXERCISE_LOG,
        AuditAction.QUOTA_LOG,
        AuditAction.CLINIC_EXERCISE_CREATE,
        AuditAction.DIARY_SAVE,
        AuditAction.RECHECK_WEEKLY,
        AuditAction.RECHECK_FLARE,
        AuditAction.MEASUREMENT_SAVE,
        AuditAction.EPISODE_COME_BACK,
        AuditAction.LONG_STANDING_DOCUMENT,
        AuditAction.PREVENTION_CHECK,
    }
)


@dataclass(frozen=True, slots=True)
class SystemActor:
    """A writer without an account: a clinic's API key. The access log names it by
    ``label`` (``api key <prefix> (<name>)``) where it would name an account."""

    clinic_id: uuid.UUID
    label: str


# Who writes: a person's account, or a clinic's system.
Actor = User | SystemActor


def account(actor: Actor) -> User | None:
    """The account behind a write (``created_by`` and the like), None for a system."""
    return actor if isinstance(actor, User) else None


def audit(
    actor: Actor | None,
    subject: Episode | Patient | None,
    action: AuditAction,
    object_id: uuid.UUID | None,
) -> None:
    """Log a write: ``subject`` is the patient's episode or the patient (None for the
    account's own settings), ``object_id`` the record written."""
    patient_id: uuid.UUID | None
    clinic_id: uuid.UUID | None
    if isinstance(subject, Episode):
        patient_id, clinic_id = subject.patient_id, subject.clinic_id
    elif isinstance(subject, Patient):
        patient_id, clinic_id = subject.id, subject.clinic_id
    else:
        patient_id, clinic_id = None, getattr(actor, "clinic_id", None)
    system = actor if isinstance(actor, SystemActor) else None
    record(
        actor=account(actor) if actor is not None else None,
        actor_label=system.label if system else "",
        action=Action.CREATE if action in _CREATES else Action.CHANGE,
        detail=action.value,
        patient_id=patient_id,
        clinic_id=clinic_id,
        object_type=action.value.partition(".")[0],
        object_id=object_id or "",
    )
