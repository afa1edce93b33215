"""The settings fail closed: strict numbers, secrets from files, no guessing about tests.

The helpers are called in this process with a patched environment; whole-module behaviour is
checked by importing the settings in a fresh Python with a clean environment, so the settings
this test run uses are never reloaded.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from backpath.web import settings as backpath_settings

SECRET_KEY_MISSING = "set BACKPATH_SECRET_KEY (a long random string)"


def _python(tmp_path: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run code in a fresh interpreter whose environment holds only PATH and env."""
    clean = {"PATH": os.environ.get("PATH", ""), "BACKPATH_DATA_DIR": str(tmp_path / "var")}
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        env={**clean, **env},
        cwd=tmp_path,
        timeout=120,
    )


# Integer settings


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_an_unset_or_empty_integer_is_the_default(
    monkeypatch: pytest.MonkeyPatch, raw: str | None
) -> None:
    if raw is None:
        monkeypatch.delenv("BACKPATH_EMAIL_PORT", raising=False)
    else:
        monkeypatch.setenv("BACKPATH_EMAIL_PORT", raw)
    assert backpath_settings._env_int("BACKPATH_EMAIL_PORT", 587, 1, 65535) == 587


@pytest.mark.parametrize(("raw", "value"), [("25", 25), (" 465 ", 465), ("1", 1), ("65535", 65535)])
def test_a_whole_number_in_range_is_taken(
    monkeypatch: pytest.MonkeyPatch, raw: str, value: int
) -> None:
    monkeypatch.setenv("BACKPATH_EMAIL_PORT", raw)
    assert backpath_settings._env_int("BACKPATH_EMAIL_PORT", 587, 1, 65535) == value


