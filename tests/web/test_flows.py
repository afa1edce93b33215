"""The clinical journeys over HTTP: intake, red-flag stop, review, plan, sessions, letters.

Each test walks the pages with Django's test client as a persona from ``personas.py`` and
checks what the page says and what is stored. The personas read the interface in English
(``english`` fixture) so the assertions can name the words on the page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from xml.etree.ElementTree import Element

import pytest
import tinyhtml5
from django.core.exceptions import SuspiciousOperation
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from backpath.care import services
from backpath.care.forms import SafetyForm
from backpath.care.models import (
    Assessment,
    AssessmentKind,
    Episode,
    EpisodeStatus,
    IntakeStatus,
    Patient,
    PlanVersion,
    SessionNote,
)
from backpath.clinical.instruments import instrument
from backpath.clinical.language import Lang
from backpath.clinical.redflags import Action, AskedOf, Condition, red_flag_bank
from backpath.clinical.stratification import PROFILE_LABELS, Profile
from backpath.web.citations import source_label
from tests.web.personas import World, low_risk_answers, submit_intake

# --- helpers -------------------------------------------------------------------------------


def html(response: Any) -> str:
    return str(response.content.decode())


def parse(response: Any) -> Element:
    return tinyhtml5.parse(html(response), namespace_html_elements=False)


def classes(element: Element) -> list[str]:
    return (element.get("class") or "").split()


def field_errors(response: Any, name: str) -> str:
    """The error text shown inside the field block that holds the input named ``name``."""
    for block in parse(response).iter("div"):
        if "field" not in classes(block):
            continue
        names = {el.get("name") for el in block.iter() if el.tag in ("input", "select", "textarea")}
        if name in names:
            return " ".join(
                " ".join(ul.itertext()).strip()
                for ul in block.iter("ul")
                if "errorlist" in classes(ul)
            )
    raise AssertionError(f"no field named {name!r} on the page")


def section_text(response: Any, title: str) -> str:
    """The text of the page section whose heading is ``title``."""
    for section in parse(response).iter("section"):
        heading = next((h for h in section.iter() if h.tag in ("h1", "h2")), None)
        if heading is not None and "".join(heading.itertext()).strip() == title:
            return " ".join("".join(section.itertext()).split())
    raise AssertionError(f"no section titled {title!r}")


def en(value: Any) -> str:
    """A core ``Text`` in English, escaped as the page shows it."""
    return escape(value(Lang.EN))


def safety_answers(**overrides: str) -> dict[str, str]:
    data = dict.fromkeys(SafetyForm().fields, "no")
    data.update(overrides)
    return data


def questionnaire_answers(episode: Episode) -> dict[str, dict[str, int]]:
    """A valid answer to every item, varied over each item's own option values."""
    answers: dict[str, dict[str, int]] = {}
    for instrument_id in services.instruments_for(episode):
        items = instrument(instrument_id).items
        answers[instrument_id] = {
            item.link_id: item.options[number % len(item.options)].value
            for number, item in enumerate(items)
        }
    return answers


def questionnaire_post(episode: Episode, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "description": "Pain low in the back since lifting a box.",
        "onset": (timezone.localdate() - timedelta(weeks=2)).isoformat(),
        "leg_pain": "none",
        "leg_pain_dominant": "no",
        "first_episode": "no",
        "course": "improving",
        "heavy_physical_work": "no",
    }
    for instrument_id, answers in questionnaire_answers(episode).items():
        for link_id, value in answers.items():
            data[f"{instrument_id}__{link_id}"] = value
    data.update(overrides)
    return data


def session_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "submission": str(uuid.uuid4()),
        "held_on": timezone.localdate().isoformat(),
        "pain_now": 4,
        "subjective": "Better in the morning.",
        "interventions": ["exercise_therapy"],
        "deviation_reason": "",
        "over_budget_reason": "",
    }
    data.update(overrides)
    return data


def review_post(profile: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "submission": str(uuid.uuid4()),
        "neurological_deficit": "no",
        "slr_positive": "no",
        "lrs_confirmed": "",
        "notes": "Flexion limited by muscle tension.",
        "profile": profile,
        "profile_reason": "",
    }
    data.update(overrides)
    return data


