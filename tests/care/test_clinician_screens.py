"""The clinician's screens after the experience walk-through: tables as named, focusable
regions; the review with the patient's answers and the factors read from them pre-ticked;
whom to call when it is urgent; the GP letter on its pages; and no duplicate session notes.

Each test walks the pages with Django's test client as a persona from ``tests/personas.py``,
in English (``english`` fixture) so the assertions can name the words on the page.
"""

from __future__ import annotations

import re
import uuid
import zlib
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from backpath.care import services
from backpath.care.models import Assessment, AssessmentKind, Patient, PlanVersion, SessionNote
from backpath.care.questionnaires import questionnaire
from backpath.clinical.redflags import red_flag_bank
from backpath.clinical.stratification import prognostic_factors
from tests.care.form_data import review_post, safety_answers, session_post
from tests.pages import classes, field_errors, html, parse, refreshed, url
from tests.personas import World, low_risk_answers, no_flags

# --- 1. Tables: a scrolling wrapper is a named region the keyboard can reach ---------------


def table_wrappers(response: Any) -> list[dict[str, str | None]]:
    return [
        {"tabindex": div.get("tabindex"), "role": div.get("role"), "label": div.get("aria-label")}
        for div in parse(response).iter("div")
        if "table-wrap" in classes(div)
    ]


def assert_named_regions(response: Any) -> None:
    assert response.status_code == 200
    wrappers = table_wrappers(response)
    assert wrappers, "the page shows no table"
    for wrapper in wrappers:
        assert wrapper["tabindex"] == "0"
        assert wrapper["role"] == "region"
        assert wrapper["label"], "a table region needs a name"


def test_every_table_wrapper_is_a_named_focusable_region(english: World) -> None:
    submit_for_review(english)
    claire = english.client_for(english.claire)
    for path in (
        reverse("dashboard"),
        reverse("patient_list"),
        url("episode_detail", english.amy_episode),
        url("plan_detail", english.amy_episode),
        url("review", english.ben_episode),
    ):
        assert_named_regions(claire.get(path))
    assert_named_regions(english.client_for(english.xavier).get(reverse("team")))
    log = english.client_for(english.xavier).get(
        reverse("access_log"), {"actor": english.claire.pk}
    )
    assert_named_regions(log)


def test_the_do_not_offer_table_is_named_after_its_heading(english: World) -> None:
    plan = english.client_for(english.claire).get(url("plan_detail", english.amy_episode))
    assert {"tabindex": "0", "role": "region", "label": "Do not offer"} in table_wrappers(plan)


# --- 2. The review shows the answers -------------------------------------------------------

YES_FLAGS = ("MAL-2", "AXS-2")  # "caution": asked about at the review, care goes on
UNKNOWN_FLAG = "AXS-5"
# STarT Back: agrees with q5 (fear) and q6 (worry); the rest low. Total 2: low risk.
STARTBACK = {f"q{i}": 0 for i in range(1, 9)} | {"q5": 1, "q6": 1, "q9": 1}
PSK = {"q1": 7, "q2": 3}
PSK_NOTES = {"q1": "Cycling to work", "q2": "Gardening"}


def submit_for_review(world: World) -> None:
    """Ben's intake: two red flags answered yes, one "I don't know", and questionnaires whose
    answers point to two psychosocial factors; it then waits for Claire's review."""
    episode = world.ben_episode
    services.intake_save_safety(
        actor=world.ben,
        episode=episode,
        red_flags=no_flags() | dict.fromkeys(YES_FLAGS, True) | {UNKNOWN_FLAG: "unknown"},
        facts={"smoker": False, "cardiovascular_disease": False},
    )
    services.intake_submit(
        actor=world.ben,
        episode=episode,
        description="Low back pain after gardening.",
        complaint={
            "onset": (timezone.localdate() - timedelta(weeks=2)).isoformat(),
            "leg_pain": "none",
            "leg_pain_dominant": False,
            "first_episode": True,
            "course": "improving",
            "heavy_physical_work": False,
        },
        answers=low_risk_answers() | {"startback": STARTBACK, "psk": PSK},
        item_notes={"psk": PSK_NOTES},
        instrument_versions={},
    )
    world.ben_episode = refreshed(episode)


def review_section(response: Any) -> str:
    return html(response).split('id="intake-answers"', 1)[1].split("</section>", 1)[0]


