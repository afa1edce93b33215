"""The quality figures' summary tables: one row per episode (and per measuring occasion, and
per intervention given against the plan) with what the figures count, so that a figure is
one aggregate in the database however many episodes there are.

How they stay correct (``backpath/quality/facts.py``): a save of any record a summary is
built from sets ``changed_at`` on its episode's row after the transaction commits
(``signals.py``); before the page counts, the clinic's episodes that have no row yet or one
changed since it was built are built again from the records. Bulk inserts need nothing more
(a new episode has no row yet); updates that bypass model signals (``QuerySet.update``)
must call ``facts.mark_changed``; ``backpath quality_refresh --all`` rebuilds every row.

What changes with the calendar alone (a questionnaire becoming overdue, a patient not seen
for weeks) is not stored: the figures compare stored dates with today.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backpath.accounts.models import Clinic
from backpath.care.models import Episode


class EpisodeFacts(models.Model):
    episode = models.OneToOneField(
        Episode, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    opened_on = models.DateField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    profile = models.CharField(max_length=10, blank=True)  # the current care plan's
    advised = models.CharField(max_length=10, blank=True)  # backpath's advice at the intake
    casemix = models.CharField(max_length=60, blank=True)  # casemix.stratum()
    seen = models.BooleanField(default=False)
    screened = models.BooleanField(default=False)
    to_score = models.BooleanField(default=False)
    submitted = models.BooleanField(default=False)
    followed = models.BooleanField(default=False)
    over_budget = models.BooleanField(default=False)
    two_sessions = models.BooleanField(default=False)
    program_early = models.BooleanField(default=False)
    education = models.BooleanField(default=False)
    start_report = models.BooleanField(default=False)
    end_report = models.BooleanField(default=False)
    electro = models.BooleanField(default=False)
    passive_low = models.BooleanField(default=False)
    referred = models.BooleanField(default=False)
    sessions = models.PositiveIntegerField(default=0)
    sessions_against = models.PositiveIntegerField(default=0)
    last_session_on = models.DateField(null=True)
    closed_on = models.DateField(null=True)
    discharge_reason = models.CharField(max_length=20, blank=True)
    gpe_improved = models.BooleanField(null=True)  # at discharge; None: not measured
    built_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("episode quality summary")
        verbose_name_plural = _("episode quality summaries")
        indexes = (
            models.Index(fields=("clinic", "opened_on"), name="quality_facts_clinic_opened"),
            # The installation's reference rates are grouped by stratum.
            models.Index(fields=("casemix",), name="quality_facts_casemix"),
        )


class OccasionFacts(models.Model):
    """One measuring occasion of an episode: when due, whether answered, and the change
    class of each instrument against its baseline (``progress.change``)."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="+")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    opened_on = models.DateField()
    profile = models.CharField(max_length=10, blank=True)
    casemix = models.CharField(max_length=60, blank=True)
    occasion = models.CharField(max_length=20)
    due_on = models.DateField(null=True)
    responded = models.BooleanField(default=False)
    nprs = models.CharField(max_length=10, blank=True)  # a ChangeClass value, "" unmeasured
    qbpds = models.CharField(max_length=10, blank=True)
    psk = models.CharField(max_length=10, blank=True)
    relapse = models.BooleanField(null=True)  # after care: worse than at discharge

    class Meta:
        verbose_name = _("occasion quality summary")
        verbose_name_plural = _("occasion quality summaries")
        constraints = (
            models.UniqueConstraint(fields=("episode", "occasion"), name="quality_one_occasion"),
        )
        indexes = (
            models.Index(fields=("clinic", "opened_on"), name="quality_occ_clinic_opened"),
            models.Index(fields=("occasion", "casemix"), name="quality_occ_casemix"),
        )


class AgainstPlan(models.Model):
    """Sessions of an episode in which one clinician gave one intervention the plan advises
    against."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="+")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    opened_on = models.DateField()
    profile = models.CharField(max_length=10, blank=True)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    code = models.CharField(max_length=40)
    sessions = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("advised-against care summary")
        verbose_name_plural = _("advised-against care summaries")
        indexes = (models.Index(fields=("clinic", "opened_on"), name="quality_against_opened"),)


class QualitySettings(models.Model):
    """A clinic's own choices for its quality page."""

    clinic = models.OneToOneField(Clinic, primary_key=True, on_delete=models.CASCADE)
    # measure id -> the clinic's own target (percent) where the guideline sets none
    targets = models.JSONField(default=dict, blank=True)
    # Named clinicians' figures for the clinic's admins: off unless the clinic turns it on.
    name_clinicians = models.BooleanField(_("show each clinician's figures by name"), default=False)
    smallest_count = models.PositiveSmallIntegerField(
        _("smallest count shown"),
        default=10,
        help_text=_("Outcome figures counting fewer episodes than this are not shown."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quality settings")
        verbose_name_plural = _("quality settings")


class ReferenceCell(models.Model):
    """The whole installation's answered occasions of one month, stratum and profile, and
    how many of them reached the minimal important change on each instrument: the case-mix
    reference, so that a clinic's page does not read every clinic's occasions. Rebuilt from
    ``OccasionFacts`` whole (``reference.rebuild``), nightly."""

    month = models.DateField()
    occasion = models.CharField(max_length=20)
    casemix = models.CharField(max_length=60)
    profile = models.CharField(max_length=10, blank=True)
    nprs_reached = models.PositiveIntegerField()
    nprs_counted = models.PositiveIntegerField()
    qbpds_reached = models.PositiveIntegerField()
    qbpds_counted = models.PositiveIntegerField()
    psk_reached = models.PositiveIntegerField()
    psk_counted = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("case-mix reference cell")
        verbose_name_plural = _("case-mix reference cells")
        indexes = (models.Index(fields=("month",), name="quality_reference_month"),)


class ReferenceBuilt(models.Model):
    """When the reference was last built (one row; also the lock two builds queue on)."""

    built_at = models.DateTimeField()
