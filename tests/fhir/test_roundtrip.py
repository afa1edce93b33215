"""Intake -> Questionnaire -> QuestionnaireResponse -> Observations, and back in: a client
reads a Questionnaire, answers it for an episode's care plan, and reads the scored result
as the clinic's records show it. A retry never stores twice."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from backpath.auditlog.models import AccessEntry, Action
from backpath.clinical.instruments import instrument
from backpath.clinical.scoring import score
from backpath.followup.models import Alert, Measurement
from tests.fhir.conftest import Keys, bearer, outcome, parsed
from tests.personas import World, amy_due

BASE = "/fhir/R4"


def plan_reference(world: World) -> str:
    plan = world.amy_episode.plans.order_by("-number").first()
    assert plan is not None
    return f"CarePlan/{plan.id}"


def answer_all(questionnaire: Questionnaire, values: dict[str, int]) -> list[dict[str, Any]]:
    """The response items a form would send: each item's chosen option as its coding."""
    items = []
    for item in questionnaire.item or []:
        value = values.get(item.linkId)
        option = next(o for o in item.answerOption or [] if o.valueCoding.code == str(value))
        items.append(
            {
                "linkId": item.linkId,
                "answer": [
                    {"valueCoding": option.valueCoding.model_dump(mode="json", exclude_none=True)}
                ],
            }
        )
    return items


def post(client: Client, body: Any, key: str, **headers: str) -> Any:
    return client.post(
        f"{BASE}/QuestionnaireResponse",
        json.dumps(body) if not isinstance(body, str | bytes) else body,
        content_type="application/fhir+json",
        **bearer(key),
        **headers,
    )


def nprs_response(world: World, fhir: Client, pain: int) -> dict[str, Any]:
    questionnaire = parsed(fhir.get(f"{BASE}/Questionnaire/nprs"), Questionnaire)
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{questionnaire.url}|{questionnaire.version}",
        "status": "completed",
        "subject": {"reference": f"Patient/{world.amy_patient.id}"},
        "basedOn": [{"reference": plan_reference(world)}],
        "item": answer_all(questionnaire, {"q1": pain}),
    }


def test_the_intake_reads_back_as_responses_and_observations(
    world: World, keys: Keys, fhir: Client
) -> None:
    patient = f"Patient/{world.amy_patient.id}"
    responses = parsed(
        fhir.get(f"{BASE}/QuestionnaireResponse?patient={patient}", **bearer(keys.x)), Bundle
    )
    by_questionnaire = {
        QuestionnaireResponse.model_validate(e.resource.model_dump())
        .questionnaire.split("|")[0]
        .rsplit("/", 1)[-1]: e.resource
        for e in responses.entry or []
    }
    assert set(by_questionnaire) == {"startback", "nprs", "psk", "qbpds"}
    nprs = by_questionnaire["nprs"]
    assert nprs.item[0].linkId == "q1"
    assert nprs.item[0].answer[0].valueCoding.code == "4"
    assert nprs.subject.reference == patient

    found = parsed(fhir.get(f"{BASE}/Observation?patient={patient}", **bearer(keys.x)), Bundle)
    observations = {e.resource.id: e.resource for e in found.entry or []}
    total = observations[f"{nprs.id}.total"]
    assert total.valueQuantity.value == 4
    assert [c.code for c in total.code.coding] == ["72514-3", "nprs"]
    expected = score(instrument("nprs"), {"q1": 4})
    assert total.interpretation[0].coding[0].code == f"nprs.{expected.band}"
    assert total.derivedFrom[0].reference == f"QuestionnaireResponse/{nprs.id}"
    # STarT Back: the total and the psychosocial subscale, each an Observation.
    startback = by_questionnaire["startback"]
    assert {f"{startback.id}.total", f"{startback.id}.psychosocial"} <= set(observations)


def test_a_posted_response_is_scored_stored_and_read_back(
    world: World, keys: Keys, fhir: Client
) -> None:
    amy_due(world)
    body = nprs_response(world, fhir, 8)

    response = post(fhir, body, keys.x_writer)

    created = parsed(response, Bundle, 201)
    stored, *scored = [entry.resource for entry in created.entry or []]
    assert stored.get_resource_type() == "QuestionnaireResponse"
    assert response["Location"].endswith(f"/QuestionnaireResponse/{stored.id}")
    total = Observation.model_validate(scored[0].model_dump())
    assert total.valueQuantity.value == 8
    measurement = Measurement.objects.get(episode=world.amy_episode)
    assert measurement.occasion == "week-3"
    assert measurement.answers == {"nprs": {"q1": 8}}
    assert measurement.filled_by is None  # a key has no account
    # The guideline compared it with the intake (4 -> 8: worse) and alerted the clinician.
    assert Alert.objects.filter(episode=world.amy_episode, kind="worse").exists()
    # Read back, it is the same resource.
    again = parsed(
        fhir.get(f"{BASE}/QuestionnaireResponse/{stored.id}", **bearer(keys.x)),
        QuestionnaireResponse,
    )
    assert again == QuestionnaireResponse.model_validate(stored.model_dump())
    # The access log names the key that wrote it.
    written = AccessEntry.objects.filter(action=Action.CREATE, object_id=str(measurement.id))
    assert any(e.actor_label.endswith("(PROM app)") for e in written)


