"""The scheduled check that raises time-based alerts; safe to run again at any time."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from backpath.care.models import Episode, EpisodeStatus
from backpath.clinical.followup import ADHERENCE_WINDOW_DAYS
from backpath.followup.models import Alert
from backpath.followup.selectors import between_visits
from backpath.followup.services import refresh_alerts
from backpath.programs.selectors import adherence


def refresh_all_alerts(today: date) -> list[Alert]:
    """Low adherence and overdue questionnaires for every episode in treatment."""
    raised: list[Alert] = []
    episodes = Episode.objects.filter(status=EpisodeStatus.TREATMENT).select_related("intake")
    for episode in episodes.iterator():
        state = between_visits(episode, today)
        counts = adherence(episode, today, days=ADHERENCE_WINDOW_DAYS)
        program_days = (
            (today - timezone.localdate(first.published_at)).days + 1
            if (first := episode.programs.order_by("number").first())
            else 0
        )
        raised += refresh_alerts(
            episode,
            today,
            done=sum(day.done for day in counts.days),
            planned=sum(day.due for day in counts.days),
            program_days=program_days,
            due=state.due,
        )
    return raised
