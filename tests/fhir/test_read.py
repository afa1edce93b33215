"""Every resource type the server emits, read one by one and parsed back with its R4B model:
what each says, and that every code it carries is served or checked (``codes``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.goal import Goal
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.questionnaire import Questionnaire

from backpath.care import services
from backpath.clinical.instruments import instruments
from backpath.fhir import codes
from backpath.fhir.views import TYPES
from tests.fhir.conftest import Keys, bearer, parsed
from tests.personas import World, amy_alert, no_flags

BASE = "/fhir/R4"
EXTERNAL = {codes.LOINC, codes.SNOMED}


def ben_with_activities(world: World) -> None:
    """Ben's intake, naming two activities on the PSK (his goals)."""
    services.intake_save_safety(
        actor=world.ben,
        episode=world.ben_episode,
        red_flags=no_flags(),
        facts={"smoker": False, "cardiovascular_disease": False},
    )
    services.intake_submit(
        actor=world.ben,
        episode=world.ben_episode,
        description="Back pain.",
        complaint={"onset": (timezone.localdate() - timedelta(weeks=3)).isoformat()},
        answers={
            "startback": {f"q{i}": 0 for i in range(1, 10)},
            "nprs": {"q1": 3},
            "psk": {"q1": 6, "q2": 4},
        },
        item_notes={"psk": {"q1": "Cycling to work", "q2": "Lifting my daughter"}},
        instrument_versions={},
    )


def codings(value: Any) -> list[dict[str, Any]]:
    """Every coding anywhere in a resource's JSON."""
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        if "system" in value and "code" in value:
            found.append(value)
        for inner in value.values():
            found.extend(codings(inner))
    elif isinstance(value, list):
        for inner in value:
            found.extend(codings(inner))
    return found


def assert_codes_known(resource: Any) -> None:
    """A backpath code is in the served code system; an external one was checked."""
    for coding in codings(resource.model_dump(mode="json")):
        system, code = coding["system"], coding["code"]
        if system.startswith(codes.CANONICAL):
            served = codes.code_system(system.rsplit("/", 1)[-1])
            assert code in {c.code for c in served.concept or []}, (system, code)
        elif system == codes.LOINC:
            assert code in codes.VERIFIED_LOINC
        elif system == codes.SNOMED:
            assert code in {c for c, _d in codes.SNOMED_DIAGNOSIS.values()}
        elif system == codes.UCUM:
            assert code == "{score}"
        else:
            assert system.startswith(codes.HL7), system


def test_the_capability_statement_lists_every_type_and_its_parameters(fhir: Client) -> None:
    found = parsed(fhir.get(f"{BASE}/metadata"), CapabilityStatement)

    assert found.fhirVersion == "4.3.0"
    listed = {r.type: r for r in found.rest[0].resource}
    assert set(listed) == set(TYPES)
    observation = {p.name for p in listed["Observation"].searchParam}
    assert {"patient", "date", "status", "_lastUpdated", "_count"} <= observation
    assert [i.code for i in listed["QuestionnaireResponse"].interaction] == [
        "read",
        "search-type",
        "create",
    ]
    assert listed["Patient"].operation[0].name == "everything"


@pytest.mark.parametrize("instrument_id", sorted(instruments()))
def test_each_instrument_is_a_public_questionnaire(fhir: Client, instrument_id: str) -> None:
    definition = instruments()[instrument_id]
    found = parsed(
        fhir.get(f"{BASE}/Questionnaire/{instrument_id.replace('_', '-')}"), Questionnaire
    )

    assert found.url == f"{codes.CANONICAL}/Questionnaire/{instrument_id.replace('_', '-')}"
    assert found.version == f"{definition.version} r{definition.revision}"
    assert [item.linkId for item in found.item] == [item.link_id for item in definition.items]
    first = found.item[0]
    assert [o.valueCoding.code for o in first.answerOption] == [
        str(option.value) for option in definition.items[0].options
    ]
    assert definition.licence.copyright in (found.copyright or "")
    assert_codes_known(found)


