"""The clinic's own exercises in programs: the builder offers them beside the library,
Today, the program page, the adherence page and the booklet show them like the library's,
and archiving one keeps the programs that have it working."""

from __future__ import annotations

import base64
import re
import uuid
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from backpath.clinical.language import Lang
from backpath.programs import booklets, clinic_exercises, services
from backpath.programs.media import print_data_uri
from backpath.programs.models import ClinicExercise, ExerciseLog, Program
from backpath.web.templatetags.backpath import exercise_name
from tests.pages import html, queries, same_count
from tests.personas import World
from tests.programs.clinic_exercise_helpers import draft, own_exercise, photo, publish, video


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / "exercises"


@pytest.fixture
def amy(world: World) -> Client:
    world.amy.language = "en"
    world.amy.save(update_fields=["language"])
    return world.client_for(world.amy)


def edit_url(world: World) -> str:
    return reverse("program_edit", kwargs={"episode_id": world.amy_episode.id})


def builder_post(exercise_id: str, **extra: str) -> dict[str, str]:
    return {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-exercise_id": exercise_id,
        "form-0-sets": "2",
        "form-0-reps": "8",
        "form-0-per_week": "7",
        "form-0-ORDER": "1",
        "submission": str(uuid.uuid4()),
        **extra,
    }


def media_url(exercise: Any) -> str:
    return reverse(
        "exercise_media", kwargs={"exercise_pk": exercise.pk, "name": exercise.media_name}
    )


# --- the builder ----------------------------------------------------------------------------


def test_the_builder_offers_the_clinics_own_exercises_and_publishes_one(world: World) -> None:
    mine = own_exercise(world, name_nl="Eigen brug", media=photo())
    theirs = own_exercise(world, clinic=world.clinic_y, actor=world.yara, name_nl="Hun oefening")
    claire = world.client_for(world.claire)
    page = claire.get(edit_url(world))
    assert "Eigen brug" in html(page)
    assert "Hun oefening" not in html(page)
    assert reverse("exercise_list") in html(page)

    # "Add" puts a row in at the exercise's own dosage; the row shows its photo.
    added = claire.post(edit_url(world), {**builder_post("bridge"), "add": mine.exercise_id})
    assert added.status_code == 200
    assert 'name="form-1-exercise_id" value="' + mine.exercise_id in html(added)
    assert media_url(mine) in html(added)
    published = claire.post(edit_url(world), {**builder_post(mine.exercise_id), "publish": "1"})
    assert published.status_code == 302
    program = Program.objects.get()
    assert [item.exercise_id for item in program.items.all()] == [mine.exercise_id]

    # Another clinic's exercise is unknown here, in the form and in the service.
    refused = claire.post(edit_url(world), {**builder_post(theirs.exercise_id), "publish": "1"})
    assert refused.status_code == 400
    assert (
        claire.post(
            edit_url(world), {**builder_post("bridge"), "add": theirs.exercise_id}
        ).status_code
        == 404
    )
    with pytest.raises(services.ProgramRefused, match="unknown exercise"):
        publish(world, theirs.exercise_id, reason="Try another clinic's.")


def test_the_builder_searches_the_own_exercises_by_name_and_category(world: World) -> None:
    own_exercise(world, name_nl="Eigen brug", name_en="Own bridge")
    claire = world.client_for(world.claire)
    found = claire.post(edit_url(world), {**builder_post("bridge"), "search": "own BRIDGE"})
    assert "Eigen brug" in html(found)
    other = claire.post(edit_url(world), {**builder_post("bridge"), "category": "relaxation"})
    assert "Eigen brug" not in html(other)


# --- the patient's pages ---------------------------------------------------------------------


def test_today_shows_a_clinic_exercise_with_its_photo_and_logs_it(
    world: World, amy: Client
) -> None:
    mine = own_exercise(world, name_nl="Eigen brug", name_en="Own bridge", media=photo())
    program = publish(world, "bridge", mine.exercise_id)
    page = amy.get(reverse("today"))
    assert page.status_code == 200
    text = html(page)
    assert "Own bridge" in text
    assert "Lift your pelvis." in text
    assert "Warm in the buttocks." in text
    assert f'<img class="exercise-photo" src="{media_url(mine)}" alt="Own bridge"' in text
    assert amy.get(media_url(mine)).status_code == 200

    item = program.items.get(exercise_id=mine.exercise_id)
    logged = amy.post(reverse("log_exercise"), {"item": str(item.id), "done": "yes", "pain": "7"})
    assert logged.status_code == 302
    assert ExerciseLog.objects.get(item=item).pain == 7
    # A painful log of an exercise the regression chains do not know: only skipping it today
    # is offered, no easier version.
    row = amy.get(reverse("today")).context["overview"].row_for(item.pk)
    assert row.offer is not None
    assert row.offer.easier is None


