"""Writes to the clinical record. Each service runs in one transaction and writes an audit event.

The clinical decisions themselves come from ``backpath.clinical``; these functions only
gather the stored answers into a core ``Intake``, run it, and keep input and result together.
A ``submission`` id from the form makes a repeated submit return the first record, also
when both arrive at the same moment (``once``). Numbers (plan version, session) are taken
with the episode row locked, so two different forms at once get the next numbers in turn.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backpath import __version__
from backpath.accounts.models import Clinic, Role, User
from backpath.accounts.services import invitation_elsewhere, invitation_send, user_invite
from backpath.care.audit import Actor, AuditAction, account, audit
from backpath.care.core_input import OPTIONAL_INSTRUMENTS, core_input, patient_facts
from backpath.care.models import (
    Assessment,
    AssessmentKind,
    Episode,
    EpisodeStatus,
    Intake,
    IntakeStatus,
    Patient,
    PlanVersion,
    SessionNote,
)
from backpath.care.selectors import current_plan, plan_on_hold
from backpath.care.session_checks import (
    SessionDraft,
    duplicate_problem,
    same_note_today,
    session_check,
    session_problems,
)
from backpath.care.submissions import once, record_for_submission
from backpath.clinical import intake as clinical_intake
from backpath.clinical.intake import assess, complete_screen, parse_intake
from backpath.clinical.language import Lang
from backpath.clinical.redflags import Action
from backpath.clinical.triage import Triage, triage
from backpath.interchange import assessment_json, plan_json, revise_input


def patient_create(*, actor: Actor, submission: uuid.UUID | None, **fields: Any) -> Patient:
    """Add a patient to the actor's clinic (a clinician, or a clinic's API key)."""
    clinic_id = actor.clinic_id
    if clinic_id is None:
        raise ValueError("only a clinic member adds patients")
    clinic = Clinic.objects.get(pk=clinic_id)

    def write() -> Patient:
        with transaction.atomic(durable=True):
            patient = Patient.objects.create(
                clinic=clinic, created_by=account(actor), submission=submission, **fields
            )
            audit(actor, patient, AuditAction.PATIENT_CREATE, patient.id)
        return patient

    return once(lambda: record_for_submission(Patient, submission, clinic=clinic), write)


class PatientChanged(Exception):
    """The details changed since the form was shown (someone else saved first)."""


def patient_details_version(patient: Patient, fields: Iterable[str]) -> str:
    """A fingerprint of the patient's ``fields`` as they are now: the edit form carries the
    one it was shown with, so a save over someone else's newer change is noticed."""
    values = [str(getattr(patient, name)) for name in sorted(fields)]
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:32]


def patient_update(
    *, actor: User, patient: Patient, version: str, fields: Mapping[str, Any]
) -> Patient:
    """Change the patient's details (contact, GP practice ...), audited. ``version`` is the
    fingerprint the form was shown with (``patient_details_version``); when the stored
    details no longer match it, nothing is saved (``PatientChanged``). Saving the same
    values twice (Back and Save again) changes nothing and is not refused."""
    with transaction.atomic(durable=True):
        patient.refresh_from_db(from_queryset=Patient.objects.select_for_update())
        changed = [name for name, value in fields.items() if getattr(patient, name) != value]
        if not changed:
            return patient
        if version != patient_details_version(patient, fields):
            raise PatientChanged
        for name in changed:
            setattr(patient, name, fields[name])
        patient.save(update_fields=[*changed, "updated_at"])
        audit(actor, patient, AuditAction.PATIENT_UPDATE, patient.id)
    return patient


