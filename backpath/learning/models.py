"""What a patient has read of the education curriculum, and how they answered its check."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backpath.care.models import Episode


class ModuleRead(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="reads")
    module_id = models.CharField(max_length=60)
    correct = models.PositiveSmallIntegerField()  # check questions answered right
    asked = models.PositiveSmallIntegerField()
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("module read")
        verbose_name_plural = _("modules read")
        ordering = ("read_at",)
        constraints = (
            models.UniqueConstraint(fields=("episode", "module_id"), name="one_read_per_module"),
            models.CheckConstraint(
                condition=models.Q(correct__lte=models.F("asked")), name="correct_within_asked"
            ),
        )

    def __str__(self) -> str:
        return f"{self.module_id} {self.episode}"
