"""Writes between visits: diary, re-checks, long-standing symptoms, measurements and alerts.

Each write is one transaction with an audit event. A form's ``submission`` id makes a
repeated submit return the first record, also when both arrive at the same moment (``once``):
a patient double-tapping a red-flag report sees what to do, never an error. An alert is
raised at most once per episode, kind and key (a database constraint), and the clinicians'
email about a red flag leaves only after the transaction commits. The email says *that*
something needs attention and links to the episode; it carries no name and no clinical
detail (mail is not a safe channel for health data).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backpath.accounts.models import Role, User
from backpath.care.audit import Actor, AuditAction, account, audit
from backpath.care.models import Episode, EpisodeStatus, Patient, PlanVersion
from backpath.care.services import episode_open
from backpath.care.submissions import once, record_for_submission
from backpath.clinical.classification import Diagnosis
from backpath.clinical.followup import (
    AlertKind,
    AlertSpec,
    Occasion,
    adherence_alert,
    flare_alert,
    overdue_alert,
    progress_alert,
    recheck,
    recheck_flags,
    red_flag_alert,
    returned_alert,
    week_of,
)
from backpath.clinical.instruments import instrument
from backpath.clinical.language import Lang
from backpath.clinical.progress import Change, change, progress_decision
from backpath.clinical.redflags import red_flag_bank
from backpath.clinical.scoring import Score, score
from backpath.clinical.stratification import Profile
from backpath.followup.models import (
    REASON_MAX,
    Alert,
    CheckKind,
    DiaryEntry,
    LongStandingSymptom,
    Measurement,
    RedFlagCheck,
)


def diary_save(
    *, actor: User, episode: Episode, day: date, values: Mapping[str, Any]
) -> DiaryEntry:
    """Today's entry; saving again the same day corrects it.

    One statement inserts or corrects (INSERT … ON CONFLICT DO UPDATE on the one-a-day
    constraint), so two saves of the same day at once meet in the database, with no gap
    between a look and a write; the entry carries the stored row's id either way.
    """
    entry = DiaryEntry(episode=episode, day=day, updated_at=timezone.now(), **values)
    with transaction.atomic(durable=True):
        DiaryEntry.objects.bulk_create(
            [entry],
            update_conflicts=True,
            unique_fields=("episode", "day"),
            update_fields=(*values, "updated_at"),
        )
        audit(actor, episode, AuditAction.DIARY_SAVE, None)
    return entry


def recheck_record(
    *,
    actor: User,
    episode: Episode,
    kind: CheckKind,
    answers: Mapping[str, bool],
    submission: uuid.UUID | None,
    pain: int | None = None,
    note: str = "",
    changed: Collection[str] = (),
) -> RedFlagCheck:
    """Store a re-check; a finding that stops care alerts the clinicians at once.

    ``changed`` names the flags asked as "has it changed since last time?" (documented as
    long-standing); a "yes" to those counts as the flag all the same. The same report sent
    twice at once is stored, alerted and emailed once; both get the stored check.
    """

    def write() -> RedFlagCheck:
        if unknown := sorted(set(changed) - set(markable_flags())):
            raise ValueError(f"changed: no changed question for {', '.join(unknown)}")
        result = recheck(answers)
        with transaction.atomic(durable=True):
            check = RedFlagCheck.objects.create(
                episode=episode,
                kind=kind,
                answers=dict(answers),
                changed=[flag for flag in recheck_flags() if flag in changed],
                urgency=result.urgency.value,
                ruleset=result.ruleset,
                pain=pain,
                note=note,
                submission=submission,
            )
            if spec := red_flag_alert(result):
                raise_alert(episode, spec, key=str(check.id))
            elif kind == CheckKind.FLARE and pain is not None:
                raise_alert(episode, flare_alert(pain), key=str(check.id))
            action = (
                AuditAction.RECHECK_FLARE if kind == CheckKind.FLARE else AuditAction.RECHECK_WEEKLY
            )
            audit(actor, episode, action, check.id)
        return check

    return once(lambda: record_for_submission(RedFlagCheck, submission, episode=episode), write)


def markable_flags() -> tuple[str, ...]:
    """The re-check flags a clinician may document as long-standing: those that have a
    question to ask instead ("has it changed since last time?")."""
    flags = red_flag_bank().by_id
    return tuple(f for f in recheck_flags() if flags[f].changed_question is not None)


def long_standing_flags(episode: Episode) -> frozenset[str]:
    """The flags documented as long-standing for the episode now (asked as "changed?")."""
    rows = LongStandingSymptom.objects.filter(episode=episode, removed_at__isnull=True)
    return frozenset(rows.values_list("flag", flat=True)) & frozenset(markable_flags())


def _active_long_standing(episode: Episode, flag: str) -> LongStandingSymptom | None:
    return LongStandingSymptom.objects.filter(
        episode=episode, flag=flag, removed_at__isnull=True
    ).first()


def long_standing_document(
    *, actor: User, episode: Episode, flag: str, reason: str, submission: uuid.UUID | None
) -> LongStandingSymptom:
    """Document a re-check symptom as long-standing; the re-check then asks "has it changed?".

    Sending the same form twice (also twice at once), or documenting a flag that is
    documented already, returns the stored row.
    """
    if flag not in markable_flags():
        raise ValueError(f"{flag}: not a re-check flag with a changed question")
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise ValueError(f"reason: required, at most {REASON_MAX} characters")

    def stored() -> LongStandingSymptom | None:
        # This submit's row, or the flag documented already (another tab, the same moment).
        return record_for_submission(
            LongStandingSymptom, submission, episode=episode
        ) or _active_long_standing(episode, flag)

    def write() -> LongStandingSymptom:
        with transaction.atomic(durable=True):
            row = LongStandingSymptom.objects.create(
                episode=episode,
                flag=flag,
                reason=reason,
                documented_by=actor,
                submission=submission,
            )
            audit(actor, episode, AuditAction.LONG_STANDING_DOCUMENT, row.id)
        return row

    return once(stored, write)


def long_standing_remove(*, actor: User, episode: Episode, flag: str) -> LongStandingSymptom | None:
    """The symptom is no longer documented as long-standing: the usual question is asked again.

    The row stays, marked removed. Nothing documented (a second click) changes nothing.
    """
    with transaction.atomic(durable=True):
        row = _active_long_standing(episode, flag)
        if row is None:
            return None
        removed_at = timezone.now()
        updated = LongStandingSymptom.objects.filter(pk=row.pk, removed_at__isnull=True).update(
            removed_at=removed_at, removed_by=actor
        )
        if not updated:
            return None
        audit(actor, episode, AuditAction.LONG_STANDING_REMOVE, row.id)
    row.removed_at, row.removed_by = removed_at, actor
    return row


def raise_alerts(wanted: Iterable[tuple[Episode, AlertSpec, str]]) -> list[Alert]:
    """Raise each (episode, rule, key) unless it was raised before; the alerts raised now.

    Two queries whatever their number: one insert that skips every key raised already (by
    an earlier run, or by a run or a request at the same moment: the database's constraint
    decides, nothing fails), then one read of which of our rows went in. A red flag also
    emails the clinicians, after the caller's transaction commits.
    """
    # In one order for every caller, so that two inserts waiting on each other's keys cannot
    # deadlock.
    alerts = sorted(
        (
            Alert(
                clinic_id=episode.clinic_id,
                episode=episode,
                kind=spec.kind.value,
                key=key,
                priority=spec.kind.priority,
                rule=spec.reason.rule,
                source=spec.reason.source,
                text={lang.value: spec.reason.text(lang) for lang in Lang},
            )
            for episode, spec, key in wanted
        ),
        key=lambda alert: (str(alert.episode_id), alert.kind, alert.key),
    )
    if not alerts:
        return []
    Alert.objects.bulk_create(alerts, ignore_conflicts=True)
    inserted = set(
        Alert.objects.filter(pk__in=[alert.pk for alert in alerts])
        .values_list("pk", flat=True)
        .order_by()
    )
    raised = [alert for alert in alerts if alert.pk in inserted]
    for alert in raised:
        if alert.kind == AlertKind.RED_FLAG:
            transaction.on_commit(partial(_email_clinicians, alert))
    return raised


def raise_alert(episode: Episode, spec: AlertSpec, *, key: str) -> Alert | None:
    """Raise the alert unless it was raised before; a red flag also emails the clinicians."""
    raised = raise_alerts([(episode, spec, key)])
    return raised[0] if raised else None


def _email_clinicians(alert: Alert) -> None:
    clinicians = User.objects.filter(
        clinic_id=alert.clinic_id,
        role__in=(Role.CLINICIAN, Role.CLINIC_ADMIN),
        is_active=True,
    ).exclude(email="")
    link = settings.SITE_URL.rstrip("/") + reverse("episode_detail", args=[alert.episode_id])
    messages = []
    for clinician in clinicians:
        with translation.override(clinician.language or settings.LANGUAGE_CODE):
            subject = _("backpath: a patient needs your attention today")
            body = _(
                "A patient's answers to the safety check need your attention today.\n\n"
                "Open the record (you will be asked to log in):\n%(link)s\n"
            ) % {"link": link}
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [clinician.email]))
    send_mass_mail(messages)
    Alert.objects.filter(pk=alert.pk).update(emailed_at=timezone.now())


def alert_resolve(*, actor: User, alert: Alert) -> None:
    with transaction.atomic(durable=True):
        updated = Alert.objects.filter(pk=alert.pk, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=actor
        )
        if updated:
            audit(actor, alert.episode, AuditAction.ALERT_RESOLVE, alert.id)


def _baseline_scores(episode: Episode) -> dict[str, Score]:
    answers: dict[str, dict[str, int]] = episode.intake.answers
    return {i: score(instrument(i), values) for i, values in answers.items()}


def changes_between(baseline: Mapping[str, Score], followup: Mapping[str, Score]) -> list[Change]:
    """The classified changes for every instrument measured validly both times."""
    found = []
    for instrument_id, later in followup.items():
        earlier = baseline.get(instrument_id)
        if (
            earlier is not None
            and earlier.valid
            and later.valid
            and later.definition.mcid is not None
            and earlier.version == later.version
        ):
            found.append(change(earlier, later))
    return found


def _diagnosis(episode: Episode) -> Diagnosis:
    latest = episode.assessments.only("diagnosis").order_by("-created_at").first()
    return Diagnosis(latest.diagnosis) if latest else Diagnosis.LBP


class MeasurementClosed(Exception):
    """The occasion was measured already (a second tab or a double submit, also one at the
    same moment)."""


def measurement_record(
    *,
    actor: Actor,
    episode: Episode,
    plan: PlanVersion,
    occasion: Occasion,
    answers: Mapping[str, Mapping[str, int]],
    instrument_versions: Mapping[str, str],
    today: date,
) -> Measurement:
    """Score the questionnaires, classify the change and raise the guideline's alert.

    One measurement per occasion: a second one raises ``MeasurementClosed``, also when both
    were sent at the same moment and the unique occasion refused the later insert.
    """

    def measured_already() -> None:
        # The form has no submission id: a late submit is told the occasion is closed, and
        # is not given the answers another submit stored.
        if Measurement.objects.filter(episode=episode, occasion=occasion.key).exists():
            raise MeasurementClosed

    scores = {i: score(instrument(i), values) for i, values in answers.items()}
    after_care = occasion.key.startswith("followup-")
    compare_with = _baseline_scores(episode)
    if after_care:
        # After discharge the question is relapse: compared with how the patient left.
        discharge = episode.measurements.filter(occasion="discharge").first()
        if discharge is not None:
            compare_with = {
                i: score(instrument(i), values) for i, values in discharge.answers.items()
            }
    changes = changes_between(compare_with, scores)
    decision = (
        progress_decision(
            Profile(plan.profile), _diagnosis(episode), week_of(plan.starts_on, today), changes
        )
        if changes
        else None
    )
    spec = progress_alert(decision) if decision else None
    if after_care and spec and spec.kind is not AlertKind.WORSE:
        spec = None  # after discharge only a relapse needs the clinician

    def write() -> Measurement:
        with transaction.atomic(durable=True):
            measurement = Measurement.objects.create(
                episode=episode,
                occasion=occasion.key,
                due_on=occasion.due,
                answers={key: dict(value) for key, value in answers.items()},
                scores={i: s.total for i, s in scores.items()},
                instrument_versions=dict(instrument_versions),
                outcome=decision.outcome.value if decision else "",
                decision=(
                    {
                        "rule": decision.reason.rule,
                        "source": decision.reason.source,
                        **{lang.value: decision.reason.text(lang) for lang in Lang},
                        "changes": {c.instrument: c.classification.value for c in changes},
                    }
                    if decision
                    else {}
                ),
                filled_by=account(actor),
            )
            if spec:
                raise_alert(episode, spec, key=occasion.key)
            audit(actor, episode, AuditAction.MEASUREMENT_SAVE, measurement.id)
        return measurement

    return once(measured_already, write)


@dataclass(frozen=True, slots=True)
class AlertFacts:
    """What the time-based alert rules need to know of one episode in treatment."""

    episode: Episode
    done: int  # exercise sessions done over the adherence window
    planned: int  # exercise sessions planned over it
    program_days: int  # days since the first home program was published (0: none)
    due: Sequence[Occasion]  # questionnaires open and not filled in


def refresh_alerts(facts: Iterable[AlertFacts], today: date) -> list[Alert]:
    """The time-based alerts (low adherence, overdue questionnaires) for open episodes, raised
    together (``raise_alerts``).

    Keys carry the ISO week or the occasion, so a rerun the same week raises nothing new.
    """
    year, week, _day = today.isocalendar()
    wanted: list[tuple[Episode, AlertSpec, str]] = []
    for fact in facts:
        if fact.episode.status != EpisodeStatus.TREATMENT:
            continue
        if spec := adherence_alert(fact.done, fact.planned, fact.program_days):
            wanted.append((fact.episode, spec, f"{year}-W{week:02d}"))
        for occasion in fact.due:
            if spec := overdue_alert(occasion, today):
                wanted.append((fact.episode, spec, occasion.key))
    return raise_alerts(wanted)


class AlreadyInCare(Exception):
    """The patient has an open episode; coming back means continuing that one."""

    def __init__(self, episode: Episode) -> None:
        super().__init__("an episode is open")
        self.episode = episode


def come_back(*, actor: User, closed: Episode, today: date) -> Episode:
    """A discharged patient's pain returned: a new episode with its intake, and an alert."""
    with transaction.atomic(durable=True):
        patient = Patient.objects.select_for_update().get(pk=closed.patient_id)
        open_one = patient.episodes.exclude(status=EpisodeStatus.CLOSED).first()
        if open_one is not None:
            raise AlreadyInCare(open_one)
        episode = episode_open(
            actor=actor,
            patient=patient,
            extra_instruments=closed.extra_instruments,
            submission=None,
        )
        discharged = timezone.localdate(closed.closed_at or timezone.now())
        raise_alert(
            episode,
            returned_alert(discharged, today),
            key=str(closed.id),
        )
        audit(actor, episode, AuditAction.EPISODE_COME_BACK, episode.id)
    return episode