def url(name: str, episode: Episode, **extra: Any) -> str:
    return reverse(name, kwargs={"episode_id": episode.id, **extra})


def refreshed(episode: Episode) -> Episode:
    return Episode.objects.select_related("intake").get(pk=episode.pk)


def emergency_flag() -> str:
    return next(
        f.id
        for f in red_flag_bank().flags
        if f.action is Action.EMERGENCY and f.asked_of is AskedOf.PATIENT
    )


# --- intake by the patient -----------------------------------------------------------------


def test_it_keeps_the_safety_step_until_every_question_is_answered(english: World) -> None:
    ben = english.client_for(english.ben)
    page = url("intake_safety", english.ben_episode)
    assert ben.get(page).status_code == 200

    answers = safety_answers()
    del answers["CES-2"]
    response = ben.post(page, answers)

    assert response.status_code == 400
    assert "required" in field_errors(response, "CES-2")
    assert field_errors(response, "CES-1") == ""
    intake = refreshed(english.ben_episode).intake
    assert intake.status == IntakeStatus.SAFETY
    assert intake.red_flags == {}


def test_it_takes_the_patient_through_the_intake_to_the_review(english: World) -> None:
    ben = english.client_for(english.ben)
    episode = english.ben_episode

    response = ben.post(url("intake_safety", episode), safety_answers())
    assert response.status_code == 302
    assert response["Location"] == url("intake_questionnaires", episode)
    assert ben.get(url("intake_questionnaires", episode)).status_code == 200

    answers = questionnaire_answers(episode)
    response = ben.post(url("intake_questionnaires", episode), questionnaire_post(episode))
    assert response.status_code == 302
    assert response["Location"] == url("intake_done", episode)
    assert ben.get(response["Location"]).status_code == 200

    stored = Assessment.objects.get(episode=episode)
    assert stored.kind == AssessmentKind.INTAKE
    assert stored.input["answers"] == answers
    assert stored.input["complaint"]["leg_pain"] == "none"
    assert stored.redflags_ruleset
    assert stored.pathway_ruleset
    assert stored.backpath_version
    assert set(stored.result) == {"nl", "en"}
    episode = refreshed(episode)
    assert episode.status == EpisodeStatus.REVIEW
    assert episode.intake.status == IntakeStatus.SUBMITTED
    assert episode.intake.answers == answers
    assert episode.intake.description == "Pain low in the back since lifting a box."

    # The double submit finds the intake submitted and writes nothing.
    again = ben.post(url("intake_questionnaires", episode), questionnaire_post(episode))
    assert again.status_code == 302
    assert again["Location"] == url("intake_done", episode)
    assert Assessment.objects.filter(episode=episode).count() == 1


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"onset": (timezone.localdate() + timedelta(days=3)).isoformat()}, "onset", "future"),
        ({"startback__q3": ""}, "startback__q3", "required"),
        ({"nprs__q1": "11"}, "nprs__q1", "valid choice"),
        ({"leg_pain": "sideways"}, "leg_pain", "valid choice"),
    ],
    ids=["future-onset", "missing-startback-item", "out-of-range", "unknown-choice"],
)
def test_it_refuses_an_invalid_questionnaire_and_stores_nothing(
    english: World, change: dict[str, str], field: str, words: str
) -> None:
    ben = english.client_for(english.ben)
    episode = english.ben_episode
    ben.post(url("intake_safety", episode), safety_answers())

    response = ben.post(
        url("intake_questionnaires", episode), questionnaire_post(episode, **change)
    )

    assert response.status_code == 400
    assert words in field_errors(response, field)
    assert not Assessment.objects.filter(episode=episode).exists()
    episode = refreshed(episode)
    assert episode.intake.status == IntakeStatus.QUESTIONNAIRES
    assert episode.intake.answers == {}
    assert episode.status == EpisodeStatus.INTAKE


def test_it_refuses_a_questionnaire_with_too_few_answers(english: World) -> None:
    ben = english.client_for(english.ben)
    episode = english.ben_episode
    ben.post(url("intake_safety", episode), safety_answers())
    empty_psk = {f"psk__{item.link_id}": "" for item in instrument("psk").items}

    response = ben.post(
        url("intake_questionnaires", episode), questionnaire_post(episode, **empty_psk)
    )

    assert response.status_code == 400
    assert "PSK: answer at least 1 question(s)." in html(response)
    assert not Assessment.objects.filter(episode=episode).exists()