class InviteRefused(Exception):
    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def patient_invite(
    *, actor: User, patient: Patient, email: str, language: str, base_url: str
) -> None:
    """Invite the patient to the portal, or send a fresh link to their account.

    The patient row is locked and read again first: a second click at the same moment then
    sees the account the first one made and sends it a fresh link, instead of making the
    account again (which the unique email address would refuse).
    """
    email = email.lower()
    with transaction.atomic(durable=True):
        patient.refresh_from_db(from_queryset=Patient.objects.select_for_update())
        account = patient.user
        taken = User.objects.filter(email__iexact=email)
        if account is not None:
            taken = taken.exclude(pk=account.pk)
        if taken.filter(clinic_id=patient.clinic_id).exists():
            raise InviteRefused(_("This email address already has an account in your clinic."))
        if taken.exists():
            # An account in another clinic: the clinic must not learn it exists, so the
            # page says "sent" as always and the address's owner is told instead.
            invitation_elsewhere(email=email, clinic=patient.clinic, language=language)
            audit(actor, patient, AuditAction.PATIENT_INVITE, patient.id)
            return
        if account is None:
            account = user_invite(
                actor=actor,
                clinic=patient.clinic,
                email=email,
                first_name=patient.first_name,
                last_name=patient.last_name,
                role=Role.PATIENT,
                language=language,
                base_url=base_url,
            )
        elif account.email != email:
            if account.has_usable_password():
                # A login in use is changed by its owner or an admin, not by an invitation.
                raise InviteRefused(
                    _("The patient's portal account uses %(email)s; the link goes there.")
                    % {"email": account.email}
                )
            account.email = email
            account.save(update_fields=["email"])
            invitation_send(actor=actor, user=account, base_url=base_url)
        else:
            invitation_send(actor=actor, user=account, base_url=base_url)
        patient.user = account
        patient.email = email
        patient.save(update_fields=["user", "email", "updated_at"])
        audit(actor, patient, AuditAction.PATIENT_INVITE, patient.id)


def episode_open(
    *,
    actor: Actor,
    patient: Patient,
    extra_instruments: Sequence[str],
    submission: uuid.UUID | None,
) -> Episode:

    def write() -> Episode:
        # Not durable: also inside come_back's transaction (a savepoint there).
        with transaction.atomic():
            episode = Episode.objects.create(
                clinic_id=patient.clinic_id,
                patient=patient,
                opened_by=account(actor),
                extra_instruments=[i for i in OPTIONAL_INSTRUMENTS if i in extra_instruments],
                submission=submission,
            )
            Intake.objects.create(episode=episode)
            audit(actor, patient, AuditAction.EPISODE_OPEN, episode.id)
        return episode

    return once(lambda: record_for_submission(Episode, submission, patient=patient), write)


def _mark_urgent(episode: Episode, urgency: Action) -> None:
    episode.status = EpisodeStatus.URGENT
    episode.urgency = urgency.value
    episode.urgent_seen_at = None
    episode.urgent_seen_by = None
    episode.save(update_fields=["status", "urgency", "urgent_seen_at", "urgent_seen_by"])


def intake_save_safety(
    *,
    actor: User,
    episode: Episode,
    red_flags: Mapping[str, bool | str],
    facts: Mapping[str, bool],
) -> Triage:
    """Step 1: the red-flag questions. An emergency or same-day answer stops the intake.

    "I don't know" answers and the clinician's checklist (asked at the review) are not yet
    screened: the result says so and is never "no warning signs".
    """
    with transaction.atomic(durable=True):
        intake = Intake.objects.select_for_update().get(episode=episode)
        if intake.status not in (IntakeStatus.SAFETY, IntakeStatus.QUESTIONNAIRES):
            raise IntakeClosed
        screen = complete_screen(red_flags)
        result = triage(
            [flag for flag, answer in screen.items() if answer is True],
            patient_facts(episode.patient, facts, intake.complaint),
            unscreened=[flag for flag, answer in screen.items() if isinstance(answer, str)],
        )
        intake.red_flags = dict(red_flags)
        intake.patient_facts = dict(facts)
        intake.urgency = result.urgency.value
        intake.redflags_ruleset = result.ruleset
        intake.filled_by = actor
        if result.stops_care:
            intake.status = IntakeStatus.STOPPED
            intake.finished_at = timezone.now()
            _mark_urgent(episode, result.urgency)
        else:
            intake.status = IntakeStatus.QUESTIONNAIRES
            if episode.urgency != result.urgency.value:
                episode.urgency = result.urgency.value
                episode.save(update_fields=["urgency"])
        intake.save()
        audit(actor, episode, AuditAction.INTAKE_SAFETY, intake.id)
    return result