def test_the_review_lists_the_yes_and_dont_know_red_flag_answers(english: World) -> None:
    submit_for_review(english)
    page = english.client_for(english.claire).get(url("review", english.ben_episode))

    assert page.status_code == 200
    answers = review_section(page)
    bank = red_flag_bank()
    for flag_id in YES_FLAGS:
        assert escape(bank.by_id[flag_id].question.en) in answers
    yes_part, unknown_part = answers.split("Red-flag questions answered “I don", 1)
    assert escape(bank.by_id[UNKNOWN_FLAG].question.en) in unknown_part
    assert escape(bank.by_id[UNKNOWN_FLAG].question.en) not in yes_part
    # A "no" answer is not listed.
    assert escape(bank.by_id["MAL-1"].question.en) not in answers


def test_the_review_shows_each_startback_item_with_the_patients_answer(english: World) -> None:
    submit_for_review(english)
    page = english.client_for(english.claire).get(url("review", english.ben_episode))

    rows = {}
    for table in parse(page).iter("table"):
        for row in table.iter("tr"):
            cells = [" ".join("".join(cell.itertext()).split()) for cell in row]
            if len(cells) == 3:
                rows[cells[1]] = cells[2]
    startback = questionnaire("startback")
    for item in startback.items:
        option = next(o for o in item.options if o.value == STARTBACK[item.link_id])
        assert rows[" ".join(item.text.en.split())] == option.label.en, item.link_id
    # The other questionnaires' items are there too (QBPDS, 20 items, answered 1 each).
    qbpds = questionnaire("qbpds")
    assert sum(1 for item in qbpds.items if " ".join(item.text.en.split()) in rows) == 20


def test_the_review_names_each_psk_activity_with_its_score(english: World) -> None:
    submit_for_review(english)
    page = english.client_for(english.claire).get(url("review", english.ben_episode))

    psk = parse(page).find(".//details[@id='answers-psk']")
    assert psk is not None
    rows = [
        [" ".join("".join(cell.itertext()).split()) for cell in row]
        for row in psk.iter("tr")
        if row.find("td") is not None
    ]
    assert rows == [["Cycling to work", "7/10"], ["Gardening", "3/10"]]


def checked_factors(response: Any) -> set[str]:
    return {
        el.get("value") or ""
        for el in parse(response).iter("input")
        if el.get("name") == "prognostic_factors" and el.get("checked") is not None
    }


def test_the_factors_read_from_the_answers_are_pre_ticked(english: World) -> None:
    submit_for_review(english)
    claire = english.client_for(english.claire)
    page = claire.get(url("review", english.ben_episode))

    # STarT Back q5 and q6 agreed: fear of movement and worry; the complaint: a first episode
    # is not one, so only what the answers point to is ticked.
    ticked = checked_factors(page)
    assert {"fear_of_movement", "psychosocial_stress"} <= ticked
    assert ticked <= set(prognostic_factors().factors)
    assert "depressive_feelings" not in ticked
    assert "Untick what the interview does not confirm" in html(page)


def test_the_advice_counts_the_ticked_factors_and_they_can_be_unticked(
    english: World,
) -> None:
    submit_for_review(english)
    claire = english.client_for(english.claire)
    episode = english.ben_episode
    review = url("review", episode)

    # Two psychosocial factors left ticked count as documented: a low STarT Back is then
    # advised as medium (STRAT-PF-UP), and the page says the ticks changed the advice.
    page = claire.get(review)
    assert "Advice from STarT Back and the prognostic factors: <strong>Medium risk" in html(page)
    assert "change the advice of the intake (Low risk)" in html(page)
    checked = parse(page).find(".//input[@name='profile'][@checked]")
    assert checked is not None
    assert checked.get("value") == "medium"

    # Unticked, the advice is the intake's (low): keeping low needs no reason.
    unticked = claire.post(review, review_post("low", **{f"ask_{UNKNOWN_FLAG}": "no"}))
    assert unticked.status_code == 302
    stored = Assessment.objects.get(episode=episode, kind=AssessmentKind.REVIEW)
    assert stored.profile == "low"
    documented = [f for f in stored.result["en"]["prognostic_factors"] if f["documented"]]
    assert documented == []
    assert PlanVersion.objects.get(episode=episode).profile == "low"


def test_the_advised_profile_with_the_ticked_factors_is_the_plans_profile(
    english: World,
) -> None:
    submit_for_review(english)
    claire = english.client_for(english.claire)
    episode = english.ben_episode
    data = review_post(
        "medium",
        prognostic_factors=["fear_of_movement", "psychosocial_stress"],
        **{f"ask_{UNKNOWN_FLAG}": "no"},
    )

    saved = claire.post(url("review", episode), data)

    assert saved.status_code == 302
    assert PlanVersion.objects.get(episode=episode).profile == "medium"
    refused = review_post("medium", **{f"ask_{UNKNOWN_FLAG}": "no"})
    assert "give the reason" in field_errors(
        claire.post(url("review", episode), refused), "profile_reason"
    )


# --- 3. Whom to call when it is urgent -------------------------------------------------------