# --- red-flag stop -------------------------------------------------------------------------


def test_it_stops_the_intake_at_a_same_day_red_flag(english: World) -> None:
    ben = english.client_for(english.ben)
    claire = english.client_for(english.claire)
    episode = english.ben_episode

    response = ben.post(url("intake_safety", episode), safety_answers(**{"CES-1": "yes"}))
    assert response.status_code == 302
    assert response["Location"] == url("intake_urgent", episode)

    urgent = ben.get(url("intake_urgent", episode))
    assert urgent.status_code == 200
    # A cauda equina sign: "call your GP now" (NHG-LRS 2015), not the general "today".
    cauda_equina = red_flag_bank().conditions[Condition.CAUDA_EQUINA].advice[Action.SAME_DAY]
    assert en(cauda_equina.patient) in html(urgent)
    assert 'href="tel:112"' not in html(urgent)

    stored = refreshed(episode)
    assert stored.status == EpisodeStatus.URGENT
    assert stored.urgency == Action.SAME_DAY
    assert stored.intake.status == IntakeStatus.STOPPED
    assert stored.intake.red_flags["CES-1"] is True

    # The rest of the intake waits: the questionnaires send the patient back to the advice.
    moved = ben.get(url("intake_questionnaires", episode))
    assert moved.status_code == 302
    assert moved["Location"] == url("intake_urgent", episode)
    moved = ben.post(url("intake_questionnaires", episode), questionnaire_post(episode))
    assert moved["Location"] == url("intake_urgent", episode)
    assert not Assessment.objects.filter(episode=episode).exists()

    dashboard = claire.get(reverse("dashboard"))
    assert "Ben Test" in section_text(dashboard, "Needs your attention")

    seen = claire.post(url("urgent_seen", episode))
    assert seen.status_code == 302
    stored = refreshed(episode)
    assert stored.urgent_seen_by == english.claire
    assert stored.urgent_seen_at is not None
    assert timezone.now() - stored.urgent_seen_at < timedelta(minutes=1)

    dashboard = claire.get(reverse("dashboard"))
    assert "Ben Test" not in section_text(dashboard, "Needs your attention")
    detail = claire.get(url("episode_detail", episode))
    assert en(cauda_equina.clinician) in html(detail)
    assert "I have contacted the patient" not in html(detail)
    assert "Seen by Claire" in html(detail)


def test_it_lets_the_clinician_close_an_urgent_episode_as_referred(english: World) -> None:
    ben = english.client_for(english.ben)
    claire = english.client_for(english.claire)
    episode = english.ben_episode
    ben.post(url("intake_safety", episode), safety_answers(**{"CES-1": "yes"}))
    claire.post(url("urgent_seen", episode))

    detail = claire.get(url("episode_detail", episode))

    assert f'action="{url("episode_close", episode)}"' in html(detail)


def test_it_shows_the_emergency_number_for_an_emergency_flag(english: World) -> None:
    ben = english.client_for(english.ben)
    episode = english.ben_episode

    response = ben.post(url("intake_safety", episode), safety_answers(**{emergency_flag(): "yes"}))

    assert response["Location"] == url("intake_urgent", episode)
    urgent = ben.get(url("intake_urgent", episode))
    assert 'href="tel:112"' in html(urgent)
    assert en(red_flag_bank().actions[Action.EMERGENCY].patient) in html(urgent)
    assert refreshed(episode).urgency == Action.EMERGENCY
    home = ben.get(reverse("portal_home"))
    assert 'href="tel:112"' in html(home)


# --- review by the clinician ---------------------------------------------------------------


@pytest.fixture
def submitted(english: World) -> World:
    """Ben's intake is submitted (low risk) and waits for Claire's review."""
    submit_intake(english.ben, english.ben_episode, low_risk_answers())
    english.ben_episode = refreshed(english.ben_episode)
    return english