class IntakeClosed(Exception):
    """The intake was already submitted or stopped; it is not changed afterwards."""


def _store_assessment(
    *,
    actor: User,
    episode: Episode,
    kind: AssessmentKind,
    document: dict[str, Any],
    submission: uuid.UUID | None,
) -> tuple[Assessment, clinical_intake.Assessment]:
    core = assess(parse_intake(document))
    record = Assessment.objects.create(
        episode=episode,
        kind=kind,
        input=document,
        result={lang.value: assessment_json(core, lang) for lang in Lang},
        urgency=core.triage.urgency.value,
        diagnosis=core.classification.diagnosis.value,
        profile=core.profile.value if core.profile else "",
        risk=core.risk or "",
        redflags_ruleset=core.triage.ruleset,
        pathway_ruleset=core.plan.ruleset if core.plan else "",
        backpath_version=__version__,
        created_by=actor,
        submission=submission,
    )
    return record, core


def intake_submit(
    *,
    actor: User,
    episode: Episode,
    description: str,
    complaint: Mapping[str, Any],
    answers: Mapping[str, Mapping[str, int]],
    item_notes: Mapping[str, Mapping[str, str]],
    instrument_versions: Mapping[str, str],
) -> Assessment:
    """Step 2: complaint and questionnaires. Scores and triages the whole intake."""
    with transaction.atomic(durable=True):
        intake = Intake.objects.select_for_update().get(episode=episode)
        if intake.status != IntakeStatus.QUESTIONNAIRES:
            raise IntakeClosed
        intake.description = description
        intake.complaint = dict(complaint)
        intake.item_notes = {key: dict(value) for key, value in item_notes.items()}
        intake.answers = {key: dict(value) for key, value in answers.items()}
        intake.instrument_versions = dict(instrument_versions)
        intake.filled_by = actor
        intake.finished_at = timezone.now()
        document = core_input(episode, intake, timezone.localdate())
        record, core = _store_assessment(
            actor=actor,
            episode=episode,
            kind=AssessmentKind.INTAKE,
            document=document,
            submission=None,
        )
        intake.urgency = record.urgency
        if core.triage.stops_care:
            intake.status = IntakeStatus.STOPPED
            _mark_urgent(episode, core.triage.urgency)
        else:
            intake.status = IntakeStatus.SUBMITTED
            episode.status = EpisodeStatus.REVIEW
            episode.urgency = record.urgency
            episode.save(update_fields=["status", "urgency"])
        intake.save()
        audit(actor, episode, AuditAction.INTAKE_SUBMIT, intake.id)
    return record


def urgent_acknowledge(*, actor: User, episode: Episode) -> None:
    """The clinician contacted the patient about the urgent finding; recorded once."""
    if episode.status != EpisodeStatus.URGENT or episode.urgent_seen_at is not None:
        return
    with transaction.atomic(durable=True):
        episode.urgent_seen_by = actor
        episode.urgent_seen_at = timezone.now()
        episode.save(update_fields=["urgent_seen_by", "urgent_seen_at"])
        audit(actor, episode, AuditAction.EPISODE_URGENT_SEEN, episode.id)


