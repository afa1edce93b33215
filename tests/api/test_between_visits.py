"""Between visits through the API: Amy's home exercise program versions, her exercise and
activity logs and diary in windows of days, her measurements and alerts, each built through
the services the pages use. Read only within the key's clinic and with ``episodes:read``,
every read in the access log, each answer with an ETag, bad parameters a 422 naming the
field, and real records in the documented shapes."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import jsonschema_rs
import pytest
from django.test import Client
from django.utils import timezone

from backpath.api.routes_between_visits import MAX_DAYS
from backpath.auditlog.models import AccessEntry, Action, Outcome
from backpath.clinical.instruments import instrument
from backpath.clinical.language import Lang
from backpath.exercises.library import Dosage, library
from backpath.exercises.programs import GradedQuota
from backpath.followup import services as followup_services
from backpath.followup.models import Alert, Measurement
from backpath.followup.selectors import between_visits
from backpath.interchange import in_language
from backpath.programs import services as program_services
from backpath.programs.models import ExerciseLog, Program, ProgramItem, Quota, QuotaLog
from tests.api.conftest import Keys, bearer
from tests.pages import queries
from tests.personas import World, amy_alert, amy_due, licensed_qbpds
from tests.programs.clinic_exercise_helpers import own_exercise

__all__ = ["licensed_qbpds"]  # the fixture, for the wording test below

OPERATIONS = ("programs", "exercise-logs", "diary", "measurements", "alerts")
URL_NAMES = {
    "programs": "api-v1:episode_programs",
    "exercise-logs": "api-v1:episode_exercise_logs",
    "diary": "api-v1:episode_diary",
    "measurements": "api-v1:episode_measurements",
    "alerts": "api-v1:episode_alerts",
}
DIARY = {
    "pain": 3,
    "active_minutes": 45,
    "exercises": "all",
    "sitting_breaks": 6,
    "sleep": "good",
    "stress": 2,
}


def url(world: World, operation: str, query: str = "") -> str:
    return f"/api/v1/episodes/{world.amy_episode.id}/{operation}" + (f"?{query}" if query else "")


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    return json.loads(response.content)


def today() -> date:
    return timezone.localdate()


# --- Amy's records, through the services --------------------------------------------------------


def publish_two_versions(world: World) -> tuple[Program, Program]:
    """Version 1: two library exercises and a walking quota; version 2: one of them and the
    clinic's own exercise, written in Dutch only."""
    first = program_services.program_publish(
        actor=world.claire,
        episode=world.amy_episode,
        items=[
            program_services.ItemDraft("bridge", Dosage(sets=2, reps=10), 7),
            program_services.ItemDraft("cat_camel", Dosage(sets=1, reps=8), 3),
        ],
        quota=GradedQuota.from_baseline("walking", "minutes", 60, 150, 6),
        note="Elke ochtend.",
        reason="",
        submission=None,
    )
    own = own_exercise(world, name_nl="Eigen brug")
    second = program_services.program_publish(
        actor=world.claire,
        episode=world.amy_episode,
        items=[
            program_services.ItemDraft(own.exercise_id, Dosage(sets=2, reps=8), 5),
            program_services.ItemDraft("bridge", Dosage(sets=3, reps=10), 7),
        ],
        quota=None,
        note="",
        reason="Bridge is easy now.",
        submission=None,
    )
    return first, second


def log_exercises(world: World, program: Program, days: list[date]) -> None:
    for day in days:
        for n, item in enumerate(program.items.order_by("position")):
            program_services.exercise_log(
                actor=world.amy,
                episode=world.amy_episode,
                item=item,
                day=day,
                done=n == 0,
                pain=2 if n == 0 else None,
                difficulty=3 if n == 0 else None,
            )


