"""What the care pages' forms post: valid data for each, with ``**overrides`` to spoil it.

Shared by the care tests and the web-wide bad-input test.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from backpath.care import core_input
from backpath.care.forms import SafetyForm
from backpath.care.models import Episode
from backpath.clinical.instruments import instrument


def safety_answers(**overrides: str) -> dict[str, str]:
    data = dict.fromkeys(SafetyForm().fields, "no")
    data.update(overrides)
    return data


def questionnaire_answers(episode: Episode) -> dict[str, dict[str, int]]:
    """A valid answer to every item, varied over each item's own option values."""
    answers: dict[str, dict[str, int]] = {}
    for instrument_id in core_input.instruments_for(episode):
        items = instrument(instrument_id).items
        answers[instrument_id] = {
            item.link_id: item.options[number % len(item.options)].value
            for number, item in enumerate(items)
        }
    return answers


def questionnaire_post(episode: Episode, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "description": "Pain low in the back since lifting a box.",
        "onset": (timezone.localdate() - timedelta(weeks=2)).isoformat(),
        "leg_pain": "none",
        "leg_pain_dominant": "no",
        "first_episode": "no",
        "course": "improving",
        "heavy_physical_work": "no",
    }
    for instrument_id, answers in questionnaire_answers(episode).items():
        for link_id, value in answers.items():
            data[f"{instrument_id}__{link_id}"] = value
    data.update(overrides)
    return data


# Each note says something of its own: a second note with the same content on the same day
# is asked about before it is saved (``session_checks.same_note_today``).
_NOTE_NUMBERS = itertools.count(1)


def session_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "submission": str(uuid.uuid4()),
        "held_on": timezone.localdate().isoformat(),
        "pain_now": 4,
        "subjective": f"Better in the morning (note {next(_NOTE_NUMBERS)}).",
        "interventions": ["exercise_therapy"],
        "deviation_reason": "",
        "over_budget_reason": "",
    }
    data.update(overrides)
    return data


def review_post(profile: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "submission": str(uuid.uuid4()),
        "neurological_deficit": "no",
        "slr_positive": "no",
        "lrs_confirmed": "",
        "notes": "Flexion limited by muscle tension.",
        "profile": profile,
        "profile_reason": "",
    }
    data.update(overrides)
    return data


def plan_change(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "submission": str(uuid.uuid4()),
        "max_sessions": 5,
        "omit": ["exercise_therapy"],
        "note": "Works shifts; home exercise is hard to keep up.",
        "reason": "Slow progress at the first evaluation.",
    }
    data.update(overrides)
    return data
