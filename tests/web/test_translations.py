"""The Dutch message catalogue: complete, free of fuzzy guesses, compiled, and in use.

The catalogue is regenerated with (from the ``backpath`` package directory):

    BACKPATH_DEMO=true DJANGO_SETTINGS_MODULE=backpath.web.settings \
        django-admin makemessages -l nl --no-obsolete --no-location --ignore='clinical/*'

then translated, and compiled to ``django.mo`` with polib. The clinical core carries its own
Dutch and English texts in its data files, so it is left out of the extraction.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.urls import reverse

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "backpath"
LC_MESSAGES = Path("web", "locale", "nl", "LC_MESSAGES")
PO_PATH = PACKAGE / LC_MESSAGES / "django.po"
MO_PATH = PACKAGE / LC_MESSAGES / "django.mo"
MAKEMESSAGES = (
    "makemessages",
    "-l",
    "nl",
    "--no-obsolete",
    "--no-location",
    "--ignore=clinical/*",
)

Key = tuple[str | None, str]


def _key(entry: polib.POEntry | polib.MOEntry) -> Key:
    return (entry.msgctxt, entry.msgid)


def _label(key: Key) -> str:
    context, msgid = key
    return f"{msgid!r} (context {context!r})" if context else repr(msgid)


def _translations(catalogue: polib.POFile | polib.MOFile) -> dict[Key, object]:
    """msgid -> msgstr (or the plural forms), for every message apart from the header."""
    return {
        _key(entry): tuple(sorted(entry.msgstr_plural.items()))
        if entry.msgid_plural
        else entry.msgstr
        for entry in catalogue
        if entry.msgid and not entry.obsolete
    }


@pytest.fixture(scope="module")
def committed() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def test_it_has_translated_every_message_in_the_code_and_templates(
    tmp_path: Path, committed: polib.POFile
) -> None:
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.fail("makemessages needs GNU gettext (xgettext, msgmerge): apt-get install gettext")
    copy = tmp_path / "backpath"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "var"))
    for stale in (copy / LC_MESSAGES).glob("django.*"):
        stale.unlink()  # a clean extraction, not a merge with the committed catalogue
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path),  # `backpath` is the copy, so its LOCALE_PATHS are too
        "DJANGO_SETTINGS_MODULE": "backpath.web.settings",
        "BACKPATH_DEMO": "true",
    }
    done = subprocess.run(
        [sys.executable, "-m", "django", *MAKEMESSAGES],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    fresh = polib.pofile(str(copy / LC_MESSAGES / "django.po"))
    assert len(fresh) > 100, "the extraction found almost nothing; is it scanning the copy?"

    known = {_key(entry) for entry in committed if not entry.obsolete}
    missing = sorted(
        (_key(entry) for entry in fresh if _key(entry) not in known),
        key=lambda key: (key[0] or "", key[1]),
    )
    assert not missing, (
        "New messages are not in the Dutch catalogue. From backpath/, run "
        "`BACKPATH_DEMO=true DJANGO_SETTINGS_MODULE=backpath.web.settings django-admin "
        f"{' '.join(MAKEMESSAGES)}`, translate them in {PO_PATH.relative_to(REPO)} "
        "and compile the .mo:\n" + "\n".join(_label(key) for key in missing)
    )


def test_it_leaves_no_message_untranslated_or_fuzzy(committed: polib.POFile) -> None:
    entries = [entry for entry in committed if not entry.obsolete]
    fuzzy = [_label(_key(entry)) for entry in entries if entry.fuzzy]
    untranslated = [
        _label(_key(entry)) for entry in entries if not entry.fuzzy and not entry.translated()
    ]
    problems = []
    if untranslated:
        problems.append("Untranslated Dutch messages:\n" + "\n".join(untranslated))
    if fuzzy:
        problems.append("Fuzzy Dutch messages (check, then drop the flag):\n" + "\n".join(fuzzy))
    if committed.metadata_is_fuzzy:
        problems.append("The catalogue header is marked fuzzy.")
    assert not problems, "\n\n".join(problems)
    assert committed.metadata.get("Language") == "nl"
    assert committed.metadata.get("Plural-Forms") == "nplurals=2; plural=(n != 1);"


def test_it_ships_a_compiled_catalogue_that_matches_the_po_file(
    committed: polib.POFile,
) -> None:
    compiled = _translations(polib.mofile(str(MO_PATH)))
    source = _translations(committed)
    differ = sorted(
        (key for key in source.keys() | compiled.keys() if source.get(key) != compiled.get(key)),
        key=lambda key: (key[0] or "", key[1]),
    )
    assert not differ, (
        "django.mo is out of date with django.po; recompile it with "
        "`polib.pofile(po).save_as_mofile(mo)`:\n" + "\n".join(_label(key) for key in differ)
    )


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        ("nl", ["Inloggen", "Wachtwoord vergeten?"], "Forgot your password?"),
        ("en", ["Log in", "Forgot your password?"], "Wachtwoord vergeten?"),
    ],
)
def test_it_shows_the_login_page_in_the_browsers_language(
    language: str, expected: list[str], absent: str
) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(reverse("login"))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in page
    for text in expected:
        assert text in page
    assert absent not in page
