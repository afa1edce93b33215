"""`backpath demo` and the management-command passthrough, in process (the subprocess
tests in tests/cli check the same from outside)."""

from __future__ import annotations

from typing import Any

import pytest

from backpath.accounts.models import User
from backpath.cli import main


def test_it_loads_the_demo_then_serves_it_on_the_port_asked(
    db: None,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # In its own process `backpath demo` sets BACKPATH_DEMO before the settings load; here
    # they are loaded already, so the test sets both.
    monkeypatch.setenv("BACKPATH_DEMO", "true")
    settings.BACKPATH_DEMO = True
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        "django.core.management.call_command", lambda *args, **kw: calls.append(args)
    )

    assert main(["demo", "--port", "8123"]) == 0

    assert calls == [("migrate",), ("runserver", "127.0.0.1:8123")]
    out = capsys.readouterr().out
    assert "demo data loaded" in out
    assert "past patients generated for the quality page" in out
    assert "http://127.0.0.1:8123/" in out
    assert User.objects.filter(email="sanne@delinde.example").exists()


def test_it_runs_a_django_management_command(
    db: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BACKPATH_DEMO", "true")
    assert main(["check"]) == 0
    assert "no issues" in capsys.readouterr().out


def test_it_offers_a_wsgi_application_for_gunicorn() -> None:
    from backpath.web import wsgi

    assert callable(wsgi.application)