def new_patient(**extra: str) -> dict[str, str]:
    return {
        "submission": str(uuid.uuid4()),
        "first_name": "Fay",
        "last_name": "Phone",
        "date_of_birth": "1980-01-01",
        "phone": "+31 (0)6 1234 5678",
        "gp_name": "Dr. M. Visser",
        "gp_practice": "Huisartsenpraktijk Centrum",
        "gp_phone": "020-123 45 67",
        "gp_address": "Dorpsstraat 1\n1234 AB Amsterdam",
    } | extra


def test_a_new_patient_takes_the_phone_numbers_and_the_gp_address(english: World) -> None:
    claire = english.client_for(english.claire)
    form = claire.get(reverse("patient_new"))
    for name in ("phone", "gp_phone", "gp_address"):
        assert f'name="{name}"' in html(form)

    added = claire.post(reverse("patient_new"), new_patient())

    assert added.status_code == 302
    patient = Patient.objects.get(last_name="Phone")
    assert (patient.phone, patient.gp_phone) == ("+31 (0)6 1234 5678", "020-123 45 67")
    assert patient.gp_address == "Dorpsstraat 1\n1234 AB Amsterdam"
    page = claire.get(reverse("patient_detail", args=[patient.id]))
    assert 'href="tel:+31612345678"' in html(page)
    assert 'href="tel:0201234567"' in html(page)
    assert "Dorpsstraat 1<br>1234 AB Amsterdam" in html(page)


@pytest.mark.parametrize("number", ["call me", "0612345678 ext. 4", "12", "+31 6 1234 5678" * 3])
def test_a_phone_number_is_digits_spaces_plus_dashes_and_parentheses(
    english: World, number: str
) -> None:
    claire = english.client_for(english.claire)

    refused = claire.post(reverse("patient_new"), new_patient(phone=number, gp_phone=number))

    assert refused.status_code == 400
    assert field_errors(refused, "phone")
    assert field_errors(refused, "gp_phone")
    assert not Patient.objects.filter(last_name="Phone").exists()


def urgent_episode(world: World) -> Any:
    """Ben answers a same-day red flag; his record has his and his GP's numbers."""
    patient = world.ben_patient
    patient.phone = "06-12345678"
    patient.gp_name = "Dr. M. Visser"
    patient.gp_practice = "Huisartsenpraktijk Centrum"
    patient.gp_phone = "+31 (0)20 123 45 67"
    patient.gp_address = "Dorpsstraat 1, 1234 AB Amsterdam"
    patient.save()
    ben = world.client_for(world.ben)
    ben.post(url("intake_safety", world.ben_episode), safety_answers(**{"CES-1": "yes"}))
    return refreshed(world.ben_episode)


def test_the_urgent_box_on_the_episode_page_has_call_links(english: World) -> None:
    episode = urgent_episode(english)
    page = english.client_for(english.claire).get(url("episode_detail", episode))

    box = html(page).split('class="card card--danger"', 1)[1].split("</section>", 1)[0]
    assert 'href="tel:0612345678"' in box
    assert 'href="tel:+31201234567"' in box
    assert "Call the patient" in box
    assert "Call the GP practice" in box
    assert "Huisartsenpraktijk Centrum" in box
    assert "Dorpsstraat 1, 1234 AB Amsterdam" in box


def test_the_dashboard_offers_a_call_link_for_an_urgent_patient(english: World) -> None:
    episode = urgent_episode(english)
    page = english.client_for(english.claire).get(reverse("dashboard"))

    row = next(
        tr
        for tr in parse(page).iter("tr")
        if any(a.get("href") == url("episode_detail", episode) for a in tr.iter("a"))
    )
    assert any(a.get("href") == "tel:0612345678" for a in row.iter("a"))


def test_the_patients_urgent_advice_names_the_gp_practices_number(english: World) -> None:
    episode = urgent_episode(english)
    page = english.client_for(english.ben).get(url("intake_urgent", episode))

    assert 'href="tel:+31201234567"' in html(page)
    assert "Your GP practice (Huisartsenpraktijk Centrum)" in html(page)


def test_without_numbers_the_urgent_box_says_so(english: World) -> None:
    ben = english.client_for(english.ben)
    ben.post(url("intake_safety", english.ben_episode), safety_answers(**{"CES-1": "yes"}))
    page = english.client_for(english.claire).get(url("episode_detail", english.ben_episode))

    assert "No phone number on file." in html(page)
    assert (
        'href="tel:'
        not in html(page).split('class="card card--danger"', 1)[1].split("</section>", 1)[0]
    )


# --- 3. The GP letter: addressed to the GP, and on its pages -------------------------------


