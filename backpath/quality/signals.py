"""Marking an episode's quality summary stale when a record it is built from is saved or
deleted. The mark is set after the transaction commits, so a summary built while the write
was still open is marked again (``facts.stale`` compares the mark with the build time)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from backpath.auditlog.models import AccessEntry, Action
from backpath.care.letters import KINDS, printed
from backpath.care.models import Assessment, Episode, Intake, PlanVersion, SessionNote
from backpath.followup.models import Measurement
from backpath.learning.models import ModuleRead
from backpath.programs.models import Program
from backpath.quality.facts import mark_changed

# Each model whose rows a summary is built from, and how a row names its episode.
SOURCES: tuple[type[Model], ...] = (
    Intake,
    Assessment,
    PlanVersion,
    SessionNote,
    Measurement,
    Program,
    ModuleRead,
)
REPORTS = frozenset(printed(kind) for kind in KINDS)


def _mark_later(episode_id: uuid.UUID) -> None:
    transaction.on_commit(lambda: mark_changed([episode_id]))


def _record_changed(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    _mark_later(instance.episode_id)


def _episode_changed(sender: type[Model], instance: Episode, **kwargs: Any) -> None:
    _mark_later(instance.pk)


def _report_made(sender: type[Model], instance: AccessEntry, created: bool, **kwargs: Any) -> None:
    if created and instance.action == Action.PRINT and instance.detail in REPORTS:
        _mark_later(uuid.UUID(instance.object_id))


def connect() -> None:
    for model in SOURCES:
        post_save.connect(_record_changed, sender=model, dispatch_uid=f"quality-{model.__name__}")
        post_delete.connect(
            _record_changed, sender=model, dispatch_uid=f"quality-del-{model.__name__}"
        )
    post_save.connect(_episode_changed, sender=Episode, dispatch_uid="quality-episode")
    post_save.connect(_report_made, sender=AccessEntry, dispatch_uid="quality-report")