def measure(world: World, answers: dict[str, dict[str, int]]) -> Measurement:
    """Amy's week-3 questionnaires, due today, filled in."""
    amy_due(world)
    state = between_visits(world.amy_episode, today())
    [occasion] = [o for o in state.occasions if o.key == "week-3"]
    assert state.plan is not None
    return followup_services.measurement_record(
        actor=world.amy,
        episode=world.amy_episode,
        plan=state.plan,
        occasion=occasion,
        answers=answers,
        instrument_versions={"nprs": "NPRS r1"},
        today=today(),
    )


WORSE = {"nprs": {"q1": 8}, "psk": {"q1": 8}, "gpe": {"q1": 6}}  # intake: NPRS 4, PSK 5


# --- what each read says ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_programs_are_every_version_with_the_exercise_names_in_the_language_asked(
    world: World, keys: Keys, api: Client, lang: str
) -> None:
    assert ok(api.get(url(world, "programs"), **bearer(keys.x))) == {"items": []}
    first, second = publish_two_versions(world)

    body = ok(api.get(url(world, "programs", f"lang={lang}"), **bearer(keys.x)))

    v1, v2 = body["items"]
    assert (v1["id"], v2["id"]) == (str(first.id), str(second.id))
    assert (v1["number"], v2["number"]) == (1, 2)
    assert (v1["note"], v1["reason"], v2["reason"]) == ("Elke ochtend.", "", "Bridge is easy now.")
    assert v1["episode_id"] == str(world.amy_episode.id)
    bridge = library()["bridge"].name(Lang(lang))
    assert [(i["position"], i["exercise_id"], i["name"]) for i in v1["items"]] == [
        (1, "bridge", bridge),
        (2, "cat_camel", library()["cat_camel"].name(Lang(lang))),
    ]
    assert v1["items"][0] | {"id": None} == {
        "id": None,
        "position": 1,
        "exercise_id": "bridge",
        "name": bridge,
        "sets": 2,
        "reps": 10,
        "hold_seconds": None,
        "minutes": None,
        "per_week": 7,
    }
    quota = Quota.objects.get(program=first)
    assert v1["quota"] == {
        "activity": "walking",
        "unit": "minutes",
        "baseline": 60,
        "start": quota.start,
        "increment": quota.increment,
        "goal": 150,
        "starts_on": quota.starts_on.isoformat(),
    }
    assert v2["quota"] is None
    # The clinic's own exercise is written in Dutch only: its name in either language.
    assert v2["items"][0]["exercise_id"].startswith("clinic-")
    assert v2["items"][0]["name"] == "Eigen brug"
    assert v2["items"][0]["per_week"] == 5
    assert {i["id"] for i in v2["items"]} == {str(i.id) for i in second.items.all()}


def test_exercise_and_activity_logs_by_day(world: World, keys: Keys, api: Client) -> None:
    first, second = publish_two_versions(world)
    days = [today() - timedelta(days=n) for n in (10, 9, 1)]
    log_exercises(world, first, days[:2])
    log_exercises(world, second, days[2:])
    quota = Quota.objects.get(program=first)
    for day, amount in ((days[0], 30), (days[0], 15), (days[2], 20)):
        program_services.quota_log(
            actor=world.amy, episode=world.amy_episode, quota=quota, day=day, amount=amount
        )

    body = ok(api.get(url(world, "exercise-logs"), **bearer(keys.x)))

    assert (body["since"], body["until"]) == (
        (today() - timedelta(days=MAX_DAYS - 1)).isoformat(),
        today().isoformat(),
    )
    listed = [(e["day"], e["exercise_id"], e["done"]) for e in body["exercises"]]
    own = second.items.get(position=1).exercise_id
    assert listed == [
        (days[0].isoformat(), "bridge", True),
        (days[0].isoformat(), "cat_camel", False),
        (days[1].isoformat(), "bridge", True),
        (days[1].isoformat(), "cat_camel", False),
        (days[2].isoformat(), own, True),
        (days[2].isoformat(), "bridge", False),
    ]
    stored = ExerciseLog.objects.get(item__program=first, item__position=1, day=days[0])
    assert body["exercises"][0] == {
        "id": str(stored.id),
        "item_id": str(stored.item_id),
        "exercise_id": "bridge",
        "day": days[0].isoformat(),
        "done": True,
        "pain": 2,
        "difficulty": 3,
        "logged_at": stored.logged_at.isoformat().replace("+00:00", "Z"),
    }
    assert (body["exercises"][1]["pain"], body["exercises"][1]["difficulty"]) == (None, None)
    assert body["activity"] == [
        {"program_number": 1, "day": days[0].isoformat(), "amount": 45},
        {"program_number": 1, "day": days[2].isoformat(), "amount": 20},
    ]
    # The window of the first two days: their logs, and the activity of the first only.
    since, until = days[0].isoformat(), days[1].isoformat()
    narrow = ok(
        api.get(url(world, "exercise-logs", f"since={since}&until={until}"), **bearer(keys.x))
    )
    assert {e["day"] for e in narrow["exercises"]} == {since, until}
    assert [a["day"] for a in narrow["activity"]] == [since]


