"""Words and details on the pages (issue #13): no English or doubled labels on a Dutch page,
dates in the page's language, error summaries that lead to each wrong field, the pain
question called a pain score, charts that say when there is only one reading, and no staff
label on a patient's advice.

Read with Django's test client in ``tests/personas.py``'s clinic; Amy is a patient in
treatment (intake and plan done), Ben's intake is still to fill in.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from xml.etree.ElementTree import Element

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from backpath.followup.models import DiaryEntry, Measurement
from backpath.programs.models import ExerciseLog, Program, ProgramItem
from backpath.web.forms import OnceForm
from tests.care.form_data import questionnaire_post, safety_answers
from tests.pages import classes, html, parse, url
from tests.personas import World

ENGLISH_MONTH = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")


def text_of(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


def labels(response: Any) -> list[str]:
    """The text of every label and legend on the page."""
    return [text_of(el) for el in parse(response).iter() if el.tag in ("label", "legend")]


def summary(response: Any) -> Element:
    found = [el for el in parse(response).iter("div") if "error-summary" in classes(el)]
    assert len(found) == 1, "one error summary on the page"
    return found[0]


def ids(response: Any) -> set[str]:
    return {el.get("id") or "" for el in parse(response).iter()}


def in_english(world: World) -> None:
    for user in (world.claire, world.amy, world.ben):
        user.language = "en"
        user.save(update_fields=["language"])


# --- labels -------------------------------------------------------------------------------


def test_a_hidden_field_is_only_its_input() -> None:
    with translation.override("nl"):
        rendered = render_to_string("_field.html", {"field": OnceForm()["submission"]})
    assert rendered.count("<input") == 1
    assert 'type="hidden"' in rendered
    assert "Submission" not in rendered
    assert "<label" not in rendered
    assert "niet verplicht" not in rendered


def test_the_diary_has_one_day_and_no_english_label(world: World) -> None:
    response = world.client_for(world.amy).get(reverse("diary"))
    assert response.status_code == 200
    days = [el for el in parse(response).iter("input") if el.get("name") == "day"]
    assert [el.get("value") for el in days] == [timezone.localdate().isoformat()]
    assert "Day" not in labels(response)


@pytest.mark.parametrize("page", ["flare", "my_data", "review", "program_edit"])
def test_optional_is_said_once(world: World, page: str) -> None:
    in_english(world)
    if page in ("flare", "my_data"):
        response = world.client_for(world.amy).get(reverse(page))
    else:
        episode = world.ben_episode if page == "review" else world.amy_episode
        if page == "review":
            world.client_for(world.ben).post(url("intake_safety", episode), safety_answers())
            world.client_for(world.ben).post(
                url("intake_questionnaires", episode), questionnaire_post(episode)
            )
        response = world.client_for(world.claire).get(url(page, episode))
    assert response.status_code == 200, page
    body = html(response)
    marked = [label for label in labels(response) if "(optional)" in label]
    assert marked, f"{page}: no optional question to check"
    for label in marked:
        assert label.count("optional") == 1, label
    # The help under an optional question does not say "Optional." again.
    assert "Optional." not in body
    # A lone checkbox is a yes or no of its own: not marked optional.
    for el in parse(response).iter("input"):
        if el.get("type") == "checkbox" and el.get("id"):
            for label in parse(response).iter("label"):
                if label.get("for") == el.get("id"):
                    assert "optional" not in text_of(label)


# --- dates --------------------------------------------------------------------------------


def _program_with_pain(world: World, *pains_per_item: list[tuple[int, int]]) -> Program:
    """Amy's program, each item with its (days ago, pain) logs."""
    program = Program.objects.create(
        episode=world.amy_episode, number=1, reason="", published_at=timezone.now()
    )
    for position, (exercise_id, pains) in enumerate(
        zip(("bridge", "cat_camel"), pains_per_item, strict=False), start=1
    ):
        item = ProgramItem.objects.create(
            program=program,
            position=position,
            exercise_id=exercise_id,
            sets=2,
            reps=10,
            per_week=7,
        )
        for days_ago, pain in pains:
            ExerciseLog.objects.create(
                item=item,
                day=timezone.localdate() - timedelta(days=days_ago),
                done=True,
                pain=pain,
            )
    return program


def test_the_adherence_page_writes_dates_in_dutch(world: World) -> None:
    _program_with_pain(world, [(1, 3), (0, 4)])
    response = world.client_for(world.claire).get(url("program_adherence", world.amy_episode))
    assert response.status_code == 200
    body = html(response)
    assert not ENGLISH_MONTH.search(body)
    with translation.override("nl"):
        assert date_format(timezone.localdate(), "MONTH_DAY_FORMAT") in body