def test_it_asks_a_reason_for_a_profile_other_than_the_advice(submitted: World) -> None:
    claire = submitted.client_for(submitted.claire)
    episode = submitted.ben_episode
    assert claire.get(url("review", episode)).status_code == 200

    response = claire.post(url("review", episode), review_post("medium"))

    assert response.status_code == 400
    assert "give the reason" in field_errors(response, "profile_reason")
    assert not PlanVersion.objects.filter(episode=episode).exists()
    assert not Assessment.objects.filter(episode=episode, kind=AssessmentKind.REVIEW).exists()
    assert refreshed(episode).status == EpisodeStatus.REVIEW


def test_it_answers_400_to_an_invalid_review(submitted: World) -> None:
    claire = submitted.client_for(submitted.claire)

    response = claire.post(url("review", submitted.ben_episode), review_post("medium"))

    assert response.status_code == 400


def test_it_makes_the_plan_from_the_review_and_keeps_each_version(submitted: World) -> None:
    claire = submitted.client_for(submitted.claire)
    episode = submitted.ben_episode
    reason = "Fear of movement came up clearly in the interview."

    response = claire.post(url("review", episode), review_post("medium", profile_reason=reason))

    assert response.status_code == 302
    assert response["Location"] == url("plan_detail", episode)
    first = PlanVersion.objects.get(episode=episode)
    assert first.number == 1
    assert first.profile == "medium"
    assert first.assessment.kind == AssessmentKind.REVIEW
    assert first.assessment.input["profile_override"] == {"profile": "medium", "reason": reason}
    assert refreshed(episode).status == EpisodeStatus.TREATMENT

    page = claire.get(url("plan_detail", episode))
    assert page.status_code == 200
    lines = first.plan["en"]["components"] + first.plan["en"]["not_recommended"]
    assert lines
    for line in lines:
        assert line["rule"] in html(page), line["id"]
        assert escape(source_label(line["source"])) in html(page), line["id"]
    assert en(PROFILE_LABELS[Profile.MEDIUM]) in html(page)

    again = claire.post(url("review", episode), review_post("low"))
    assert again.status_code == 302
    versions = list(PlanVersion.objects.filter(episode=episode).order_by("number"))
    assert [(v.number, v.profile) for v in versions] == [(1, "medium"), (2, "low")]
    assert versions[0].id == first.id
    assert versions[0].max_sessions == first.max_sessions
    assert versions[0].plan == first.plan
    assert versions[1].reason


def test_it_records_one_review_for_a_double_submit(submitted: World) -> None:
    claire = submitted.client_for(submitted.claire)
    episode = submitted.ben_episode
    data = review_post("low")

    claire.post(url("review", episode), data)
    claire.post(url("review", episode), data)

    assert PlanVersion.objects.filter(episode=episode).count() == 1
    assert Assessment.objects.filter(episode=episode, kind=AssessmentKind.REVIEW).count() == 1


def test_it_answers_400_to_an_invalid_new_patient(english: World) -> None:
    claire = english.client_for(english.claire)
    born = timezone.localdate() + timedelta(days=1)

    response = claire.post(
        reverse("patient_new"),
        {
            "submission": str(uuid.uuid4()),
            "first_name": "Fay",
            "last_name": "Future",
            "date_of_birth": born.isoformat(),
        },
    )

    assert "future" in field_errors(response, "date_of_birth")
    assert not Patient.objects.filter(last_name="Future").exists()
    assert response.status_code == 400


# --- plan change ---------------------------------------------------------------------------


def plan_change(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "submission": str(uuid.uuid4()),
        "max_sessions": 5,
        "omit": ["exercise_therapy"],
        "note": "Works shifts; home exercise is hard to keep up.",
        "reason": "Slow progress at the first evaluation.",
    }
    data.update(overrides)
    return data


def test_it_changes_the_plan_as_a_new_version_with_its_reason(english: World) -> None:
    claire = english.client_for(english.claire)
    episode = english.amy_episode
    assert claire.get(url("plan_adjust", episode)).status_code == 200

    refused = claire.post(url("plan_adjust", episode), plan_change(reason=""))
    assert "required" in field_errors(refused, "reason")
    assert PlanVersion.objects.filter(episode=episode).count() == 1

    data = plan_change()
    response = claire.post(url("plan_adjust", episode), data)
    assert response.status_code == 302
    assert response["Location"] == url("plan_detail", episode)
    latest = PlanVersion.objects.filter(episode=episode).order_by("-number").first()
    assert latest is not None
    assert latest.number == 2
    assert latest.max_sessions == 5
    assert [o["id"] for o in latest.omitted] == ["exercise_therapy"]
    assert latest.reason == "Slow progress at the first evaluation."
    assert PlanVersion.objects.get(episode=episode, number=1).max_sessions == 3

    history = section_text(claire.get(url("plan_detail", episode)), "History")
    assert "Version 1" in history
    assert "Version 2" in history
    assert "3 sessions" in history
    assert "5 sessions" in history
    assert "Slow progress at the first evaluation." in history

    again = claire.post(url("plan_adjust", episode), data)
    assert again.status_code == 302
    assert PlanVersion.objects.filter(episode=episode).count() == 2


