"""Where backpath keeps a patient's data: every model, and how to find the patient's rows.

The export (``export.py``) and the erasure (``erasure.py``) both work from ``HOLDINGS``. The
list is written out by hand, so each model's place in the export is chosen; a test compares
it with what the foreign keys say (``linked_models``), so a new model that holds patient data
fails the suite until it is listed here (or in ``NOT_HELD``, with the reason).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from backpath.accounts.models import Invitation, User
from backpath.auditlog.models import AccessEntry
from backpath.care.models import (
    Assessment,
    Episode,
    Intake,
    Patient,
    PlanVersion,
    SessionNote,
)
from backpath.followup.models import (
    Alert,
    DiaryEntry,
    LongStandingSymptom,
    Measurement,
    RedFlagCheck,
)
from backpath.learning.models import ModuleRead
from backpath.prevention.models import PreventionCheck
from backpath.privacy.models import ErasureRequest
from backpath.programs.models import (
    ExerciseLog,
    Program,
    ProgramItem,
    Quota,
    QuotaEntry,
    QuotaLog,
)
from backpath.reminders.models import ReminderSent, ReminderSettings

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True, slots=True)
class Holding:
    key: str  # the export's section
    title: StrOrPromise  # the section's heading in the PDF
    model: type[models.Model]
    path: str  # the lookup from the model's rows to the patient
    # Never exported: secrets (token hashes) and the forms' one-time submission ids.
    withheld: frozenset[str] = frozenset({"submission"})

    def rows(self, patient: Patient) -> models.QuerySet[models.Model]:
        ordering = [*list(self.model._meta.ordering or ()), "pk"]
        return self.model._default_manager.filter(**{self.path: patient}).order_by(*ordering)


# In the order the export shows them: the record, the between-visit data, the account.
HOLDINGS: tuple[Holding, ...] = (
    Holding("episodes", _("Episodes of care"), Episode, "patient"),
    Holding("intakes", _("Intakes"), Intake, "episode__patient"),
    Holding("assessments", _("Assessments"), Assessment, "episode__patient"),
    Holding("care_plans", _("Care plans"), PlanVersion, "episode__patient"),
    Holding("sessions", _("Treatment sessions"), SessionNote, "episode__patient"),
    Holding("programs", _("Home exercise programs"), Program, "episode__patient"),
    Holding(
        "program_items", _("Exercises in the programs"), ProgramItem, "program__episode__patient"
    ),
    Holding("activity_quotas", _("Graded activity"), Quota, "program__episode__patient"),
    Holding("exercise_logs", _("Exercises done"), ExerciseLog, "item__program__episode__patient"),
    Holding("activity_logs", _("Activity done"), QuotaLog, "quota__program__episode__patient"),
    Holding(
        "activity_entries",
        _("Activity entries"),
        QuotaEntry,
        "log__quota__program__episode__patient",
    ),
    Holding("diary", _("Diary"), DiaryEntry, "episode__patient"),
    Holding("safety_checks", _("Safety checks and flare-ups"), RedFlagCheck, "episode__patient"),
    Holding(
        "long_standing_symptoms",
        _("Long-standing symptoms"),
        LongStandingSymptom,
        "episode__patient",
    ),
    Holding("measurements", _("Questionnaires"), Measurement, "episode__patient"),
    Holding("alerts", _("Alerts for the physiotherapist"), Alert, "episode__patient"),
    Holding("modules_read", _("Education read"), ModuleRead, "episode__patient"),
    Holding("prevention_checks", _("Prevention checks"), PreventionCheck, "episode__patient"),
    Holding(
        "reminder_settings",
        _("Reminder settings"),
        ReminderSettings,
        "user__patient",
        frozenset({"calendar_token_hash"}),
    ),
    Holding("reminders_sent", _("Reminders sent"), ReminderSent, "user__patient"),
    Holding(
        "invitations", _("Invitations"), Invitation, "user__patient", frozenset({"token_hash"})
    ),
    Holding("erasure_requests", _("Erasure requests"), ErasureRequest, "patient"),
    # The two-step login a patient may turn on: never the authenticator's key or a code.
    Holding(
        "authenticators", _("Authenticator apps"), TOTPDevice, "user__patient", frozenset({"key"})
    ),
    Holding("recovery_code_sets", _("Recovery codes"), StaticDevice, "user__patient"),
    Holding(
        "recovery_codes",
        _("Recovery codes not yet used"),
        StaticToken,
        "device__user__patient",
        frozenset({"token"}),
    ),
)

# The export's own sections besides the holdings: the patient, their portal account, and the
# access-log entries about them (``patient_id`` is a plain column there, not a key).
OWN_SECTIONS: tuple[type[models.Model], ...] = (Patient, User, AccessEntry)

# Models a foreign key ties to a patient's account that are not the patient's data.
NOT_HELD: dict[str, str] = {
    "admin.LogEntry": "the admin's record of what staff changed there; its user is the staff "
    "member (patients never use the admin); erasure blanks its names of the patient's records",
    "accounts.User_groups": "permission groups, for staff; a patient account has none",
    "accounts.User_user_permissions": "permissions, for staff; a patient account has none",
    # The quality page's summaries: counts and flags derived from the episode's own records
    # (which the export holds), rebuilt from them, with no name and no free text.
    "quality.EpisodeFacts": "the quality page's summary of the episode's records (flags, "
    "dates, counts), rebuilt from the records the export holds",
    "quality.OccasionFacts": "the quality page's summary of one measuring occasion (answered "
    "or not, change classes), rebuilt from the measurements the export holds",
    "quality.AgainstPlan": "the quality page's count of sessions with care advised against, "
    "rebuilt from the session notes the export holds",
}


def exported_models() -> set[type[models.Model]]:
    return {holding.model for holding in HOLDINGS} | set(OWN_SECTIONS)


def linked_models(candidates: Iterable[type[models.Model]]) -> set[type[models.Model]]:
    """The models among ``candidates`` whose rows belong to one patient, from their keys: a
    chain of foreign keys (or one-to-one fields) that ends at ``care.Patient``, a key to
    ``accounts.User`` that deletes the row with the account (a row the account owns), or a
    plain ``patient_id`` or ``episode_id`` column (a log that outlives the record, like the
    access log)."""
    pool = list(candidates)
    linked: set[type[models.Model]] = {Patient}
    linked |= {model for model in pool if _names_a_patient(model)}
    grew = True
    while grew:
        grew = False
        for model in pool:
            if model not in linked and any(_leads_to(field, linked) for field in _keys(model)):
                linked.add(model)
                grew = True
    return linked


def _names_a_patient(model: type[models.Model]) -> bool:
    return any(
        field.name in ("patient_id", "episode_id") and not field.is_relation
        for field in model._meta.concrete_fields
    )


def _keys(model: type[models.Model]) -> list[models.ForeignKey[models.Model, models.Model]]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey)  # one-to-one fields are foreign keys too
    ]


def _leads_to(
    field: models.ForeignKey[models.Model, models.Model], linked: set[type[models.Model]]
) -> bool:
    target = field.related_model
    if target in linked:
        return True
    return target is User and field.remote_field.on_delete is models.CASCADE
