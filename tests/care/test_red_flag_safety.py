"""Issue #10 in the web app: "I don't know" is not "no", the plan's hold for the GP's answer,
the session form that enforces it, and cauda equina texts that say "now".

Sources: KNGF 2021 B.1.3 (red flags first; contact the GP before treating), Finucane et al.
2020 (IFOMPT: manipulation is contraindicated while serious pathology is suspected),
NHG-LRS 2015 (a suspected cauda equina syndrome is referred at once).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from html import unescape
from typing import Any

from django.urls import reverse
from django.utils import timezone

from backpath.care import services
from backpath.care.models import (
    Assessment,
    AssessmentKind,
    Episode,
    EpisodeStatus,
    PlanVersion,
    SessionNote,
)
from backpath.clinical.redflags import red_flag_bank
from tests.care.form_data import questionnaire_post, review_post, safety_answers, session_post
from tests.pages import field_errors, html
from tests.personas import (
    CLINICIAN_FLAGS,
    World,
    low_risk_answers,
    no_flags,
    submit_intake,
)


def url(name: str, episode: Episode) -> str:
    return reverse(name, kwargs={"episode_id": episode.id})


def _submit(world: World, episode: Episode, red_flags: dict[str, bool | str]) -> None:
    submit_intake(world.claire, episode, low_risk_answers(), red_flags=red_flags)


def _held(world: World) -> Episode:
    """Ben had cancer: reviewed, his plan waits for the GP's answer."""
    episode = world.ben_episode
    _submit(world, episode, no_flags() | {"MAL-1": True})
    services.review_record(
        actor=world.claire,
        episode=episode,
        findings={},
        clinician_flags=dict.fromkeys(CLINICIAN_FLAGS, False),
        prognostic_factors=(),
        profile_override=None,
        submission=None,
    )
    return Episode.objects.get(pk=episode.pk)


def gp_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "submission": str(uuid.uuid4()),
        "answered_on": timezone.localdate().isoformat(),
        "note": "Known prostate cancer, in remission; no signs of metastasis. Physio may go on.",
    }
    data.update(overrides)
    return data


# --- "I don't know" -----------------------------------------------------------------------


def test_a_dont_know_answer_goes_on_but_is_never_no(english: World) -> None:
    ben = english.client_for(english.ben)
    episode = english.ben_episode
    response = ben.post(url("intake_safety", episode), safety_answers(**{"CES-2": "unknown"}))
    assert response.status_code == 302  # an unknown answer does not stop the intake...
    episode.refresh_from_db()
    assert episode.intake.red_flags["CES-2"] == "unknown"
    response = ben.post(url("intake_questionnaires", episode), questionnaire_post(episode))
    assert response.status_code == 302
    intake = Assessment.objects.get(episode=episode, kind=AssessmentKind.INTAKE)
    # ...but the result says what was not screened and is never "no warning signs".
    assert intake.urgency == "caution"
    assert intake.result["en"]["unscreened"] == ["CES-2", *CLINICIAN_FLAGS]
    assert "RF-UNSCREENED" in [r["rule"] for r in intake.result["en"]["reasons"]]


def test_the_review_asks_the_unknown_questions_again(english: World) -> None:
    episode = english.ben_episode
    _submit(english, episode, no_flags() | {"CES-2": "unknown"})
    claire = english.client_for(english.claire)
    page = claire.get(url("review", episode))
    assert "Red-flag questions the patient could not answer" in html(page)
    assert "Not screened (unknown or not asked)" in html(page)
    assert 'name="ask_CES-2"' in html(page)

    refused = claire.post(url("review", episode), review_post("low"))
    assert refused.status_code == 400
    assert "required" in field_errors(refused, "ask_CES-2")

    done = claire.post(url("review", episode), review_post("low", **{"ask_CES-2": "no"}))
    assert done.status_code == 302
    review = Assessment.objects.get(episode=episode, kind=AssessmentKind.REVIEW)
    assert review.urgency == "none"
    assert review.result["en"]["unscreened"] == []


def test_a_yes_at_the_review_stops_care(english: World) -> None:
    episode = english.ben_episode
    _submit(english, episode, no_flags() | {"CES-2": "unknown"})
    claire = english.client_for(english.claire)
    claire.post(url("review", episode), review_post("low", **{"ask_CES-2": "yes"}))
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.URGENT
    assert not PlanVersion.objects.filter(episode=episode).exists()


def test_cauda_equina_says_call_now(english: World) -> None:
    ben = english.client_for(english.ben)
    episode = english.ben_episode
    ben.post(url("intake_safety", episode), safety_answers(**{"CES-3": "yes"}))
    page = ben.get(url("intake_urgent", episode))
    assert "Call your GP now" in html(page)
    assert "Call your GP today" not in html(page)


# --- the plan's hold ----------------------------------------------------------------------


def test_a_referred_red_flag_holds_the_plan_without_hands_on_care(english: World) -> None:
    episode = _held(english)
    plan = PlanVersion.objects.get(episode=episode)
    lines = plan.plan["en"]
    assert lines["hold"]["rule"] == "PW-HOLD-GP"
    verdicts = {line["id"]: line["verdict"] for line in lines["not_recommended"]}
    assert verdicts["spinal_manipulation"] == "never"
    assert verdicts["massage"] == "never"
    assert "imaging" not in verdicts
    education = next(c for c in lines["components"] if c["id"] == "education")
    assert "by itself" not in education["patient_text"]

    claire = english.client_for(english.claire)
    page = unescape(html(claire.get(url("episode_detail", episode))))
    assert "The plan waits for the GP's answer" in page
    assert "Contraindicated" in html(claire.get(url("plan_detail", episode)))
    ben = english.client_for(english.ben)
    assert "gets better by itself" not in html(ben.get(reverse("portal_plan")))
    learn = html(ben.get(reverse("learn")))
    assert "When to see a doctor" in learn
    assert "The outlook is usually good" not in learn


