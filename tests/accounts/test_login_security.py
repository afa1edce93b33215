"""Logging in safely: lockout after repeated failures (per account and per address), the
clinic admin's unlock, passwords of at least 12 characters that are not in the bundled
breach list, changing one's own password, the reset form's throttle, and an admin that
cannot take over an account."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from backpath.accounts.models import User
from backpath.auditlog.models import AccessEntry, Action
from tests.personas import PASSWORD, World

WRONG = "not-the-password-at-all"


def login(email: str, password: str, address: str = "10.0.0.1") -> Any:
    client = Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
    return client.post(reverse("login"), {"username": email, "password": password})


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one(world: World) -> None:
    answers = [login("claire@x.example", WRONG, f"10.0.0.{n}").status_code for n in range(5)]
    assert answers == [200, 200, 200, 200, 429]  # the fifth failure locks
    # From another address, with the right password: the account itself is locked.
    locked = login("Claire@X.example", PASSWORD, "10.9.9.9")
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    # Another account is not affected.
    assert login("xavier@x.example", PASSWORD, "10.9.9.8").status_code == 302


def test_five_failures_from_one_address_lock_that_address(world: World) -> None:
    for number in range(5):
        login(f"nobody{number}@x.example", WRONG, "10.1.1.1")
    assert login("claire@x.example", PASSWORD, "10.1.1.1").status_code == 429
    assert login("claire@x.example", PASSWORD, "10.1.1.2").status_code == 302


def test_the_admin_login_is_locked_out_too(world: World) -> None:
    client = Client(REMOTE_ADDR="10.2.2.2")
    for _ in range(5):
        client.post("/admin/login/", {"username": "xavier@x.example", "password": WRONG})
    response = client.post("/admin/login/", {"username": "xavier@x.example", "password": PASSWORD})
    assert response.status_code == 429


def test_the_clinic_admin_sees_and_lifts_a_lockout(world: World) -> None:
    for _ in range(5):
        login("claire@x.example", WRONG)
    xavier = world.client_for(world.xavier)
    team = xavier.get(reverse("team")).content.decode()
    assert reverse("member_unlock", args=[world.claire.pk]) in team
    assert xavier.post(reverse("member_unlock", args=[world.claire.pk])).status_code == 302
    assert login("claire@x.example", PASSWORD, "10.3.3.3").status_code == 302
    assert AccessEntry.objects.filter(
        actor=world.xavier, detail="account.unlock", object_id=str(world.claire.pk)
    ).exists()
    # Not someone of another clinic.
    outsider = xavier.post(reverse("member_unlock", args=[world.yara.pk]))
    assert outsider.status_code == 404


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short-pw-1", "too short"),  # 10 characters
        ("password1234", "too common"),  # 12 characters, in the breach list
        ("qwerty123456", "too common"),
    ],
)
def test_a_new_password_is_long_and_not_breached(world: World, password: str, problem: str) -> None:
    client = world.client_for(world.claire)
    client.cookies["django_language"] = "en"
    world.claire.language = "en"
    world.claire.save(update_fields=["language"])
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert problem in response.content.decode()
    world.claire.refresh_from_db()
    assert world.claire.check_password(PASSWORD)


def test_a_user_changes_their_own_password(world: World) -> None:
    client = world.client_for(world.amy)
    new = "a-new-and-long-password-7"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    world.amy.refresh_from_db()
    assert world.amy.check_password(new)
    entry = AccessEntry.objects.get(detail="account.password")
    assert (entry.actor_id, entry.action) == (world.amy.pk, Action.CHANGE)
    assert new not in str(entry.chained_fields())
    assert client.get(reverse("home")).status_code == 302  # still logged in


def test_the_reset_form_is_throttled_per_address(world: World, mailoutbox: list[Any]) -> None:
    cache.clear()
    client = Client(REMOTE_ADDR="10.4.4.4", HTTP_ACCEPT_LANGUAGE="en")
    answers = [
        client.post(reverse("password_reset"), {"email": f"a{n}@x.example"}).status_code
        for n in range(6)
    ]
    assert answers == [302] * 5 + [429]
    other = Client(REMOTE_ADDR="10.4.4.5").post(reverse("password_reset"), {"email": "b@x.example"})
    assert other.status_code == 302


def test_the_reset_form_is_throttled_per_email(world: World, mailoutbox: list[Any]) -> None:
    cache.clear()
    answers = [
        Client(REMOTE_ADDR=f"10.5.5.{n}")
        .post(reverse("password_reset"), {"email": "claire@x.example"})
        .status_code
        for n in range(6)
    ]
    assert answers == [302] * 5 + [429]
    assert len(mailoutbox) == 5


def test_a_clinic_admin_cannot_set_a_password_or_change_an_address(world: World) -> None:
    xavier = world.client_for(world.xavier)
    amy = world.amy
    password_page = f"/admin/accounts/user/{amy.pk}/password/"
    assert xavier.get(password_page).status_code == 403
    attempt = xavier.post(
        password_page, {"password1": "taken-over-123456", "password2": "taken-over-123456"}
    )
    assert attempt.status_code == 403
    amy.refresh_from_db()
    assert amy.check_password(PASSWORD)

    change = xavier.get(f"/admin/accounts/user/{amy.pk}/change/")
    assert change.status_code == 200
    assert 'name="email"' not in change.content.decode()  # shown read-only
    xavier.post(
        f"/admin/accounts/user/{amy.pk}/change/",
        {
            "email": "xavier-owns@x.example",
            "first_name": amy.first_name,
            "last_name": amy.last_name,
            "language": amy.language,
            "is_active": "on",
        },
    )
    amy.refresh_from_db()
    assert amy.email == "amy@patient.example"


def test_the_clinic_admin_sends_a_link_to_the_accounts_own_address(
    world: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    xavier = world.client_for(world.xavier)
    with django_capture_on_commit_callbacks(execute=True):
        response = xavier.post(
            "/admin/accounts/user/",
            {"action": "send_password_link", "_selected_action": [str(world.amy.pk)]},
        )
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[world.amy.email]]
    assert AccessEntry.objects.filter(
        actor=world.xavier, detail="account.password_link", object_id=str(world.amy.pk)
    ).exists()


def test_a_superuser_may_still_set_a_password_and_it_is_logged(world: World) -> None:
    root = User.objects.create_superuser(email="root@backpath.example", password=PASSWORD)
    client = world.client_for(root)
    page = f"/admin/accounts/user/{world.claire.pk}/password/"
    new = "a-superuser-chosen-pw-9"
    response = client.post(page, {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 302
    world.claire.refresh_from_db()
    assert world.claire.check_password(new)
    assert AccessEntry.objects.filter(actor=root, detail="account.password_set").exists()
