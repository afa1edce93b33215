"""Patients, episodes of care and the clinical record kept for them.

Nothing clinical is overwritten: an assessment, a care plan version and a session note are
written once. A change to a plan is a new version with its reason. Raw answers are stored
with the rule-set versions beside the computed result, so every decision can be audited and
recomputed. Records a form creates carry the form's one-time ``submission`` id, so a double
submit finds the first record instead of writing a second.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backpath.accounts.models import Clinic
from backpath.clinical.classification import Diagnosis
from backpath.clinical.redflags import Action
from backpath.clinical.stratification import Profile


def _choices(values: type[Diagnosis] | type[Action] | type[Profile]) -> list[tuple[str, str]]:
    """A column's choices from a core enum: the stored codes are the core's own."""
    return [(value.value, value.value) for value in values]


# The bounds of the free text the forms take (the forms use the same names): long enough for
# any clinical note, short enough that no page, letter or PDF is slowed down by one.
DESCRIPTION_MAX = 2000  # the complaint in the patient's own words (intake)
ITEM_NOTE_MAX = 200  # an activity the patient names beside a questionnaire item (PSK, PSFS)
FINDINGS_NOTES_MAX = 2000  # the clinician's examination notes at the review
GP_NOTE_MAX = 2000  # what the GP answered to a red-flag referral
SOAP_MAX = 2000  # each section of a session note
NOTE_MAX = 2000  # the note on a care plan
REASON_MAX = 2000  # a reason: a plan change, a profile other than the advice, a deviation
SUMMARY_MAX = 4000  # the discharge summary for the end report
PHONE_MAX = 30  # a phone number as people write it: "+31 (0)20 123 45 67"
ADDRESS_MAX = 300  # a postal address on two or three lines

# Loose on purpose: digits, spaces, "+", "-" and parentheses, with at least three digits
# (112 is the shortest number anyone calls). The number is dialled as written, minus the
# spacing (``tel_href``); no country format is forced on the clinic.
phone_validator = RegexValidator(
    r"^(?=(?:\D*\d){3})[0-9 +()\-]+$",
    _("Enter a phone number: digits, spaces, +, - and parentheses only."),
)


def tel_href(number: str) -> str:
    """A ``tel:`` link for a number as written: the digits and a leading "+" only. In an
    international number a "(0)" is the trunk prefix that is not dialled: it is dropped."""
    international = number.strip().startswith("+")
    if international:
        number = number.replace("(0)", "")
    digits = "".join(ch for ch in number if ch.isdigit())
    return f"tel:{'+' if international else ''}{digits}" if digits else ""


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class Patient(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patient",
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(
        _("phone number"), max_length=PHONE_MAX, blank=True, validators=[phone_validator]
    )
    gp_name = models.CharField(_("GP"), max_length=200, blank=True)
    gp_practice = models.CharField(_("GP practice"), max_length=200, blank=True)
    gp_phone = models.CharField(
        _("GP practice phone number"),
        max_length=PHONE_MAX,
        blank=True,
        validators=[phone_validator],
    )
    gp_address = models.CharField(_("GP practice address"), max_length=ADDRESS_MAX, blank=True)
    referrer = models.CharField(_("referred by"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When the details last changed: the API's ``updated_since`` for a system that syncs
    # them. Every write that saves with update_fields names it too.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    submission = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        ordering = ("last_name", "first_name")
        # The patient list pages through a clinic's patients by name (a keyset on all four).
        indexes = (
            models.Index(
                fields=("clinic", "last_name", "first_name", "id"), name="patients_by_name"
            ),
        )

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def phone_href(self) -> str:
        return tel_href(self.phone)

    @property
    def gp_phone_href(self) -> str:
        return tel_href(self.gp_phone)

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class EpisodeStatus(models.TextChoices):
    INTAKE = "intake", _("Intake to fill in")
    URGENT = "urgent", _("Urgent: see a doctor")
    REVIEW = "review", _("Ready for review")
    TREATMENT = "treatment", _("In treatment")
    CLOSED = "closed", _("Closed")


class DischargeReason(models.TextChoices):
    GOALS_REACHED = "goals_reached", _("Goals reached")
    SELF_MANAGING = "self_managing", _("Patient manages on their own")
    REFERRED = "referred", _("Referred to the GP or a specialist")
    NO_PROGRESS = "no_progress", _("Insufficient progress")
    STOPPED = "stopped", _("Stopped by the patient")


class Episode(models.Model):
    """One period of care for one complaint, from intake to discharge."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="episodes")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="episodes")
    status = models.CharField(max_length=20, choices=EpisodeStatus.choices, default="intake")
    # The highest red-flag action seen so far (a backpath.clinical.redflags.Action value).
    urgency = models.CharField(max_length=20, blank=True)
    urgent_seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    urgent_seen_at = models.DateTimeField(null=True, blank=True)
    # Optional instruments the clinician switched on for this intake, beside the standard set.
    extra_instruments = models.JSONField(default=list, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    discharge_reason = models.CharField(max_length=20, choices=DischargeReason.choices, blank=True)
    discharge_summary = models.TextField(blank=True, max_length=SUMMARY_MAX)
    submission = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("episode of care")
        verbose_name_plural = _("episodes of care")
        ordering = ("-opened_at",)
        indexes = (
            models.Index(fields=("clinic", "status")),
            # The dashboard pages through a clinic's open episodes, newest first (a keyset on
            # opened_at and id); closed ones, most of a clinic's history, are left out.
            models.Index(
                fields=("clinic", "opened_at", "id"),
                condition=~Q(status="closed"),
                name="open_episodes_by_age",
            ),
        )
        constraints = (
            # A closed episode has its date and discharge reason; an open one has neither.
            models.CheckConstraint(
                condition=(
                    Q(status="closed") & Q(closed_at__isnull=False) & ~Q(discharge_reason="")
                )
                | (~Q(status="closed") & Q(closed_at__isnull=True)),
                name="closed_episode_has_date_and_reason",
            ),
        )

    def __str__(self) -> str:
        return f"{self.patient} {self.opened_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status != EpisodeStatus.CLOSED


class IntakeStatus(models.TextChoices):
    SAFETY = "safety", _("Safety questions")
    QUESTIONNAIRES = "questionnaires", _("Questionnaires")
    STOPPED = "stopped", _("Stopped: see a doctor")
    SUBMITTED = "submitted", _("Submitted")


class Intake(models.Model):
    """The patient's answers before the first visit, filled by the patient or the clinician.

    Filled in two steps (red flags first, then complaint and questionnaires); once submitted
    or stopped it is never changed.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    episode = models.OneToOneField(Episode, on_delete=models.PROTECT, related_name="intake")
    status = models.CharField(max_length=20, choices=IntakeStatus.choices, default="safety")
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    red_flags = models.JSONField(default=dict)  # flag id -> answered yes
    urgency = models.CharField(max_length=20, blank=True)
    redflags_ruleset = models.CharField(max_length=40, blank=True)
    patient_facts = models.JSONField(default=dict)  # smoker, cardiovascular disease
    # The complaint in the patient's own words.
    description = models.TextField(blank=True, max_length=DESCRIPTION_MAX)
    complaint = models.JSONField(default=dict)  # a backpath.clinical.intake.Complaint
    answers = models.JSONField(default=dict)  # instrument id -> {link id: value}
    instrument_versions = models.JSONField(default=dict)  # instrument id -> "version rN"
    # Free text beside items, e.g. the activities a patient names on the PSK: {id: {link: text}},
    # each text at most ITEM_NOTE_MAX (the questionnaire form's bound).
    item_notes = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")

    def __str__(self) -> str:
        return f"intake {self.episode}"


class AssessmentKind(models.TextChoices):
    INTAKE = "intake", _("Intake")
    REVIEW = "review", _("Clinician review")


class Assessment(models.Model):
    """One run of the clinical core: its full input and the result as it was shown."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField(max_length=10, choices=AssessmentKind.choices)
    input = models.JSONField()  # a backpath.clinical.intake.Intake as JSON
    result = models.JSONField()  # {"nl": assessment_json, "en": assessment_json}
    # What rules query, as typed columns (the JSON above is what was shown).
    urgency = models.CharField(max_length=20, choices=_choices(Action))
    diagnosis = models.CharField(max_length=10, choices=_choices(Diagnosis), default="lbp")
    profile = models.CharField(max_length=10, blank=True, choices=_choices(Profile))
    risk = models.CharField(max_length=10, blank=True, choices=_choices(Profile))
    redflags_ruleset = models.CharField(max_length=40)
    pathway_ruleset = models.CharField(max_length=40, blank=True)
    backpath_version = models.CharField(max_length=20)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submission = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ("created_at",)
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"


class PlanVersion(models.Model):
    """One version of an episode's care plan; the highest number is the current plan."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="plans")
    number = models.PositiveIntegerField()
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="plans")
    profile = models.CharField(max_length=10, choices=_choices(Profile))
    max_sessions = models.PositiveIntegerField()
    within_weeks = models.PositiveIntegerField()
    starts_on = models.DateField()
    plan = models.JSONField()  # {"nl": plan_json, "en": plan_json}
    omitted = models.JSONField(default=list, blank=True)  # component ids left out, with reason
    note = models.TextField(blank=True, max_length=NOTE_MAX)
    reason = models.TextField(blank=True, max_length=REASON_MAX)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submission = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("care plan version")
        verbose_name_plural = _("care plan versions")
        ordering = ("episode_id", "number")
        constraints = (
            models.UniqueConstraint(fields=("episode", "number"), name="one_plan_per_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="plan_number_from_one"),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(reason=""), name="plan_change_has_reason"
            ),
        )

    def __str__(self) -> str:
        return f"plan v{self.number} {self.episode}"


class SessionNote(models.Model):
    """A treatment session in SOAP form with the interventions given, from the coded list."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveIntegerField()
    held_on = models.DateField(_("date"))
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    subjective = models.TextField(_("subjective"), blank=True, max_length=SOAP_MAX)
    objective = models.TextField(_("objective"), blank=True, max_length=SOAP_MAX)
    analysis = models.TextField(_("assessment"), blank=True, max_length=SOAP_MAX)
    plan = models.TextField(_("plan"), blank=True, max_length=SOAP_MAX)
    pain_now = models.PositiveSmallIntegerField(_("pain now (0-10)"), null=True, blank=True)
    interventions = models.JSONField(default=list)
    # The guideline warnings shown for this note (not-recommended ids) and the reason given.
    warnings = models.JSONField(default=list, blank=True)
    deviation_reason = models.TextField(blank=True, max_length=REASON_MAX)
    over_budget_reason = models.TextField(blank=True, max_length=REASON_MAX)
    created_at = models.DateTimeField(default=timezone.now)
    submission = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("session note")
        verbose_name_plural = _("session notes")
        ordering = ("episode_id", "number")
        # "Mine" on the lists: the episodes a clinician wrote a note in, read from the index.
        indexes = (models.Index(fields=("clinician", "episode"), name="sessions_by_clinician"),)
        constraints = (
            models.UniqueConstraint(fields=("episode", "number"), name="one_session_per_number"),
            models.CheckConstraint(
                condition=Q(pain_now__isnull=True) | Q(pain_now__lte=10), name="pain_0_to_10"
            ),
            models.CheckConstraint(
                condition=Q(warnings=[]) | ~Q(deviation_reason=""),
                name="warned_session_has_reason",
            ),
        )

    def __str__(self) -> str:
        return f"session {self.number} {self.episode}"