def test_a_retry_returns_the_stored_result_never_a_second_measurement(
    world: World, keys: Keys, fhir: Client
) -> None:
    amy_due(world)
    body = nprs_response(world, fhir, 5)

    first = parsed(post(fhir, body, keys.x_writer), Bundle, 201)
    retry = parsed(post(fhir, body, keys.x_writer), Bundle, 200)

    assert retry.entry[0].resource.id == first.entry[0].resource.id
    assert Measurement.objects.filter(episode=world.amy_episode).count() == 1


def test_an_idempotency_key_replays_and_refuses_another_request(
    world: World, keys: Keys, fhir: Client
) -> None:
    amy_due(world)
    body = nprs_response(world, fhir, 5)

    first = post(fhir, body, keys.x_writer, HTTP_IDEMPOTENCY_KEY="visit-1")
    replay = post(fhir, body, keys.x_writer, HTTP_IDEMPOTENCY_KEY="visit-1")
    other = post(fhir, nprs_response(world, fhir, 6), keys.x_writer, HTTP_IDEMPOTENCY_KEY="visit-1")

    assert first.status_code == 201
    assert (
        parsed(replay, Bundle).entry[0].resource.id
        == parsed(first, Bundle, 201).entry[0].resource.id
    )
    assert outcome(other, 422).issue[0].expression == ["Idempotency-Key"]
    assert Measurement.objects.filter(episode=world.amy_episode).count() == 1


def test_without_an_open_occasion_nothing_is_stored(world: World, keys: Keys, fhir: Client) -> None:
    # Amy's week-3 questionnaire is not due yet.
    found = outcome(post(fhir, nprs_response(world, fhir, 5), keys.x_writer), 422)
    assert "NPRS" in (found.issue[0].diagnostics or "")
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    ("change", "status", "where"),
    [
        ({"questionnaire": "https://elsewhere.example/Questionnaire/nprs"}, 422, "questionnaire"),
        (
            {"questionnaire": "https://backpath.example/fhir/Questionnaire/nprs|old"},
            422,
            "questionnaire",
        ),
        ({"basedOn": []}, 422, "basedOn"),
        ({"status": "in-progress"}, 422, "status"),
        ({"item": [{"linkId": "q1", "answer": [{"valueCoding": {"code": "11"}}]}]}, 422, "item.q1"),
        ({"item": [{"linkId": "q9", "answer": [{"valueInteger": 1}]}]}, 422, "item.q9"),
        ({"item": [{"linkId": "q1", "answer": [{"valueString": "four"}]}]}, 422, "item[0].answer"),
        (
            {"item": [{"linkId": "q1", "answer": [{"valueInteger": "x"}]}]},
            400,
            "item.0.answer.0.valueInteger",
        ),
        ({"resourceType": "Patient"}, 400, "resourceType"),
    ],
)
def test_bad_responses_are_refused_naming_the_problem(
    world: World, keys: Keys, fhir: Client, change: dict[str, Any], status: int, where: str
) -> None:
    amy_due(world)
    body = nprs_response(world, fhir, 5) | change
    found = outcome(post(fhir, body, keys.x_writer), status)
    assert found.issue[0].expression == [where]
    assert not Measurement.objects.exists()


def test_another_patient_as_subject_is_refused(world: World, keys: Keys, fhir: Client) -> None:
    amy_due(world)
    body = nprs_response(world, fhir, 5) | {
        "subject": {"reference": f"Patient/{world.ben_patient.id}"}
    }
    assert outcome(post(fhir, body, keys.x_writer), 422).issue[0].expression == ["subject"]


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("{not json", "application/fhir+json", 400),
        ('["a list"]', "application/fhir+json", 400),
        ("x" * 1_000_000, "application/fhir+json", 413),
        ("{}", "text/plain", 415),
    ],
)
def test_a_body_that_is_no_resource_is_an_outcome(
    world: World, keys: Keys, fhir: Client, body: str, content_type: str, status: int
) -> None:
    response = fhir.post(
        f"{BASE}/QuestionnaireResponse", body, content_type=content_type, **bearer(keys.x_writer)
    )
    outcome(response, status)