def test_a_year_of_daily_logs_comes_in_windows_that_cover_each_day_once(
    world: World, keys: Keys, api: Client
) -> None:
    first, _second = publish_two_versions(world)
    items = list(first.items.all())
    start = today() - timedelta(days=364)
    # A year of logs at once: through the service it would be 730 audited writes.
    ExerciseLog.objects.bulk_create(
        ExerciseLog(item=item, day=start + timedelta(days=n), done=True)
        for n in range(365)
        for item in items
    )
    QuotaLog.objects.bulk_create(
        QuotaLog(quota=first.quota, day=start + timedelta(days=n), amount=30) for n in range(365)
    )

    seen: list[tuple[str, str]] = []
    activity: list[str] = []
    since = start
    windows = 0
    while since <= today():
        body = ok(api.get(url(world, "exercise-logs", f"since={since}"), **bearer(keys.x)))
        windows += 1
        first_day, last_day = date.fromisoformat(body["since"]), date.fromisoformat(body["until"])
        assert (first_day, (last_day - first_day).days + 1) == (since, MAX_DAYS)
        assert len(body["exercises"]) <= MAX_DAYS * len(items)
        seen += [(e["day"], e["item_id"]) for e in body["exercises"]]
        activity += [a["day"] for a in body["activity"]]
        since = last_day + timedelta(days=1)

    assert windows == 4  # 365 days in windows of 92
    assert len(seen) == len(set(seen)) == 365 * len(items)
    assert len(activity) == len(set(activity)) == 365
    # Without a window: the last 92 days.
    latest = ok(api.get(url(world, "exercise-logs"), **bearer(keys.x)))
    assert len(latest["exercises"]) == MAX_DAYS * len(items)
    assert latest["exercises"][-1]["day"] == today().isoformat()