def _plan_record(
    *,
    actor: User,
    episode: Episode,
    assessment: Assessment,
    core: clinical_intake.Assessment,
    number: int,
    omitted: Sequence[Mapping[str, str]],
    note: str,
    reason: str,
    submission: uuid.UUID | None,
) -> PlanVersion:
    plan = core.plan
    assert plan is not None
    return PlanVersion.objects.create(
        episode=episode,
        number=number,
        assessment=assessment,
        profile=plan.profile.value,
        max_sessions=plan.max_sessions,
        within_weeks=plan.within_weeks,
        starts_on=core.intake.today,
        plan={lang.value: plan_json(plan, lang) for lang in Lang},
        omitted=list(omitted),
        note=note,
        reason=reason,
        created_by=actor,
        submission=submission,
    )


def review_record(
    *,
    actor: User,
    episode: Episode,
    findings: Mapping[str, Any],
    clinician_flags: Mapping[str, bool | str],
    prognostic_factors: Sequence[str],
    profile_override: Mapping[str, str] | None,
    submission: uuid.UUID | None,
) -> Assessment:
    """The clinician's review: findings and final profile, and from them the care plan.

    A later review (re-assessment) adds a new plan version; earlier ones stay as they were.
    """

    def write() -> Assessment:
        with transaction.atomic(durable=True):
            locked = Episode.objects.select_for_update().get(pk=episode.pk)
            document = core_input(
                locked,
                locked.intake,
                timezone.localdate(),
                findings=findings,
                clinician_flags=clinician_flags,
                prognostic_factors=prognostic_factors,
                profile_override=profile_override,
            )
            record, core = _store_assessment(
                actor=actor,
                episode=locked,
                kind=AssessmentKind.REVIEW,
                document=document,
                submission=submission,
            )
            locked.urgency = record.urgency
            if core.triage.stops_care:
                _mark_urgent(locked, core.triage.urgency)
            else:
                if core.plan is not None:
                    number = locked.plans.count() + 1
                    _plan_record(
                        actor=actor,
                        episode=locked,
                        assessment=record,
                        core=core,
                        number=number,
                        omitted=(),
                        note="",
                        reason="" if number == 1 else "re-assessment",
                        submission=None,
                    )
                locked.status = EpisodeStatus.TREATMENT
                locked.save(update_fields=["status", "urgency"])
            audit(actor, locked, AuditAction.ASSESSMENT_REVIEW, record.id)
        return record

    return once(lambda: record_for_submission(Assessment, submission, episode=episode), write)


def plan_adjust(
    *,
    actor: User,
    episode: Episode,
    max_sessions: int,
    omitted: Sequence[Mapping[str, str]],
    note: str,
    reason: str,
    submission: uuid.UUID | None,
) -> PlanVersion:
    """A new plan version from the current one with a changed budget, omissions or a note.

    The episode row is locked while the next number is taken: two changes at once become
    two versions in turn, each from the one before.
    """

    def write() -> PlanVersion:
        with transaction.atomic(durable=True):
            locked = Episode.objects.select_for_update().get(pk=episode.pk)
            current = locked.plans.order_by("-number").select_related("assessment").first()
            if current is None:
                raise ValueError("the episode has no care plan yet")
            document = revise_input(
                current.assessment.input, session_budget={current.profile: max_sessions}
            )
            core = assess(parse_intake(document))
            version = _plan_record(
                actor=actor,
                episode=locked,
                assessment=current.assessment,
                core=core,
                number=current.number + 1,
                omitted=omitted,
                note=note,
                reason=reason,
                submission=submission,
            )
            audit(actor, locked, AuditAction.PLAN_ADJUST, version.id)
        return version

    return once(lambda: record_for_submission(PlanVersion, submission, episode=episode), write)


class NotOnHold(Exception):
    """The current plan does not wait for a GP's answer (already released, or never held)."""