BAD_PLAN_CHANGES = [
    {"reason": ""},
    {"reason": "   "},
    {"max_sessions": "0"},
    {"max_sessions": "101"},
    {"max_sessions": "abc"},
    {"max_sessions": ""},
    {"max_sessions": "-3"},
    {"max_sessions": "2.5"},
    {"omit": ["graded_activity"]},
]


@pytest.mark.parametrize("change", BAD_PLAN_CHANGES, ids=lambda c: repr(c)[:30])
def test_it_refuses_an_invalid_plan_change(english: World, change: dict[str, Any]) -> None:
    claire = english.client_for(english.claire)
    episode = english.amy_episode
    field = next(iter(change))

    response = claire.post(url("plan_adjust", episode), plan_change(**change))

    assert response.status_code == 400
    assert field_errors(response, field)
    assert PlanVersion.objects.filter(episode=episode).count() == 1


def test_it_answers_400_to_an_invalid_plan_change(english: World) -> None:
    claire = english.client_for(english.claire)

    statuses = {
        repr(change): claire.post(
            url("plan_adjust", english.amy_episode), plan_change(**change)
        ).status_code
        for change in BAD_PLAN_CHANGES
    }

    assert set(statuses.values()) == {400}, statuses


# --- session notes -------------------------------------------------------------------------


def test_it_records_sessions_with_the_guideline_checks(english: World) -> None:
    claire = english.client_for(english.claire)
    episode = english.amy_episode
    new = url("session_new", episode)
    assert claire.get(new).status_code == 200

    first = claire.post(new, session_post())
    assert first.status_code == 302
    note = SessionNote.objects.get(episode=episode)
    assert (note.number, note.interventions, note.warnings) == (1, ["exercise_therapy"], [])
    assert note.clinician == english.claire

    refused = claire.post(new, session_post(interventions=["tens"]))
    assert refused.status_code == 400
    assert "advises against" in field_errors(refused, "deviation_reason")
    assert "TENS" in html(refused)
    assert SessionNote.objects.filter(episode=episode).count() == 1

    reason = "Patient insisted after a good experience elsewhere."
    saved = claire.post(new, session_post(interventions=["tens"], deviation_reason=reason))
    assert saved.status_code == 302
    second = SessionNote.objects.get(episode=episode, number=2)
    assert second.warnings == ["tens"]
    assert second.deviation_reason == reason

    assert claire.post(new, session_post()).status_code == 302  # session 3: the budget

    over = claire.post(new, session_post())
    assert over.status_code == 400
    assert "session budget" in field_errors(over, "over_budget_reason")
    assert SessionNote.objects.filter(episode=episode).count() == 3

    fourth = claire.post(new, session_post(over_budget_reason="Flare-up after a fall."))
    assert fourth.status_code == 302
    assert SessionNote.objects.get(episode=episode, number=4).over_budget_reason

    detail = claire.get(url("episode_detail", episode))
    assert "4 of 3 sessions used" in section_text(detail, "Sessions and evaluation")
    assert "budget--over" in html(detail)


def test_it_warns_about_advised_against_care_while_ticking(english: World) -> None:
    claire = english.client_for(english.claire)
    episode = english.amy_episode
    check = url("session_check", episode)

    warned = claire.post(check, {"interventions": ["tens"]}, HTTP_HX_REQUEST="true")
    quiet = claire.post(check, {"interventions": ["exercise_therapy"]}, HTTP_HX_REQUEST="true")

    assert warned.status_code == 200
    assert "<html" not in html(warned)
    assert "TENS: Do not offer." in html(warned)
    assert "Do not apply TENS in low back pain or LRS" in html(warned)
    assert 'name="deviation_reason"' in html(warned)
    assert quiet.status_code == 200
    assert "TENS" not in html(quiet)
    assert 'name="deviation_reason"' not in html(quiet)
    assert not SessionNote.objects.filter(episode=episode).exists()