def test_the_diary_by_day_in_a_window(world: World, keys: Keys, api: Client) -> None:
    days = [today() - timedelta(days=n) for n in (100, 3, 0)]
    for n, day in enumerate(days):
        followup_services.diary_save(
            actor=world.amy, episode=world.amy_episode, day=day, values=DIARY | {"pain": n}
        )
    followup_services.diary_save(  # corrected the same day
        actor=world.amy, episode=world.amy_episode, day=days[2], values=DIARY | {"sleep": "poor"}
    )

    body = ok(api.get(url(world, "diary"), **bearer(keys.x)))

    assert [e["day"] for e in body["items"]] == [days[1].isoformat(), days[2].isoformat()]
    entry = world.amy_episode.diary.get(day=days[2])
    assert body["items"][1] == {
        "day": days[2].isoformat(),
        "pain": 3,
        "active_minutes": 45,
        "exercises": "all",
        "sitting_breaks": 6,
        "sleep": "poor",
        "stress": 2,
        "updated_at": entry.updated_at.isoformat().replace("+00:00", "Z"),
    }
    until = (days[0] + timedelta(days=1)).isoformat()
    older = ok(api.get(url(world, "diary", f"until={until}"), **bearer(keys.x)))
    assert [e["pain"] for e in older["items"]] == [0]
    assert older["since"] == (days[0] + timedelta(days=2 - MAX_DAYS)).isoformat()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_measurements_carry_scores_and_the_guidelines_decision(
    world: World, keys: Keys, api: Client, lang: str
) -> None:
    assert ok(api.get(url(world, "measurements"), **bearer(keys.x))) == {"items": []}
    stored = measure(world, WORSE)

    body = ok(api.get(url(world, "measurements", f"lang={lang}"), **bearer(keys.x)))

    [item] = body["items"]
    assert item["id"] == str(stored.id)
    assert (item["occasion"], item["due_on"]) == ("week-3", today().isoformat())
    assert item["scores"] == {"nprs": 8, "psk": 8, "gpe": 6}
    assert item["instrument_versions"] == {"nprs": "NPRS r1"}
    assert item["outcome"] == stored.outcome == "review_worse"
    assert item["decision"] == {
        "rule": stored.decision["rule"],
        "source": stored.decision["source"],
        "text": in_language(stored.decision, lang),
        "changes": {"nprs": "worse", "psk": "worse"},
    }
    assert "answers" not in item


def test_a_measurement_without_a_decision_says_null(world: World, keys: Keys, api: Client) -> None:
    measure(world, {"gpe": {"q1": 3}})  # nothing measured at the intake to compare with

    [item] = ok(api.get(url(world, "measurements"), **bearer(keys.x)))["items"]

    assert (item["outcome"], item["decision"]) == (None, None)


@pytest.mark.usefixtures("licensed_qbpds")
def test_a_measurement_never_carries_the_licensed_wording(
    world: World, keys: Keys, api: Client
) -> None:
    qbpds = {item.link_id: 2 for item in instrument("qbpds").items}
    measure(world, WORSE | {"qbpds": qbpds})

    content = api.get(url(world, "measurements"), **bearer(keys.x)).content.decode()

    assert '"qbpds"' in content  # its score is there
    assert "Testactiviteit" not in content
    assert "Test activity" not in content


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_alerts_open_and_resolved_with_their_text_in_the_language_asked(
    world: World, keys: Keys, api: Client, lang: str
) -> None:
    red_flag = amy_alert(world)
    measure(world, WORSE)
    worse = Alert.objects.get(kind="worse")
    followup_services.alert_resolve(actor=world.claire, alert=red_flag)
    red_flag.refresh_from_db()
    assert red_flag.resolved_at is not None

    body = ok(api.get(url(world, "alerts", f"lang={lang}"), **bearer(keys.x)))

    assert [a["id"] for a in body["items"]] == [str(red_flag.id), str(worse.id)]
    first, second = body["items"]
    assert first == {
        "id": str(red_flag.id),
        "episode_id": str(world.amy_episode.id),
        "kind": "red_flag",
        "priority": 0,
        "rule": red_flag.rule,
        "source": red_flag.source,
        "text": in_language(red_flag.text, lang),
        "created_at": red_flag.created_at.isoformat().replace("+00:00", "Z"),
        "resolved_at": red_flag.resolved_at.isoformat().replace("+00:00", "Z"),
    }
    assert (second["kind"], second["resolved_at"]) == ("worse", None)
    assert second["text"] == in_language(worse.text, lang)


