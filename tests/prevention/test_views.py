"""The prevention checks over HTTP: a patient fills in a check and gets personal advice.

Amy (patient A, in treatment) and Ben (patient B) each see only their own checks; clinicians
get 404 and anonymous users the login page. Bad answers come back at their field with 400,
and no post, however garbled, gives a 500.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backpath.accounts.models import Role, User
from backpath.clinical.errors import ClinicalInputError
from backpath.education.prevention import CheckKind, checks
from backpath.prevention.forms import PreventionForm
from backpath.prevention.models import PreventionCheck
from backpath.prevention.services import prevention_check_record
from tests.personas import PASSWORD, World

WORKSTATION = {
    "chair": "yes",
    "desk": "no",
    "screen": "yes",
    "laptop": "no",
    "breaks": "less_often",
    "sitting_hours_work": "7.5",
    "standing_walking_minutes": "45",
}
LIFESTYLE = {
    "activity_minutes": "90",
    "strength_days": "twice_or_more",
    "sitting_hours": "6",
    "height_cm": "180",
    "weight_kg": "70",
    "sleep_hours": "7.5",
    "sleep_quality": "good",
    "stress": "3",
    "smoking": "no",
}


def check_url(kind: str) -> str:
    return reverse("prevention_check", args=[kind])


def post(client: Client, kind: str, **answers: str) -> Any:
    base = WORKSTATION if kind == "workstation" else LIFESTYLE
    data = {"submission": str(uuid.uuid4()), **base, **answers}
    return client.post(check_url(kind), {k: v for k, v in data.items() if v is not None})


def in_english(world: World, user: User) -> Client:
    user.language = "en"
    user.save(update_fields=["language"])
    return world.client_for(user)


def test_it_lists_both_checks_as_not_done_yet(world: World) -> None:
    page = in_english(world, world.amy).get(reverse("prevention"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Workstation and sitting" in body
    assert "Lifestyle" in body
    assert body.count("Not done yet") == 2
    assert check_url("workstation") in body
    assert check_url("lifestyle") in body


def test_it_offers_the_checks_on_the_patients_home_page(world: World) -> None:
    home = world.client_for(world.amy).get(reverse("portal_home"))
    assert reverse("prevention") in home.content.decode()


def test_it_builds_the_form_from_the_data(world: World) -> None:
    page = world.client_for(world.amy).get(check_url("lifestyle"))
    assert page.status_code == 200
    body = page.content.decode()
    # Dutch by default: the data file's Dutch texts.
    assert "Leefstijl" in body
    assert "Hoeveel weegt u?" in body
    assert 'type="radio" name="smoking" value="stopped"' in body
    assert 'type="number" name="weight_kg"' in body
    assert 'min="30"' in body
    assert 'max="300"' in body
    assert 'name="submission"' in body


def test_it_round_trips_the_workstation_check(world: World) -> None:
    amy = in_english(world, world.amy)
    response = post(amy, "workstation")
    assert response.status_code == 200
    body = response.content.decode()
    stored = PreventionCheck.objects.get(episode=world.amy_episode)
    assert stored.kind == "workstation"
    assert stored.advice == ["PREV-SIT-BREAKS", "PREV-WS-SITTING-TIME", "PREV-WS-DESK"]
    assert stored.answers["sitting_hours_work"] == 7.5
    assert stored.answers["standing_walking_minutes"] == 45
    assert "Stand up at least every half hour" in body
    assert "Source: Gezondheidsraad. Beweegrichtlijnen 2017" in body
    # The set-up tips are comfort advice of backpath's own: shown without a source, and
    # without the staff's "awaiting review" label.
    assert "own advice" not in body
    assert body.count('class="plan-line"') == 3
    assert body.count("Source:") == 2
    # The page ends with the pointer to sitting-break reminders.
    assert "remind you to stand up" in body
    overview = amy.get(reverse("prevention")).content.decode()
    assert overview.count("Not done yet") == 1
    assert "Stand up at least every half hour" in overview
    assert "Do the check again" in overview


def test_it_round_trips_the_lifestyle_check_with_module_links(world: World) -> None:
    amy = in_english(world, world.amy)
    response = post(amy, "lifestyle", stress="8", smoking="yes")
    assert response.status_code == 200
    body = response.content.decode()
    stored = PreventionCheck.objects.get(episode=world.amy_episode)
    assert stored.kind == "lifestyle"
    assert stored.advice == ["PREV-ACT-150", "PREV-LS-SMOKING", "PREV-LS-STRESS"]
    assert stored.answers["weight_kg"] == 70.0
    assert "ikstopnu.nl" in body
    assert "Source: Shiri R, Karppinen J" in body
    # Week 1 is open for Amy: the stay-active module is a link.
    assert reverse("learn_module", args=["stay_active"]) in body
    # The stress module is not open for her (yet): named, not linked to a 404.
    assert reverse("learn_module", args=["stress_and_relaxation"]) not in body
    assert "Stress and relaxation" in body
    assert "remind you to stand up" not in body


def test_it_praises_answers_that_need_no_advice(world: World) -> None:
    amy = in_english(world, world.amy)
    response = post(amy, "lifestyle", activity_minutes="150", height_cm="", weight_kg="")
    assert response.status_code == 200
    assert "Well done!" in response.content.decode()
    stored = PreventionCheck.objects.get(episode=world.amy_episode)
    assert stored.advice == ["PREV-LS-WELL-DONE"]
    assert stored.answers["height_cm"] is None


def test_it_shows_the_advice_in_dutch_to_a_dutch_patient(world: World) -> None:
    response = post(world.client_for(world.amy), "lifestyle", smoking="yes")
    assert response.status_code == 200
    assert "Stoppen met roken" in response.content.decode()


def test_it_fills_in_the_last_answers_when_the_check_is_done_again(world: World) -> None:
    amy = world.client_for(world.amy)
    assert post(amy, "lifestyle", weight_kg="82.5").status_code == 200
    page = amy.get(check_url("lifestyle"))
    assert page.context["latest"] is not None
    assert 'value="82.5"' in page.content.decode()


def test_it_keeps_every_submission_and_shows_the_latest(world: World) -> None:
    amy = in_english(world, world.amy)
    post(amy, "lifestyle", smoking="yes")
    post(amy, "lifestyle", smoking="stopped")
    assert PreventionCheck.objects.filter(episode=world.amy_episode).count() == 2
    overview = amy.get(reverse("prevention"))
    latest = overview.context["cards"][1]["latest"]
    assert latest.answers["smoking"] == "stopped"
    assert "ikstopnu.nl" not in overview.content.decode()


def test_it_writes_a_double_submit_once(world: World) -> None:
    amy = world.client_for(world.amy)
    data = {"submission": str(uuid.uuid4()), **WORKSTATION}
    first = amy.post(check_url("workstation"), data)
    again = amy.post(check_url("workstation"), data)
    assert (first.status_code, again.status_code) == (200, 200)
    assert PreventionCheck.objects.filter(episode=world.amy_episode).count() == 1


def test_it_refuses_a_form_id_reused_for_the_other_check(world: World) -> None:
    amy = world.client_for(world.amy)
    submission = str(uuid.uuid4())
    first = amy.post(check_url("workstation"), {"submission": submission, **WORKSTATION})
    assert first.status_code == 200
    other = amy.post(check_url("lifestyle"), {"submission": submission, **LIFESTYLE})
    assert other.status_code == 400
    assert PreventionCheck.objects.get().kind == "workstation"


def test_it_returns_the_first_record_when_a_double_click_races_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    submission = uuid.uuid4()
    first = prevention_check_record(
        actor=world.amy,
        episode=world.amy_episode,
        kind=CheckKind.WORKSTATION,
        answers=WORKSTATION,
        submission=submission,
    )
    # The second request looked before the first one saved: it finds nothing at first.
    lookups = iter([None, first])
    monkeypatch.setattr(
        "backpath.prevention.services.record_for_submission", lambda *a, **k: next(lookups)
    )
    again = prevention_check_record(
        actor=world.amy,
        episode=world.amy_episode,
        kind=CheckKind.WORKSTATION,
        answers=WORKSTATION,
        submission=submission,
    )
    assert again == first
    assert PreventionCheck.objects.count() == 1
    assert "workstation" in str(first)


def test_it_shows_a_refusal_from_the_core_at_its_field(world: World) -> None:
    data = {"submission": str(uuid.uuid4()), **LIFESTYLE}
    form = PreventionForm(CheckKind.LIFESTYLE, checks()[CheckKind.LIFESTYLE], data)
    assert form.is_valid()
    form.refuse(ClinicalInputError("stress", "must be below 11"))
    form.refuse(ClinicalInputError("answers", "must be a mapping"))
    assert form.errors["stress"] == ["Stress: must be below 11"]
    assert form.non_field_errors() == ["answers: must be a mapping"]


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({"weight_kg": "900"}, "weight_kg", "Weight: give a number from 30 to 300 kg."),
        ({"weight_kg": "0"}, "weight_kg", "Weight: give a number from 30 to 300 kg."),
        ({"weight_kg": "70.25"}, "weight_kg", "Weight: use at most one decimal."),
        ({"height_cm": "170.5"}, "height_cm", "Height: give a whole number from 100 to 250 cm."),
        (
            {"weight_kg": ""},
            "weight_kg",
            "Weight: fill in both “Height” and “Weight”, or leave both empty.",
        ),
        (
            {"height_cm": None},
            "height_cm",
            "Height: fill in both “Height” and “Weight”, or leave both empty.",
        ),
        ({"stress": "a lot"}, "stress", "Stress: give a whole number from 0 to 10 points."),
        ({"stress": "NaN"}, "stress", "Stress: give a whole number from 0 to 10 points."),
        (
            {"sleep_hours": "1e9"},
            "sleep_hours",
            "Hours of sleep: give a number from 0 to 16 hours.",
        ),
        ({"smoking": "sometimes"}, "smoking", "Smoking: choose one of the answers."),
        ({"smoking": None}, "smoking", "Smoking: this answer is needed."),
    ],
)
def test_it_refuses_a_bad_answer_at_its_field(
    world: World, answers: dict[str, str | None], field: str, message: str
) -> None:
    response = post(in_english(world, world.amy), "lifestyle", **answers)  # type: ignore[arg-type]
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[field] == [message]
    body = response.content.decode()
    assert "Please check the form." in body
    assert 'class="field field--invalid"' in body
    assert PreventionCheck.objects.count() == 0


def test_it_refuses_an_unknown_workstation_option(world: World) -> None:
    response = post(in_english(world, world.amy), "workstation", breaks="never")
    assert response.status_code == 400
    assert response.context["form"].errors["breaks"] == ["Getting up: choose one of the answers."]


def test_it_answers_404_for_an_unknown_check(world: World) -> None:
    amy = world.client_for(world.amy)
    assert amy.get(check_url("diet")).status_code == 404
    assert amy.post(check_url("diet"), LIFESTYLE).status_code == 404


@pytest.mark.parametrize("persona", ["claire", "xavier", "yara"])
def test_it_answers_404_to_clinicians(world: World, persona: str) -> None:
    client = world.client_for(getattr(world, persona))
    assert client.get(reverse("prevention")).status_code == 404
    assert client.get(check_url("workstation")).status_code == 404
    assert client.post(check_url("workstation"), WORKSTATION).status_code == 404


def test_it_sends_anonymous_users_to_the_login_page(world: World) -> None:
    for url in (reverse("prevention"), check_url("lifestyle")):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_it_never_shows_patient_a_check_to_patient_b(world: World) -> None:
    amy = in_english(world, world.amy)
    submission = str(uuid.uuid4())
    data = {"submission": submission, **LIFESTYLE, "smoking": "yes"}
    assert amy.post(check_url("lifestyle"), data).status_code == 200
    ben = in_english(world, world.ben)
    overview = ben.get(reverse("prevention"))
    assert overview.content.decode().count("Not done yet") == 2
    assert "ikstopnu.nl" not in overview.content.decode()
    form = ben.get(check_url("lifestyle"))
    assert form.context["latest"] is None
    assert form.context["form"].initial == {}
    # Amy's form id reused by Ben is a tampered form: refused, and Amy's check stays hers.
    stolen = ben.post(check_url("lifestyle"), {**data, "smoking": "no"})
    assert stolen.status_code == 400
    assert "ikstopnu.nl" not in stolen.content.decode()
    assert not PreventionCheck.objects.filter(episode=world.ben_episode).exists()
    assert PreventionCheck.objects.get(submission=submission).episode == world.amy_episode


def test_it_shows_a_friendly_page_to_a_patient_without_an_episode(world: World) -> None:
    newcomer = User.objects.create_user(
        "nina@patient.example", PASSWORD, clinic=world.clinic_x, role=Role.PATIENT, language="en"
    )
    client = world.client_for(newcomer)
    for response in (
        client.get(reverse("prevention")),
        client.get(check_url("workstation")),
        client.post(check_url("workstation"), {"submission": str(uuid.uuid4()), **WORKSTATION}),
    ):
        assert response.status_code == 200
        assert "has not started a treatment for you yet" in response.content.decode()
    assert PreventionCheck.objects.count() == 0


GARBAGE: list[dict[str, Any]] = [
    {},
    {"submission": "not-a-uuid", **LIFESTYLE},
    {"submission": str(uuid.uuid4())},
    {"submission": str(uuid.uuid4()), **dict.fromkeys(LIFESTYLE, "")},
    {"submission": str(uuid.uuid4()), **dict.fromkeys(LIFESTYLE, "💥" * 500)},
    {"submission": str(uuid.uuid4()), **dict.fromkeys(LIFESTYLE, "9" * 400)},
    {"submission": str(uuid.uuid4()), **dict.fromkeys(LIFESTYLE, "-Infinity")},
    {"submission": str(uuid.uuid4()), **dict.fromkeys(LIFESTYLE, "1e-999999")},
    {"submission": str(uuid.uuid4()), **LIFESTYLE, "weight_kg": ["70", "900"]},
    {"submission": str(uuid.uuid4()), **LIFESTYLE, "stress": "\x00"},
]


@pytest.mark.parametrize("data", GARBAGE)
def test_it_never_answers_500_to_a_garbage_post(world: World, data: dict[str, Any]) -> None:
    response = world.client_for(world.amy).post(check_url("lifestyle"), data)
    assert response.status_code == 400
    assert PreventionCheck.objects.count() == 0


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from([kind.value for kind in CheckKind]),
    data=st.dictionaries(
        st.sampled_from(
            [q.id for check in checks().values() for q in check.questions] + ["submission", "x"]
        ),
        st.text(max_size=30),
    ),
)
def test_it_answers_200_or_400_to_any_post(world: World, kind: str, data: dict[str, str]) -> None:
    response = world.client_for(world.amy).post(check_url(kind), data)
    assert response.status_code in (200, 400)