def test_a_session_before_the_gp_answer_needs_a_reason(english: World) -> None:
    episode = _held(english)
    claire = english.client_for(english.claire)
    refused = claire.post(url("session_new", episode), session_post())
    assert refused.status_code == 400
    assert "waits for the GP" in field_errors(refused, "deviation_reason")
    assert not SessionNote.objects.filter(episode=episode).exists()

    reason = "Patient in acute pain; education only while the GP is contacted."
    saved = claire.post(url("session_new", episode), session_post(deviation_reason=reason))
    assert saved.status_code == 302
    note = SessionNote.objects.get(episode=episode)
    assert note.warnings == ["hold"]
    assert note.deviation_reason == reason
    assert "before the GP's answer" in unescape(html(claire.get(url("episode_detail", episode))))


def test_the_gp_answer_releases_the_plan(english: World) -> None:
    episode = _held(english)
    claire = english.client_for(english.claire)
    response = claire.post(url("gp_answer", episode), gp_post())
    assert response.status_code == 302
    assert response["Location"] == url("plan_detail", episode)
    versions = list(PlanVersion.objects.filter(episode=episode).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    released = versions[1].plan["en"]
    assert released["hold"] is None
    assert "Physio may go on" in released["gp_answer"]["text"]
    assert versions[1].assessment.input["gp_answer"]["note"].startswith("Known prostate")
    assert versions[1].assessment.urgency == "refer_gp"  # the finding stays on record
    verdicts = {line["id"]: line["verdict"] for line in released["not_recommended"]}
    assert verdicts["spinal_manipulation"] != "never"
    # Sessions go on without the hold's reason.
    assert claire.post(url("session_new", episode), session_post()).status_code == 302
    # A second answer changes nothing: the plan no longer waits.
    again = claire.post(url("gp_answer", episode), gp_post())
    assert again.status_code == 302
    assert PlanVersion.objects.filter(episode=episode).count() == 2


def test_a_double_submitted_gp_answer_makes_one_version(english: World) -> None:
    episode = _held(english)
    claire = english.client_for(english.claire)
    data = gp_post()
    claire.post(url("gp_answer", episode), data)
    claire.post(url("gp_answer", episode), data)
    assert PlanVersion.objects.filter(episode=episode).count() == 2


def test_a_bad_gp_answer_is_shown_again_with_the_problem(english: World) -> None:
    episode = _held(english)
    claire = english.client_for(english.claire)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    for data, field, problem in (
        (gp_post(note="   "), "note", "required"),
        (gp_post(note="x" * 2001), "note", "at most 2000"),
        (gp_post(answered_on=tomorrow), "answered_on", "future"),
        (gp_post(answered_on="2020-01-01"), "answered_on", "before the episode"),
        (gp_post(answered_on="not a date"), "answered_on", "valid date"),
    ):
        response = claire.post(url("gp_answer", episode), data)
        assert response.status_code == 400, field
        assert problem in field_errors(response, field), field
    assert PlanVersion.objects.filter(episode=episode).count() == 1


def test_another_clinic_cannot_record_a_gp_answer(english: World) -> None:
    episode = _held(english)
    yara = english.client_for(english.yara)
    assert yara.post(url("gp_answer", episode), gp_post()).status_code == 404
    ben = english.client_for(english.ben)
    assert ben.post(url("gp_answer", episode), gp_post()).status_code in (302, 403, 404)
    assert PlanVersion.objects.filter(episode=episode).count() == 1


def test_the_see_a_doctor_page_puts_cauda_equina_under_call_now(english: World) -> None:
    """Each question stands under the advice the triage gives it (NHG-LRS 2015: now)."""
    page = unescape(html(english.client_for(english.amy).get(reverse("portal_safety"))))
    now = page.index("Call your GP now")
    today = page.index("See your GP today")
    emergency = page.index("Emergency: call 112")
    bank = red_flag_bank()
    assert emergency < now < today
    assert now < page.index(bank.by_id["CES-2"].question.en) < today
    assert today < page.index(bank.by_id["INF-1"].question.en)
    assert emergency < page.index(bank.by_id["CES-6"].question.en) < now


def test_a_plan_stored_before_a_question_existed_is_released_not_refused(english: World) -> None:
    """An older record never had the newer questions asked: assessing it again lists them
    as not screened instead of failing (no 500 after an upgrade)."""
    episode = _held(english)
    plan = PlanVersion.objects.get(episode=episode)
    older = dict(plan.assessment.input)
    older["red_flags"] = {k: v for k, v in older["red_flags"].items() if k != "CES-6"}
    Assessment.objects.filter(pk=plan.assessment_id).update(input=older)
    response = english.client_for(english.claire).post(url("gp_answer", episode), gp_post())
    assert response.status_code == 302
    released = PlanVersion.objects.filter(episode=episode).order_by("-number").first()
    assert released is not None
    assert released.assessment.result["en"]["unscreened"] == ["CES-6"]