def gp_answer_record(
    *,
    actor: User,
    episode: Episode,
    answered_on: date,
    note: str,
    submission: uuid.UUID | None,
) -> PlanVersion:
    """The GP answered the red-flag referral and physiotherapy may go on (KNGF 2021 B.1.3).

    The last review is assessed again with the answer: a new assessment and plan version
    without the hold, keeping what the clinician left out. The red flag stays on record.
    A second click at the same moment finds the hold gone behind the first one's lock, and
    answers with the version the first one stored (not ``NotOnHold``).
    """

    def write() -> PlanVersion:
        with transaction.atomic(durable=True):
            locked = Episode.objects.select_for_update().get(pk=episode.pk)
            current = locked.plans.order_by("-number").select_related("assessment").first()
            if not plan_on_hold(current):
                raise NotOnHold
            assert current is not None
            document = revise_input(
                current.assessment.input,
                today=timezone.localdate().isoformat(),
                gp_answer={"answered_on": answered_on.isoformat(), "note": note},
            )
            record, core = _store_assessment(
                actor=actor,
                episode=locked,
                kind=AssessmentKind.REVIEW,
                document=document,
                submission=None,
            )
            version = _plan_record(
                actor=actor,
                episode=locked,
                assessment=record,
                core=core,
                number=current.number + 1,
                omitted=current.omitted,
                note=current.note,
                reason="GP answer recorded",
                submission=submission,
            )
            audit(actor, locked, AuditAction.PLAN_GP_ANSWER, version.id)
        return version

    return once(lambda: record_for_submission(PlanVersion, submission, episode=episode), write)


class SessionRefused(Exception):
    """The note does not meet the plan as it stands now; the form shows each problem on its
    field (another clinician may have changed the plan since the form was shown)."""

    def __init__(self, problems: list[tuple[str | None, str]]) -> None:
        super().__init__("; ".join(problem for _field, problem in problems))
        self.problems = problems


def session_record(
    *, actor: User, episode: Episode, draft: SessionDraft, submission: uuid.UUID | None
) -> SessionNote:
    """Store the note as the episode's next session, checked against the plan as it is now.

    The episode row is locked while the number is taken: two clinicians saving at once get
    the next numbers in turn. A second click of the same form at that moment may find the
    plan refusing the note (the first one used the last session of the budget) and answers
    with the stored note instead.
    """

    def write() -> SessionNote:
        with transaction.atomic(durable=True):
            locked = Episode.objects.select_for_update().get(pk=episode.pk)
            plan = current_plan(locked)
            if plan is None:
                raise SessionRefused([(None, _("This episode has no care plan yet."))])
            check = session_check(locked, plan, draft.interventions)
            problems = session_problems(check, draft)
            if not draft.save_anyway and (
                same := same_note_today(locked, draft, timezone.localdate())
            ):
                problems.append(duplicate_problem(same))
            if problems:
                raise SessionRefused(list(problems))
            note = SessionNote.objects.create(
                episode=locked,
                number=locked.sessions.count() + 1,
                held_on=draft.held_on,
                clinician=actor,
                subjective=draft.subjective,
                objective=draft.objective,
                analysis=draft.analysis,
                plan=draft.plan,
                pain_now=draft.pain_now,
                interventions=list(draft.interventions),
                warnings=[code for code, _verdict in check.not_recommended]
                + (["hold"] if check.on_hold else []),
                deviation_reason=draft.deviation_reason if check.needs_reason else "",
                over_budget_reason=draft.over_budget_reason if check.over_budget else "",
                submission=submission,
            )
            audit(actor, locked, AuditAction.SESSION_RECORD, note.id)
        return note

    return once(lambda: record_for_submission(SessionNote, submission, episode=episode), write)


def episode_close(*, actor: User, episode: Episode, reason: str, summary: str) -> Episode:
    with transaction.atomic(durable=True):
        episode = Episode.objects.select_for_update().get(pk=episode.pk)
        if episode.status == EpisodeStatus.CLOSED:
            return episode
        episode.status = EpisodeStatus.CLOSED
        episode.closed_at = timezone.now()
        episode.discharge_reason = reason
        episode.discharge_summary = summary
        episode.save(update_fields=["status", "closed_at", "discharge_reason", "discharge_summary"])
        audit(actor, episode, AuditAction.EPISODE_CLOSE, episode.id)
    return episode
