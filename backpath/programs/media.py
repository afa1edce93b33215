"""The photo or video of a clinic's own exercise: upload checks, storage, and serving.

What a file is, is read from its content, never from its name or the type the browser
claims: a photo must open in Pillow as a JPEG, PNG or WebP and is re-encoded from its pixels
(the stored file holds no EXIF, so no location, and no other metadata of the camera); a video
must start with the signature of an MP4 or a WebM file. Files are stored in the data
directory (``MEDIA_ROOT/exercises``) under a name backpath makes (``<uuid>.<ext>``), so a
name a user chose never reaches the disk.
"""

from __future__ import annotations

import base64
import os
import re
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from backpath.programs.models import MediaKind

PHOTO_MAX_BYTES = 5 * 1024 * 1024
VIDEO_MAX_BYTES = 20 * 1024 * 1024
# A photo's size as its header declares it, checked before its pixels are decoded: a small
# file can declare an enormous image (a decompression bomb). 40 megapixels is more than a
# phone camera takes.
PHOTO_MAX_PIXELS = 40_000_000
# Stored photos are scaled down to this many pixels on their longest side: enough for a
# phone's screen and a printed page, and a much smaller file to send to a patient's phone.
PHOTO_MAX_SIDE = 2000

# Pillow's format name -> the stored extension and content type.
PHOTO_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
# The major brands of the MP4 files phones and editors write (ISO base media, MPEG-4,
# H.264). QuickTime (.mov, "qt  ") is left out: not every browser plays it.
MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash"}
)
EBML_MAGIC = b"\x1a\x45\xdf\xa3"
EBML_DOCTYPE = b"\x42\x82"

# Every name ``store`` makes; anything else is refused before it reaches the disk.
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp|mp4|webm)$")
CHUNK = 64 * 1024


class MediaRefused(Exception):
    """The upload is not what it must be; ``problem`` says what, to the clinician."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class CheckedMedia:
    """An upload that passed its check: a photo's re-encoded bytes, or the video file."""

    kind: MediaKind
    content_type: str
    extension: str
    photo: bytes | None = None
    video: File[Any] | None = None

    def chunks(self) -> Iterator[bytes]:
        if self.photo is not None:
            yield self.photo
        elif self.video is not None:
            self.video.seek(0)
            yield from self.video.chunks(CHUNK)


def check_photo(upload: File[Any]) -> CheckedMedia:
    """A JPEG, PNG or WebP photo of at most 5 MB, re-encoded in its own format: upright (the
    EXIF orientation applied), at most ``PHOTO_MAX_SIDE`` pixels a side, without metadata."""
    if (upload.size or 0) > PHOTO_MAX_BYTES:
        raise MediaRefused(_("The photo is larger than 5 MB."))
    upload.seek(0)
    try:
        # Only these decoders are tried: an SVG, a PDF or a TIFF never reaches a parser.
        with Image.open(upload, formats=list(PHOTO_FORMATS)) as image:
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise MediaRefused(_("The photo has too many pixels (at most 40 megapixels)."))
            photo_format = str(image.format)
            image.load()  # every pixel decoded: a damaged or truncated file fails here
            picture = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise MediaRefused(_("This is not a JPEG, PNG or WebP photo, or it is damaged.")) from None
    extension, content_type = PHOTO_FORMATS[photo_format]
    return CheckedMedia(
        MediaKind.PHOTO, content_type, extension, photo=_encode(picture, photo_format)
    )


def _encode(picture: Image.Image, photo_format: str) -> bytes:
    picture.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    # Some encoders take metadata from the image's info when the call names none (a JPEG's
    # comment, a PNG's text chunks): only the colour profile and a palette's transparent
    # colour, which the pixels need, go out with them.
    picture.info = {
        key: value for key, value in picture.info.items() if key in ("icc_profile", "transparency")
    }
    options: dict[str, Any] = {}
    if icc_profile := picture.info.get("icc_profile"):
        options["icc_profile"] = icc_profile
    if photo_format == "JPEG":
        if picture.mode not in ("RGB", "L"):
            picture = picture.convert("RGB")
        options |= {"quality": 85, "optimize": True}
    elif photo_format == "WEBP":
        if picture.mode not in ("RGB", "RGBA"):
            picture = picture.convert("RGBA" if "A" in picture.getbands() else "RGB")
        options |= {"quality": 85}
    else:
        options |= {"optimize": True}
    out = BytesIO()
    picture.save(out, format=photo_format, **options)
    return out.getvalue()


