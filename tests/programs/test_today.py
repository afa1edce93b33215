"""The patient's Today: the overview of what is due, logging without a reload (htmx), the
timer's steps, the answer to a painful log, and the clinician's line about it."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any
from xml.etree.ElementTree import Element

import pytest
from django.db.models.signals import post_init
from django.test import Client
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape

from backpath.clinical.language import Lang
from backpath.exercises.library import Dosage, library
from backpath.exercises.programs import GradedQuota
from backpath.followup.selectors import between_visits
from backpath.programs import services
from backpath.programs import views as programs_views
from backpath.programs.models import ExerciseLog, Program
from backpath.programs.selectors import TodayOverview, today_overview
from backpath.web import urls as site_urls
from tests.pages import AssertQueries, html, parse, queries, same_count
from tests.personas import World

# What backpath/web/urls.py passes the Today page (see the module's test below): the
# between-visits state of the app above programs, for the diary, check and questionnaires.
urlpatterns = [
    path("me/today/", programs_views.today, {"visits": between_visits}, name="today"),
    *(p for p in site_urls.urlpatterns if getattr(p, "name", None) != "today"),
]

SETS = Dosage(sets=2, reps=10)
HOLD = Dosage(hold_seconds=20, reps=3)


def publish(
    world: World,
    items: list[tuple[str, Dosage, int]],
    *,
    quota: GradedQuota | None = None,
    reason: str = "",
) -> Program:
    return services.program_publish(
        actor=world.claire,
        episode=world.amy_episode,
        items=[services.ItemDraft(e, dosage, per_week) for e, dosage, per_week in items],
        quota=quota,
        note="",
        reason=reason,
        submission=None,
    )


@pytest.fixture
def amy(world: World) -> Client:
    world.amy.language = "en"
    world.amy.save(update_fields=["language"])
    return world.client_for(world.amy)


def overview_of(response: Any) -> TodayOverview:
    found: TodayOverview = response.context["overview"]
    return found


def progress_text(response: Any) -> str:
    for element in parse(response).iter():
        if element.get("id") == "today-progress":
            return " ".join("".join(element.itertext()).split())
    raise AssertionError("no #today-progress")


def log(amy: Client, program: Program, exercise_id: str, htmx: bool = False, **data: str) -> Any:
    item = program.items.get(exercise_id=exercise_id)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return amy.post(reverse("log_exercise"), {"item": str(item.id), **data}, **headers)


def log_on(
    program: Program, exercise_id: str, day: date, *, done: bool = True, pain: int = 2
) -> None:
    ExerciseLog.objects.create(
        item=program.items.get(exercise_id=exercise_id), day=day, done=done, pain=pain
    )


def backdate(program: Program, day: date) -> None:
    when = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    Program.objects.filter(pk=program.pk).update(published_at=when)


# --- the overview ---------------------------------------------------------------------------


def test_the_overview_lists_what_is_due_with_counts_and_updates_after_a_log(
    world: World, amy: Client
) -> None:
    quota = GradedQuota.from_baseline("walking", "minutes", 60, 150, 6)
    program = publish(
        world, [("bridge", SETS, 7), ("plank", HOLD, 5), ("calf_raise", SETS, 3)], quota=quota
    )
    page = amy.get(reverse("today"))
    assert page.status_code == 200
    overview = overview_of(page)
    assert (overview.due, overview.done, overview.left) == (3, 0, 3)
    assert "0 of 3 done · 3 left" in progress_text(page)
    assert "0 of 48 minutes this week" in progress_text(page)
    # The first card is open, the others wait closed.
    assert [row.open for row in overview.exercises] == [True, False, False]

    log(amy, program, "bridge", done="yes", pain="2")
    amy.post(reverse("log_quota"), {"amount": "20"})
    page = amy.get(reverse("today"))
    assert "1 of 3 done · 2 left" in progress_text(page)
    assert "20 of 48 minutes this week" in progress_text(page)
    assert [row.open for row in overview_of(page).exercises] == [False, True, False]

    log(amy, program, "plank", done="no")
    log(amy, program, "calf_raise", done="yes")
    page = amy.get(reverse("today"))
    assert "All done for today" in progress_text(page)
    assert "1 skipped" in progress_text(page)


def test_an_exercise_done_as_often_as_prescribed_this_week_is_not_due(world: World) -> None:
    program = publish(world, [("bridge", SETS, 2), ("calf_raise", SETS, 7)])
    thursday = date(2025, 11, 27)
    backdate(program, thursday - timedelta(days=10))
    log_on(program, "bridge", thursday - timedelta(days=3))  # Monday
    log_on(program, "bridge", thursday - timedelta(days=1))  # Wednesday
    overview = today_overview(world.amy_episode, thursday, Lang.EN)
    bridge, calf_raise = overview.exercises
    assert (bridge.due, bridge.done_this_week, bridge.open) == (False, 2, False)
    assert (calf_raise.due, calf_raise.open) == (True, True)
    assert (overview.due, overview.left) == (1, 1)


@pytest.mark.urls(__name__)
def test_with_the_between_visits_state_today_lists_the_check_and_the_diary(
    world: World, amy: Client
) -> None:
    publish(world, [("bridge", SETS, 7)])
    page = amy.get(reverse("today"))
    items = [
        " ".join("".join(li.itertext()).split())
        for li in parse(page).iter("li")
        if "today-list__item" in (li.get("class") or "")
    ]
    assert any(item.startswith("Weekly safety check") for item in items), items
    assert any(item.startswith("My diary Six quick answers") for item in items), items
    assert overview_of(page).recheck_due
    assert overview_of(page).diary_due


def test_the_streak_counts_the_days_with_every_daily_exercise_done(world: World) -> None:
    program = publish(world, [("bridge", SETS, 7), ("plank", HOLD, 5), ("calf_raise", SETS, 2)])
    thursday = date(2025, 11, 27)
    monday = thursday - timedelta(days=3)
    backdate(program, monday - timedelta(days=7))
    for exercise_id in ("bridge", "plank"):  # Monday: both daily exercises
        log_on(program, exercise_id, monday)
    log_on(program, "bridge", monday + timedelta(days=1))  # Tuesday: one of the two
    log_on(program, "plank", monday + timedelta(days=1), done=False)
    for exercise_id in ("bridge", "plank"):  # Wednesday: both
        log_on(program, exercise_id, monday + timedelta(days=2))
    log_on(program, "calf_raise", monday + timedelta(days=2))  # not near-daily: no matter
    overview = today_overview(world.amy_episode, thursday, Lang.EN)
    assert [day.state for day in overview.week] == [
        "done",
        "missed",
        "done",
        "open",
        "later",
        "later",
        "later",
    ]
    assert overview.streak == 2
    for exercise_id in ("bridge", "plank"):
        log_on(program, exercise_id, thursday)
    assert today_overview(world.amy_episode, thursday, Lang.EN).streak == 3


def test_the_streak_starts_with_the_program_and_shows_on_the_page(
    world: World, amy: Client
) -> None:
    program = publish(world, [("bridge", SETS, 7)])
    page = amy.get(reverse("today"))
    today = timezone.localdate()
    states = [day.state for day in overview_of(page).week]
    assert states[today.weekday()] == "open"
    assert set(states[: today.weekday()]) <= {"none"}  # before the program was published
    log(amy, program, "bridge", done="yes")
    page = amy.get(reverse("today"))
    assert overview_of(page).streak == 1
    assert "all daily exercises done on 1 day." in html(page)


def test_without_near_daily_exercises_there_is_no_streak(world: World, amy: Client) -> None:
    publish(world, [("bridge", SETS, 3)])
    page = amy.get(reverse("today"))
    assert overview_of(page).week == ()
    assert "all daily exercises done" not in html(page)


def _form_as_shown(card: Element) -> dict[str, str]:
    """What the card's form posts if the patient touches nothing: its hidden fields and the
    options shown selected (an option without a value posts its text)."""
    data = {
        str(field.get("name")): field.get("value") or ""
        for field in card.iter("input")
        if field.get("type") == "hidden"
    }
    for select in card.iter("select"):
        chosen = [option for option in select.iter("option") if option.get("selected") is not None]
        shown = chosen[0].get("value", "".join(chosen[0].itertext())) if chosen else ""
        data[str(select.get("name"))] = shown
    return data


# --- logging without a reload ---------------------------------------------------------------


def test_an_htmx_log_answers_the_collapsed_card_and_opens_the_next(
    world: World, amy: Client
) -> None:
    program = publish(world, [("bridge", SETS, 7), ("plank", HOLD, 7)])
    answer = log(amy, program, "bridge", htmx=True, done="yes", pain="2")
    assert answer.status_code == 200
    assert "programs/_log_answer.html" in [t.name for t in answer.templates]
    body = html(answer)
    assert "<html" not in body
    assert body.lstrip().startswith("<section")
    first, second = list(parse(answer).iter("section"))
    assert first.get("id") == "exercise-1"
    assert first.get("hx-swap-oob") is None
    assert "today-card--logged" in (first.get("class") or "")
    assert "Done today." in "".join(first.itertext())
    assert first.find(".//details").get("open") is None  # collapsed
    # The next card, opened, swapped in out of band; and the overview's counts.
    assert (second.get("id"), second.get("hx-swap-oob")) == ("exercise-2", "true")
    assert second.find(".//details").get("open") is not None
    assert second.get("data-today-focus") is not None
    assert 'id="today-progress" hx-swap-oob="innerHTML"' in body
    assert "1 of 2 done · 1 left" in progress_text(answer)
    assert ExerciseLog.objects.get(item__exercise_id="bridge").done


def test_a_plain_post_still_redirects_to_the_card(world: World, amy: Client) -> None:
    program = publish(world, [("bridge", SETS, 7), ("plank", HOLD, 7)])
    answer = log(amy, program, "plank", done="yes")
    assert answer.status_code == 302
    assert answer["Location"] == reverse("today") + "#exercise-2"


def test_an_htmx_log_without_done_or_skipped_answers_the_open_card_with_the_problem(
    world: World, amy: Client
) -> None:
    program = publish(world, [("bridge", SETS, 7)])
    answer = log(amy, program, "bridge", htmx=True, pain="2", difficulty="3")
    assert answer.status_code == 200
    assert "choose done or skipped" in html(answer)
    assert parse(answer).find(".//details").get("open") is not None
    assert not ExerciseLog.objects.exists()
    # What she chose is still chosen: only "done or skipped" is left to answer.
    shown = _form_as_shown(parse(answer))
    assert (shown["pain"], shown["difficulty"]) == ("2", "3")


def test_a_correction_that_comes_back_shows_what_was_posted_not_the_log(
    world: World, amy: Client
) -> None:
    program = publish(world, [("bridge", SETS, 7)])
    log(amy, program, "bridge", done="no", pain="3", difficulty="4")
    # Done, with another pain score and a difficulty out of range (a tampered form).
    answer = log(amy, program, "bridge", htmx=True, done="yes", pain="5", difficulty="9")
    assert "choose done or skipped" in html(answer)
    card = parse(answer)
    shown = _form_as_shown(card)
    assert (shown["pain"], shown["difficulty"]) == ("5", "")
    checked = [i.get("value") for i in card.iter("input") if i.get("checked") is not None]
    assert checked == ["yes"]
    assert ExerciseLog.objects.get().pain == 3  # nothing saved


@pytest.mark.parametrize("htmx", [False, True])
def test_a_logged_exercise_shows_its_answers_so_correcting_it_keeps_them(
    world: World, amy: Client, htmx: bool
) -> None:
    # Skipped with pain 3 and "4 hard", then corrected to done from the card as shown: the
    # pain and the difficulty are posted again, not blanked (the difficulty once was).
    program = publish(world, [("bridge", SETS, 7)])
    first = log(amy, program, "bridge", htmx=htmx, done="no", pain="3", difficulty="4")
    page = first if htmx else amy.get(reverse("today"))
    card = next(s for s in parse(page).iter("section") if s.get("id") == "exercise-1")
    shown = _form_as_shown(card)
    assert (shown["pain"], shown["difficulty"]) == ("3", "4")
    amy.post(reverse("log_exercise"), {**shown, "done": "yes"})
    entry = ExerciseLog.objects.get()
    assert (entry.done, entry.pain, entry.difficulty) == (True, 3, 4)


def test_an_htmx_quota_log_answers_the_card_and_the_counts(world: World, amy: Client) -> None:
    quota = GradedQuota.from_baseline("walking", "minutes", 60, 150, 6)
    publish(world, [("bridge", SETS, 7)], quota=quota)
    answer = amy.post(reverse("log_quota"), {"amount": "25"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert html(answer).lstrip().startswith('<section class="card today-card" id="activity"')
    assert "25 of 48 minutes this week" in progress_text(answer)
    plain = amy.post(reverse("log_quota"), {"amount": "30"})
    assert plain["Location"] == reverse("today") + "#activity"


def test_an_htmx_quota_log_over_the_days_bound_answers_the_card_with_the_problem(
    world: World, amy: Client
) -> None:
    quota = GradedQuota.from_baseline("walking", "minutes", 60, 150, 6)
    publish(world, [("bridge", SETS, 7)], quota=quota)
    amy.post(reverse("log_quota"), {"amount": "500"}, HTTP_HX_REQUEST="true")
    refused = amy.post(reverse("log_quota"), {"amount": "200"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200
    assert "at most 600 a day" in html(refused)
    assert "500 of 48 minutes this week" in progress_text(refused)
    typo = amy.post(reverse("log_quota"), {"amount": "lots"}, HTTP_HX_REQUEST="true")
    assert 'role="alert"' in html(typo)
    assert amy.post(reverse("log_quota"), {"amount": "200"}).status_code == 302


def test_the_timer_reads_its_steps_from_the_dosage(world: World, amy: Client) -> None:
    publish(world, [("bridge", SETS, 7), ("plank", HOLD, 7), ("walking", Dosage(minutes=20), 5)])
    timers = {
        t.get("id"): {
            k: v for k, v in t.attrib.items() if k.startswith("data-") and "text" not in k
        }
        for t in parse(amy.get(reverse("today"))).iter("div")
        if t.get("data-timer") is not None
    }
    common = {"data-timer": ""}
    assert timers["timer-1"] == common | {
        "data-sets": "2",
        "data-reps": "10",
        "data-hold": "3",
        "data-rest-reps": "0",
        "data-rest-sets": "60",
    }
    assert timers["timer-2"] == common | {
        "data-sets": "1",
        "data-reps": "3",
        "data-hold": "20",
        "data-rest-reps": "5",
        "data-rest-sets": "0",
    }
    assert timers["timer-3"] == common | {
        "data-sets": "1",
        "data-reps": "1",
        "data-hold": "1200",
        "data-rest-reps": "0",
        "data-rest-sets": "0",
    }


# --- the answer to pain ---------------------------------------------------------------------

EASIER = library()["pelvic_tilt"].name(Lang.EN)  # the bridge's first regression
SKIP = "skip this exercise for the rest of today"
CHECK = "Also new numbness, weakness or trouble with bladder or bowel?"


def test_pain_6_offers_the_easier_version_and_skipping(world: World, amy: Client) -> None:
    program = publish(world, [("bridge", SETS, 7)])
    answer = html(log(amy, program, "bridge", htmx=True, done="yes", pain="6"))
    assert escape(EASIER) in answer
    assert "See the easier version" in answer
    assert SKIP in answer
    assert "Hurt does not mean harm" in answer
    assert CHECK not in answer  # 6 is not yet a reason to ask about red flags
    # The page after a plain post says the same.
    page = html(amy.get(reverse("today")))
    assert escape(EASIER) in page
    assert SKIP in page


def test_a_rise_of_2_offers_it_too(world: World, amy: Client) -> None:
    program = publish(world, [("bridge", SETS, 7)])
    log_on(program, "bridge", timezone.localdate() - timedelta(days=3), pain=2)
    answer = html(log(amy, program, "bridge", htmx=True, done="yes", pain="4"))
    assert escape(EASIER) in answer
    assert SKIP in answer


def test_pain_3_after_2_offers_nothing(world: World, amy: Client) -> None:
    program = publish(world, [("bridge", SETS, 7)])
    log_on(program, "bridge", timezone.localdate() - timedelta(days=1), pain=2)
    answer = html(log(amy, program, "bridge", htmx=True, done="yes", pain="3"))
    assert escape(EASIER) not in answer
    assert SKIP not in answer
    assert "pain-offer" not in answer


def test_without_an_easier_version_it_offers_skipping(world: World, amy: Client) -> None:
    program = publish(world, [("calf_raise", SETS, 7)])
    answer = html(log(amy, program, "calf_raise", htmx=True, done="yes", pain="7"))
    assert SKIP in answer
    assert "See the easier version" not in answer


def test_pain_8_points_to_the_weekly_safety_check(world: World, amy: Client) -> None:
    program = publish(world, [("bridge", SETS, 7)])
    answer = log(amy, program, "bridge", htmx=True, done="yes", pain="8")
    assert CHECK in html(answer)
    assert f'href="{reverse("recheck")}"' in html(answer)
    # The answer is calm: no alert role, no danger colours.
    assert 'role="alert"' not in html(answer)
    assert "danger" not in html(answer)


def test_the_adherence_page_tells_the_clinician(world: World, amy: Client) -> None:
    program = publish(world, [("bridge", SETS, 7), ("calf_raise", SETS, 7)])
    log_on(program, "bridge", timezone.localdate() - timedelta(days=2), pain=2)
    log(amy, program, "bridge", done="yes", pain="7")
    log(amy, program, "calf_raise", done="yes", pain="3")
    claire = world.client_for(world.claire)
    world.claire.language = "en"
    world.claire.save(update_fields=["language"])
    page = claire.get(reverse("program_adherence", kwargs={"episode_id": world.amy_episode.id}))
    assert page.status_code == 200
    with translation.override("en"):
        day = date_format(timezone.localdate(), "MONTH_DAY_FORMAT")
    line = f"pain rose to 7 on {day}; easier version offered ({escape(EASIER)})."
    assert line in html(page)
    assert html(page).count("pain rose to") == 1  # calf raise at 3: no line


# --- queries --------------------------------------------------------------------------------


def test_today_answers_in_fixed_queries_whatever_the_exercises_and_logs(
    world: World, amy: Client, django_assert_num_queries: AssertQueries
) -> None:
    quota = GradedQuota.from_baseline("walking", "minutes", 60, 150, 6)
    first = publish(world, [("bridge", SETS, 7)], quota=quota)
    # A pain score today: the page then reads the last score before it too (one query).
    log(amy, first, "bridge", done="yes", pain="3")
    count = queries(amy, reverse("today"))

    program = publish(
        world,
        [
            ("bridge", SETS, 7),
            ("plank", HOLD, 7),
            ("calf_raise", SETS, 3),
            ("walking", Dosage(minutes=20), 5),
        ],
        quota=quota,
        reason="More exercises.",
    )
    today = timezone.localdate()
    for days_ago in range(1, 10):
        for exercise_id in ("bridge", "plank", "walking"):
            log_on(program, exercise_id, today - timedelta(days=days_ago), pain=days_ago % 8)
    for exercise_id in ("bridge", "plank"):
        log(amy, program, exercise_id, done="yes", pain="7")
    amy.post(reverse("log_quota"), {"amount": "20"})

    same_count(amy, reverse("today"), count, django_assert_num_queries)
    assert len(overview_of(amy.get(reverse("today"))).exercises) == 4


def test_today_reads_only_this_weeks_logs_and_the_last_score_before_today(
    world: World, amy: Client
) -> None:
    """However long the episode runs, the page reads a week of logs and, for an exercise
    scored today, its one last score before: the rise is measured against that one."""
    program = publish(world, [("bridge", SETS, 7), ("plank", HOLD, 7)])
    today = timezone.localdate()
    for days_ago in range(1, 60):
        log_on(program, "bridge", today - timedelta(days=days_ago), pain=5 if days_ago == 40 else 2)
        log_on(program, "plank", today - timedelta(days=days_ago), pain=1)
    log(amy, program, "bridge", done="yes", pain="4")

    made: list[ExerciseLog] = []

    def count(sender: type[ExerciseLog], instance: ExerciseLog, **kwargs: Any) -> None:
        made.append(instance)

    post_init.connect(count, sender=ExerciseLog)
    try:
        overview = overview_of(amy.get(reverse("today")))
    finally:
        post_init.disconnect(count, sender=ExerciseLog)
    monday = today - timedelta(days=today.weekday())
    assert made
    assert all(monday <= log.day <= today for log in made)  # not the 118 earlier ones
    bridge = next(row for row in overview.exercises if row.item.exercise_id == "bridge")
    assert bridge.offer is not None
    assert bridge.offer.before == 2  # yesterday's score, not day 40's


def test_the_picture_holds_as_long_as_the_program_says_and_can_be_stopped(
    world: World, amy: Client
) -> None:
    """The item's hold (45 s), not the library's default, times the picture; a moving
    picture has its stop box (WCAG 2.2.2)."""
    assert library()["knees_to_chest"].dosage.hold_seconds != 45
    publish(world, [("knees_to_chest", Dosage(hold_seconds=45, reps=3), 7)])

    page = html(amy.get(reverse("today")))

    start = page.index('<div class="exercise-picture">')
    picture = page[start : page.index("</label>", start)]
    assert set(re.findall(r'<animate [^>]*dur="([0-9.]+)s"', picture)) == {"48.6"}
    # a 0.6 s pause, 1.5 s there and 1.5 s back, and the prescribed 45 s hold
    assert '<input type="checkbox" class="fig-stop__box">' in picture