def test_a_text_in_one_language_shows_with_a_note_and_a_video_plays(
    world: World, amy: Client
) -> None:
    mine = own_exercise(world, name_nl="Eigen brug", media=video())
    publish(world, mine.exercise_id)
    text = html(amy.get(reverse("today")))
    assert "Eigen brug" in text
    assert "This exercise is only written in Dutch." in text
    assert '<ol lang="nl">' in text
    assert f'<video class="exercise-video" src="{media_url(mine)}" controls' in text
    assert 'preload="metadata"' in text


def test_an_exercise_without_a_photo_shows_the_neutral_figure(world: World, amy: Client) -> None:
    mine = own_exercise(world, name_en="Own bridge", name_nl="")
    publish(world, mine.exercise_id)
    text = html(amy.get(reverse("today")))
    assert "exercise-placeholder" in text
    assert "<title>Own bridge</title>" in text
    assert "only written in" not in text


def test_the_clinicians_program_and_adherence_pages_name_it(world: World) -> None:
    mine = own_exercise(world, name_nl="Eigen brug", name_en="Own bridge", media=photo())
    program = publish(world, mine.exercise_id)
    item = program.items.get()
    today = timezone.localdate()
    ExerciseLog.objects.create(item=item, day=today - timedelta(days=1), done=True, pain=4)
    ExerciseLog.objects.create(item=item, day=today, done=True, pain=3)
    world.claire.language = "en"
    world.claire.save(update_fields=["language"])
    claire = world.client_for(world.claire)
    detail = claire.get(reverse("program_detail", kwargs={"episode_id": world.amy_episode.id}))
    assert "Own bridge" in html(detail)
    assert media_url(mine) in html(detail)
    adherence = claire.get(
        reverse("program_adherence", kwargs={"episode_id": world.amy_episode.id})
    )
    assert adherence.status_code == 200
    assert "Own bridge" in adherence.context["pain_chart"]


# --- the booklet ----------------------------------------------------------------------------


