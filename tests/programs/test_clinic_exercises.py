"""The clinic's own exercises: the form and its bounds, the upload checks, the pages and who
may open them, the media view, and the writes (audited, once per submission, files kept in
step with the rows)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from backpath.auditlog.models import AccessEntry
from backpath.programs import clinic_exercises
from backpath.programs.catalogue import find, find_many
from backpath.programs.media import (
    STORED_NAME,
    MediaRefused,
    check_photo,
    check_video,
    media_path,
)
from backpath.programs.models import EXERCISE_NAME_MAX, ClinicExercise, MediaKind
from tests.pages import field_errors, html

# The fixture, for the tests that read the pages' English words.
from tests.personas import World, english  # noqa: F401
from tests.programs.clinic_exercise_helpers import (
    GPS_IFD,
    MKV,
    MP4,
    SVG,
    WEBM,
    form_data,
    noise_png,
    own_exercise,
    photo,
    photo_bytes,
    publish,
    upload,
    video,
)


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / "exercises"


def stored(media_root: Path) -> list[str]:
    return sorted(p.name for p in media_root.iterdir()) if media_root.exists() else []


def post_new(client: Client, **changes: Any) -> Any:
    return client.post(reverse("exercise_new"), form_data(**changes))


# --- the form -------------------------------------------------------------------------------


def test_a_clinician_adds_an_exercise_in_one_language(world: World) -> None:
    response = post_new(world.client_for(world.claire), name_nl="  Eigen brug  ")
    assert response.status_code == 302
    exercise = ClinicExercise.objects.get()
    assert exercise.clinic == world.clinic_x
    assert exercise.created_by == world.claire
    assert exercise.name_nl == "Eigen brug"
    assert exercise.name_en == ""
    assert exercise.exercise_id == "clinic-" + exercise.pk.hex
    assert len(exercise.exercise_id) <= 40
    assert (exercise.sets, exercise.reps, exercise.hold_seconds, exercise.minutes) == (
        2,
        8,
        None,
        None,
    )
    entry = AccessEntry.objects.get(detail="clinic_exercise.create")
    assert entry.patient_id is None
    assert entry.clinic_id == world.clinic_x.pk
    assert entry.object_id == str(exercise.pk)


def test_the_same_form_sent_twice_adds_the_exercise_once(world: World) -> None:
    claire = world.client_for(world.claire)
    data = form_data()
    assert claire.post(reverse("exercise_new"), data).status_code == 302
    assert claire.post(reverse("exercise_new"), data).status_code == 302
    assert ClinicExercise.objects.count() == 1


def test_the_steps_keep_one_step_a_line_without_empty_lines(world: World) -> None:
    post_new(world.client_for(world.claire), steps_nl="  Een \r\n\r\n  Twee\n")
    assert ClinicExercise.objects.get().steps_nl == "Een\nTwee"


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"name_nl": "", "steps_nl": ""}, "name_nl", "in Dutch, in English, or in both"),
        ({"steps_nl": ""}, "steps_nl", "Give the steps in this language as well."),
        ({"name_en": "Own bridge"}, "steps_en", "Give the steps in this language as well."),
        ({"steps_en": "Lie down."}, "name_en", "Give the name in this language as well."),
        ({"level": "6"}, "level", "Select a valid choice."),
        ({"category": "juggling"}, "category", "Select a valid choice."),
        ({"sets": "7"}, "sets", "less than or equal to 6"),
    ],
)
@pytest.mark.usefixtures("english")
def test_the_form_names_each_problem(
    world: World, changes: dict[str, str], field: str, problem: str
) -> None:
    response = post_new(world.client_for(world.claire), **changes)
    assert response.status_code == 400
    assert problem in field_errors(response, field)
    assert not ClinicExercise.objects.exists()


@pytest.mark.usefixtures("english")
def test_a_dosage_of_no_kind_is_refused_with_the_reason(world: World) -> None:
    response = post_new(world.client_for(world.claire), sets="", reps="", minutes="")
    assert response.status_code == 400
    assert "Give sets x repetitions, a hold in seconds x repetitions, or minutes." in html(response)
    mixed = post_new(world.client_for(world.claire), minutes="10")
    assert mixed.status_code == 400
    assert not ClinicExercise.objects.exists()


@pytest.mark.parametrize("field", ["name_nl", "steps_nl", "feel_en", "cautions"])
@pytest.mark.usefixtures("english")
def test_a_megabyte_of_text_is_refused_by_its_bound(world: World, field: str) -> None:
    response = post_new(world.client_for(world.claire), **{field: "x" * 1_000_000})
    assert response.status_code == 400
    assert "Ensure this value has at most" in field_errors(response, field)
    assert not ClinicExercise.objects.exists()


def test_a_name_at_its_bound_is_kept(world: World) -> None:
    post_new(world.client_for(world.claire), name_nl="x" * EXERCISE_NAME_MAX)
    assert ClinicExercise.objects.get().name_nl == "x" * EXERCISE_NAME_MAX


# --- the upload checks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "name", "content", "problem"),
    [
        ("video", "clip.mp4", photo_bytes("PNG"), "This is not an MP4 or WebM video."),
        ("photo", "photo.jpg", b"Just some text, not a photo.\n" * 20, "not a JPEG, PNG or WebP"),
        ("photo", "figure.svg", SVG, "not a JPEG, PNG or WebP"),
        ("photo", "figure.jpg", SVG, "not a JPEG, PNG or WebP"),
        ("photo", "scan.gif", b"GIF89a" + b"\x00" * 100, "not a JPEG, PNG or WebP"),
        ("photo", "cut.jpg", photo_bytes("JPEG", (400, 300))[:300], "not a JPEG, PNG or WebP"),
        ("video", "film.mkv", MKV, "This is not an MP4 or WebM video."),
        ("video", "clip.webm", b"", "The submitted file is empty."),
    ],
)
@pytest.mark.usefixtures("english")
def test_an_upload_that_is_not_what_its_field_takes_is_refused(
    world: World,
    media_root: Path,
    field: str,
    name: str,
    content: bytes,
    problem: str,
) -> None:
    claire = world.client_for(world.claire)
    response = claire.post(
        reverse("exercise_new"), {**form_data(), field: upload(name, content, "image/jpeg")}
    )
    assert response.status_code == 400
    assert problem in field_errors(response, field)
    assert not ClinicExercise.objects.exists()
    assert stored(media_root) == []


@pytest.mark.usefixtures("english")
def test_a_photo_over_5_mb_is_refused(world: World) -> None:
    big = noise_png(1450)
    assert len(big) > 5 * 1024 * 1024
    response = world.client_for(world.claire).post(
        reverse("exercise_new"), {**form_data(), "photo": upload("big.png", big)}
    )
    assert response.status_code == 400
    assert "The photo is larger than 5 MB." in field_errors(response, "photo")


def test_a_video_over_20_mb_is_refused() -> None:
    with translation.override("en"), pytest.raises(MediaRefused, match="larger than 20 MB"):
        check_video(upload("long.mp4", MP4 + b"\x00" * (20 * 1024 * 1024)))


def test_a_photo_of_too_many_pixels_is_refused_before_it_is_decoded() -> None:
    # A tiny file that declares a huge image: its header is all that is read.
    huge = photo_bytes("PNG", (8000, 6000))
    with translation.override("en"), pytest.raises(MediaRefused, match="too many pixels"):
        check_photo(upload("huge.png", huge))


@pytest.mark.usefixtures("english")
def test_a_photo_and_a_video_together_are_refused(world: World) -> None:
    response = world.client_for(world.claire).post(
        reverse("exercise_new"),
        {
            **form_data(),
            "photo": upload("a.jpg", photo_bytes()),
            "video": upload("b.mp4", MP4),
        },
    )
    assert response.status_code == 400
    assert "Give a photo or a video, not both." in field_errors(response, "video")
    assert "Choose the photo or video again" in html(response)


@pytest.mark.parametrize(
    ("kind", "content_type", "extension"),
    [("JPEG", "image/jpeg", "jpg"), ("PNG", "image/png", "png"), ("WEBP", "image/webp", "webp")],
)
def test_a_photo_is_known_by_its_content_and_stored_under_a_name_of_ours(
    world: World, media_root: Path, kind: str, content_type: str, extension: str
) -> None:
    response = world.client_for(world.claire).post(
        reverse("exercise_new"),
        {**form_data(), "photo": upload("../../etc/passwd.mp4", photo_bytes(kind), "video/mp4")},
    )
    assert response.status_code == 302
    exercise = ClinicExercise.objects.get()
    assert exercise.media_kind == MediaKind.PHOTO
    assert exercise.media_type == content_type
    assert STORED_NAME.match(exercise.media_name)
    assert exercise.media_name.endswith("." + extension)
    assert stored(media_root) == [exercise.media_name]
    with Image.open(media_root / exercise.media_name) as image:
        assert image.format == kind


def test_a_stored_photo_has_no_location_and_is_scaled_down(media_root: Path) -> None:
    checked = check_photo(upload("phone.jpg", photo_bytes("JPEG", (2400, 1800), gps=True)))
    assert checked.photo is not None
    with Image.open(upload("x.jpg", photo_bytes(gps=True))) as original:
        assert original.getexif().get_ifd(GPS_IFD)  # the test photo does carry a location
    with Image.open(upload("y.jpg", checked.photo)) as image:
        assert not image.getexif()
        assert image.size == (2000, 1500)
    assert b"Exif" not in checked.photo
    assert b"PhoneMaker" not in checked.photo


@pytest.mark.parametrize(("content", "content_type"), [(MP4, "video/mp4"), (WEBM, "video/webm")])
def test_a_video_is_known_by_its_first_bytes(
    world: World, media_root: Path, content: bytes, content_type: str
) -> None:
    response = world.client_for(world.claire).post(
        reverse("exercise_new"), {**form_data(), "video": upload("clip.bin", content)}
    )
    assert response.status_code == 302
    exercise = ClinicExercise.objects.get()
    assert (exercise.media_kind, exercise.media_type) == (MediaKind.VIDEO, content_type)
    assert (media_root / exercise.media_name).read_bytes() == content


# --- change and archive ---------------------------------------------------------------------


def test_a_new_upload_replaces_the_file_and_the_old_one_goes_after_the_commit(
    world: World, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    exercise = own_exercise(world, media=photo())
    old = exercise.media_name
    url = reverse("exercise_edit", args=[exercise.pk])
    data = {**form_data(name_nl="Nieuwe naam"), "video": upload("new.webm", WEBM)}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert world.client_for(world.claire).post(url, data).status_code == 302
    exercise.refresh_from_db()
    assert exercise.name_nl == "Nieuwe naam"
    assert (exercise.media_kind, exercise.media_type) == (MediaKind.VIDEO, "video/webm")
    # Until the change is committed, both files are there.
    assert stored(media_root) == sorted([old, exercise.media_name])
    for callback in callbacks:
        callback()
    assert stored(media_root) == [exercise.media_name]
    assert AccessEntry.objects.filter(detail="clinic_exercise.change").count() == 1


def test_a_change_without_a_file_keeps_the_file_and_one_can_remove_it(
    world: World, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    exercise = own_exercise(world, media=photo())
    name = exercise.media_name
    claire = world.client_for(world.claire)
    url = reverse("exercise_edit", args=[exercise.pk])
    page = claire.get(url)
    assert page.status_code == 200
    assert "Eigen brug" in html(page)
    with django_capture_on_commit_callbacks(execute=True):
        assert claire.post(url, form_data(level="3")).status_code == 302
    exercise.refresh_from_db()
    assert (exercise.level, exercise.media_name) == (3, name)
    assert stored(media_root) == [name]
    with django_capture_on_commit_callbacks(execute=True):
        assert claire.post(url, form_data(remove_media="on")).status_code == 302
    exercise.refresh_from_db()
    assert (exercise.media_name, exercise.media_kind, exercise.media_type) == ("", "", "")
    assert stored(media_root) == []


def test_a_failed_save_removes_the_file_it_stored(
    world: World, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(clinic_exercises, "audit", refuse)
    with pytest.raises(RuntimeError):
        own_exercise(world, media=photo())
    assert not ClinicExercise.objects.exists()
    assert stored(media_root) == []


def test_an_exercise_no_program_has_is_deleted_with_its_file(
    world: World, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    exercise = own_exercise(world, media=photo())
    url = reverse("exercise_archive", args=[exercise.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert world.client_for(world.claire).post(url).status_code == 302
    assert not ClinicExercise.objects.exists()
    assert stored(media_root) == []
    assert AccessEntry.objects.filter(detail="clinic_exercise.delete").count() == 1


@pytest.mark.usefixtures("english")
def test_an_exercise_a_program_has_is_archived_and_keeps_its_file(
    world: World, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    exercise = own_exercise(world, media=photo())
    publish(world, exercise.exercise_id)
    claire = world.client_for(world.claire)
    with django_capture_on_commit_callbacks(execute=True):
        response = claire.post(reverse("exercise_archive", args=[exercise.pk]), follow=True)
    exercise.refresh_from_db()
    assert exercise.archived_at is not None
    assert stored(media_root) == [exercise.media_name]
    assert AccessEntry.objects.filter(detail="clinic_exercise.archive").count() == 1
    # Listed as archived; no longer changed or archived again.
    assert "archived on" in html(response)
    assert claire.get(reverse("exercise_edit", args=[exercise.pk])).status_code == 404
    assert claire.post(reverse("exercise_archive", args=[exercise.pk])).status_code == 404


# --- who may open what ----------------------------------------------------------------------

PERSONAS = ("anonymous", "amy", "ben", "claire", "xavier", "yara")
STAFF_X = {"anonymous": "login", "amy": 404, "ben": 404, "claire": 200, "xavier": 200, "yara": 404}
ANY_STAFF = {**STAFF_X, "yara": 200}
# The media: the clinic's staff, and Amy, whose current program has the exercise.
MEDIA = {**STAFF_X, "amy": 200}

Url = Callable[[ClinicExercise], str]


def outcome(response: Any) -> int | str:
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return "login"
    if response.status_code == 302:
        return 200  # a save goes back to the list
    return int(response.status_code)


PAGES: list[tuple[str, str, Url, dict[str, Any]]] = [
    ("list", "get", lambda e: reverse("exercise_list"), ANY_STAFF),
    ("new", "get", lambda e: reverse("exercise_new"), ANY_STAFF),
    ("edit", "get", lambda e: reverse("exercise_edit", args=[e.pk]), STAFF_X),
    ("edit", "post", lambda e: reverse("exercise_edit", args=[e.pk]), STAFF_X),
    ("archive", "post", lambda e: reverse("exercise_archive", args=[e.pk]), STAFF_X),
    (
        "media",
        "get",
        lambda e: reverse("exercise_media", kwargs={"exercise_pk": e.pk, "name": e.media_name}),
        MEDIA,
    ),
]


@pytest.mark.parametrize(
    ("page", "method", "url", "expected"),
    PAGES,
    ids=[f"{page}-{method}" for page, method, _url, _expected in PAGES],
)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_page_opens_only_to_its_personas(
    world: World, persona: str, page: str, method: str, url: Url, expected: dict[str, Any]
) -> None:
    exercise = own_exercise(world, media=photo())
    publish(world, exercise.exercise_id)
    user = None if persona == "anonymous" else getattr(world, persona)
    client = world.client_for(user)
    data = form_data() if method == "post" and page == "edit" else {}
    response = getattr(client, method)(url(exercise), data)
    assert outcome(response) == expected[persona], (page, persona, response.status_code)


def test_another_clinic_never_sees_the_exercise(world: World) -> None:
    exercise = own_exercise(world, name_nl="Geheime oefening")
    page = world.client_for(world.yara).get(reverse("exercise_list"))
    assert "Geheime oefening" not in html(page)
    assert find(world.clinic_y.pk, exercise.exercise_id) is None
    assert find_many(world.clinic_y.pk, [exercise.exercise_id, "bridge"]).keys() == {"bridge"}
    assert find(world.clinic_x.pk, exercise.exercise_id) is not None


def test_the_media_is_served_inline_never_sniffed_and_kept_privately(world: World) -> None:
    exercise = own_exercise(world, media=photo())
    url = reverse(
        "exercise_media", kwargs={"exercise_pk": exercise.pk, "name": exercise.media_name}
    )
    response = world.client_for(world.claire).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == "inline"
    assert response["Cache-Control"].startswith("private")
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")


def test_a_video_is_served_in_ranges(world: World) -> None:
    exercise = own_exercise(world, media=video())
    url = reverse(
        "exercise_media", kwargs={"exercise_pk": exercise.pk, "name": exercise.media_name}
    )
    claire = world.client_for(world.claire)
    part = claire.get(url, HTTP_RANGE="bytes=4-11")
    assert part.status_code == 206
    assert part["Content-Type"] == "video/mp4"
    assert part["Content-Range"] == f"bytes 4-11/{len(MP4)}"
    assert b"".join(part.streaming_content) == b"ftypmp42"
    tail = claire.get(url, HTTP_RANGE="bytes=-4")
    assert b"".join(tail.streaming_content) == MP4[-4:]
    assert claire.get(url, HTTP_RANGE=f"bytes={len(MP4)}-").status_code == 416
    whole = claire.get(url)
    assert whole.status_code == 200
    assert whole["Accept-Ranges"] == "bytes"


def test_the_media_answers_404_for_a_wrong_name_a_missing_file_or_no_file(
    world: World, media_root: Path
) -> None:
    claire = world.client_for(world.claire)
    exercise = own_exercise(world, media=photo())

    def get(name: str, pk: uuid.UUID = exercise.pk) -> int:
        url = reverse("exercise_media", kwargs={"exercise_pk": pk, "name": name})
        return int(claire.get(url).status_code)

    assert get(uuid.uuid4().hex + ".jpg") == 404
    without = own_exercise(world)
    assert get(exercise.media_name, without.pk) == 404
    (media_root / exercise.media_name).unlink()
    assert get(exercise.media_name) == 404
    with pytest.raises(ValueError, match="not a stored media name"):
        media_path("../../backpath.sqlite3")


def test_a_patient_sees_the_media_only_while_the_current_program_has_it(world: World) -> None:
    exercise = own_exercise(world, media=photo())
    url = reverse(
        "exercise_media", kwargs={"exercise_pk": exercise.pk, "name": exercise.media_name}
    )
    amy = world.client_for(world.amy)
    assert amy.get(url).status_code == 404  # no program yet
    publish(world, exercise.exercise_id)
    assert amy.get(url).status_code == 200
    publish(world, "bridge", reason="Another exercise instead.")
    assert amy.get(url).status_code == 404  # the current version no longer has it