def test_licensed_wording_is_withheld_even_when_the_clinic_has_it(
    fhir: Client, licensed_qbpds: Any
) -> None:
    found = parsed(
        fhir.get(f"{BASE}/Questionnaire/qbpds", HTTP_ACCEPT_LANGUAGE="en"), Questionnaire
    )
    texts = " ".join(item.text or "" for item in found.item)
    assert "Test activity" not in texts  # the clinic's licensed wording stays in the clinic


def test_each_code_system_is_served_with_both_languages(fhir: Client) -> None:
    bundle = parsed(fhir.get(f"{BASE}/CodeSystem"), Bundle)
    assert {e.resource.id for e in bundle.entry} == set(codes.SERVED)
    for system_id in codes.SERVED:
        found = parsed(fhir.get(f"{BASE}/CodeSystem/{system_id}"), CodeSystem)
        assert found.url == codes.system(system_id)
        assert found.count == len(found.concept) > 0
        assert all(c.designation[0].language == "nl" for c in found.concept)


def test_a_patient(world: World, keys: Keys, fhir: Client) -> None:
    found = parsed(fhir.get(f"{BASE}/Patient/{world.amy_patient.id}", **bearer(keys.x)), Patient)

    assert (found.name[0].family, found.name[0].given) == ("Test", ["Amy"])
    assert str(found.birthDate) == "1980-05-17"
    assert found.gender == "female"
    assert found.managingOrganization.reference == f"Organization/{world.clinic_x.id}"


def test_the_clinic_and_its_clinicians(world: World, keys: Keys, fhir: Client) -> None:
    clinic = parsed(
        fhir.get(f"{BASE}/Organization/{world.clinic_x.id}", **bearer(keys.x)), Organization
    )
    staff = parsed(fhir.get(f"{BASE}/Practitioner", **bearer(keys.x)), Bundle)
    one = parsed(fhir.get(f"{BASE}/Practitioner/{world.claire.pk}", **bearer(keys.x)), Practitioner)

    assert clinic.name == "De Linde"
    assert {e.resource.id for e in staff.entry} == {str(world.xavier.pk), str(world.claire.pk)}
    assert one.name[0].given == ["Claire"]


def test_the_condition_follows_the_assessments(world: World, keys: Keys, fhir: Client) -> None:
    found = parsed(
        fhir.get(f"{BASE}/Condition/{world.amy_episode.id}", **bearer(keys.x)), Condition
    )

    assert found.code.coding[0].system == codes.SNOMED
    assert [c.code for c in found.code.coding] == ["279039007", "lbp"]
    assert found.verificationStatus.coding[0].code == "confirmed"  # reviewed
    assert found.clinicalStatus.coding[0].code == "active"
    assert found.subject.reference == f"Patient/{world.amy_patient.id}"
    assert_codes_known(found)


def test_the_care_plan_lists_lines_prohibitions_and_evaluations(
    world: World, keys: Keys, fhir: Client
) -> None:
    plan = world.amy_episode.plans.get()
    found = parsed(fhir.get(f"{BASE}/CarePlan/{plan.id}", **bearer(keys.x)), CarePlan)

    assert (found.status, found.intent) == ("active", "plan")
    details = [a.detail for a in found.activity]
    prohibited = [d for d in details if d.doNotPerform]
    offered = [d for d in details if d.code and not d.doNotPerform]
    evaluations = [d for d in details if d.kind == "Task"]
    assert offered
    assert prohibited
    assert evaluations
    assert all(d.reasonCode[0].text for d in offered + prohibited)
    extensions = {e.url for a in found.activity for e in a.extension}
    assert extensions == {
        f"{codes.CANONICAL}/StructureDefinition/rule",
        f"{codes.CANONICAL}/StructureDefinition/source",
    }
    assert any(
        "Questionnaire/nprs" in url for d in evaluations for url in d.instantiatesCanonical or []
    )
    assert_codes_known(found)