# --- error summaries ----------------------------------------------------------------------


def test_an_error_summary_links_each_problem_to_its_field(world: World) -> None:
    response = world.client_for(world.amy).post(reverse("diary"), {"active_minutes": "x"})
    assert response.status_code == 400
    box = summary(response)
    assert box.get("role") == "alert"
    assert box.get("tabindex") == "-1"
    links = {a.get("href"): text_of(a) for a in box.iter("a")}
    wanted = ("pain", "active_minutes", "exercises", "sitting_breaks", "sleep", "stress")
    assert set(links) == {f"#id_{name}" for name in wanted}
    # Each link leads somewhere: the input, or the fieldset of a group of choices.
    assert {href[1:] for href in links} <= ids(response)
    assert links["#id_pain"].startswith("Pijn vandaag, gemiddeld: ")
    # The enhancement is a file (the CSP allows no inline script).
    scripts = [el.get("src") or "" for el in parse(response).iter("script")]
    assert any(src.endswith("/backpath/form-errors.js") for src in scripts)
    assert not any(el.text and el.text.strip() for el in parse(response).iter("script"))


def test_a_hidden_fields_problem_is_said_without_its_name(world: World) -> None:
    stale = (timezone.localdate() - timedelta(days=30)).isoformat()
    response = world.client_for(world.amy).post(
        reverse("diary"),
        {
            "day": stale,
            "pain": "3",
            "active_minutes": "20",
            "exercises": "all",
            "sitting_breaks": "2",
            "sleep": "good",
            "stress": "1",
        },
    )
    assert response.status_code == 400
    box = summary(response)
    with translation.override("nl"):
        refused = gettext("This entry is from more than a week ago and can no longer be saved.")
    assert refused in text_of(box)
    assert not list(box.iter("a"))
    assert "Day" not in text_of(box)
    assert not DiaryEntry.objects.filter(episode=world.amy_episode).exists()


def test_a_summary_on_the_intake_links_to_the_questions(world: World) -> None:
    ben = world.client_for(world.ben)
    ben.post(url("intake_safety", world.ben_episode), safety_answers())
    response = ben.post(
        url("intake_questionnaires", world.ben_episode),
        questionnaire_post(world.ben_episode, nprs__q1="", description=""),
    )
    assert response.status_code == 400
    hrefs = {a.get("href") for a in summary(response).iter("a")}
    assert {"#id_description", "#id_nprs__q1"} <= hrefs
    assert {href[1:] for href in hrefs if href} <= ids(response)


# --- the pain score -----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_patient_reads_pain_score_not_nprs(world: World, language: str) -> None:
    world.ben.language = language
    world.ben.save(update_fields=["language"])
    ben = world.client_for(world.ben)
    ben.post(url("intake_safety", world.ben_episode), safety_answers())
    response = ben.post(
        url("intake_questionnaires", world.ben_episode),
        questionnaire_post(world.ben_episode, nprs__q1=""),
    )
    assert response.status_code == 400
    problems = text_of(summary(response)) + " ".join(
        text_of(ul) for ul in parse(response).iter("ul") if "errorlist" in classes(ul)
    )
    assert "NPRS" not in problems
    with translation.override(language):
        assert gettext("Pain score") in problems


# --- charts with one reading --------------------------------------------------------------


def _measure(world: World, nprs: int) -> None:
    Measurement.objects.create(
        episode=world.amy_episode,
        occasion="week-3",
        due_on=timezone.localdate(),
        answers={"nprs": {"q1": nprs}},
        scores={"nprs": nprs},
        instrument_versions={"nprs": "r1"},
        outcome="improving",
        filled_by=world.amy,
    )


def _diary(world: World, day: date) -> None:
    DiaryEntry.objects.create(
        episode=world.amy_episode,
        day=day,
        pain=4,
        active_minutes=20,
        exercises="all",
        sitting_breaks=3,
        sleep="good",
        stress=2,
    )


def _single(response: Any) -> list[str]:
    return [text_of(p) for p in parse(response).iter("p") if "chart-single" in classes(p)]