def test_it_saves_one_note_for_a_double_submit(english: World) -> None:
    claire = english.client_for(english.claire)
    data = session_post()

    assert claire.post(url("session_new", english.amy_episode), data).status_code == 302
    assert claire.post(url("session_new", english.amy_episode), data).status_code == 302

    assert SessionNote.objects.filter(episode=english.amy_episode).count() == 1


def test_it_answers_a_double_submit_of_the_last_budgeted_session_like_the_first(
    english: World,
) -> None:
    claire = english.client_for(english.claire)
    new = url("session_new", english.amy_episode)
    claire.post(new, session_post())
    claire.post(new, session_post())
    third = session_post()

    first = claire.post(new, third)
    again = claire.post(new, third)

    assert first.status_code == 302
    assert SessionNote.objects.filter(episode=english.amy_episode).count() == 3
    assert again.status_code == 302
    assert again["Location"] == first["Location"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (
            {"held_on": (timezone.localdate() + timedelta(days=1)).isoformat()},
            "held_on",
            "future",
        ),
        ({"interventions": ["cupping"]}, "interventions", "valid choice"),
        ({"interventions": []}, "interventions", "required"),
        ({"pain_now": "11"}, "pain_now", "less than or equal to 10"),
    ],
    ids=["future-date", "unknown-intervention", "no-intervention", "pain-over-10"],
)
def test_it_refuses_an_invalid_session_note(
    english: World, change: dict[str, Any], field: str, words: str
) -> None:
    claire = english.client_for(english.claire)

    response = claire.post(url("session_new", english.amy_episode), session_post(**change))

    assert response.status_code == 400
    assert words in field_errors(response, field)
    assert not SessionNote.objects.filter(episode=english.amy_episode).exists()


# --- closing and letters -------------------------------------------------------------------


def test_it_closes_the_episode_and_writes_the_letters(english: World) -> None:
    claire = english.client_for(english.claire)
    episode = english.amy_episode
    patient = english.amy_patient
    patient.gp_name = "Dr. M. Visser"
    patient.gp_practice = "Huisartsenpraktijk Centrum"
    patient.save(update_fields=["gp_name", "gp_practice"])

    start = claire.get(url("letter", episode, kind="start"))
    assert start.status_code == 200
    assert "Dr. M. Visser" in html(start)
    assert "Huisartsenpraktijk Centrum" in html(start)
    assert en(PROFILE_LABELS[Profile.LOW]) in html(start)
    assert claire.get(url("letter", episode, kind="end")).status_code == 404

    refused = claire.post(url("episode_close", episode), {"reason": "goals_reached"})
    assert refused.status_code == 400
    assert "required" in field_errors(refused, "summary")
    assert refreshed(episode).is_open

    summary = "Pain 1/10, back at work full time."
    closed = claire.post(
        url("episode_close", episode), {"reason": "goals_reached", "summary": summary}
    )
    assert closed.status_code == 302
    stored = refreshed(episode)
    assert stored.status == EpisodeStatus.CLOSED
    assert stored.closed_at is not None
    assert stored.discharge_reason == "goals_reached"
    assert stored.discharge_summary == summary

    end = claire.get(url("letter", episode, kind="end"))
    assert end.status_code == 200
    assert summary in html(end)
    assert "Goals reached" in html(end)
    pdf = claire.get(url("letter_pdf", episode, kind="end"))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "Amy" not in pdf["Content-Disposition"]

    # A closed episode takes no more notes or plan changes.
    assert claire.post(url("session_new", episode), session_post()).status_code == 302
    assert not SessionNote.objects.filter(episode=episode).exists()
    assert claire.post(url("plan_adjust", episode), plan_change()).status_code == 404


def test_it_refuses_an_unknown_discharge_reason(english: World) -> None:
    claire = english.client_for(english.claire)

    response = claire.post(
        url("episode_close", english.amy_episode), {"reason": "bored", "summary": "Done."}
    )

    assert response.status_code == 400
    assert "valid choice" in field_errors(response, "reason")
    assert refreshed(english.amy_episode).is_open


