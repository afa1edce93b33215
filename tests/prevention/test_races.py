"""A prevention check sent twice at the same moment is stored once; both get the advice.
See ``tests/care/test_races.py`` for how the races are played."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.core.exceptions import SuspiciousOperation

from backpath.education.prevention import CheckKind
from backpath.prevention.models import PreventionCheck
from backpath.prevention.services import prevention_check_record
from tests.care.test_races import (
    THREADS,
    at_once,
    audited,
    late_lookup,
    logged_in,
    on_postgresql,
)
from tests.personas import World
from tests.prevention.test_views import LIFESTYLE, WORKSTATION, check_url

__all__ = ["late_lookup"]  # the fixture, shared with the care tests


def check(world: World, kind: CheckKind, submission: uuid.UUID) -> PreventionCheck:
    return prevention_check_record(
        actor=world.amy,
        episode=world.amy_episode,
        kind=kind,
        answers=dict(WORKSTATION if kind == CheckKind.WORKSTATION else LIFESTYLE),
        submission=submission,
    )


def test_a_check_sent_twice_at_once_is_stored_once(
    world: World, late_lookup: Callable[[str], None]
) -> None:
    submission = uuid.uuid4()
    first = check(world, CheckKind.WORKSTATION, submission)
    late_lookup("backpath.prevention.services")
    assert check(world, CheckKind.WORKSTATION, submission) == first
    assert PreventionCheck.objects.get() == first
    assert audited("prevention.check") == 1


def test_a_form_id_that_raced_as_another_check_is_refused(
    world: World, late_lookup: Callable[[str], None]
) -> None:
    submission = uuid.uuid4()
    check(world, CheckKind.WORKSTATION, submission)
    late_lookup("backpath.prevention.services")
    with pytest.raises(SuspiciousOperation):
        check(world, CheckKind.LIFESTYLE, submission)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_check_posted_eight_times_at_once_is_stored_once(world: World) -> None:
    data = {"submission": str(uuid.uuid4()), **WORKSTATION}
    answers = at_once(logged_in(world.amy, THREADS), check_url("workstation"), data)
    assert {status for status, _to in answers} == {200}, answers  # the advice, on the page
    assert PreventionCheck.objects.get().kind == "workstation"
    assert audited("prevention.check") == 1