@pytest.mark.parametrize("raw", ["abc", "2.0", "1e3", "5_000", "0x19", "0", "65536", "-25", "٢٥"])
def test_anything_else_is_refused_naming_the_variable_and_the_value(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv("BACKPATH_EMAIL_PORT", raw)
    with pytest.raises(ImproperlyConfigured) as refused:
        backpath_settings._env_int("BACKPATH_EMAIL_PORT", 587, 1, 65535)
    assert str(refused.value) == f"BACKPATH_EMAIL_PORT must be a whole number 1-65535, got {raw!r}"


def test_a_bad_email_port_stops_the_settings(tmp_path: Path) -> None:
    done = _python(
        tmp_path,
        "import backpath.web.settings",
        BACKPATH_TESTING="true",
        BACKPATH_EMAIL_PORT="abc",
    )
    assert done.returncode != 0
    assert "BACKPATH_EMAIL_PORT must be a whole number 1-65535, got 'abc'" in done.stderr


# Secrets from files (NAME_FILE)


def test_a_secret_comes_from_the_environment_or_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("BACKPATH_EMAIL_PASSWORD_FILE", raising=False)
    monkeypatch.delenv("BACKPATH_EMAIL_PASSWORD", raising=False)
    assert backpath_settings._env_secret("BACKPATH_EMAIL_PASSWORD", "none") == "none"
    monkeypatch.setenv("BACKPATH_EMAIL_PASSWORD", "hunter2")
    assert backpath_settings._env_secret("BACKPATH_EMAIL_PASSWORD") == "hunter2"


@pytest.mark.parametrize(
    ("content", "secret"),
    [
        ("s3cret\n", "s3cret"),
        ("s3cret\r\n", "s3cret"),
        ("s3cret", "s3cret"),
        ("two words \n\n", "two words "),
    ],
)
def test_a_secret_comes_from_its_file_without_the_trailing_newline(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: str, secret: str
) -> None:
    path = tmp_path / "password"
    path.write_bytes(content.encode())
    monkeypatch.delenv("BACKPATH_EMAIL_PASSWORD", raising=False)
    monkeypatch.setenv("BACKPATH_EMAIL_PASSWORD_FILE", str(path))
    assert backpath_settings._env_secret("BACKPATH_EMAIL_PASSWORD") == secret


def test_a_secret_given_twice_is_refused_naming_both(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "password"
    path.write_text("from-the-file\n", encoding="utf-8")
    monkeypatch.setenv("BACKPATH_EMAIL_PASSWORD", "from-the-environment")
    monkeypatch.setenv("BACKPATH_EMAIL_PASSWORD_FILE", str(path))
    with pytest.raises(ImproperlyConfigured) as refused:
        backpath_settings._env_secret("BACKPATH_EMAIL_PASSWORD")
    message = str(refused.value)
    assert message == "set BACKPATH_EMAIL_PASSWORD or BACKPATH_EMAIL_PASSWORD_FILE, not both"
    assert "from-the" not in message


def test_a_missing_secret_file_is_refused_naming_the_variable_and_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "nowhere" / "password"
    monkeypatch.delenv("BACKPATH_EMAIL_PASSWORD", raising=False)
    monkeypatch.setenv("BACKPATH_EMAIL_PASSWORD_FILE", str(path))
    with pytest.raises(ImproperlyConfigured) as refused:
        backpath_settings._env_secret("BACKPATH_EMAIL_PASSWORD")
    message = str(refused.value)
    assert message.startswith("BACKPATH_EMAIL_PASSWORD_FILE: cannot read ")
    assert str(path) in message


def test_a_directory_is_not_a_secret_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("BACKPATH_EMAIL_PASSWORD", raising=False)
    monkeypatch.setenv("BACKPATH_EMAIL_PASSWORD_FILE", str(tmp_path))
    with pytest.raises(ImproperlyConfigured, match="BACKPATH_EMAIL_PASSWORD_FILE: cannot read"):
        backpath_settings._env_secret("BACKPATH_EMAIL_PASSWORD")


@pytest.mark.parametrize("content", ["", "\n", "\r\n\n"])
def test_an_empty_secret_file_is_refused_naming_the_variable_and_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: str
) -> None:
    path = tmp_path / "password"
    path.write_bytes(content.encode())
    monkeypatch.delenv("BACKPATH_EMAIL_PASSWORD", raising=False)
    monkeypatch.setenv("BACKPATH_EMAIL_PASSWORD_FILE", str(path))
    with pytest.raises(ImproperlyConfigured) as refused:
        backpath_settings._env_secret("BACKPATH_EMAIL_PASSWORD")
    assert str(refused.value) == f"BACKPATH_EMAIL_PASSWORD_FILE: {str(path)!r} is empty"


def test_a_secret_file_that_is_not_text_is_refused_without_showing_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "password"
    path.write_bytes(b"\xffsecret-bytes\n")
    monkeypatch.delenv("BACKPATH_EMAIL_PASSWORD", raising=False)
    monkeypatch.setenv("BACKPATH_EMAIL_PASSWORD_FILE", str(path))
    with pytest.raises(ImproperlyConfigured) as refused:
        backpath_settings._env_secret("BACKPATH_EMAIL_PASSWORD")
    assert str(refused.value) == f"BACKPATH_EMAIL_PASSWORD_FILE: {str(path)!r} is not UTF-8 text"


def test_every_secret_setting_reads_its_file(tmp_path: Path) -> None:
    files = {
        "BACKPATH_SECRET_KEY_FILE": "k" * 50 + "\n",
        "DATABASE_URL_FILE": "postgres://backpath:db-pass@db.example:5432/backpath\n",
        "BACKPATH_EMAIL_USER_FILE": "mailer\n",
        "BACKPATH_EMAIL_PASSWORD_FILE": "mail-pass\n",
    }
    env = {}
    for name, content in files.items():
        path = tmp_path / name.lower()
        path.write_text(content, encoding="utf-8")
        env[name] = str(path)
    done = _python(
        tmp_path,
        "import json; from backpath.web import settings as s; print(json.dumps([s.SECRET_KEY, "
        "s.DATABASES['default']['PASSWORD'], s.DATABASES['default']['HOST'], "
        "s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD]))",
        **env,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["k" * 50, "db-pass", "db.example", "mailer", "mail-pass"]


def test_a_secret_key_given_twice_stops_the_settings_without_showing_it(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    path.write_text("file-secret-" + "f" * 40, encoding="utf-8")
    done = _python(
        tmp_path,
        "import backpath.web.settings",
        BACKPATH_SECRET_KEY="env-secret-" + "e" * 40,
        BACKPATH_SECRET_KEY_FILE=str(path),
    )
    assert done.returncode != 0
    assert "set BACKPATH_SECRET_KEY or BACKPATH_SECRET_KEY_FILE, not both" in done.stderr
    assert "f" * 40 not in done.stderr
    assert "e" * 40 not in done.stderr


# Only an explicit flag runs without a secret key


def test_importing_pytest_does_not_loosen_the_settings(tmp_path: Path) -> None:
    done = _python(tmp_path, "import pytest; import backpath.web.settings")
    assert done.returncode != 0
    assert SECRET_KEY_MISSING in done.stderr


@pytest.mark.parametrize("flag", ["BACKPATH_TESTING", "BACKPATH_DEMO"])
def test_the_test_and_demo_flags_run_without_a_secret_key(tmp_path: Path, flag: str) -> None:
    done = _python(
        tmp_path,
        "from backpath.web import settings as s; print(s.SESSION_COOKIE_SECURE)",
        **{flag: "true"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_a_real_installation_is_strict(tmp_path: Path) -> None:
    done = _python(
        tmp_path,
        "from backpath.web import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.WHITENOISE_USE_FINDERS, s.SECURE_HSTS_SECONDS > 0)",
        BACKPATH_SECRET_KEY="k" * 50,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False", "True"]


def test_this_run_declared_itself_and_its_children_start_clean() -> None:
    # pytest-env set BACKPATH_TESTING before the settings were loaded (they run without a
    # key); tests/conftest.py then removed it so subprocesses see a real environment.
    assert backpath_settings._INSECURE_ALLOWED
    assert backpath_settings.SECRET_KEY.startswith("backpath-demo-only-not-secret-")
    assert "BACKPATH_TESTING" not in os.environ
