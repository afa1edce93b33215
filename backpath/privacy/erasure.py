"""Carrying out a granted erasure request: the patient's personal data go, for good; what the
clinic's figures need (scores, profiles, interventions, dates, outcomes) stays.

``RULES`` says, for every text and JSON column of every model in ``holdings.HOLDINGS``, what
erasure does with it; a test fails when a column has no rule. Per rule:

- ``KEEP``: codes, scores, answers on a scale, rule texts: no personal data, kept as they are.
- ``BLANK``: free text, emptied.
- ``MARK``: free text that a constraint wants non-empty (a plan change's reason):
  replaced by ``[erased]``.
- ``EMPTY``: free text kept as JSON (the activities named beside a questionnaire): emptied.
- ``INPUT``: a stored input with free text under known keys (the examination's ``notes``, the
  GP's ``note``, a ``reason``): those values erased, the rest (answers, dates, flags) kept,
  so the record still parses and can be assessed again.
- ``SHOWN``: a stored display copy (an assessment's result, a plan) that quotes the free text
  above: every quote of it cut out, the rest kept.
- ``NAMES``: a text the clinic keeps (the reason for its decision): the patient's names,
  contact details, date of birth, GP and referrer cut out.

The account's own rows (reminder settings and the reminders sent, invitations) are deleted,
and the patient row itself loses name, date of birth (the year stays, as 1 July), email, GP
and referrer. The portal account is closed: no name, a placeholder address, no password,
inactive. Open episodes are closed as "stopped by the patient" and open alerts resolved, so
nothing waits for a patient who is gone.

The access log is append-only and chained (NEN 7513): it keeps its entries, and records the
erasure as a change with the detail ``patient.erase``, never what was erased. Its entries of
the patient's own use of the portal name the account by the email address it had
(``actor_label``); they stay until the log's retention job removes them (GDPR art. 17(3)(b):
the log is a legal obligation).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from enum import StrEnum
from typing import Any

from axes.models import AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from backpath.accounts.lockout import unlock
from backpath.accounts.models import Invitation, Role, User
from backpath.auditlog.models import Action
from backpath.auditlog.services import record
from backpath.care.models import (
    Assessment,
    DischargeReason,
    Episode,
    EpisodeStatus,
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
from backpath.privacy.holdings import HOLDINGS
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

ERASED = "[erased]"


class Rule(StrEnum):
    KEEP = "keep"
    BLANK = "blank"
    MARK = "mark"
    EMPTY = "empty"
    INPUT = "input"
    SHOWN = "shown"
    NAMES = "names"


KEEP, BLANK, MARK, EMPTY = Rule.KEEP, Rule.BLANK, Rule.MARK, Rule.EMPTY
INPUT, SHOWN, NAMES = Rule.INPUT, Rule.SHOWN, Rule.NAMES

RULES: dict[type[models.Model], dict[str, Rule]] = {
    Episode: {
        "status": KEEP,
        "urgency": KEEP,
        "extra_instruments": KEEP,
        "discharge_reason": KEEP,
        "discharge_summary": BLANK,
    },
    Intake: {
        "status": KEEP,
        "red_flags": KEEP,
        "urgency": KEEP,
        "redflags_ruleset": KEEP,
        "patient_facts": KEEP,
        "description": BLANK,
        "complaint": KEEP,  # onset date, leg pain, course: coded answers
        "answers": KEEP,
        "instrument_versions": KEEP,
        "item_notes": EMPTY,
    },
    Assessment: {
        "kind": KEEP,
        "input": INPUT,
        "result": SHOWN,
        "urgency": KEEP,
        "diagnosis": KEEP,
        "profile": KEEP,
        "risk": KEEP,
        "redflags_ruleset": KEEP,
        "pathway_ruleset": KEEP,
        "backpath_version": KEEP,
    },
    PlanVersion: {
        "profile": KEEP,
        "plan": SHOWN,
        "omitted": INPUT,  # [{"id": component, "reason": free text}]
        "note": BLANK,
        "reason": MARK,
    },
    SessionNote: {
        "subjective": BLANK,
        "objective": BLANK,
        "analysis": BLANK,
        "plan": BLANK,
        "interventions": KEEP,
        "warnings": KEEP,
        "deviation_reason": MARK,
        "over_budget_reason": MARK,
    },
    Program: {"note": BLANK, "reason": MARK},
    ProgramItem: {"exercise_id": KEEP},
    Quota: {"activity": MARK, "unit": KEEP},
    ExerciseLog: {},
    QuotaLog: {},
    QuotaEntry: {},
    DiaryEntry: {"exercises": KEEP, "sleep": KEEP},
    RedFlagCheck: {
        "kind": KEEP,
        "answers": KEEP,
        "changed": KEEP,
        "urgency": KEEP,
        "ruleset": KEEP,
        "note": BLANK,
    },
    LongStandingSymptom: {"flag": KEEP, "reason": MARK},
    Measurement: {
        "occasion": KEEP,
        "answers": KEEP,
        "scores": KEEP,
        "instrument_versions": KEEP,
        "outcome": KEEP,
        "decision": KEEP,  # the guideline's decision text, from the rules
    },
    Alert: {"kind": KEEP, "key": KEEP, "rule": KEEP, "source": KEEP, "text": KEEP},
    ModuleRead: {"module_id": KEEP},
    PreventionCheck: {"kind": KEEP, "answers": KEEP, "advice": KEEP},
    ErasureRequest: {"reason": MARK, "decision": KEEP, "decision_reason": NAMES},
}

# The portal account's own rows: deleted with the login they serve.
DELETED: tuple[type[models.Model], ...] = (
    ReminderSettings,
    ReminderSent,
    Invitation,
    TOTPDevice,
    StaticDevice,
    StaticToken,
)

# In a stored input, the keys that hold free text, and what is left in their place (a GP's
# note and a reason must stay non-empty for the input to parse).
_INPUT_KEYS = {"notes": "", "note": ERASED, "reason": ERASED}
_SHOWN_KEYS = {"notes": ""}  # the examination's notes, as the result repeats them


def text_columns(model: type[models.Model]) -> list[str]:
    """The columns of ``model`` that can hold text: char, text and JSON columns."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField)
    ]