def check_video(upload: File[Any]) -> CheckedMedia:
    """An MP4 or WebM video of at most 20 MB, recognised by the first bytes of the file."""
    if (upload.size or 0) > VIDEO_MAX_BYTES:
        raise MediaRefused(_("The video is larger than 20 MB."))
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    if head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
        return CheckedMedia(MediaKind.VIDEO, "video/mp4", "mp4", video=upload)
    if head.startswith(EBML_MAGIC):
        # The EBML header names its document type: "webm" (Matroska is not for browsers).
        at = head.find(EBML_DOCTYPE)
        if at >= 0 and head[at + 3 : at + 7] == b"webm":
            return CheckedMedia(MediaKind.VIDEO, "video/webm", "webm", video=upload)
    raise MediaRefused(_("This is not an MP4 or WebM video."))


def media_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "exercises"


def media_path(name: str) -> Path:
    """The stored file's path; a name ``store`` did not make is refused (no path tricks)."""
    if not STORED_NAME.match(name):
        raise ValueError("not a stored media name")
    return media_dir() / name


def store(media: CheckedMedia) -> str:
    """Write the file under a new name and return the name. It appears whole or not at all:
    written to a temporary file in the same folder, then renamed."""
    folder = media_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.{media.extension}"
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(descriptor, "wb") as out:
            for chunk in media.chunks():
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, folder / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return name


def delete(name: str) -> None:
    if name:
        media_path(name).unlink(missing_ok=True)


# What a browser may keep of a served file: this user's browser only (``private``). A new
# upload has a new name, and the URL carries it, so nothing stale is ever shown.
CACHE_CONTROL = "private, max-age=86400"
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def media_response(name: str, content_type: str, range_header: str | None) -> HttpResponseBase:
    """The stored file, streamed with its content type, shown inline and never sniffed.

    A single byte range is answered with that part (206): Safari plays a video only from a
    server that does, and every browser seeks with it. A missing file is a 404."""
    path = media_path(name)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise Http404 from None
    found = RANGE.match(range_header.strip()) if range_header else None
    response: HttpResponseBase
    if found is None:
        response = FileResponse(path.open("rb"), content_type=content_type)
    else:
        first, last = found.groups()
        if first:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        elif last:  # the last N bytes
            start, end = max(size - int(last), 0), size - 1
        else:
            start, end = size, size  # "bytes=-": unsatisfiable
        if start >= size or start > end:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return _headers(response)
        response = StreamingHttpResponse(
            _read(path, start, end - start + 1), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    return _headers(response)


def _headers(response: HttpResponseBase) -> HttpResponseBase:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = CACHE_CONTROL
    return response


def _read(path: Path, start: int, length: int) -> Iterator[bytes]:
    with path.open("rb") as source:
        source.seek(start)
        while length > 0:
            chunk = source.read(min(CHUNK, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


# The booklet's picture box (booklet.css: 6.2 x 4.65 cm, 4:3); a printed photo is fitted in.
PRINT_SIZE = (800, 600)


def print_data_uri(name: str) -> str | None:
    """A stored photo fitted into the booklet's 4:3 picture box on white (the box has a
    fixed size, which would stretch a photo of another shape), as a ``data:`` URI: a PDF
    fetches nothing else (``backpath.web.pdf``). None when the file is missing."""
    try:
        with Image.open(media_path(name)) as image:
            fitted = ImageOps.pad(image.convert("RGBA"), PRINT_SIZE, color=(255, 255, 255, 0))
    except FileNotFoundError:
        return None
    white = Image.new("RGBA", PRINT_SIZE, (255, 255, 255, 255))
    out = BytesIO()
    Image.alpha_composite(white, fitted).convert("RGB").save(out, format="JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()