def test_one_measurement_is_said_in_words_not_drawn_as_a_dot(world: World) -> None:
    in_english(world)
    _diary(world, timezone.localdate())
    amy = world.client_for(world.amy)
    response = amy.get(reverse("portal_progress"))
    said = _single(response)
    # Intake only: pain, PSK and QBPDS once each; one diary day.
    assert len(said) == 4
    assert said[0].startswith("One measurement so far (Intake, ")
    assert said[0].endswith("The line appears after the second.")
    assert said[3].startswith("One diary day so far (")
    for chart in ("progress-nprs", "progress-psk", "progress-qbpds", "progress-diary"):
        assert f'id="{chart}-title"' not in html(response)
    clinician = world.client_for(world.claire).get(url("episode_progress", world.amy_episode))
    assert "One measurement so far: the lines appear after the second." in _single(clinician)

    # A second pain score and a second diary day: now they are lines.
    _measure(world, 2)
    _diary(world, timezone.localdate() - timedelta(days=1))
    response = amy.get(reverse("portal_progress"))
    assert len(_single(response)) == 2  # PSK and QBPDS were asked at intake only
    assert 'id="progress-nprs-title"' in html(response)
    assert 'id="progress-diary-title"' in html(response)
    clinician = world.client_for(world.claire).get(url("episode_progress", world.amy_episode))
    assert 'id="progress-overview-title"' in html(clinician)


def test_one_pain_score_per_exercise_is_said_in_words(world: World) -> None:
    in_english(world)
    program = _program_with_pain(world, [(1, 3)], [(0, 5)])
    page = url("program_adherence", world.amy_episode)
    body = html(world.client_for(world.claire).get(page))
    assert "One pain score per exercise so far: the line appears after the second." in body
    assert "<polyline" not in body.split('id="adherence-pain-title"')[1].split("</svg>")[0]
    ExerciseLog.objects.create(
        item=program.items.get(exercise_id="bridge"),
        day=timezone.localdate(),
        done=True,
        pain=4,
    )
    body = html(world.client_for(world.claire).get(page))
    assert "One pain score per exercise so far" not in body
    assert "<polyline" in body.split('id="adherence-pain-title"')[1].split("</svg>")[0]


# --- advice and messages ------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_patient_never_reads_the_staff_label_on_own_advice(world: World, language: str) -> None:
    world.amy.language = language
    world.amy.save(update_fields=["language"])
    amy = world.client_for(world.amy)
    response = amy.post(
        reverse("prevention_check", args=["workstation"]),
        {
            "submission": str(uuid.uuid4()),
            "chair": "yes",
            "desk": "no",  # PREV-WS-DESK: backpath's own comfort advice
            "screen": "yes",
            "laptop": "no",
            "breaks": "less_often",
            "sitting_hours_work": "7.5",
            "standing_walking_minutes": "45",
        },
    )
    assert response.status_code == 200
    # The desk tip is shown (it is the third of three), without the staff's label.
    assert html(response).count('class="plan-line"') == 3
    for body in (html(response), html(amy.get(reverse("prevention")))):
        for label in ("own advice", "awaiting review", "eigen advies", "nog beoordeeld"):
            assert label not in body


def test_a_flash_message_is_a_list_inside_a_status_region(world: World) -> None:
    amy = world.client_for(world.amy)
    response = amy.post(
        reverse("diary"),
        {
            "day": timezone.localdate().isoformat(),
            "pain": "3",
            "active_minutes": "20",
            "exercises": "all",
            "sitting_breaks": "2",
            "sleep": "good",
            "stress": "1",
        },
        follow=True,
    )
    regions = [el for el in parse(response).iter("div") if "messages" in classes(el)]
    assert len(regions) == 1
    assert regions[0].get("role") == "status"
    lists = [child for child in regions[0] if child.tag == "ul"]
    assert len(lists) == 1
    assert lists[0].get("role") is None
    assert [li.tag for li in lists[0]] == ["li"]


# --- short dates in lists -------------------------------------------------------------------


@pytest.mark.parametrize("language", ["nl", "en"])
def test_short_date_says_what_djangos_date_filter_says_in_each_language(language: str) -> None:
    from backpath.web.templatetags.backpath import short_date

    days = [date(1931, 2, 28), date(1970, 1, 2), date(2026, 12, 31)]
    # 23:30 UTC on 31 December is already 1 January in Amsterdam: the local day is shown.
    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    with translation.override(language):
        for day in days:
            assert short_date(day) == date_format(day, "SHORT_DATE_FORMAT")
        assert short_date(late) == date_format(timezone.localtime(late), "SHORT_DATE_FORMAT")
        assert short_date(late) == date_format(date(2027, 1, 1), "SHORT_DATE_FORMAT")
        assert short_date(None) == short_date("") == ""


def test_short_date_is_kept_per_language_not_shared_between_them() -> None:
    from backpath.web.templatetags.backpath import short_date

    day = date(1970, 1, 2)
    with translation.override("nl"):
        dutch = short_date(day)
    with translation.override("en"):
        english = short_date(day)
    assert dutch != english
    with translation.override("nl"):
        assert short_date(day) == dutch
