"""API keys: made once and shown once, stored as a hash; who gets 401 and who 403; the
operator's ``backpath apikey`` command."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from backpath.api import services
from backpath.api.auth import Principal
from backpath.api.models import ApiKey, Scope
from backpath.api.services import (
    BadKeyInput,
    Rejected,
    check_key,
    create_key,
    revoke_key,
)
from backpath.auditlog.models import AccessEntry, Action
from tests.api.conftest import Keys, bearer
from tests.personas import World

PATIENTS = "/api/v1/patients"


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = json.loads(response.content)
    assert body["status"] == status
    assert set(body) >= {"type", "title", "status", "detail"}
    return body


# --- making a key ----------------------------------------------------------------------------


def test_a_new_key_is_shown_once_and_only_its_hash_is_stored(world: World) -> None:
    made = create_key(
        clinic=world.clinic_x, name="EHR sync", scopes=["patients:read", "episodes:read"]
    )
    stored = ApiKey.objects.get()

    prefix, secret = made.key.removeprefix("bp_").split("_", 1)
    assert made.key.startswith("bp_")
    assert prefix == stored.prefix
    assert len(prefix) == 8
    assert len(secret) >= 43  # 32 random bytes, URL-safe base64
    assert stored.key_hash == hashlib.sha256(made.key.encode()).hexdigest()
    # The key itself is in no column of the row; it cannot be read back.
    row = ApiKey.objects.filter(pk=stored.pk).values().get()
    assert not any(secret in str(value) for value in row.values())
    assert not hasattr(stored, "key")
    assert stored.scopes == ["patients:read", "episodes:read"]
    assert (stored.expires_at, stored.revoked_at, stored.last_used_at) == (None, None, None)
    assert made.key != create_key(clinic=world.clinic_x, name="two", scopes=["score:write"]).key


def test_making_and_revoking_a_key_is_in_the_access_log(world: World) -> None:
    made = create_key(clinic=world.clinic_x, name="EHR sync", scopes=["patients:read"])
    revoke_key(made.api_key)

    entries = AccessEntry.objects.filter(object_type="api_key").order_by("id")
    assert [(e.action, e.clinic_id, e.object_id) for e in entries] == [
        (Action.PERMISSION_CHANGE, world.clinic_x.id, made.api_key.prefix)
    ] * 2
    assert "created" in entries[0].detail
    assert "revoked" in entries[1].detail
    assert made.key not in " ".join(e.detail for e in entries)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": " "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"scopes": ["patients:delete"]}, "scopes"),
        ({"scopes": [""]}, "scopes"),
        ({"expires_days": 0}, "expires_days"),
        ({"expires_days": 99999}, "expires_days"),
    ],
)
def test_it_refuses_a_bad_name_scope_or_expiry(
    world: World, fields: dict[str, Any], field: str
) -> None:
    arguments: dict[str, Any] = {"name": "EHR", "scopes": ["patients:read"]} | fields
    with pytest.raises(BadKeyInput) as refused:
        create_key(clinic=world.clinic_x, **arguments)
    assert refused.value.field == field
    assert not ApiKey.objects.exists()


def test_a_prefix_clash_is_retried(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    first = create_key(clinic=world.clinic_x, name="one", scopes=["score:write"])
    prefixes = iter([first.api_key.prefix, "0123abcd"])
    monkeypatch.setattr(services.secrets, "token_hex", lambda n: next(prefixes))

    second = create_key(clinic=world.clinic_x, name="two", scopes=["score:write"])
    assert second.api_key.prefix == "0123abcd"
    assert second.key.startswith("bp_0123abcd_")


def test_a_key_made_by_an_account_names_it(world: World) -> None:
    made = create_key(
        clinic=world.clinic_x,
        name="EHR",
        scopes=["episodes:read", " episodes:read", "patients:read", ""],
        created_by=world.xavier,
    )
    assert made.api_key.scopes == ["episodes:read", "patients:read"]
    assert str(made.api_key) == f"{made.api_key.prefix} (EHR)"
    entry = AccessEntry.objects.get(object_type="api_key")
    assert (entry.actor_id, entry.actor_label) == (world.xavier.id, world.xavier.email)
    session = Principal(clinic_id=world.clinic_x.id, scopes=frozenset(), user=world.claire)
    assert session.label == world.claire.email


def test_the_scope_vocabulary() -> None:
    assert [scope.value for scope in Scope] == [
        "patients:read",
        "episodes:read",
        "score:write",
        "patients:write",
        "episodes:write",
    ]


# --- 401 and 403 -----------------------------------------------------------------------------


def test_no_key_answers_401(world: World, api: Client) -> None:
    body = problem(api.get(PATIENTS), 401)
    assert "Bearer" in body["detail"]
    assert api.get(PATIENTS)["WWW-Authenticate"].startswith("Bearer")
    problem(api.get(PATIENTS, HTTP_AUTHORIZATION="Basic YTpi"), 401)


@pytest.mark.parametrize(
    "key",
    [
        "bp_00000000_not-a-key-at-all",
        "bp_short_x",
        "nonsense",
        "",
        "bp_",
    ],
)
def test_an_unknown_key_answers_401(world: World, keys: Keys, api: Client, key: str) -> None:
    assert problem(api.get(PATIENTS, **bearer(key)), 401)["detail"] == Rejected.UNKNOWN


def test_a_known_prefix_with_a_wrong_secret_answers_401(keys: Keys, api: Client) -> None:
    forged = keys.x[:12] + "A" * (len(keys.x) - 12)
    assert problem(api.get(PATIENTS, **bearer(forged)), 401)["detail"] == Rejected.UNKNOWN


def test_a_revoked_key_answers_401(world: World, keys: Keys, api: Client) -> None:
    assert api.get(PATIENTS, **bearer(keys.x)).status_code == 200
    revoke_key(ApiKey.objects.get(name="EHR sync"))

    assert problem(api.get(PATIENTS, **bearer(keys.x)), 401)["detail"] == Rejected.REVOKED


def test_an_expired_key_answers_401(world: World, api: Client) -> None:
    made = create_key(clinic=world.clinic_x, name="short", scopes=["patients:read"], expires_days=1)
    assert api.get(PATIENTS, **bearer(made.key)).status_code == 200
    ApiKey.objects.filter(pk=made.api_key.pk).update(expires_at=timezone.now())

    assert problem(api.get(PATIENTS, **bearer(made.key)), 401)["detail"] == Rejected.EXPIRED


def test_a_bad_key_never_falls_back_to_the_session(world: World) -> None:
    client = world.client_for(world.claire)
    assert client.get(PATIENTS).status_code == 200
    problem(client.get(PATIENTS, **bearer("bp_00000000_wrong")), 401)


def test_a_key_without_the_scope_answers_403(world: World, keys: Keys, api: Client) -> None:
    episode = f"/api/v1/episodes/{world.amy_episode.id}"
    patient = f"/api/v1/patients/{world.amy_patient.id}"

    assert api.get(patient, **bearer(keys.x_patients_only)).status_code == 200
    body = problem(api.get(episode, **bearer(keys.x_patients_only)), 403)
    assert "episodes:read" in body["detail"]
    problem(api.get(f"{patient}/episodes", **bearer(keys.x_patients_only)), 403)
    for url in (PATIENTS, patient, episode, f"{episode}/plans"):
        problem(api.get(url, **bearer(keys.x_score_only)), 403)


def test_a_refused_key_reads_nothing_and_logs_nothing(world: World, keys: Keys) -> None:
    before = AccessEntry.objects.count()
    Client().get(f"/api/v1/patients/{world.amy_patient.id}", **bearer(keys.x_score_only))
    assert AccessEntry.objects.count() == before


def test_use_is_remembered_at_most_once_a_minute(world: World, keys: Keys) -> None:
    key = ApiKey.objects.get(name="EHR sync")
    assert key.last_used_at is None

    checked = check_key(keys.x)
    assert isinstance(checked, ApiKey)
    first = ApiKey.objects.get(pk=key.pk).last_used_at
    assert first is not None
    check_key(keys.x)
    assert ApiKey.objects.get(pk=key.pk).last_used_at == first
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=first - timedelta(minutes=2))
    check_key(keys.x)
    assert ApiKey.objects.get(pk=key.pk).last_used_at > first


# --- the operator's command --------------------------------------------------------------------


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("apikey", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_creates_a_key_and_prints_it_once(world: World, api: Client) -> None:
    out, err = run(
        "create", "--clinic", "de linde", "--name", "EHR sync", "--scopes",
        "patients:read,episodes:read", "--expires-days", "30",
    )  # fmt: skip

    key = out.strip()
    assert key.startswith("bp_")
    assert out.count("bp_") == 1
    stored = ApiKey.objects.get()
    assert stored.clinic == world.clinic_x
    assert stored.scopes == ["patients:read", "episodes:read"]
    assert stored.expires_at is not None
    assert stored.prefix in err
    assert "shown only now" in err
    assert key not in err
    assert api.get(PATIENTS, **bearer(key)).status_code == 200
    # A clinic may also be named by its id.
    out, _err = run(
        "create", "--clinic", str(world.clinic_y.id), "--name", "Y", "--scopes", "score:write"
    )
    assert ApiKey.objects.get(prefix=out.strip()[3:11]).clinic == world.clinic_y


def test_the_command_lists_keys_without_the_key(world: World, keys: Keys) -> None:
    out, _err = run("list")
    lines = out.splitlines()

    assert lines[0].split() == [
        "prefix", "clinic", "name", "scopes", "created", "expires", "revoked", "used"
    ]  # fmt: skip
    assert len(lines) == 5
    for key in (keys.x, keys.y, keys.x_patients_only, keys.x_score_only):
        assert key not in out
        assert key[3:11] in out
    assert "EHR sync" in out
    assert "patients:read,episodes:read" in out

    out, _err = run("list", "--clinic", "Other Clinic")
    assert len(out.splitlines()) == 2
    assert keys.y[3:11] in out
    assert keys.x[3:11] not in out


def test_the_command_lists_no_keys(world: World) -> None:
    assert run("list")[0] == "no API keys\n"


def test_the_command_revokes_a_key_by_its_prefix(world: World, keys: Keys, api: Client) -> None:
    prefix = keys.x[3:11]
    out, _err = run("revoke", prefix)

    assert f"revoked API key {prefix}" in out
    assert api.get(PATIENTS, **bearer(keys.x)).status_code == 401
    assert api.get(PATIENTS, **bearer(keys.y)).status_code == 200
    assert "already revoked" in run("revoke", prefix)[0]
    listed = next(line for line in run("list")[0].splitlines() if line.startswith(prefix))
    assert listed.split()[-3] != "-"  # the revoked column has a time


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "--clinic", "Nowhere", "--name", "x", "--scopes", "patients:read"], "--clinic"),
        (["create", "--clinic", "De Linde", "--name", "x", "--scopes", "all"], "--scopes"),
        (["create", "--clinic", "De Linde", "--name", " ", "--scopes", "score:write"], "--name"),
        (
            [
                "create",
                "--clinic",
                "De Linde",
                "--name",
                "x",
                "--scopes",
                "score:write",
                "--expires-days",
                "0",
            ],
            "--expires-days",
        ),
        (["revoke", "zzzzzzzz"], "no API key"),
        (["list", "--clinic", "Nowhere"], "--clinic"),
    ],
)
def test_the_command_refuses_bad_input_with_exit_code_2(
    world: World, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError) as refused:
        run(*args)
    assert refused.value.returncode == 2
    assert message in str(refused.value)
    assert not ApiKey.objects.exists()


def test_the_command_names_the_ids_when_two_clinics_share_a_name(world: World) -> None:
    world.clinic_y.name = "De Linde"
    world.clinic_y.save()
    with pytest.raises(CommandError) as refused:
        run("create", "--clinic", "De Linde", "--name", "x", "--scopes", "score:write")
    assert refused.value.returncode == 2
    assert str(world.clinic_x.id) in str(refused.value)
    assert str(world.clinic_y.id) in str(refused.value)


def test_the_installed_command_exits_2_on_a_malformed_command_line(tmp_path: Path) -> None:
    """The command's own refusals (CommandError, returncode 2) are tested above; the argument
    parser's refuse through the installed command with the same exit code."""
    env = {**os.environ, "BACKPATH_DATA_DIR": str(tmp_path), "BACKPATH_DEMO": "true"}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    args = ["--clinic", "X", "--name", "x", "--scopes", "score:write", "--expires-days", "ten"]
    for command in (["create", *args], ["revoke"]):
        done = subprocess.run(
            [sys.executable, "-m", "backpath", "apikey", *command],
            capture_output=True,
            text=True,
            check=False,
            env=env,
            timeout=120,
        )
        assert (done.returncode, done.stdout) == (2, ""), done.stderr
        assert "error:" in done.stderr
        assert "Traceback" not in done.stderr
