"""Files and records for the tests of the clinic's own exercises."""

from __future__ import annotations

import os
import uuid
from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from backpath.accounts.models import Clinic, User
from backpath.exercises.library import Category, Dosage
from backpath.programs import clinic_exercises, services
from backpath.programs.clinic_exercises import ExerciseDraft
from backpath.programs.media import CheckedMedia, check_photo, check_video
from backpath.programs.models import ClinicExercise, Program
from tests.personas import World

# The location a phone writes into a photo's EXIF (GPS IFD): latitude and longitude.
GPS_IFD = 0x8825


def photo_bytes(
    kind: str = "JPEG", size: tuple[int, int] = (80, 60), *, gps: bool = False
) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    out = BytesIO()
    options: dict[str, Any] = {}
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (52.0, 5.0, 0.0), 3: "E", 4: (4.0, 53.0, 0.0)})
        options["exif"] = exif
    image.save(out, format=kind, **options)
    return out.getvalue()


def noise_png(side: int) -> bytes:
    """A PNG of random pixels: it barely compresses, so ``side`` sets its size in bytes."""
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 200
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm" + b"\x00" * 200
MKV = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x88matroska" + b"\x00" * 200
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


def photo(**kwargs: Any) -> CheckedMedia:
    return check_photo(upload("photo.jpg", photo_bytes(**kwargs)))


def video() -> CheckedMedia:
    return check_video(upload("clip.mp4", MP4))


def draft(name_nl: str = "Eigen brug", name_en: str = "", **changes: Any) -> ExerciseDraft:
    fields: dict[str, Any] = {
        "name_nl": name_nl,
        "name_en": name_en,
        "steps_nl": "Ga op uw rug liggen.\nTil uw bekken op." if name_nl else "",
        "steps_en": "Lie on your back.\nLift your pelvis." if name_en else "",
        "feel_nl": "Warm in de billen." if name_nl else "",
        "feel_en": "Warm in the buttocks." if name_en else "",
        "cautions": "",
        "category": Category.STRENGTH,
        "level": 2,
        "dosage": Dosage(sets=2, reps=8),
    }
    return ExerciseDraft(**(fields | changes))


def own_exercise(
    world: World,
    *,
    clinic: Clinic | None = None,
    actor: User | None = None,
    media: CheckedMedia | None = None,
    **changes: Any,
) -> ClinicExercise:
    return clinic_exercises.exercise_create(
        actor=actor or world.claire,
        clinic=clinic or world.clinic_x,
        draft=draft(**changes),
        upload=media,
        submission=uuid.uuid4(),
    )


def publish(world: World, *exercise_ids: str, reason: str = "") -> Program:
    return services.program_publish(
        actor=world.claire,
        episode=world.amy_episode,
        items=[services.ItemDraft(e, Dosage(sets=2, reps=8), 7) for e in exercise_ids],
        quota=None,
        note="",
        reason=reason,
        submission=None,
    )


def form_data(**changes: Any) -> dict[str, Any]:
    """What the add form posts for a Dutch-only exercise of 2 x 8."""
    data: dict[str, Any] = {
        "name_nl": "Eigen brug",
        "steps_nl": "Ga op uw rug liggen.\nTil uw bekken op.",
        "feel_nl": "",
        "name_en": "",
        "steps_en": "",
        "feel_en": "",
        "category": "strength",
        "level": "2",
        "sets": "2",
        "reps": "8",
        "hold_seconds": "",
        "minutes": "",
        "cautions": "",
        "submission": str(uuid.uuid4()),
    }
    return data | changes