def test_the_records_match_the_documented_schema(world: World, keys: Keys, api: Client) -> None:
    """Filled in, each answer validates against its 200 schema in the OpenAPI document (the
    schemathesis run reads Amy's records before they have any)."""
    first, second = publish_two_versions(world)
    log_exercises(world, second, [today()])
    program_services.quota_log(
        actor=world.amy, episode=world.amy_episode, quota=first.quota, day=today(), amount=5
    )
    followup_services.diary_save(
        actor=world.amy, episode=world.amy_episode, day=today(), values=DIARY
    )
    measure(world, WORSE)
    amy_alert(world)
    schema = json.loads(api.get("/api/v1/openapi.json").content)

    for operation in OPERATIONS:
        path = f"/api/v1/episodes/{{episode_id}}/{operation}"
        responses = schema["paths"][path]["get"]["responses"]
        shape = responses["200"]["content"]["application/json"]["schema"]
        validator = jsonschema_rs.Draft202012Validator(
            {**shape, "components": schema["components"]}
        )
        body = ok(api.get(url(world, operation), **bearer(keys.x)))
        assert any(body.values()), operation  # not an empty list
        validator.validate(body)


# --- reach, scope, access log ----------------------------------------------------------------


@pytest.mark.parametrize("operation", OPERATIONS)
def test_another_clinics_key_gets_404_and_the_refusal_is_logged(
    world: World, keys: Keys, api: Client, operation: str
) -> None:
    amy_alert(world)

    response = api.get(url(world, operation), **bearer(keys.y))

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    entry = AccessEntry.objects.order_by("-id").first()
    assert entry is not None
    assert (entry.outcome, entry.patient_id) == (Outcome.DENIED, None)
    assert entry.object_id == str(world.amy_episode.id)
    assert entry.actor_label == f"api key {keys.y[3:11]} (Y sync)"
    # Yara's own episode the same key reads; another clinic's session is refused too.
    yara = f"/api/v1/episodes/{world.yara_episode.id}/{operation}"
    assert api.get(yara, **bearer(keys.y)).status_code == 200
    assert world.client_for(world.yara).get(url(world, operation)).status_code == 404


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_key_without_episodes_read_gets_403(
    world: World, keys: Keys, api: Client, operation: str
) -> None:
    before = AccessEntry.objects.count()

    response = api.get(url(world, operation), **bearer(keys.x_patients_only))

    assert response.status_code == 403
    assert "episodes:read" in json.loads(response.content)["detail"]
    assert AccessEntry.objects.count() == before  # nothing was read
    assert api.get(url(world, operation)).status_code == 401


def test_every_read_is_logged_with_the_patient_and_the_operation(
    world: World, keys: Keys, api: Client
) -> None:
    label = f"api key {keys.x[3:11]} (EHR sync)"
    for operation in OPERATIONS:
        before = AccessEntry.objects.order_by("-id").values_list("id", flat=True).first()
        ok(api.get(url(world, operation), **bearer(keys.x)))
        [entry] = AccessEntry.objects.filter(id__gt=before)
        assert (entry.actor_id, entry.actor_label) == (None, label), operation
        assert entry.clinic_id == world.clinic_x.id, operation
        assert entry.patient_id == world.amy_patient.id, operation
        assert (entry.object_type, entry.object_id) == ("episode", str(world.amy_episode.id))
        assert (entry.action, entry.outcome) == (Action.VIEW, Outcome.OK), operation
        assert entry.detail == URL_NAMES[operation]


def test_a_clinicians_session_reads_the_same_under_her_account(
    world: World, keys: Keys, api: Client
) -> None:
    publish_two_versions(world)
    amy_alert(world)
    claire = world.client_for(world.claire)
    for operation in OPERATIONS:
        as_claire = ok(claire.get(url(world, operation)))
        entry = AccessEntry.objects.order_by("-id").first()
        assert entry is not None
        assert (entry.actor_id, entry.patient_id) == (world.claire.id, world.amy_patient.id)
        assert as_claire == ok(api.get(url(world, operation), **bearer(keys.x))), operation


# --- ETags ------------------------------------------------------------------------------------


