"""Writes of the education pages: a module read, with the answers to its check questions."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from backpath.accounts.models import User
from backpath.care.audit import AuditAction, audit
from backpath.care.models import Episode
from backpath.education.modules import Module
from backpath.learning.models import ModuleRead


def module_read(
    *, actor: User, episode: Episode, module: Module, answers: Sequence[int]
) -> ModuleRead:
    """The patient read ``module`` and answered its check questions (one answer each, in
    order); reading it again replaces the score. Audited like every write; a module read has
    a numeric id, so the audit names the episode."""
    correct = sum(a == q.answer for a, q in zip(answers, module.questions, strict=True))
    with transaction.atomic(durable=True):
        read, _created = ModuleRead.objects.update_or_create(
            episode=episode,
            module_id=module.id,
            defaults={"correct": correct, "asked": len(answers), "read_at": timezone.now()},
        )
        audit(actor, episode, AuditAction.MODULE_READ, episode.id)
    return read
