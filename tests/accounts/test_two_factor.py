"""Two-step login: required for a clinic's staff (the clinic setting, on by default),
optional for patients; codes from an authenticator app or a recovery code (each once)."""

from __future__ import annotations

import re
import time

from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from backpath.accounts.models import Clinic, User
from backpath.auditlog.models import AccessEntry, Action
from tests.personas import PASSWORD, World

# django-otp slows down a device after a wrong code (1 s, 2 s, 4 s...); these tests check the
# flow, and test_a_wrong_code_slows_down_the_next_try checks the throttle itself.
no_throttle = override_settings(OTP_TOTP_THROTTLE_FACTOR=0, OTP_STATIC_THROTTLE_FACTOR=0)


def code_for(device: TOTPDevice, *, step_offset: int = 0) -> str:
    """The code the authenticator app shows ``step_offset`` time steps from now."""
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits)
    clock.time = time.time() + step_offset * device.step
    return f"{clock.token():0{device.digits}d}"


def logged_in_client(email: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(reverse("login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def require(clinic: Clinic) -> None:
    clinic.require_staff_2fa = True
    clinic.save(update_fields=["require_staff_2fa"])
    # The messages the tests read are the English ones.
    User.objects.filter(clinic=clinic).update(language="en")


def enrol(client: Client, user: User) -> list[str]:
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(reverse("two_factor_setup"), {"code": code_for(device), "next": "/"})
    assert done.status_code == 200
    return re.findall(r"<code>([a-z0-9]+)</code>", done.content.decode())


def test_the_demo_and_new_clinics_differ_only_by_the_setting(db: None) -> None:
    assert Clinic.objects.create(name="New").require_staff_2fa is True


@no_throttle
def test_staff_of_a_clinic_that_requires_it_must_set_it_up_first(world: World) -> None:
    require(world.clinic_x)
    client = logged_in_client("claire@x.example")
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 302
    assert dashboard["Location"].startswith(reverse("two_factor_setup"))
    # Patient data stays closed until then: an episode page too.
    episode = client.get(reverse("episode_detail", args=[world.amy_episode.id]))
    assert episode.status_code == 302
    setup = client.get(reverse("two_factor_setup")).content.decode()
    assert 'src="data:image/svg+xml;base64,' in setup

    wrong = client.post(reverse("two_factor_setup"), {"code": "000000"})
    assert wrong.status_code == 400
    assert "not right" in wrong.content.decode()
    codes = enrol(client, world.claire)
    assert len(codes) == 10
    assert client.get(reverse("dashboard")).status_code == 200
    assert AccessEntry.objects.filter(actor=world.claire, detail="account.2fa_on").exists()


@no_throttle
def test_an_enrolled_user_enters_a_code_at_every_login(world: World) -> None:
    require(world.clinic_x)
    codes = enrol(logged_in_client("claire@x.example"), world.claire)
    device = TOTPDevice.objects.get(user=world.claire, confirmed=True)

    client = logged_in_client("claire@x.example")
    blocked = client.get(reverse("patient_list"))
    assert blocked["Location"].startswith(reverse("two_factor_verify"))
    wrong = client.post(reverse("two_factor_verify"), {"code": "123456"})
    assert wrong.status_code == 400
    assert AccessEntry.objects.filter(
        actor=world.claire, action=Action.LOGIN_FAILED, detail="second_step"
    ).exists()
    right = client.post(
        reverse("two_factor_verify"),
        {"code": code_for(device, step_offset=1), "next": reverse("patient_list")},
    )
    assert right.status_code == 302
    assert right["Location"] == reverse("patient_list")
    assert client.get(reverse("patient_list")).status_code == 200

    # A recovery code works once.
    again = logged_in_client("claire@x.example")
    assert again.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 302
    third = logged_in_client("claire@x.example")
    assert third.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 400


def test_the_next_page_after_the_code_stays_on_this_site(world: World) -> None:
    enrol(logged_in_client("amy@patient.example"), world.amy)
    device = TOTPDevice.objects.get(user=world.amy, confirmed=True)
    client = logged_in_client("amy@patient.example")
    response = client.post(
        reverse("two_factor_verify"),
        {"code": code_for(device, step_offset=1), "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_patients_may_choose_it_and_turn_it_off(world: World) -> None:
    client = logged_in_client("amy@patient.example")
    assert client.get(reverse("portal_home")).status_code == 200  # not required
    enrol(client, world.amy)
    fresh = logged_in_client("amy@patient.example")
    assert fresh.get(reverse("portal_home"))["Location"].startswith(reverse("two_factor_verify"))
    assert client.post(reverse("two_factor_off")).status_code == 302
    assert not TOTPDevice.objects.filter(user=world.amy).exists()
    assert logged_in_client("amy@patient.example").get(reverse("portal_home")).status_code == 200


def test_staff_cannot_turn_it_off_where_the_clinic_requires_it(world: World) -> None:
    require(world.clinic_x)
    client = logged_in_client("claire@x.example")
    enrol(client, world.claire)
    assert client.post(reverse("two_factor_off")).status_code == 404
    assert TOTPDevice.objects.filter(user=world.claire, confirmed=True).exists()


def test_the_admin_is_behind_the_second_step_too(world: World) -> None:
    require(world.clinic_x)
    client = logged_in_client("xavier@x.example")
    response = client.get("/admin/care/patient/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))


def test_a_wrong_code_slows_down_the_next_try(world: World) -> None:
    enrol(logged_in_client("amy@patient.example"), world.amy)
    device = TOTPDevice.objects.get(user=world.amy, confirmed=True)
    client = logged_in_client("amy@patient.example")
    assert client.post(reverse("two_factor_verify"), {"code": "000000"}).status_code == 400
    # The right code at once is refused too: the device waits before it checks again.
    right = client.post(reverse("two_factor_verify"), {"code": code_for(device, step_offset=1)})
    assert right.status_code == 400


def test_a_clinic_admin_switching_it_is_in_the_access_log(world: World) -> None:
    xavier = world.client_for(world.xavier)
    clinic = world.clinic_x  # off in the personas
    change = f"/admin/accounts/clinic/{clinic.pk}/change/"
    data = {"name": clinic.name, "city": "", "phone": "", "require_staff_2fa": "on"}
    assert xavier.post(change, data).status_code == 302
    clinic.refresh_from_db()
    assert clinic.require_staff_2fa
    xavier.post(change, data)  # saved again unchanged: nothing to log
    entries = AccessEntry.objects.filter(actor=world.xavier, detail="clinic.two_step_login")
    assert entries.count() == 1
