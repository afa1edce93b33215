"""The clinic admin's API keys page: a key made there works at once and is shown once; the
same form sent again makes no second key; a revoked key is refused; another clinic's key
cannot be touched; bad input is named."""

from __future__ import annotations

import re
import uuid

from django.urls import reverse

from backpath.api.models import ApiKey
from backpath.api.services import create_key
from backpath.auditlog.models import AccessEntry
from tests.pages import field_errors, html
from tests.personas import World

KEY = re.compile(r'value="(bp_[0-9a-f]{8}_[A-Za-z0-9_-]+)"')


def make(world: World, **extra: object) -> tuple[int, str]:
    data = {
        "name": "Agenda",
        "scopes": ["patients:read", "episodes:read"],
        "expires_days": "90",
        "submission": str(uuid.uuid4()),
        **extra,
    }
    answer = world.client_for(world.xavier).post(reverse("api_keys"), data)
    return answer.status_code, html(answer) if answer.status_code != 302 else ""


def test_a_key_made_on_the_page_is_shown_once_and_opens_the_api(english: World) -> None:
    world = english
    status, page = make(world)

    assert status == 200
    (key,) = KEY.findall(page)
    made = ApiKey.objects.get(clinic=world.clinic_x)
    assert made.scopes == ["patients:read", "episodes:read"]
    assert made.expires_at is not None
    assert key not in html(world.client_for(world.xavier).get(reverse("api_keys")))
    answer = world.client_for(None).get(
        reverse("api-v1:patients"), HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert answer.status_code == 200
    assert AccessEntry.objects.filter(object_type="api_key", object_id=made.prefix).exists()


def test_the_same_form_sent_again_makes_no_second_key(english: World) -> None:
    world = english
    submission = str(uuid.uuid4())
    assert make(world, submission=submission)[0] == 200

    again = world.client_for(world.xavier).post(
        reverse("api_keys"),
        {"name": "Agenda", "scopes": ["patients:read"], "submission": submission},
        follow=True,
    )

    assert ApiKey.objects.filter(clinic=world.clinic_x).count() == 1
    assert "shown once" in html(again)
    assert not KEY.findall(html(again))


def test_bad_input_is_named_and_makes_nothing(english: World) -> None:
    world = english
    client = world.client_for(world.xavier)
    data = {"name": "x" * 1_000_000, "scopes": ["nonsense"], "submission": str(uuid.uuid4())}

    answer = client.post(reverse("api_keys"), data)

    assert answer.status_code == 400
    assert field_errors(answer, "name")
    assert field_errors(answer, "scopes")
    assert not ApiKey.objects.exists()


def test_a_revoked_key_is_refused_and_another_clinics_key_is_out_of_reach(
    english: World,
) -> None:
    world = english
    ours = create_key(clinic=world.clinic_x, name="Agenda", scopes=["patients:read"])
    theirs = create_key(clinic=world.clinic_y, name="Theirs", scopes=["patients:read"])
    client = world.client_for(world.xavier)

    assert client.post(reverse("api_key_revoke", args=[theirs.api_key.prefix])).status_code == 404
    assert client.post(reverse("api_key_revoke", args=[ours.api_key.prefix])).status_code == 302

    assert ApiKey.objects.get(pk=theirs.api_key.pk).revoked_at is None
    answer = world.client_for(None).get(
        reverse("api-v1:patients"), HTTP_AUTHORIZATION=f"Bearer {ours.key}"
    )
    assert answer.status_code == 401
    page = html(client.get(reverse("api_keys")))
    assert "Theirs" not in page
    assert "Revoked" in page
