"""Long-standing symptoms (issue #10 item 6): the clinician documents one, the weekly safety
check then asks "has it changed since last time?" instead, and a yes still alerts at once."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from backpath.auditlog.models import AccessEntry
from backpath.clinical.followup import recheck_flags
from backpath.clinical.language import Lang
from backpath.clinical.redflags import red_flag_bank
from backpath.followup import services
from backpath.followup.models import Alert, CheckKind, LongStandingSymptom, RedFlagCheck
from tests.personas import World

FLAG = "CES-4"  # symptoms in both legs


def question(flag: str, lang: str = "en") -> str:
    return escape(red_flag_bank().by_id[flag].question(Lang(lang)))


def changed_question(flag: str, lang: str = "en") -> str:
    text = red_flag_bank().by_id[flag].changed_question
    assert text is not None
    return escape(text(Lang(lang)))


@pytest.fixture(autouse=True)
def _in_english(english: World) -> None:
    """The assertions below read the English interface unless they switch to Dutch."""


def progress(world: World) -> str:
    return reverse("episode_progress", args=[world.amy_episode.id])


def document(
    client: Client, world: World, flag: str = FLAG, reason: str = "Since a disc operation in 2019."
) -> Any:
    return client.post(
        progress(world),
        {"action": "document", "flag": flag, "reason": reason, "submission": str(uuid.uuid4())},
    )


def remove(client: Client, world: World, flag: str = FLAG) -> Any:
    return client.post(progress(world), {"action": "remove", "flag": flag})


def answers(changed: str = "", **yes: bool) -> dict[str, str]:
    flags = dict.fromkeys(recheck_flags(), "no")
    flags |= {flag.replace("_", "-"): "yes" for flag, on in yes.items() if on}
    return {**flags, "asked_changed": changed, "submission": str(uuid.uuid4())}


def test_documenting_needs_a_reason_and_stores_nothing_without_one(world: World) -> None:
    claire = world.client_for(world.claire)
    for reason in ("", "   "):
        page = document(claire, world, reason=reason)
        assert page.status_code == 400
        assert "Write down why this symptom is long-standing." in page.content.decode()
    too_long = document(claire, world, reason="x" * 2001)
    assert too_long.status_code == 400
    assert "at most 2000 characters" in too_long.content.decode()
    assert not LongStandingSymptom.objects.exists()


@pytest.mark.parametrize("flag", ["CES-6", "NEU-1", "MAL-1", "", "nonsense"])
def test_only_a_recheck_flag_with_a_changed_question_can_be_documented(
    world: World, flag: str
) -> None:
    page = document(world.client_for(world.claire), world, flag=flag)
    assert page.status_code == 400
    assert "the symptom" in page.content.decode() or "valid choice" in page.content.decode()
    assert not LongStandingSymptom.objects.exists()
    with pytest.raises(ValueError, match="changed question"):
        services.long_standing_document(
            actor=world.claire, episode=world.amy_episode, flag=flag, reason="x", submission=None
        )


def test_the_form_offers_exactly_the_flags_with_a_changed_question(world: World) -> None:
    bank = red_flag_bank().by_id
    markable = services.markable_flags()
    assert set(markable) == {"CES-1", "CES-2", "CES-3", "CES-4"}
    assert all(bank[flag].changed_question for flag in markable)
    page = world.client_for(world.claire).get(progress(world)).content.decode()
    for flag in recheck_flags():
        assert (f'<option value="{flag}"' in page) is (flag in markable), flag


def test_the_check_then_asks_the_changed_question_in_english_and_dutch(world: World) -> None:
    assert document(world.client_for(world.claire), world).status_code == 302
    amy = world.client_for(world.amy)
    for name in ("recheck", "flare"):
        page = amy.get(reverse(name)).content.decode()
        assert changed_question(FLAG) in page, name
        assert question(FLAG) not in page, name
        assert question("CES-1") in page, name  # the others as usual
    world.amy.language = "nl"
    world.amy.save(update_fields=["language"])
    page = world.client_for(world.amy).get(reverse("recheck")).content.decode()
    assert changed_question(FLAG, "nl") in page
    assert question(FLAG, "nl") not in page
    assert changed_question(FLAG) not in page


def test_no_to_the_changed_question_raises_no_alert_and_the_record_says_what_was_asked(
    world: World,
) -> None:
    document(world.client_for(world.claire), world)
    done = world.client_for(world.amy).post(reverse("recheck"), answers(changed=FLAG))
    assert done.status_code == 302
    check = RedFlagCheck.objects.get()
    assert (check.urgency, check.answers[FLAG], check.changed) == ("none", False, [FLAG])
    assert not Alert.objects.exists()
    assert mail.outbox == []
    page = world.client_for(world.claire).get(progress(world)).content.decode()
    assert "Asked whether changed since last time (long-standing): CES-4" in page


def test_yes_to_the_changed_question_alerts_the_same_day_as_before(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    document(world.client_for(world.claire), world)
    amy = world.client_for(world.amy)
    with django_capture_on_commit_callbacks(execute=True):
        done = amy.post(reverse("recheck"), answers(changed=FLAG, CES_4=True))
    assert done.status_code == 302
    check = RedFlagCheck.objects.get()
    assert (check.urgency, check.changed) == ("same_day", [FLAG])
    alert = Alert.objects.get()
    assert (alert.kind, alert.key) == ("red_flag", str(check.id))
    assert sorted(m.to[0] for m in mail.outbox) == ["claire@x.example", "xavier@x.example"]
    assert 'role="alert"' in amy.get(done["Location"]).content.decode()
    page = world.client_for(world.claire).get(progress(world)).content.decode()
    assert "CES-4 (changed since last time)" in page


def test_the_same_yes_without_documentation_alerts_exactly_alike(world: World) -> None:
    world.client_for(world.amy).post(reverse("recheck"), answers(CES_4=True))
    check = RedFlagCheck.objects.get()
    assert (check.urgency, check.changed) == ("same_day", [])
    assert Alert.objects.get().kind == "red_flag"


def test_a_flare_up_report_asks_it_the_same_way(world: World) -> None:
    document(world.client_for(world.claire), world)
    sent = world.client_for(world.amy).post(
        reverse("flare"), answers(changed=FLAG, CES_4=True) | {"pain": "6"}
    )
    assert sent.status_code == 302
    check = RedFlagCheck.objects.get()
    assert (check.kind, check.urgency, check.changed) == ("flare", "same_day", [FLAG])
    assert Alert.objects.get().kind == "red_flag"


def test_removing_it_brings_the_usual_question_back_and_keeps_the_history(world: World) -> None:
    claire = world.client_for(world.claire)
    document(claire, world)
    page = claire.get(progress(world)).content.decode()
    assert "Since a disc operation in 2019." in page
    assert "documented by Claire" in page
    assert changed_question(FLAG) in page

    assert remove(claire, world).status_code == 302
    assert remove(claire, world).status_code == 302  # a second click changes nothing
    amy_page = world.client_for(world.amy).get(reverse("recheck")).content.decode()
    assert question(FLAG) in amy_page
    assert changed_question(FLAG) not in amy_page
    row = LongStandingSymptom.objects.get()
    assert (row.removed_by, row.reason) == (world.claire, "Since a disc operation in 2019.")
    assert row.removed_at is not None
    assert "removed by Claire" in claire.get(progress(world)).content.decode()
    assert list(
        AccessEntry.objects.filter(object_id=row.id).order_by("id").values_list("detail", flat=True)
    ) == ["long_standing.document", "long_standing.remove"]

    # Documented again later: a new row, the old one stays as history.
    assert document(claire, world, reason="Back again.").status_code == 302
    assert LongStandingSymptom.objects.count() == 2
    assert services.long_standing_flags(world.amy_episode) == {FLAG}
    done = world.client_for(world.amy).post(reverse("recheck"), answers())
    assert done.status_code == 400  # the patient's form was the usual one: asked again


def test_another_clinic_and_patients_get_404_and_change_nothing(world: World) -> None:
    document(world.client_for(world.claire), world)
    for user in (world.yara, world.amy, world.ben):
        client = world.client_for(user)
        assert document(client, world, flag="CES-1").status_code == 404
        assert remove(client, world).status_code == 404
    assert world.client_for(None).post(progress(world), {"action": "remove"}).status_code == 302
    row = LongStandingSymptom.objects.get()
    assert (row.flag, row.removed_at) == (FLAG, None)


def test_a_double_submit_stores_one_row(world: World) -> None:
    claire = world.client_for(world.claire)
    form = {"action": "document", "flag": FLAG, "reason": "Old.", "submission": str(uuid.uuid4())}
    assert claire.post(progress(world), form).status_code == 302
    assert claire.post(progress(world), form).status_code == 302
    # Another tab with the same flag: the one documented already stands.
    assert document(claire, world, reason="Other tab.").status_code == 302
    row = LongStandingSymptom.objects.get()
    assert row.reason == "Old."
    assert AccessEntry.objects.filter(detail="long_standing.document").count() == 1


def test_the_service_returns_the_stored_row_on_a_repeat_or_a_race(world: World) -> None:
    submission = uuid.uuid4()

    def again(**extra: Any) -> LongStandingSymptom:
        return services.long_standing_document(
            actor=world.claire,
            episode=world.amy_episode,
            flag=FLAG,
            reason="Old.",
            **({"submission": submission} | extra),
        )

    first = again()
    assert again() == first
    # The unique constraint answers a race the look-up before it could not see.
    assert again(submission=uuid.uuid4()) == first
    assert again(submission=None) == first
    assert LongStandingSymptom.objects.count() == 1


def test_a_form_shown_before_the_change_is_asked_again_not_stored(world: World) -> None:
    amy = world.client_for(world.amy)
    shown = amy.get(reverse("recheck")).content.decode()
    assert question(FLAG) in shown
    document(world.client_for(world.claire), world)
    stale = amy.post(reverse("recheck"), answers(changed="", CES_4=True))
    assert stale.status_code == 400
    body = stale.content.decode()
    assert "Your physiotherapist has just updated these questions." in body
    assert changed_question(FLAG) in body
    assert 'name="asked_changed" value="CES-4"' in body
    assert not RedFlagCheck.objects.exists()


def test_the_record_refuses_a_changed_flag_without_a_changed_question(world: World) -> None:
    with pytest.raises(ValueError, match="CES-6"):
        services.recheck_record(
            actor=world.amy,
            episode=world.amy_episode,
            kind=CheckKind.WEEKLY,
            answers=dict.fromkeys(recheck_flags(), False),
            submission=None,
            changed=["CES-6"],
        )


def test_the_database_refuses_a_row_without_a_reason_or_a_second_active_one(world: World) -> None:
    def row(reason: str) -> LongStandingSymptom:
        return LongStandingSymptom(
            episode=world.amy_episode, flag=FLAG, reason=reason, documented_by=world.claire
        )

    for reason in ("", "x" * 2001):
        with pytest.raises(IntegrityError), transaction.atomic():
            row(reason).save()
    row("Old.").save()
    with pytest.raises(IntegrityError), transaction.atomic():
        row("Again.").save()