@pytest.mark.parametrize("operation", OPERATIONS)
def test_each_read_answers_304_to_its_etag_until_something_changes(
    world: World, keys: Keys, api: Client, operation: str
) -> None:
    first, _second = publish_two_versions(world)
    tag = api.get(url(world, operation), **bearer(keys.x))["ETag"]

    again = api.get(url(world, operation), HTTP_IF_NONE_MATCH=tag, **bearer(keys.x))
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", tag)

    # Something new for each read: the answer changes, and so does its tag.
    program_services.program_publish(
        actor=world.claire,
        episode=world.amy_episode,
        items=[program_services.ItemDraft("bridge", Dosage(sets=1, reps=5), 3)],
        quota=None,
        note="",
        reason="Less.",
        submission=None,
    )
    log_exercises(world, first, [today()])
    followup_services.diary_save(
        actor=world.amy, episode=world.amy_episode, day=today(), values=DIARY
    )
    measure(world, WORSE)
    changed = api.get(url(world, operation), HTTP_IF_NONE_MATCH=tag, **bearer(keys.x))
    assert changed.status_code == 200
    assert changed["ETag"] != tag


# --- bad parameters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "query", "field"),
    [
        ("programs", "lang=de", "lang"),
        ("measurements", "lang=", "lang"),
        ("alerts", "lang=EN", "lang"),
        ("exercise-logs", "since=yesterday", "since"),
        ("exercise-logs", "until=2026-02-30", "until"),
        ("exercise-logs", "since=2026-03-02&until=2026-03-01", "until"),
        (
            "exercise-logs",
            f"since=2026-01-01&until={date(2026, 1, 1) + timedelta(MAX_DAYS)}",
            "until",
        ),
        ("diary", "since=2026-1-1", "since"),
        ("diary", "until=0000-01-01", "until"),
        ("diary", "since=2025-01-01&until=2026-01-01", "until"),
    ],
)
def test_bad_parameters_are_422_naming_the_field(
    world: World, keys: Keys, api: Client, operation: str, query: str, field: str
) -> None:
    response = api.get(url(world, operation, query), **bearer(keys.x))

    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["errors"][0]["field"] == field
    assert body["detail"].startswith(f"{field}: ")


def test_a_window_too_long_says_how_long_one_may_be(world: World, keys: Keys, api: Client) -> None:
    response = api.get(url(world, "diary", "since=2025-01-01&until=2026-01-01"), **bearer(keys.x))

    assert json.loads(response.content)["detail"] == (
        f"until: a window holds at most {MAX_DAYS} days (got 366)"
    )


@pytest.mark.parametrize("operation", ["exercise-logs", "diary"])
def test_a_window_of_exactly_the_maximum_and_at_the_calendars_ends_is_answered(
    world: World, keys: Keys, api: Client, operation: str
) -> None:
    last = date(2026, 1, 1) + timedelta(MAX_DAYS - 1)
    full = ok(api.get(url(world, operation, f"since=2026-01-01&until={last}"), **bearer(keys.x)))
    assert (full["since"], full["until"]) == ("2026-01-01", last.isoformat())
    end = ok(api.get(url(world, operation, "since=9999-12-30"), **bearer(keys.x)))
    assert (end["since"], end["until"]) == ("9999-12-30", "9999-12-31")
    start = ok(api.get(url(world, operation, "until=0001-01-02"), **bearer(keys.x)))
    assert (start["since"], start["until"]) == ("0001-01-01", "0001-01-02")


# --- queries ------------------------------------------------------------------------------------


def test_the_programs_read_takes_the_same_queries_for_more_versions(world: World) -> None:
    publish_two_versions(world)
    claire = world.client_for(world.claire)
    two = queries(claire, url(world, "programs"))
    program_services.program_publish(
        actor=world.claire,
        episode=world.amy_episode,
        items=[
            program_services.ItemDraft(item.exercise_id, Dosage(sets=1, reps=5), 3)
            for item in ProgramItem.objects.filter(program__number=2)
        ],
        quota=GradedQuota.from_baseline("cycling", "minutes", 30, 90, 4),
        note="",
        reason="Cycling too.",
        submission=None,
    )

    assert queries(claire, url(world, "programs")) == two