def test_a_changed_plan_replaces_the_one_before(world: World, keys: Keys, fhir: Client) -> None:
    first = world.amy_episode.plans.get()
    services.plan_adjust(
        actor=world.claire,
        episode=world.amy_episode,
        max_sessions=first.max_sessions + 1,
        omitted=(),
        note="",
        reason="more sessions",
        submission=None,
    )
    found = parsed(
        fhir.get(f"{BASE}/CarePlan?patient={world.amy_patient.id}", **bearer(keys.x)), Bundle
    )
    old, new = sorted(
        (CarePlan.model_validate(e.resource.model_dump()) for e in found.entry),
        key=lambda plan: plan.created,
    )
    assert (old.status, new.status) == ("revoked", "active")
    assert new.replaces[0].reference == f"CarePlan/{first.id}"


def test_a_red_flag_found_is_a_flag(world: World, keys: Keys, fhir: Client) -> None:
    amy_alert(world)
    found = parsed(
        fhir.get(f"{BASE}/Flag?patient={world.amy_patient.id}", **bearer(keys.x)), Bundle
    )

    (flag,) = (Flag.model_validate(e.resource.model_dump()) for e in found.entry)
    assert flag.code.coding[0].code == "CES-2"
    assert flag.status == "active"
    assert_codes_known(flag)
    read = parsed(fhir.get(f"{BASE}/Flag/{flag.id}", **bearer(keys.x)), Flag)
    assert read == flag


def test_named_activities_are_goals(world: World, keys: Keys, fhir: Client) -> None:
    ben_with_activities(world)
    found = parsed(
        fhir.get(f"{BASE}/Goal?patient={world.ben_patient.id}", **bearer(keys.x)), Bundle
    )

    goals = [Goal.model_validate(e.resource.model_dump()) for e in found.entry]
    assert [g.description.text for g in goals] == ["Cycling to work", "Lifting my daughter"]
    assert {g.achievementStatus.coding[0].code for g in goals} == {"in-progress"}
    read = parsed(fhir.get(f"{BASE}/Goal/{goals[0].id}", **bearer(keys.x)), Goal)
    assert read == goals[0]


def test_everything_holds_the_patient_and_all_of_their_records(
    world: World, keys: Keys, fhir: Client
) -> None:
    found = parsed(
        fhir.get(f"{BASE}/Patient/{world.amy_patient.id}/$everything?_count=100", **bearer(keys.x)),
        Bundle,
    )

    kinds = [e.resource.get_resource_type() for e in found.entry]
    assert kinds[:2] == ["Patient", "Organization"]
    assert {"Condition", "CarePlan", "QuestionnaireResponse", "Observation"} <= set(kinds)
    assert found.total == len(found.entry)
    for entry in found.entry:
        assert_codes_known(entry.resource)
        # Each entry is the resource a read of its fullUrl answers.
        kind = entry.resource.get_resource_type()
        assert entry.fullUrl.endswith(f"/{kind}/{entry.resource.id}")
        read = parsed(fhir.get(entry.fullUrl, **bearer(keys.x)), type(entry.resource))
        assert read == entry.resource
    # Only Amy: no other patient's record.
    assert str(world.ben_patient.id) not in found.model_dump_json()


def test_texts_follow_the_language_asked(world: World, keys: Keys, fhir: Client) -> None:
    dutch = parsed(
        fhir.get(
            f"{BASE}/Condition/{world.amy_episode.id}", HTTP_ACCEPT_LANGUAGE="nl", **bearer(keys.x)
        ),
        Condition,
    )
    english = parsed(
        fhir.get(
            f"{BASE}/Condition/{world.amy_episode.id}", HTTP_ACCEPT_LANGUAGE="en", **bearer(keys.x)
        ),
        Condition,
    )
    assert (dutch.code.text, english.code.text) == ("Lage rugpijn", "Non-specific low back pain")
