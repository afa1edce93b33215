"""A QuestionnaireResponse posted by a clinic's system, stored as a follow-up measurement.

The response names the Questionnaire (its canonical URL, optionally ``|version``) and the
episode by its care plan (``basedOn: CarePlan/{id}``, any version of the episode's plan). It
is stored exactly as the patient's own questionnaire page stores one: through
``followup.services.measurement_record``, which scores it in the clinical core, compares it
with the intake, records the guideline's decision and raises the clinician's alert. It fills
the first open occasion of the episode's plan that asks this questionnaire.

A retry makes no second measurement. With an ``Idempotency-Key`` header (the API's own
mechanism, ``api.idempotency``) a replay of the same request answers the stored result (200)
and the same key with another request is refused (422); a new key is a new response, even
with the same answers. Without the header the content decides: the same answers to the same
questionnaire for the same episode within a day of the stored ones are a retry of it, never
the next occasion's response.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
)
from pydantic import ValidationError

from backpath.api import records
from backpath.api.auth import Principal
from backpath.api.idempotency import idempotent
from backpath.api.problems import Invalid
from backpath.auditlog.models import Outcome
from backpath.care.audit import SystemActor
from backpath.care.models import Episode
from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import Instrument
from backpath.clinical.scoring import validate_answers
from backpath.fhir.mapping_questionnaire import canonical, version
from backpath.fhir.outcomes import FhirError, not_found
from backpath.fhir.sources import Answered, fhir_instrument, instrument_of, measurement_answered
from backpath.followup import services
from backpath.followup.models import Measurement
from backpath.followup.selectors import between_visits

# A response is a few kB: anything much larger is refused before it is parsed.
MAX_BODY = 64 * 1024
MEDIA_TYPES = frozenset({"application/fhir+json", "application/json"})
# How long after storing a response the same answers count as a retry of it.
REPEAT_WINDOW = timedelta(days=1)


def _invalid(problem: str, expression: str | None = None) -> FhirError:
    return FhirError(400, "structure", problem, expression=expression)


def _unprocessable(problem: str, expression: str | None = None) -> FhirError:
    return FhirError(422, "processing", problem, expression=expression)


def parse_body(request: HttpRequest) -> QuestionnaireResponse:
    length = request.META.get("CONTENT_LENGTH") or "0"
    if (length.isdigit() and int(length) > MAX_BODY) or len(request.body) > MAX_BODY:
        raise FhirError(
            413,
            "too-costly",
            _("The request body is larger than %(size)s bytes.") % {"size": MAX_BODY},
        )
    if request.content_type not in MEDIA_TYPES:
        raise FhirError(
            415, "not-supported", _("Send the resource as JSON (application/fhir+json).")
        )
    try:
        data = json.loads(request.body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise _invalid(_("The body is not valid JSON.")) from None
    if not isinstance(data, dict) or data.get("resourceType") != "QuestionnaireResponse":
        raise _invalid(_("The body must be a QuestionnaireResponse."), "resourceType")
    try:
        return QuestionnaireResponse.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "QuestionnaireResponse"
        raise _invalid(
            _("Not a valid QuestionnaireResponse: %(problem)s") % {"problem": first["msg"]},
            where,
        ) from None


def _definition(response: QuestionnaireResponse) -> Instrument:
    named = response.questionnaire or ""
    url, _bar, asked_version = named.partition("|")
    definition = instrument_of(url.rsplit("/", 1)[-1])
    if definition is None or url not in {
        canonical(definition),
        f"Questionnaire/{fhir_instrument(definition.id)}",
    }:
        raise _unprocessable(
            _("questionnaire: not a Questionnaire of this server: %(url)s") % {"url": named},
            "questionnaire",
        )
    if asked_version and asked_version != version(definition):
        raise _unprocessable(
            _("questionnaire: this server has version %(version)s")
            % {"version": version(definition)},
            "questionnaire",
        )
    return definition


def _episode(caller: Principal, response: QuestionnaireResponse) -> Episode:
    based_on = response.basedOn or []
    references = [r.reference or "" for r in based_on]
    if len(references) != 1 or not references[0].startswith("CarePlan/"):
        raise _unprocessable(
            _("basedOn: name the episode's care plan, as one reference CarePlan/{id}"), "basedOn"
        )
    plan_id = references[0].removeprefix("CarePlan/")
    try:
        key = uuid.UUID(plan_id)
    except ValueError:
        key = None
    episode = (
        records.episodes(caller).select_related("patient").filter(plans__pk=key).first()
        if key
        else None
    )
    if episode is None:
        records.log_read(
            caller,
            patient_id=None,
            object_type="fhir:CarePlan",
            object_id=plan_id[:64],
            outcome=Outcome.DENIED,
        )
        raise not_found()
    subject = response.subject.reference if response.subject else None
    if subject is not None and subject != f"Patient/{episode.patient_id}":
        raise _unprocessable(_("subject: not the patient of this care plan"), "subject")
    return episode


def _value(item: QuestionnaireResponseItem, where: str) -> int | None:
    answers = item.answer or []
    if len(answers) > 1:
        raise _unprocessable(_("give at most one answer per item"), where)
    if not answers:
        return None
    answer = answers[0]
    if answer.valueInteger is not None:
        return int(answer.valueInteger)
    code = answer.valueCoding.code if answer.valueCoding else None
    if code is not None and code.lstrip("-").isdigit():
        return int(code)
    raise _unprocessable(
        _("answer with valueCoding (the option's code) or valueInteger"), f"{where}.answer"
    )


def _answers(response: QuestionnaireResponse, definition: Instrument) -> dict[str, int]:
    answers: dict[str, int] = {}
    for position, item in enumerate(response.item or []):
        where = f"item[{position}]"
        if not item.linkId:
            raise _unprocessable(_("every item needs its linkId"), where)
        if item.item:
            raise _unprocessable(_("this questionnaire has no nested items"), where)
        if item.linkId in answers:
            raise _unprocessable(
                _("item %(link)s is answered twice") % {"link": item.linkId}, where
            )
        value = _value(item, where)
        if value is not None:
            answers[item.linkId] = value
    try:
        validate_answers(definition, answers, field_prefix="item")
    except ClinicalInputError as error:
        raise _unprocessable(f"{error.field}: {error.problem}", error.field) from None
    return answers


def _stored(episode: Episode, measurement: Measurement, definition: Instrument) -> Answered:
    return next(
        a for a in measurement_answered(episode, measurement) if a.definition.id == definition.id
    )


def _repeat_of(
    episode: Episode, definition: Instrument, answers: Mapping[str, int]
) -> Answered | None:
    """The stored response these answers repeat: the latest one of this questionnaire."""
    since = timezone.now() - REPEAT_WINDOW
    for measurement in episode.measurements.filter(created_at__gte=since).order_by("-created_at"):
        stored: Mapping[str, Any] | None = measurement.answers.get(definition.id)
        if stored is not None:
            given = {link: value for link, value in stored.items() if value is not None}
            return _stored(episode, measurement, definition) if given == dict(answers) else None
    return None


@dataclass(frozen=True, slots=True)
class Received:
    answered: Answered
    created: bool  # False: a repeat, answered with what was stored the first time


def receive(caller: Principal, request: HttpRequest) -> Received:
    response = parse_body(request)
    definition = _definition(response)
    episode = _episode(caller, response)
    if response.status != "completed":
        raise _unprocessable(_("status: only a completed response is stored"), "status")
    answers = _answers(response, definition)
    try:
        with idempotent(request, caller) as claim:
            # A new key is a new response; a replayed key, or none, may be a retry.
            maybe_retry = claim.submission is None or claim.replayed
            return _store(caller, episode, definition, answers, maybe_retry=maybe_retry)
    except Invalid as error:
        raise _unprocessable(f"{error.field}: {error.problem}", error.field) from None


def _store(
    caller: Principal,
    episode: Episode,
    definition: Instrument,
    answers: Mapping[str, int],
    *,
    maybe_retry: bool,
) -> Received:
    if maybe_retry and (repeat := _repeat_of(episode, definition, answers)) is not None:
        return Received(repeat, created=False)
    today = timezone.localdate()
    state = between_visits(episode, today)
    occasion = next((o for o in state.due if definition.id in o.instruments), None)
    if occasion is None or state.plan is None:
        raise _unprocessable(
            _("No questionnaire of this episode that asks %(name)s is open now.")
            % {"name": definition.abbreviation},
            "questionnaire",
        )
    try:
        measurement = services.measurement_record(
            # A key has no account: the measurement is stored without one (filled_by is
            # empty), and the access log names the key.
            actor=caller.user or SystemActor(clinic_id=caller.clinic_id, label=caller.label),
            episode=episode,
            plan=state.plan,
            occasion=occasion,
            answers={definition.id: dict(answers)},
            instrument_versions={definition.id: version(definition)},
            today=today,
        )
    except services.MeasurementClosed:
        # The same response sent twice at once: the other one stored it.
        if (repeat := _repeat_of(episode, definition, answers)) is not None:
            return Received(repeat, created=False)
        raise FhirError(
            409, "conflict", _("This occasion was answered a moment ago with other answers.")
        ) from None
    return Received(_stored(episode, measurement, definition), created=True)