def _words(values: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern for any of ``values`` as whole words, in any case (longest first), or None."""
    found = sorted({v.strip() for v in values if len(v.strip()) >= 2}, key=len, reverse=True)
    if not found:
        return None
    alternatives = "|".join(re.escape(value) for value in found)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _cut_keys(value: Any, keys: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {
            key: keys[key]
            if key in keys and isinstance(item, str) and item
            else _cut_keys(item, keys)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_cut_keys(item, keys) for item in value]
    return value


def _strings_at(value: Any, keys: Iterable[str]) -> Iterator[str]:
    wanted = set(keys)
    if isinstance(value, dict):
        for key, item in value.items():
            if key in wanted and isinstance(item, str):
                yield item
            else:
                yield from _strings_at(item, wanted)
    elif isinstance(value, list):
        for item in value:
            yield from _strings_at(item, wanted)


def _cut_quotes(value: Any, quoted: re.Pattern[str] | None) -> Any:
    """The stored copy with the examination's notes and every quote of the inputs' free text
    cut out; codes, scores and the rules' own texts stay."""
    value = _cut_keys(value, _SHOWN_KEYS)
    return value if quoted is None else _sub_strings(value, quoted)


def _sub_strings(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, dict):
        return {key: _sub_strings(item, pattern) for key, item in value.items()}
    if isinstance(value, list):
        return [_sub_strings(item, pattern) for item in value]
    return value


def personal_strings(patient: Patient, account: User | None) -> list[str]:
    """The patient's names, contact details, date of birth (as written in the log, a form
    and a letter), GP and referrer."""
    born = patient.date_of_birth
    values = [
        patient.first_name,
        patient.last_name,
        f"{patient.first_name} {patient.last_name}",
        patient.email,
        patient.phone,
        patient.gp_name,
        patient.gp_practice,
        patient.gp_phone,
        patient.gp_address,
        patient.referrer,
        born.isoformat(),
        born.strftime("%d-%m-%Y"),
        born.strftime("%d/%m/%Y"),
        f"{born.day}-{born.month}-{born.year}",
    ]
    if account is not None:
        values += [account.first_name, account.last_name, account.get_full_name(), account.email]
    return values


def _quoted(patient: Patient) -> re.Pattern[str] | None:
    """What a display copy may quote of the stored inputs: the core writes a profile
    override's reason and the GP's note into its texts after a colon ("Reason: …"). The
    examination's notes are a field of their own (``_SHOWN_KEYS``)."""
    inputs = Assessment.objects.filter(episode__patient=patient).values_list("input", flat=True)
    found = {text.strip() for stored in inputs for text in _strings_at(stored, ("note", "reason"))}
    found = {text for text in found if text}
    if not found:
        return None
    alternatives = "|".join(re.escape(text) for text in sorted(found, key=len, reverse=True))
    return re.compile(rf"(?<=: )\s*(?:{alternatives})(?!\w)")


def _admin_history(patient: Patient, account: User | None) -> None:
    """The admin's change history names what it changed (``str(obj)``: "Amy Jansen 2025-…")."""
    targets: list[tuple[type[models.Model], list[Any]]] = [(Patient, [patient.pk])]
    if account is not None:
        targets.append((User, [account.pk]))
    for holding in HOLDINGS:
        rows = holding.model._default_manager.filter(**{holding.path: patient})
        targets.append((holding.model, list(rows.values_list("pk", flat=True))))
    for model, pks in targets:
        if pks:
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=[str(pk) for pk in pks],
            ).update(object_repr=ERASED)