def test_it_leaves_omitted_care_out_of_the_start_letter(english: World) -> None:
    claire = english.client_for(english.claire)
    episode = english.amy_episode
    plan = PlanVersion.objects.get(episode=episode)
    left_out = next(c for c in plan.plan["en"]["components"] if c["id"] == "exercise_therapy")
    assert escape(left_out["text"]) in html(claire.get(url("letter", episode, kind="start")))

    claire.post(url("plan_adjust", episode), plan_change(omit=["exercise_therapy"]))

    letter = claire.get(url("letter", episode, kind="start"))
    assert escape(left_out["text"]) not in html(letter)


# --- patient portal ------------------------------------------------------------------------


def test_it_shows_the_patient_her_plan_in_plain_words(english: World) -> None:
    amy = english.client_for(english.amy)
    plan = PlanVersion.objects.get(episode=english.amy_episode)

    home = amy.get(reverse("portal_home"))
    assert home.status_code == 200
    tiles = {"".join(t.itertext()) for t in parse(home).iter() if "tile__title" in classes(t)}
    assert "My plan" in tiles
    assert f'href="{reverse("portal_plan")}"' in html(home)

    page = amy.get(reverse("portal_plan"))
    assert page.status_code == 200
    offered = [c for c in plan.plan["en"]["components"] if c["strength"] == "offer"]
    assert offered
    for line in offered:
        assert escape(line["patient_text"]) in html(page), line["id"]
        # The clinician's wording and the rule ids stay on the clinician's side.
        assert escape(line["text"]) not in html(page), line["id"]
        assert line["rule"] not in html(page), line["id"]
    assert "at most 3 appointments" in html(page)


def test_it_leaves_omitted_care_out_of_the_patients_plan(english: World) -> None:
    claire = english.client_for(english.claire)
    amy = english.client_for(english.amy)
    plan = PlanVersion.objects.get(episode=english.amy_episode)
    education = next(c for c in plan.plan["en"]["components"] if c["id"] == "education")
    assert escape(education["patient_text"]) in html(amy.get(reverse("portal_plan")))

    claire.post(url("plan_adjust", english.amy_episode), plan_change(omit=["education"]))

    page = amy.get(reverse("portal_plan"))
    assert escape(education["patient_text"]) not in html(page)


# --- bad input never answers 500 -----------------------------------------------------------

LONG = "x" * 100_000
GARBAGE: dict[str, Any] = {
    "submission": "not-a-uuid",
    "interventions": ["../../etc", "<script>", "\x00"],
    "extra_instruments": ["../../etc/passwd"],
    "omit": ["../../etc"],
    "prognostic_factors": ["\x00", LONG],
    "profile": "../../etc",
    "profile_reason": LONG,
    "max_sessions": "1e309",
    "held_on": "2024-13-45",
    "onset": "99999-99-99",
    "date_of_birth": "0000-00-00",
    "pain_now": "9" * 40,
    "description": LONG + "\x00",
    "summary": LONG,
    "reason": "../../etc",
    "email": "x" * 500 + "@example.com",
    "first_name": LONG,
    "last_name": "\x00",
    "sex": "\x00",
    "leg_pain": "../../etc",
    "first_episode": LONG,
    "course": LONG,
    "heavy_physical_work": "\x00",
    "CES-1": "maybe",
    "startback__q1": "-1",
    "psk__q1__note": LONG,
    "role": "superuser",
    "language": LONG,
    "next": "\x00" + LONG,
    "flag_NEU-2": "\x00",
    "neurological_deficit": LONG,
}

Target = Callable[[World], tuple[Client, str]]


def as_claire(name: str, which: str = "amy_episode") -> Target:
    def target(w: World) -> tuple[Client, str]:
        return w.client_for(w.claire), url(name, getattr(w, which))

    return target


def for_patient(name: str) -> Target:
    return lambda w: (
        w.client_for(w.claire),
        reverse(name, kwargs={"patient_id": w.amy_patient.id}),
    )


def as_ben(name: str) -> Target:
    return lambda w: (w.client_for(w.ben), url(name, w.ben_episode))


