"""Reading the access log in tests: what a request wrote, and entries dated in the past."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import pytest

from backpath.auditlog import services
from backpath.auditlog.models import AccessEntry


def last_id() -> int:
    return AccessEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def written_since(before: int) -> Any:
    """The entries written after entry ``before`` (see ``last_id``), oldest first."""
    return AccessEntry.objects.filter(id__gt=before).order_by("id")


@contextmanager
def recorded_at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> Iterator[None]:
    """``record`` writes entries dated ``moment``, as if they were written back then."""
    with monkeypatch.context() as patch:
        patch.setattr(services, "timezone", SimpleNamespace(now=lambda: moment))
        yield