class Printed:
    """The HTML the booklet would print, caught before WeasyPrint."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.html = ""
        monkeypatch.setattr(booklets, "render_pdf", self._render)

    def _render(self, html: str) -> bytes:
        self.html = html
        return b"%PDF-caught"


def test_the_booklet_embeds_the_photo_and_names_the_video(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.clear()
    with_photo = own_exercise(world, name_nl="Met foto", name_en="With a photo", media=photo())
    with_video = own_exercise(world, name_nl="Met video", media=video())
    program = publish(world, with_photo.exercise_id, with_video.exercise_id, "bridge")
    printed = Printed(monkeypatch)
    assert booklets.program_booklet(program, Lang.EN) == b"%PDF-caught"
    assert "With a photo" in printed.html
    assert "Met video" in printed.html
    assert "This exercise is only written in Dutch." in printed.html
    assert "The video of this exercise is in the app." in printed.html
    assert 'src="data:image/jpeg;base64,' in printed.html
    # Nothing is fetched: every picture is a data: URI.
    assert re.findall(r'src="(?!data:)', printed.html) == []
    assert media_url(with_photo) not in printed.html


def test_a_printed_photo_is_fitted_into_the_4_3_box_uncut(world: World) -> None:
    wide = own_exercise(world, media=photo(size=(400, 100)))
    uri = print_data_uri(wide.media_name)
    assert uri is not None
    with Image.open(BytesIO(base64.b64decode(uri.removeprefix("data:image/jpeg;base64,")))) as p:
        assert p.size == (800, 600)
        assert p.getpixel((400, 10)) == (255, 255, 255)  # white above the photo
        assert p.getpixel((400, 300)) != (255, 255, 255)


def test_a_changed_exercise_prints_anew(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    cache.clear()
    mine = own_exercise(world, name_nl="Eigen brug")
    program = publish(world, mine.exercise_id)
    printed = Printed(monkeypatch)
    booklets.program_booklet(program, Lang.NL)
    key = booklets.booklet_cache_key(program, Lang.NL)
    clinic_exercises.exercise_update(
        actor=world.claire,
        exercise=mine,
        draft=draft(name_nl="Hernoemde brug"),
        upload=None,
        remove_media=False,
    )
    assert booklets.booklet_cache_key(program, Lang.NL) != key
    booklets.program_booklet(program, Lang.NL)
    assert "Hernoemde brug" in printed.html


def test_the_booklet_prints_a_clinic_exercise_for_real(world: World) -> None:
    cache.clear()
    mine = own_exercise(world, name_nl="Eigen brug", media=photo(size=(400, 300)))
    publish(world, mine.exercise_id, "bridge")
    response = world.client_for(world.amy).get(reverse("my_booklet"))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


# --- archived -------------------------------------------------------------------------------


def test_an_archived_exercise_stays_in_the_programs_that_have_it(
    world: World, amy: Client, django_capture_on_commit_callbacks: Any
) -> None:
    mine = own_exercise(world, name_en="Own bridge", name_nl="", media=photo())
    program = publish(world, mine.exercise_id)
    assert clinic_exercises.exercise_archive(actor=world.claire, exercise=mine)

    text = html(amy.get(reverse("today")))
    assert "Own bridge" in text
    assert amy.get(media_url(mine)).status_code == 200
    claire = world.client_for(world.claire)
    builder = claire.get(edit_url(world))
    assert "Own bridge" in html(builder)  # the current program's row
    assert 'value="' + mine.exercise_id + '">' not in html(builder)  # no "Add" button
    assert (
        claire.post(
            edit_url(world), {**builder_post("bridge"), "add": mine.exercise_id}
        ).status_code
        == 404
    )
    # A new version that keeps it publishes.
    again = claire.post(
        edit_url(world),
        {**builder_post(mine.exercise_id), "publish": "1", "reason": "Fewer repetitions."},
    )
    assert again.status_code == 302
    assert Program.objects.count() == 2
    assert program.episode.programs.order_by("-number").first() != program


def test_an_exercise_deleted_while_a_program_is_published_is_refused_there(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = own_exercise(world)
    real_hold = clinic_exercises.hold

    def deleted_meanwhile(clinic_id: Any, exercise_ids: Any) -> set[str]:
        # The archive's delete of the unused exercise committed between the publish's check
        # and its lock.
        ClinicExercise.objects.filter(pk=mine.pk).delete()
        return real_hold(clinic_id, exercise_ids)

    monkeypatch.setattr(services, "hold", deleted_meanwhile)
    with pytest.raises(services.ProgramRefused, match="unknown exercise"):
        publish(world, mine.exercise_id)
    assert not Program.objects.exists()


def test_the_name_filter_knows_an_own_exercise_only_with_its_clinic(world: World) -> None:
    mine = own_exercise(world, name_nl="Eigen brug")
    assert exercise_name(mine.exercise_id, world.clinic_x.pk) == "Eigen brug"
    assert exercise_name(mine.exercise_id, world.clinic_y.pk) == mine.exercise_id
    assert exercise_name(mine.exercise_id) == mine.exercise_id
    assert exercise_name("bridge") == exercise_name("bridge", world.clinic_y.pk) != "bridge"


def test_pages_with_more_of_the_clinics_own_exercises_ask_no_more_queries(
    world: World, amy: Client, django_assert_num_queries: Any
) -> None:
    """Each card of the clinic's own exercise names itself and shows its picture: the
    exercises are read together, not one query per card (Today, the home page, the
    clinician's program and adherence pages)."""
    claire = world.client_for(world.claire)
    pages = (
        (amy, reverse("today")),
        (amy, reverse("portal_home")),
        (claire, reverse("program_detail", kwargs={"episode_id": world.amy_episode.id})),
        (claire, reverse("program_adherence", kwargs={"episode_id": world.amy_episode.id})),
    )
    one = own_exercise(world, name_nl="Eerste")
    publish(world, one.exercise_id, "bridge")
    counts = [queries(client, path) for client, path in pages]

    more = [own_exercise(world, name_nl=f"Extra {n}") for n in range(3)]
    publish(world, one.exercise_id, "bridge", *(e.exercise_id for e in more), reason="More.")

    for (client, path), count in zip(pages, counts, strict=True):
        same_count(client, path, count, django_assert_num_queries)
