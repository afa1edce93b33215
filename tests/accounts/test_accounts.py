"""Accounts over HTTP: invitations, login and logout, password reset, language, mail, demo.

Invitation mail is sent after the transaction commits; the tests run inside one, so they
run the commit callbacks with ``django_capture_on_commit_callbacks(execute=True)``.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backpath.accounts.models import Invitation, Role, User
from backpath.care import services
from backpath.care.models import Patient
from backpath.web.demo_data import DEMO_PASSWORD, LOGINS, load_demo
from tests.personas import PASSWORD, World

GOOD_PASSWORD = "correct-horse-battery-staple-42"


def logged_in(client: Client, email: str, password: str) -> bool:
    """Log in through the login page, as a person does (and as the lockout counts)."""
    response = client.post(reverse("login"), {"username": email, "password": password})
    return response.status_code == 302


INVITE_LINK = re.compile(r"https?://[^/\s]+(/invite/([^/\s]+)/)")


def html(response: Any) -> str:
    return str(response.content.decode())


def invite_link(message: mail.EmailMessage) -> str:
    found = INVITE_LINK.search(str(message.body))
    assert found, message.body
    return found.group(1)


def english_client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


# --- invitations ---------------------------------------------------------------------------


def test_it_invites_a_clinician_who_sets_a_password_once(
    english: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    xavier = english.client_for(english.xavier)
    form = {
        "first_name": "Noor",
        "last_name": "Visser",
        "email": "Noor@X.example",
        "role": "clinician",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = xavier.post(reverse("team"), form)

    assert response.status_code == 302
    assert response["Location"] == reverse("team")
    noor = User.objects.get(email="noor@x.example")
    assert (noor.role, noor.clinic, noor.has_usable_password()) == (
        Role.CLINICIAN,
        english.clinic_x,
        False,
    )
    assert "noor@x.example" in html(xavier.get(reverse("team")))
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["noor@x.example"]
    link = invite_link(mailoutbox[0])
    token = link.split("/")[2]
    # Only a hash of the token is stored.
    assert not Invitation.objects.filter(token_hash=token).exists()

    visitor = english_client()
    page = visitor.get(link)
    assert page.status_code == 200
    assert 'name="new_password1"' in html(page)
    assert "noor@x.example" in html(page)

    weak = visitor.post(link, {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 400
    assert "errorlist" in html(weak)
    assert "too short" in html(weak)
    noor.refresh_from_db()
    assert not noor.has_usable_password()

    accepted = visitor.post(
        link, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD}, follow=True
    )
    assert accepted.status_code == 200
    assert accepted.redirect_chain[-1][0] == reverse("dashboard")
    assert accepted.wsgi_request.user == noor
    noor.refresh_from_db()
    assert noor.check_password(GOOD_PASSWORD)
    assert logged_in(Client(), "noor@x.example", GOOD_PASSWORD)

    again = Client(HTTP_ACCEPT_LANGUAGE="en").get(link)
    assert again.status_code == 404
    assert "This link no longer works" in html(again)
    replay = Client().post(link, {"new_password1": "x" * 20, "new_password2": "x" * 20})
    assert replay.status_code == 404
    noor.refresh_from_db()
    assert noor.check_password(GOOD_PASSWORD)


def test_it_refuses_an_expired_invitation(
    english: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    xavier = english.client_for(english.xavier)
    with django_capture_on_commit_callbacks(execute=True):
        xavier.post(
            reverse("team"),
            {"first_name": "Old", "last_name": "Link", "email": "old@x.example", "role": "admin"},
        )
    Invitation.objects.filter(user__email="old@x.example").update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    link = invite_link(mailoutbox[0])

    page = english_client().get(link)
    post = english_client().post(
        link, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD}
    )

    assert page.status_code == 404
    assert "This link no longer works" in html(page)
    assert post.status_code == 404
    assert not User.objects.get(email="old@x.example").has_usable_password()


def test_it_refuses_to_invite_an_address_already_in_the_clinic(
    english: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    xavier = english.client_for(english.xavier)
    with django_capture_on_commit_callbacks(execute=True):
        response = xavier.post(
            reverse("team"),
            {"first_name": "C", "last_name": "C", "email": "CLAIRE@x.example", "role": "clinician"},
        )

    assert response.status_code == 400
    assert "already in your clinic" in html(response)
    assert mailoutbox == []
    assert User.objects.filter(email__iexact="claire@x.example").count() == 1


def test_an_invitation_never_reveals_an_account_in_another_clinic(
    english: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    yara = english.yara.email  # a clinician of clinic Y
    xavier = english.client_for(english.xavier)
    with django_capture_on_commit_callbacks(execute=True):
        response = xavier.post(
            reverse("team"),
            {"first_name": "Y", "last_name": "Y", "email": yara.upper(), "role": "clinician"},
            follow=True,
        )

    # The same answer as for a new address; the owner of the address is told instead.
    assert response.status_code == 200
    assert "Invitation sent." in html(response)
    assert [m.to for m in mailoutbox] == [[yara]]
    assert "already has a backpath account" in str(mailoutbox[0].body)
    assert "set your password" not in str(mailoutbox[0].body).lower()
    assert User.objects.get(email=yara).clinic == english.clinic_y


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"email": "not-an-address"}, "valid email"),
        ({"role": "patient"}, "valid choice"),
        ({"first_name": ""}, "required"),
    ],
)
def test_it_refuses_an_invalid_team_invitation(
    english: World, mailoutbox: list[Any], change: dict[str, str], words: str
) -> None:
    form = {"first_name": "N", "last_name": "V", "email": "n@x.example", "role": "clinician"}
    form.update(change)

    response = english.client_for(english.xavier).post(reverse("team"), form)

    assert response.status_code == 400
    assert words in html(response)
    assert not User.objects.filter(email="n@x.example").exists()
    assert mailoutbox == []


def test_it_invites_a_patient_to_the_portal(
    english: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    cas = services.patient_create(
        actor=english.claire,
        submission=None,
        first_name="Cas",
        last_name="Test",
        date_of_birth=date(1990, 1, 2),
        sex="male",
    )
    claire = english.client_for(english.claire)
    page = reverse("patient_detail", kwargs={"patient_id": cas.id})
    assert "Invite to the patient portal" in html(claire.get(page))

    with django_capture_on_commit_callbacks(execute=True):
        response = claire.post(
            reverse("patient_invite", kwargs={"patient_id": cas.id}),
            {"email": "Cas@Patient.example"},
        )

    assert response.status_code == 302
    assert response["Location"] == page
    cas = Patient.objects.select_related("user").get(pk=cas.pk)
    assert cas.user is not None
    assert (cas.user.email, cas.user.role, cas.user.clinic) == (
        "cas@patient.example",
        Role.PATIENT,
        english.clinic_x,
    )
    assert cas.email == "cas@patient.example"
    assert [m.to for m in mailoutbox] == [["cas@patient.example"]]
    assert "Invited" in html(claire.get(page))

    accepted = Client().post(
        invite_link(mailoutbox[0]),
        {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
        follow=True,
    )
    assert accepted.status_code == 200
    assert accepted.redirect_chain[-1][0] == reverse("portal_home")
    assert accepted.wsgi_request.user == cas.user


def test_it_refuses_a_patient_invitation_to_an_address_in_use(
    english: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    cas = services.patient_create(
        actor=english.claire,
        submission=None,
        first_name="Cas",
        last_name="Test",
        date_of_birth=date(1990, 1, 2),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = english.client_for(english.claire).post(
            reverse("patient_invite", kwargs={"patient_id": cas.id}),
            {"email": "claire@x.example"},
        )

    assert response.status_code == 400
    assert "already has an account" in html(response)
    cas.refresh_from_db()
    assert cas.user is None
    assert mailoutbox == []


def test_it_corrects_the_address_of_an_invitation_not_yet_accepted(
    english: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    ben = english.ben_patient  # has an account; make it one that was never accepted
    assert ben.user is not None
    ben.user.set_unusable_password()
    ben.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = english.client_for(english.claire).post(
            reverse("patient_invite", kwargs={"patient_id": ben.id}),
            {"email": "ben.new@patient.example"},
        )

    assert response.status_code == 302
    ben.user.refresh_from_db()
    assert ben.user.email == "ben.new@patient.example"
    assert [m.to for m in mailoutbox] == [["ben.new@patient.example"]]


def test_it_keeps_the_login_of_an_account_in_use(
    english: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    ben = english.ben_patient  # an active account with a password
    with django_capture_on_commit_callbacks(execute=True):
        response = english.client_for(english.claire).post(
            reverse("patient_invite", kwargs={"patient_id": ben.id}),
            {"email": "someone.else@patient.example"},
        )

    assert response.status_code == 400
    assert "ben@patient.example" in html(response)
    assert User.objects.get(pk=english.ben.pk).email == "ben@patient.example"
    assert mailoutbox == []


# --- login, logout, password reset ---------------------------------------------------------


def test_it_says_so_when_the_password_is_wrong(world: World) -> None:
    visitor = english_client()

    response = visitor.post(
        reverse("login"), {"username": "claire@x.example", "password": "wrong-password"}
    )

    assert response.status_code == 200
    assert "The email address or password is not right" in html(response)
    assert "_auth_user_id" not in visitor.session


def test_it_logs_in_and_out(world: World) -> None:
    visitor = Client()

    login = visitor.post(reverse("login"), {"username": "claire@x.example", "password": PASSWORD})
    assert login.status_code == 302
    assert visitor.get(reverse("dashboard")).status_code == 200

    assert visitor.get(reverse("logout")).status_code == 405  # a link cannot log you out
    logout = visitor.post(reverse("logout"))
    assert logout.status_code == 302
    assert logout["Location"] == reverse("login")
    after = visitor.get(reverse("dashboard"))
    assert after.status_code == 302
    assert after["Location"].startswith(reverse("login"))


def test_it_logs_in_whatever_the_case_of_the_email(world: World) -> None:
    visitor = Client()

    login = visitor.post(reverse("login"), {"username": "Claire@X.example", "password": PASSWORD})

    assert login.status_code == 302
    assert visitor.get(reverse("dashboard")).status_code == 200


def test_it_sends_a_reset_link_only_to_a_known_address(world: World, mailoutbox: list[Any]) -> None:
    known = english_client().post(
        reverse("password_reset"), {"email": "claire@x.example"}, follow=True
    )
    unknown = english_client().post(
        reverse("password_reset"), {"email": "nobody@x.example"}, follow=True
    )

    for response in (known, unknown):
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == reverse("password_reset_done")
        assert "Check your email" in html(response)
    assert [m.to for m in mailoutbox] == [["claire@x.example"]]

    found = re.search(r"https?://[^/\s]+(/password-reset/[^\s]+/)", str(mailoutbox[0].body))
    assert found, mailoutbox[0].body
    visitor = Client()
    form = visitor.get(found.group(1), follow=True)
    assert form.status_code == 200
    done = visitor.post(
        form.redirect_chain[-1][0],
        {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")
    assert logged_in(Client(), "claire@x.example", GOOD_PASSWORD)


# --- language ------------------------------------------------------------------------------


def test_it_switches_the_language_and_remembers_it_on_the_account(world: World) -> None:
    claire = world.client_for(world.claire)
    assert world.claire.language == "nl"

    response = claire.post(reverse("set_language"), {"language": "en", "next": "/clinic/"})

    assert response.status_code == 302
    assert response["Location"] == "/clinic/"
    assert response.cookies["django_language"].value == "en"
    world.claire.refresh_from_db()
    assert world.claire.language == "en"
    page = claire.get("/clinic/")
    assert '<html lang="en">' in html(page)
    assert "Needs your attention" in html(page)
    # The account's language holds wherever Claire logs in next.
    elsewhere = world.client_for(world.claire).get("/clinic/")
    assert '<html lang="en">' in html(elsewhere)


def test_it_switches_the_language_for_a_visitor_by_cookie(db: None) -> None:
    visitor = Client()

    response = visitor.post(reverse("set_language"), {"language": "en", "next": "/login/"})

    assert response["Location"] == "/login/"
    assert '<html lang="en">' in html(visitor.get("/login/"))


@pytest.mark.parametrize(
    "unsafe",
    ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "", "evil.example"],
)
def test_it_never_sends_the_language_switch_off_site(world: World, unsafe: str) -> None:
    response = world.client_for(world.claire).post(
        reverse("set_language"), {"language": "en", "next": unsafe}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    "tricky", ["/\\evil.example/", "/\\/evil.example/", "/\t/evil.example/", "/%2F/evil.example/"]
)
def test_it_keeps_a_tricky_next_on_this_site(world: World, tricky: str) -> None:
    response = world.client_for(world.claire).post(
        reverse("set_language"), {"language": "en", "next": tricky}
    )

    location = response["Location"]
    assert location.startswith("/")
    assert location[1:2] not in ("/", "\\", "\t")
    assert urlsplit(location).netloc == ""


def test_it_falls_back_to_dutch_for_an_unknown_language(world: World) -> None:
    world.claire.language = "en"
    world.claire.save(update_fields=["language"])

    world.client_for(world.claire).post(reverse("set_language"), {"language": "xx"})

    world.claire.refresh_from_db()
    assert world.claire.language == "nl"


# --- mail in development -------------------------------------------------------------------


def test_it_keeps_development_mail_in_the_outbox_folder(
    world: World, settings: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.EMAIL_BACKEND = "backpath.web.mail.ConsoleAndFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)

    english_client().post(reverse("password_reset"), {"email": "claire@x.example"})

    files = list(tmp_path.iterdir())
    assert len(files) == 1
    written = files[0].read_text()
    assert "To: claire@x.example" in written
    assert "/password-reset/" in written
    assert "To: claire@x.example" in capsys.readouterr().out


# --- demo data -----------------------------------------------------------------------------


def test_it_loads_the_demo_once_with_working_logins(db: None) -> None:
    assert load_demo() is True
    users = User.objects.count()
    assert load_demo() is False
    assert User.objects.count() == users

    for login in LOGINS:
        assert logged_in(Client(), login.email, DEMO_PASSWORD), login.email
    sanne = Client()
    assert logged_in(sanne, "sanne@delinde.example", DEMO_PASSWORD)
    assert sanne.get(reverse("dashboard")).status_code == 200
    carla = Client()
    assert logged_in(carla, "carla@patient.example", DEMO_PASSWORD)
    assert carla.get(reverse("portal_plan")).status_code == 200


# --- security headers ----------------------------------------------------------------------


def csp(response: Any) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_it_sends_a_strict_content_security_policy(world: World) -> None:
    for response in (
        Client().get(reverse("login")),
        world.client_for(world.claire).get(reverse("dashboard")),
        world.client_for(world.amy).get(reverse("portal_home")),
    ):
        assert response.status_code == 200
        assert "default-src 'self'" in response["Content-Security-Policy"]
        policy = csp(response)
        script = policy.get("script-src", policy["default-src"])
        assert "'unsafe-inline'" not in script
        assert "'unsafe-eval'" not in script
        assert policy["frame-ancestors"] == ["'none'"]


def test_it_keeps_personal_pages_out_of_caches(world: World) -> None:
    claire = world.client_for(world.claire)
    episode = world.amy_episode.id
    for path in (
        reverse("dashboard"),
        reverse("episode_detail", kwargs={"episode_id": episode}),
        reverse("letter_pdf", kwargs={"episode_id": episode, "kind": "start"}),
    ):
        response = claire.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path
    assert "no-store" in world.client_for(world.amy).get(reverse("portal_plan"))["Cache-Control"]
