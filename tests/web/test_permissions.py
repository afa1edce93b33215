"""The permission matrix: every view, every persona.

OK: the page answers (2xx, or a redirect inside the app); LOGIN: anonymous users are sent
to the login page; HIDDEN: 404, so another clinic's or patient's records stay invisible.
A test at the end checks that every URL pattern of the app appears in the matrix.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.urls import get_resolver, reverse

from backpath.api.services import create_key
from tests.personas import World, amy_alert, amy_check, amy_due
from tests.privacy.helpers import amy_erasure_request
from tests.programs.clinic_exercise_helpers import own_exercise

OK, LOGIN, HIDDEN = "ok", "login", "hidden"
PERSONAS = ("anonymous", "amy", "ben", "claire", "xavier", "yara")

# persona -> outcome, per view; "clinic X staff" are claire and xavier.
STAFF_X = {
    "anonymous": LOGIN,
    "amy": HIDDEN,
    "ben": HIDDEN,
    "claire": OK,
    "xavier": OK,
    "yara": HIDDEN,
}
ANY_CLINICIAN = {**STAFF_X, "yara": OK}
ADMIN_X = {**STAFF_X, "claire": HIDDEN}
PATIENTS = {
    "anonymous": LOGIN,
    "amy": OK,
    "ben": OK,
    "claire": HIDDEN,
    "xavier": HIDDEN,
    "yara": HIDDEN,
}
BENS_INTAKE = {**STAFF_X, "ben": OK}
NOBODY = dict.fromkeys(PERSONAS, HIDDEN) | {"anonymous": LOGIN}
AMY_ONLY = {**PATIENTS, "ben": HIDDEN}
EVERYONE = dict.fromkeys(PERSONAS, OK) | {"anonymous": LOGIN}

Url = Callable[[World], str]


def episode(name: str, which: str = "amy_episode", **extra: str) -> Url:
    return lambda w: reverse(name, kwargs={"episode_id": getattr(w, which).id, **extra})


def patient(name: str) -> Url:
    return lambda w: reverse(name, kwargs={"patient_id": w.amy_patient.id})


def key_x(world: World) -> str:
    """The prefix of a new API key of clinic X."""
    return create_key(clinic=world.clinic_x, name="agenda", scopes=["patients:read"]).api_key.prefix


def plain(name: str) -> Url:
    return lambda w: reverse(name)


# (url name, method, url builder, expected outcome per persona)
MATRIX: list[tuple[str, str, Url, dict[str, str]]] = [
    ("dashboard", "get", plain("dashboard"), ANY_CLINICIAN),
    ("team", "get", plain("team"), ADMIN_X),
    ("team", "post", plain("team"), ADMIN_X),
    ("member_unlock", "post", lambda w: reverse("member_unlock", args=[w.claire.pk]), ADMIN_X),
    ("access_log", "get", plain("access_log"), ADMIN_X),
    ("exercise_list", "get", plain("exercise_list"), ANY_CLINICIAN),
    ("exercise_new", "get", plain("exercise_new"), ANY_CLINICIAN),
    ("exercise_new", "post", plain("exercise_new"), ANY_CLINICIAN),
    (
        "exercise_edit",
        "get",
        lambda w: reverse("exercise_edit", args=[own_exercise(w).pk]),
        STAFF_X,
    ),
    (
        "exercise_edit",
        "post",
        lambda w: reverse("exercise_edit", args=[own_exercise(w).pk]),
        STAFF_X,
    ),
    (
        "exercise_archive",
        "post",
        lambda w: reverse("exercise_archive", args=[own_exercise(w).pk]),
        STAFF_X,
    ),
    # No photo or video in the world: the media's own matrix is in
    # tests/programs/test_clinic_exercises.py.
    (
        "exercise_media",
        "get",
        lambda w: reverse(
            "exercise_media", kwargs={"exercise_pk": own_exercise(w).pk, "name": "0" * 32 + ".jpg"}
        ),
        NOBODY,
    ),
    ("quality", "get", plain("quality"), ANY_CLINICIAN),
    ("quality_settings", "post", plain("quality_settings"), ADMIN_X),
    ("quality_episodes", "get", plain("quality_episodes"), ANY_CLINICIAN),
    ("quality_csv", "get", lambda w: reverse("quality_csv", args=["process"]), ANY_CLINICIAN),
    ("quality_report", "get", plain("quality_report"), ANY_CLINICIAN),
    ("api_keys", "get", plain("api_keys"), ADMIN_X),
    ("api_keys", "post", plain("api_keys"), ADMIN_X),
    ("api_key_revoke", "post", lambda w: reverse("api_key_revoke", args=[key_x(w)]), ADMIN_X),
    ("keepalive", "post", plain("keepalive"), EVERYONE),
    ("my_data", "get", plain("my_data"), PATIENTS),
    ("my_data_json", "get", plain("my_data_json"), PATIENTS),
    ("my_data_pdf", "get", plain("my_data_pdf"), PATIENTS),
    ("my_data_fhir", "get", plain("my_data_fhir"), PATIENTS),
    ("my_erasure_request", "post", plain("my_erasure_request"), PATIENTS),
    ("patient_data", "get", patient("patient_data"), STAFF_X),
    ("patient_data_json", "get", patient("patient_data_json"), STAFF_X),
    ("patient_data_pdf", "get", patient("patient_data_pdf"), STAFF_X),
    ("patient_data_fhir", "get", patient("patient_data_fhir"), STAFF_X),
    ("patient_erasure_request", "post", patient("patient_erasure_request"), STAFF_X),
    ("erasure_requests", "get", plain("erasure_requests"), ADMIN_X),
    (
        "erasure_decide",
        "get",
        lambda w: reverse("erasure_decide", args=[amy_erasure_request(w).id]),
        ADMIN_X,
    ),
    (
        "erasure_decide",
        "post",
        lambda w: reverse("erasure_decide", args=[amy_erasure_request(w).id]),
        ADMIN_X,
    ),
    ("two_factor_setup", "get", plain("two_factor_setup"), EVERYONE),
    ("two_factor_verify", "get", plain("two_factor_verify"), EVERYONE),
    ("two_factor_off", "post", plain("two_factor_off"), EVERYONE),
    ("access_log_csv", "get", plain("access_log_csv"), ADMIN_X),
    ("my_access", "get", plain("my_access"), PATIENTS),
    ("patient_list", "get", plain("patient_list"), ANY_CLINICIAN),
    ("patient_new", "get", plain("patient_new"), ANY_CLINICIAN),
    ("patient_new", "post", plain("patient_new"), ANY_CLINICIAN),
    ("patient_detail", "get", patient("patient_detail"), STAFF_X),
    ("patient_edit", "get", patient("patient_edit"), STAFF_X),
    ("patient_edit", "post", patient("patient_edit"), STAFF_X),
    ("patient_invite", "post", patient("patient_invite"), STAFF_X),
    ("episode_open", "post", patient("episode_open"), STAFF_X),
    ("episode_detail", "get", episode("episode_detail"), STAFF_X),
    ("urgent_seen", "post", episode("urgent_seen"), STAFF_X),
    ("gp_answer", "post", episode("gp_answer"), STAFF_X),
    ("review", "get", episode("review"), STAFF_X),
    ("plan_detail", "get", episode("plan_detail"), STAFF_X),
    ("plan_adjust", "get", episode("plan_adjust"), STAFF_X),
    ("plan_adjust", "post", episode("plan_adjust"), STAFF_X),
    ("session_new", "get", episode("session_new"), STAFF_X),
    ("session_new", "post", episode("session_new"), STAFF_X),
    ("session_check", "post", episode("session_check"), STAFF_X),
    ("episode_close", "post", episode("episode_close"), STAFF_X),
    ("letter", "get", episode("letter", kind="start"), STAFF_X),
    ("letter_pdf", "get", episode("letter_pdf", kind="start"), STAFF_X),
    # The end report exists only for a closed episode.
    ("letter", "get", episode("letter", kind="end"), NOBODY),
    ("intake_safety", "get", episode("intake_safety", "ben_episode"), BENS_INTAKE),
    ("intake_safety", "post", episode("intake_safety", "ben_episode"), BENS_INTAKE),
    ("intake_questionnaires", "get", episode("intake_questionnaires", "ben_episode"), BENS_INTAKE),
    ("intake_questionnaires", "post", episode("intake_questionnaires", "ben_episode"), BENS_INTAKE),
    ("intake_urgent", "get", episode("intake_urgent", "ben_episode"), BENS_INTAKE),
    ("intake_done", "get", episode("intake_done", "ben_episode"), BENS_INTAKE),
    ("portal_home", "get", plain("portal_home"), PATIENTS),
    ("portal_plan", "get", plain("portal_plan"), PATIENTS),
    ("portal_safety", "get", plain("portal_safety"), PATIENTS),
    ("program_detail", "get", episode("program_detail"), STAFF_X),
    ("program_edit", "get", episode("program_edit"), STAFF_X),
    ("program_edit", "post", episode("program_edit"), STAFF_X),
    ("program_adherence", "get", episode("program_adherence"), STAFF_X),
    ("today", "get", plain("today"), PATIENTS),
    ("learn", "get", plain("learn"), PATIENTS),
    (
        "learn_module",
        "get",
        lambda w: reverse("learn_module", args=["when_to_see_a_doctor"]),
        PATIENTS,
    ),
    (
        "learn_module",
        "post",
        lambda w: reverse("learn_module", args=["when_to_see_a_doctor"]),
        PATIENTS,
    ),
    ("prevention", "get", plain("prevention"), PATIENTS),
    (
        "prevention_check",
        "get",
        lambda w: reverse("prevention_check", args=["lifestyle"]),
        PATIENTS,
    ),
    (
        "prevention_check",
        "post",
        lambda w: reverse("prevention_check", args=["lifestyle"]),
        PATIENTS,
    ),
    ("log_exercise", "post", plain("log_exercise"), PATIENTS),
    # Nobody in the world has a graded-activity quota yet: there is nothing to log to.
    ("log_quota", "post", plain("log_quota"), NOBODY),
    # No program is published in the world yet, so there is no booklet to print either.
    ("program_booklet", "get", episode("program_booklet"), NOBODY),
    ("my_booklet", "get", plain("my_booklet"), NOBODY),
    ("reminder_settings", "get", plain("reminder_settings"), PATIENTS),
    ("reminder_settings", "post", plain("reminder_settings"), PATIENTS),
    ("calendar_token_new", "post", plain("calendar_token_new"), PATIENTS),
    # The feed needs no login: its secret link is the key (tests/reminders); a wrong one is 404.
    (
        "calendar_feed",
        "get",
        lambda w: reverse("calendar_feed", kwargs={"token": "no-such-link"}),
        dict.fromkeys(PERSONAS, HIDDEN),
    ),
    ("diary", "get", plain("diary"), PATIENTS),
    ("diary", "post", plain("diary"), PATIENTS),
    ("recheck", "get", plain("recheck"), PATIENTS),
    ("recheck", "post", plain("recheck"), PATIENTS),
    (
        "recheck_result",
        "get",
        lambda w: reverse("recheck_result", args=[amy_check(w).id]),
        AMY_ONLY,
    ),
    ("flare", "get", plain("flare"), PATIENTS),
    ("flare", "post", plain("flare"), PATIENTS),
    ("questionnaires", "get", plain("questionnaires"), PATIENTS),
    ("questionnaire", "get", lambda w: reverse("questionnaire", args=[amy_due(w)]), AMY_ONLY),
    ("questionnaire", "post", lambda w: reverse("questionnaire", args=[amy_due(w)]), AMY_ONLY),
    ("portal_progress", "get", plain("portal_progress"), PATIENTS),
    ("episode_progress", "get", episode("episode_progress"), STAFF_X),
    # Its posts document a symptom as long-standing or remove that (an empty one: 400).
    ("episode_progress", "post", episode("episode_progress"), STAFF_X),
    # Nobody in the world is discharged yet: there is nothing to come back from (a post
    # while in care goes back to the patient's home page).
    ("come_back", "get", plain("come_back"), NOBODY),
    ("come_back", "post", plain("come_back"), PATIENTS),
    ("alert_resolve", "post", lambda w: reverse("alert_resolve", args=[amy_alert(w).id]), STAFF_X),
]

# The admin's own login guards the read-only clinical content page: staff only.
STAFF_ONLY = {
    "anonymous": "admin-login",
    "amy": "admin-login",
    "ben": "admin-login",
    "claire": "admin-login",
    "xavier": OK,
    "yara": "admin-login",
}


def outcome(response: object) -> str:
    status = response.status_code  # type: ignore[attr-defined]
    if status == 404:
        return HIDDEN
    if status == 302 and response["Location"].startswith(reverse("login")):  # type: ignore[index]
        return LOGIN
    assert status < 500, status
    return OK


@pytest.mark.parametrize(
    ("name", "method", "url", "expected"),
    MATRIX,
    ids=[f"{name}-{method}" for name, method, _url, _expected in MATRIX],
)
@pytest.mark.parametrize("persona", PERSONAS)
def test_it_opens_each_view_only_to_its_personas(
    world: World, persona: str, name: str, method: str, url: Url, expected: dict[str, str]
) -> None:
    cache.clear()  # the PDF throttle's counters: a 429 must not stand in for a 404
    user = None if persona == "anonymous" else getattr(world, persona)
    client = world.client_for(user)
    response = getattr(client, method)(url(world), {})
    assert outcome(response) == expected[persona], (name, persona, response.status_code)


def test_it_answers_404_for_another_clinics_records(world: World) -> None:
    client = world.client_for(world.claire)
    for name in ("episode_detail", "plan_detail", "session_new", "review"):
        response = client.get(reverse(name, kwargs={"episode_id": world.yara_episode.id}))
        assert response.status_code == 404, name
    response = client.get(reverse("patient_detail", kwargs={"patient_id": world.yara_patient.id}))
    assert response.status_code == 404


def test_it_answers_404_for_a_tampered_or_malformed_id(world: World) -> None:
    client = world.client_for(world.claire)
    assert client.get("/episodes/not-a-uuid/").status_code == 404
    assert client.get("/episodes/00000000-0000-0000-0000-000000000000/").status_code == 404
    response = client.get(
        reverse("letter", kwargs={"episode_id": world.amy_episode.id, "kind": "other"})
    )
    assert response.status_code == 404


def test_it_keeps_clinic_admins_to_their_own_clinic_in_the_admin(world: World) -> None:
    client = world.client_for(world.xavier)
    page = client.get("/admin/care/patient/")
    assert page.status_code == 200
    assert b"Amy" in page.content
    assert b"Yves" not in page.content
    other = client.get(f"/admin/care/patient/{world.yara_patient.id}/change/")
    assert other.status_code in (302, 404)
    assert client.get("/admin/accounts/user/").status_code == 200
    # A clinician is not staff: the admin sends them to its own login.
    assert world.client_for(world.claire).get("/admin/").status_code == 302


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_shows_the_clinical_content_read_only_to_staff(world: World, persona: str) -> None:
    user = None if persona == "anonymous" else getattr(world, persona)
    response = world.client_for(user).get(reverse("clinical_content"))
    if STAFF_ONLY[persona] == OK:
        assert response.status_code == 200
        assert b"startback" in response.content
        assert b"CES-1" in response.content
        assert b"<form" not in response.content.split(b'id="content"')[-1]
    else:
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_the_matrix_covers_every_url_of_the_app() -> None:
    covered = {name for name, _method, _url, _expected in MATRIX} | {"clinical_content"}
    own = {"home", "login", "logout", "invitation_accept", "set_language"}
    # Public files of the installable app: no data, anonymous fetches them (tests/web/test_pwa.py).
    own |= {"web_manifest", "service_worker", "offline", "offline_saved"}
    own |= {
        n for n in get_resolver().reverse_dict if isinstance(n, str) and n.startswith("password")
    }
    names = {n for n in get_resolver().reverse_dict if isinstance(n, str)}
    assert names - covered - own == set()