def pdf_pages(pdf: bytes) -> int:
    """The number of pages of a PDF, also when its objects sit in compressed streams."""
    chunks = [pdf]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(stream.group(1)))
        except zlib.error:
            continue
    return sum(len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", chunk)) for chunk in chunks)


def addressed_to_the_gp(world: World) -> None:
    patient = world.amy_patient
    patient.gp_name = "Dr. M. Visser"
    patient.gp_practice = "Huisartsenpraktijk Centrum"
    patient.gp_address = "Dorpsstraat 1\n1234 AB Amsterdam"
    patient.referrer = "Dr. M. Visser"
    patient.save()


def test_the_letter_is_addressed_to_the_gp_with_the_practices_address(english: World) -> None:
    addressed_to_the_gp(english)
    page = english.client_for(english.claire).get(url("letter", english.amy_episode, kind="start"))

    addressee = parse(page).find(".//address[@class='addressee']")
    assert addressee is not None
    lines = [line.strip() for line in "".join(addressee.itertext()).split("\n") if line.strip()]
    text = " ".join(lines)
    assert "Dr. M. Visser" in text
    assert "Huisartsenpraktijk Centrum" in text
    assert "Dorpsstraat 1" in text
    assert "1234 AB Amsterdam" in text


def test_the_start_and_end_letters_fit_one_page(english: World) -> None:
    addressed_to_the_gp(english)
    claire = english.client_for(english.claire)
    episode = english.amy_episode
    for number in range(3):
        claire.post(url("session_new", episode), session_post(subjective=f"Session {number}."))

    start = claire.get(url("letter_pdf", episode, kind="start"))
    assert start.status_code == 200
    assert pdf_pages(start.content) == 1

    summary = "Pain 1/10 at the end, back at work full time; walks 45 minutes a day.\nNo flare-ups."
    claire.post(url("episode_close", episode), {"reason": "goals_reached", "summary": summary})
    end = claire.get(url("letter_pdf", episode, kind="end"))
    assert end.status_code == 200
    # Before: the closing and the rule-set line spilled onto a second page of their own.
    assert pdf_pages(end.content) == 1


def test_the_letters_closing_is_one_block_kept_with_the_text(english: World) -> None:
    page = english.client_for(english.claire).get(url("letter", english.amy_episode, kind="start"))

    footer = parse(page).find(".//article[@class='letter']/footer")
    assert footer is not None
    assert "Kind regards," in "".join(footer.itertext())


# --- 4. No duplicate session notes -----------------------------------------------------------


def test_the_same_note_again_today_is_asked_about_and_saved_only_anyway(english: World) -> None:
    claire = english.client_for(english.claire)
    episode = english.amy_episode
    new = url("session_new", english.amy_episode)
    note = session_post(subjective="Better in the morning.", objective="Flexion 60 degrees.")
    assert claire.post(new, note).status_code == 302

    # Back, and Save again: the page was loaded anew, so the form has a new submission id.
    again = claire.post(new, note | {"submission": str(uuid.uuid4())})

    assert again.status_code == 400
    assert "A note with the same content was saved today" in field_errors(again, "save_anyway")
    assert 'name="save_anyway"' in html(again)
    assert SessionNote.objects.filter(episode=episode).count() == 1

    anyway = claire.post(new, note | {"submission": str(uuid.uuid4()), "save_anyway": "on"})

    assert anyway.status_code == 302
    assert SessionNote.objects.filter(episode=episode).count() == 2


def test_a_different_note_the_same_day_saves_without_asking(english: World) -> None:
    claire = english.client_for(english.claire)
    new = url("session_new", english.amy_episode)
    assert claire.post(new, session_post(subjective="Better in the morning.")).status_code == 302

    for change in (
        {"subjective": "Worse after gardening."},
        {"subjective": "Better in the morning.", "interventions": ["education"]},
    ):
        saved = claire.post(new, session_post(**change))
        assert saved.status_code == 302, change
    assert SessionNote.objects.filter(episode=english.amy_episode).count() == 3


def test_the_same_note_for_another_day_is_no_duplicate(english: World) -> None:
    claire = english.client_for(english.claire)
    new = url("session_new", english.amy_episode)
    note = session_post(subjective="Same words every time.")
    assert claire.post(new, note).status_code == 302

    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    saved = claire.post(new, note | {"submission": str(uuid.uuid4()), "held_on": yesterday})

    assert saved.status_code == 302
    assert SessionNote.objects.filter(episode=english.amy_episode).count() == 2


def test_the_duplicate_question_is_not_on_a_fresh_form(english: World) -> None:
    page = english.client_for(english.claire).get(url("session_new", english.amy_episode))

    assert 'name="save_anyway"' not in html(page)
    assert 'id="duplicate-note"' not in html(page)
