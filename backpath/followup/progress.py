"""The measured course of an episode, as series the progress charts draw."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from backpath.care.models import Episode
from backpath.clinical.instruments import instrument
from backpath.clinical.scoring import score
from backpath.followup.models import DiaryEntry, Measurement

Point = tuple[date, float, str]

_WEEK = re.compile(r"^week-(\d+)$")
_FOLLOWUP = re.compile(r"^followup-(\d+)m$")


def occasion_label(key: str) -> str:
    """A measuring moment in words: "Week 6", "Discharge", "3 months after"."""
    if key == "intake":
        return _("Intake")
    if key == "discharge":
        return _("Discharge")
    if match := _WEEK.match(key):
        return _("Week %(number)s") % {"number": match.group(1)}
    if match := _FOLLOWUP.match(key):
        return _("%(number)s months after discharge") % {"number": match.group(1)}
    return key


@dataclass(frozen=True, slots=True)
class Course:
    measures: dict[str, list[Point]]  # instrument id -> (day, total, label), in date order
    diary: list[DiaryEntry]
    active_weeks: list[tuple[date, int]]  # Monday, minutes active that week


def course(
    episode: Episode, measurements: list[Measurement], today: date, days: int = 56
) -> Course:
    """Intake and later measurements per instrument, and the diary of the last ``days`` days."""
    measures: dict[str, list[Point]] = defaultdict(list)
    intake = getattr(episode, "intake", None)
    if intake is not None and intake.finished_at is not None:
        day = timezone.localdate(intake.finished_at)
        for instrument_id, answers in intake.answers.items():
            total = score(instrument(instrument_id), answers).total
            if total is not None:
                measures[instrument_id].append((day, float(total), occasion_label("intake")))
    for measurement in measurements:
        day = timezone.localdate(measurement.created_at)
        for instrument_id, total in measurement.scores.items():
            if total is not None:
                measures[instrument_id].append(
                    (day, float(total), occasion_label(measurement.occasion))
                )
    diary = list(
        episode.diary.filter(day__gt=today - timedelta(days=days), day__lte=today).order_by("day")
    )
    weeks: dict[date, int] = defaultdict(int)
    for entry in diary:
        weeks[entry.day - timedelta(days=entry.day.weekday())] += entry.active_minutes
    return Course(
        measures={key: sorted(points) for key, points in measures.items()},
        diary=diary,
        active_weeks=sorted(weeks.items()),
    )