TARGETS: dict[str, Target] = {
    "patient_new": lambda w: (w.client_for(w.claire), reverse("patient_new")),
    "patient_invite": for_patient("patient_invite"),
    "episode_open": for_patient("episode_open"),
    "review": as_claire("review", "yara_episode"),
    "plan_adjust": as_claire("plan_adjust"),
    "session_new": as_claire("session_new"),
    "session_check": as_claire("session_check"),
    "episode_close": as_claire("episode_close"),
    "urgent_seen": as_claire("urgent_seen"),
    "intake_safety": as_ben("intake_safety"),
    "intake_questionnaires": as_ben("intake_questionnaires"),
    "team": lambda w: (w.client_for(w.xavier), reverse("team")),
    "set_language": lambda w: (w.client_for(w.claire), reverse("set_language")),
    "login": lambda w: (Client(), reverse("login")),
    "password_reset": lambda w: (Client(), reverse("password_reset")),
}


@pytest.mark.parametrize("name", list(TARGETS))
def test_it_never_answers_500_to_garbage(english: World, name: str) -> None:
    if name == "review":
        # Review needs an intake of Claire's own clinic that is ready for it.
        submit_intake(english.ben, english.ben_episode, low_risk_answers())
        client, target = english.client_for(english.claire), url("review", english.ben_episode)
    else:
        client, target = TARGETS[name](english)
    if name == "intake_questionnaires":
        client.post(url("intake_safety", english.ben_episode), safety_answers())

    for payload in (GARBAGE, {}, {"submission": str(uuid.uuid4()), "interventions": LONG}):
        response = client.post(target, payload)
        assert response.status_code < 500, (name, payload.keys())
    assert client.get(target + "?q=" + "%00" * 50 + "x" * 5000).status_code < 500


def test_it_never_answers_500_to_a_garbage_search_or_link(english: World) -> None:
    claire = english.client_for(english.claire)
    for search in (LONG, "% _ ' \" \\ ; --", "Amy " * 50):
        assert claire.get(reverse("patient_list"), {"q": search}).status_code == 200
    assert claire.get("/invite/../../etc/").status_code < 500
    assert Client().get(reverse("invitation_accept", args=["x" * 5000])).status_code == 404
    assert Client().post(reverse("invitation_accept", args=["\x00"]), GARBAGE).status_code == 404


def test_it_never_answers_500_to_a_nul_in_the_patient_search(english: World) -> None:
    claire = english.client_for(english.claire)

    response = claire.get(reverse("patient_list"), {"q": "Amy\x00"})

    assert response.status_code in (200, 400)


def test_it_refuses_a_form_id_reused_in_another_episode(english: World) -> None:
    """A submission id belongs to one form on one record; reuse elsewhere is tampering."""
    claire = english.client_for(english.claire)
    form_id = str(uuid.uuid4())
    first = claire.post(
        url("session_new", english.amy_episode),
        {
            "submission": form_id,
            "held_on": timezone.localdate().isoformat(),
            "interventions": ["education"],
        },
    )
    assert first.status_code == 302
    other = services.episode_open(
        actor=english.claire, patient=english.ben_patient, extra_instruments=(), submission=None
    )
    with pytest.raises(SuspiciousOperation):
        services.session_already_saved(other, uuid.UUID(form_id))


def test_it_records_contact_about_an_urgent_episode_only_once(english: World) -> None:
    episode = english.amy_episode  # in treatment, not urgent
    services.urgent_acknowledge(actor=english.claire, episode=episode)
    episode.refresh_from_db()
    assert episode.urgent_seen_at is None


def test_it_refuses_a_session_the_plan_no_longer_allows(english: World) -> None:
    """The view checked the plan; the service checks it again inside its transaction."""
    draft = services.SessionDraft(
        held_on=timezone.localdate(),
        subjective="",
        objective="",
        analysis="",
        plan="",
        pain_now=None,
        interventions=("tens",),
        deviation_reason="",
        over_budget_reason="",
    )
    with pytest.raises(services.SessionRefused) as refused:
        services.session_record(
            actor=english.claire, episode=english.amy_episode, draft=draft, submission=None
        )
    assert [field for field, _problem in refused.value.problems] == ["deviation_reason"]
    assert not english.amy_episode.sessions.exists()