def _columns(patient: Patient, personal: list[str]) -> None:
    quoted = _quoted(patient)
    names = _words(personal)
    for holding in HOLDINGS:
        rows = holding.model._default_manager.filter(**{holding.path: patient})
        if holding.model in DELETED:
            rows.delete()
            continue
        rules = RULES[holding.model]
        stored: list[str] = []
        for name, rule in rules.items():
            if rule is BLANK:
                rows.exclude(**{name: ""}).update(**{name: ""})
            elif rule is MARK:
                rows.exclude(**{name: ""}).update(**{name: ERASED})
            elif rule is EMPTY:
                field = holding.model._meta.get_field(name)
                assert isinstance(field, models.Field)
                rows.update(**{name: field.get_default()})
            elif rule in (INPUT, SHOWN, NAMES):
                stored.append(name)
        if not stored:
            continue
        for row in rows.only("pk", *stored):
            for name in stored:
                value = getattr(row, name)
                if rules[name] is INPUT:
                    value = _cut_keys(value, _INPUT_KEYS)
                elif rules[name] is SHOWN:
                    value = _cut_quotes(value, quoted)
                elif names is not None and isinstance(value, str):
                    value = names.sub(ERASED, value)
                setattr(row, name, value)
            row.save(update_fields=stored)


def _close_care(actor: User, patient: Patient, now: Any) -> None:
    """Nothing goes on waiting for the patient: open episodes close, open alerts resolve."""
    for episode in Episode.objects.filter(patient=patient).exclude(status=EpisodeStatus.CLOSED):
        episode.status = EpisodeStatus.CLOSED
        episode.closed_at = now
        episode.discharge_reason = DischargeReason.STOPPED
        episode.save(update_fields=["status", "closed_at", "discharge_reason"])
        record(
            actor=actor,
            action=Action.CHANGE,
            detail="episode.close",
            patient_id=patient.id,
            clinic_id=patient.clinic_id,
            object_type="episode",
            object_id=episode.id,
        )
    for alert in Alert.objects.filter(episode__patient=patient, resolved_at__isnull=True):
        alert.resolved_at, alert.resolved_by = now, actor
        alert.save(update_fields=["resolved_at", "resolved_by"])
        record(
            actor=actor,
            action=Action.CHANGE,
            detail="alert.resolve",
            patient_id=patient.id,
            clinic_id=patient.clinic_id,
            object_type="alert",
            object_id=alert.id,
        )


def _close_account(account: User) -> None:
    """The portal account can no longer log in and names no one. Its failed-login counts
    (django-axes, kept by address typed) go with it."""
    unlock(account)
    AccessFailureLog.objects.filter(username__iexact=account.email).delete()
    AccessLog.objects.filter(username__iexact=account.email).delete()
    account.email = f"erased-{account.pk}@backpath.invalid"
    account.first_name = account.last_name = ""
    account.set_unusable_password()  # also ends every session it had
    account.is_active = False
    account.save(update_fields=["email", "first_name", "last_name", "password", "is_active"])
    account.groups.clear()
    account.user_permissions.clear()


def erase(*, actor: User, patient: Patient) -> None:
    """Erase the patient's personal data, inside the caller's transaction. Irreversible."""
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    now = timezone.now()
    account = User.objects.filter(pk=patient.user_id).first() if patient.user_id else None
    personal = personal_strings(patient, account)
    _admin_history(patient, account)
    _columns(patient, personal)
    _close_care(actor, patient, now)
    if account is not None and account.role == Role.PATIENT:
        _close_account(account)
    born = patient.date_of_birth
    patient.first_name = ""
    patient.last_name = ERASED
    patient.date_of_birth = date(born.year, 7, 1)  # the year, for age at intake
    patient.email = patient.phone = patient.referrer = ""
    patient.gp_name = patient.gp_practice = patient.gp_phone = patient.gp_address = ""
    patient.user = None
    patient.save(
        update_fields=[
            "first_name",
            "last_name",
            "date_of_birth",
            "email",
            "phone",
            "gp_name",
            "gp_practice",
            "gp_phone",
            "gp_address",
            "referrer",
            "user",
            "updated_at",
        ]
    )
    record(
        actor=actor,
        action=Action.CHANGE,
        detail="patient.erase",
        patient_id=patient.id,
        clinic_id=patient.clinic_id,
        object_type="patient",
        object_id=patient.id,
    )
