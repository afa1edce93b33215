"""Every chart, byte for byte: the SVG each chart function draws for fixed inputs.

The files in ``golden/`` were drawn by the chart modules as they were before the drawing moved
to :mod:`backpath.charts` (issue #11), so a change in any byte of any chart fails here. To
accept a change on purpose, redraw them and review the diff:

    BACKPATH_UPDATE_GOLDEN=1 .venv/bin/pytest tests/charts/test_golden.py -p no:randomly

The progress charts of an episode (``backpath.followup.episode_charts``) are drawn in Dutch and in
English, with an episode that stands in for the database; those files change with the Dutch
catalogue and the instrument definitions (names, ranges, minimal important change) as well.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast
from unittest import mock

import pytest
from django.utils import translation

from backpath.followup import episode_charts as followup_charts
from backpath.followup.progress import Course
from backpath.followup.progress_charts import (
    activity_chart,
    diary_chart,
    measure_chart,
    multi_measure_chart,
)
from backpath.programs.adherence_charts import completion_chart, pain_chart
from backpath.programs.selectors import Adherence, DayCount

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("BACKPATH_UPDATE_GOLDEN") == "1"
TODAY = date(2025, 11, 25)
START = date(2025, 9, 1)
NASTY = 'Knie <&> "hug" \'n </svg><script>alert(1)</script>\x00'
LONG = "Knee to chest, slowly, breathing out, ten times on each side " * 2


def back(n: int) -> list[date]:
    """The ``n`` days up to and including ``TODAY``."""
    return [TODAY - timedelta(days=n - 1 - i) for i in range(n)]


def on(n: int) -> date:
    return START + timedelta(days=n)


# The adherence page: exercises done per day, pain per exercise.

COMPLETION: dict[str, Callable[[], str]] = {
    "empty-en": lambda: completion_chart([], title="Exercises done per day"),
    "empty-nl-nothing-due": lambda: completion_chart(
        [(day, 0, 0) for day in back(7)],
        title="Oefeningen gedaan per dag",
        desc="Van 19/11 tot 25/11.",
        empty_text="Nog geen oefeningen gepland of gedaan.",
        done_label="Gedaan",
        missed_label="Gemist",
        chart_id="adherence-completion",
    ),
    "one-day": lambda: completion_chart([(TODAY, 1, 2)], title="Done", chart_id="one"),
    "more-done-than-due": lambda: completion_chart(
        [(TODAY - timedelta(days=1), 3, 1), (TODAY, -2, 4)], title="Done", desc="Two days."
    ),
    "four-weeks-en": lambda: completion_chart(
        [(day, i % 3, 2) for i, day in enumerate(back(28))],
        title="Exercises done per day",
        desc="From 28/10 to 25/11. Done: 27; missed: 29.",
        empty_text="No exercises due or done yet.",
        done_label="Done",
        missed_label="Missed",
        chart_id="adherence-completion",
    ),
    "four-weeks-nl-phone": lambda: completion_chart(
        [(day, (i * 7) % 5, 4) for i, day in enumerate(back(28))],
        title="Oefeningen gedaan per dag",
        desc="Van 28/10 tot 25/11. Gedaan: 56; gemist: 56.",
        empty_text="Nog geen oefeningen gepland of gedaan.",
        done_label="Gedaan",
        missed_label="Gemist",
        chart_id="progress-exercises",
        width=400,
    ),
    "ninety-days-narrowest": lambda: completion_chart(
        [(day, i % 11, 10) for i, day in enumerate(back(90))],
        title="Done",
        chart_id="wide range",
        width=320,
    ),
    "escaped": lambda: completion_chart(
        [(TODAY, 1, 2)],
        title=NASTY,
        desc=NASTY,
        done_label=NASTY,
        missed_label=NASTY,
        chart_id=NASTY,
    ),
    "empty-escaped": lambda: completion_chart([], title=NASTY, empty_text=NASTY, chart_id=""),
}

PAIN_LABELS = {
    "bridge": "Bridge",
    "cat_cow": "Cat and cow",
    "walk": "Walk",
    "knee": "Knee to chest",
    "plank": "Plank",
    "bird_dog": "Bird dog",
}

PAIN: dict[str, Callable[[], str]] = {
    "empty-en": lambda: pain_chart({}, title="Pain per exercise (0-10)", labels={}),
    "empty-nl-outside-span": lambda: pain_chart(
        {"bridge": [(TODAY - timedelta(days=40), 4)], "walk": []},
        title="Pijn per oefening (0-10)",
        labels={"bridge": "Bruggetje"},
        desc="Pijn van 0 tot 10.",
        empty_text="Nog geen pijnscores.",
        span=(TODAY - timedelta(days=27), TODAY),
        chart_id="adherence-pain",
    ),
    "one-point": lambda: pain_chart({"walk": [(TODAY, 4)]}, title="Pain", labels={}),
    "limits": lambda: pain_chart(
        {"bridge": [(TODAY - timedelta(days=2), 0), (TODAY - timedelta(days=1), 10)]},
        title="Pain",
        labels=PAIN_LABELS,
    ),
    "clamped": lambda: pain_chart(
        {"bridge": [(TODAY - timedelta(days=3), -3), (TODAY, 14), (TODAY - timedelta(days=1), 5)]},
        title="Pain",
        labels=PAIN_LABELS,
        span=(TODAY - timedelta(days=6), TODAY),
    ),
    "six-exercises-en": lambda: pain_chart(
        {
            key: [(day, (i * (n + 2)) % 11) for i, day in enumerate(back(28)) if i % (n + 1) == 0]
            for n, key in enumerate(PAIN_LABELS)
        },
        title="Pain per exercise (0-10)",
        labels=PAIN_LABELS,
        desc="Pain from 0 to 10 per exercise from 28/10 to 25/11; the dashed line marks 5.",
        empty_text="No pain scores logged yet.",
        span=(TODAY - timedelta(days=27), TODAY),
        chart_id="adherence-pain",
    ),
    "three-exercises-nl-outside-span": lambda: pain_chart(
        {
            "bridge": [(day, 3 + i % 4) for i, day in enumerate(back(10))],
            "cat_cow": [(TODAY - timedelta(days=2), 6), (TODAY, 7)],
            "walk": [(TODAY - timedelta(days=40), 9), (TODAY, 2)],
        },
        title="Pijn per oefening (0-10)",
        labels={"bridge": "Bruggetje", "cat_cow": "Kat en koe"},
        desc="Pijn van 0 tot 10 per oefening; de stippellijn staat bij 5.",
        empty_text="Nog geen pijnscores.",
        span=(TODAY - timedelta(days=27), TODAY),
        chart_id="adherence-pain",
    ),
    "long-label-phone": lambda: pain_chart(
        {"knee": [(TODAY, 3)]}, title="Pain", labels={"knee": LONG}, width=400
    ),
    "eight-weeks-narrowest": lambda: pain_chart(
        {"walk": [(day, i % 11) for i, day in enumerate(back(56))]},
        title="Pain",
        labels={},
        width=320,
    ),
    "escaped": lambda: pain_chart(
        {"x": [(TODAY, 4)], NASTY: [(TODAY, 6)]}, title=NASTY, labels={"x": NASTY}, desc=NASTY
    ),
}


# The progress charts: one instrument, the overview, activity and the diary.

SCORES = [(on(0), 7.0, "Intake"), (on(14), 6.0, "Diary"), (on(42), 4.0, "Week 6")]
TWELVE_WEEKS = [(on(n), 7 - n / 20, "Diary" if n % 7 else f"Week {n // 7}") for n in range(84)]


def nprs(points: list[tuple[date, float, str]], **options: Any) -> str:
    arguments: dict[str, Any] = {
        "title": "Pain",
        "empty_text": "Not measured yet.",
        "scale_min": 0,
        "scale_max": 10,
        "better": "lower",
        "unit_label": "NPRS",
        "chart_id": "progress-nprs",
        **options,
    }
    return measure_chart(points, **arguments)


MEASURE: dict[str, Callable[[], str]] = {
    "empty-en": lambda: nprs([], better_label="Lower is better"),
    "empty-nl-not-a-number": lambda: nprs(
        [(on(0), math.nan, "Intake"), (on(3), math.inf, "Week 1")],
        title="Pijn",
        empty_text="Nog niet gemeten.",
        better_label="Lager is beter",
    ),
    "one-point": lambda: nprs([(on(0), 6.0, "Intake")]),
    "one-point-band": lambda: nprs(
        [(on(0), 6.0, "Intake")], mcid_band=(6.0, 2.0), band_label="No meaningful change"
    ),
    "three-points-band-en": lambda: nprs(
        SCORES,
        desc="NPRS at each measurement, from 0 to 10.",
        mcid_band=(7.0, 2.0),
        better_label="Lower is better",
        band_label="No meaningful change",
    ),
    "three-points-band-nl-phone": lambda: nprs(
        [(on(0), 7.0, "Intake"), (on(14), 6.0, "Dagboek"), (on(42), 4.0, "Week 6")],
        title="Pijn",
        desc="NPRS bij elke meting, van 0 tot 10.",
        empty_text="Nog niet gemeten.",
        mcid_band=(7.0, 2.0),
        better_label="Lager is beter",
        band_label="Geen betekenisvolle verandering",
        width=400,
    ),
    "limits-held-to-scale": lambda: nprs(
        [(on(0), 100, "Intake"), (on(7), 0, "Week 1"), (on(9), 250, "Diary"), (on(9), -3, "x")],
        scale_max=100,
        better="higher",
        unit_label="PSFS",
        mcid_band=(95.0, -20.0),
        better_label="Higher is better",
    ),
    "psk-band-no-label": lambda: nprs(
        [(on(0), 17.0, "Intake"), (on(21), 12.5, "Week 3"), (on(42), 8.25, "Week 6")],
        title="PSK",
        scale_min=0,
        scale_max=24,
        unit_label="PSK",
        mcid_band=(17.0, 3.0),
    ),
    "negative-scale-twelve-weeks": lambda: nprs(
        [(day, value - 7, label) for day, value, label in TWELVE_WEEKS],
        scale_min=-5.5,
        scale_max=4.5,
        better="higher",
        unit_label="",
        width=560,
    ),
    "long-point-labels-narrowest": lambda: nprs(
        [(on(0), 3.0, "3 months after discharge"), (on(90), 2.0, "6 months after discharge")],
        width=320,
    ),
    "odd-scale": lambda: nprs(
        [(on(0), 37.0, "Intake"), (on(30), 61.7, "Week 4")], scale_min=13, scale_max=87
    ),
    "escaped": lambda: nprs(
        [(on(0), 7.0, NASTY), (on(7), 5.0, NASTY)],
        title=NASTY,
        desc=NASTY,
        unit_label=NASTY,
        better_label=NASTY,
        mcid_band=(7, 2),
        band_label=NASTY,
        chart_id=NASTY,
    ),
}

MULTI: dict[str, Callable[[], str]] = {
    "empty-en": lambda: multi_measure_chart(
        [("NPRS", [], 0, 10, "lower")],
        title="Pain and function",
        empty_text="Not measured yet.",
        better_label="Up is better for every measure: 100% is the best score.",
        chart_id="progress-overview",
    ),
    "one-point": lambda: multi_measure_chart(
        [("NPRS", [(on(0), 6.0, "Intake")], 0, 10, "lower")],
        title="Overview",
        empty_text="-",
        better_label="",
        chart_id="overview",
    ),
    "three-measures-en": lambda: multi_measure_chart(
        [
            ("NPRS", [(on(0), 10, "Intake"), (on(42), 0, "Week 6")], 0, 10, "lower"),
            ("PSK", [(on(0), 18, "Intake"), (on(21), 9, "Week 3")], 0, 24, "lower"),
            ("QBPDS", [(on(0), 50, "Intake"), (on(42), 25, "Week 6")], 0, 100, "lower"),
        ],
        title="Pain and function",
        empty_text="Not measured yet.",
        better_label="Up is better for every measure: 100% is the best score.",
        chart_id="progress-overview",
    ),
    "five-measures-nl-phone": lambda: multi_measure_chart(
        [
            ("NPRS", [(on(0), 8, "Intake"), (on(42), 3, "Week 6")], 0, 10, "lower"),
            ("Leeg", [], 0, 10, "lower"),
            ("PSFS", [(on(0), 2, "Intake"), (on(42), 12, "Week 6")], 0, 10, "higher"),
            ("QBPDS", [(on(0), 61, "Intake"), (on(20), 40, ""), (on(42), 25, "")], 0, 100, "lower"),
            ("GPE", [(on(0), -4, "Intake"), (on(42), math.nan, "")], -5, 5, "higher"),
            ("Oswestry", [(on(7), 44, "Week 1"), (on(42), 12, "Week 6")], 0, 100, "lower"),
        ],
        title="Pijn en functie",
        desc="Vijf metingen.",
        empty_text="Nog niet gemeten.",
        better_label="Omhoog is beter voor elke meting: 100% is de beste score.",
        chart_id="progress-overview",
        width=400,
    ),
    "twelve-weeks-narrowest": lambda: multi_measure_chart(
        [
            ("NPRS", TWELVE_WEEKS, 0, 10, "lower"),
            ("QBPDS", TWELVE_WEEKS[::3], 0, 100, "lower"),
        ],
        title="Overview",
        empty_text="-",
        better_label="Up is better.",
        chart_id="overview",
        width=320,
    ),
    "escaped": lambda: multi_measure_chart(
        [(NASTY, [(on(0), 7.0, NASTY), (on(7), 5.0, NASTY)], 0, 10, "lower")],
        title=NASTY,
        empty_text=NASTY,
        better_label=NASTY,
        chart_id=NASTY,
    ),
}


def activity(weeks: list[tuple[date, int]], **options: Any) -> str:
    arguments: dict[str, Any] = {
        "title": "Minutes active per week",
        "desc": "From the diary; the dashed line is the advised 150 minutes a week.",
        "empty_text": "No diary entries yet.",
        "goal": 150,
        "unit_label": "min",
        "chart_id": "progress-activity",
        "goal_label": "150 minutes",
        **options,
    }
    return activity_chart(weeks, **arguments)


ACTIVITY: dict[str, Callable[[], str]] = {
    "empty-en": lambda: activity([]),
    "one-week-nothing-no-goal": lambda: activity([(on(0), 0)], goal=None, desc=""),
    "one-week-nl": lambda: activity(
        [(on(0), 95)],
        title="Minuten actief per week",
        desc="Uit het dagboek; de stippellijn is het advies van 150 minuten per week.",
        empty_text="Nog geen dagboek.",
        unit_label="min",
        goal_label="150 minuten",
    ),
    "gap-and-duplicates": lambda: activity(
        [(on(0), 60), (on(7), 150), (on(21), 0), (on(21), 30), (on(28), -20)]
    ),
    "goal-without-label": lambda: activity([(on(0), 60), (on(7), 210)], goal_label=""),
    "goal-zero": lambda: activity([(on(0), 60), (on(7), 45)], goal=0),
    "large-numbers": lambda: activity(
        [(on(0), 100_000), (on(7), 12_345), (on(14), 7)], goal=99_999, goal_label=""
    ),
    "small-numbers": lambda: activity([(on(0), 3), (on(7), 7)], goal=None),
    "twelve-weeks-phone": lambda: activity(
        [(on(7 * n), (n * 37) % 240) for n in range(12)], width=400
    ),
    "eighteen-weeks-narrowest": lambda: activity(
        [(on(7 * n), 20 * n) for n in range(18)], width=320
    ),
    "escaped": lambda: activity(
        [(on(0), 30)], title=NASTY, desc=NASTY, empty_text=NASTY, unit_label=NASTY, goal_label=NASTY
    ),
}


def diary(days: list[tuple[date, float | None, float | None]], **options: Any) -> str:
    arguments: dict[str, Any] = {
        "title": "Pain and stress per day",
        "desc": "From the diary, both from 0 to 10.",
        "empty_text": "No diary entries yet.",
        "pain_label": "Pain",
        "stress_label": "Stress",
        "chart_id": "progress-diary",
        **options,
    }
    return diary_chart(days, **arguments)


DIARY: dict[str, Callable[[], str]] = {
    "empty-en": lambda: diary([]),
    "empty-nl-no-scores": lambda: diary(
        [(on(0), None, None), (on(1), math.nan, None)],
        title="Pijn en stress per dag",
        desc="",
        empty_text="Nog niets ingevuld.",
        pain_label="Pijn",
        stress_label="Stress",
    ),
    "one-day-pain-only": lambda: diary([(on(0), 4, None)]),
    "gaps": lambda: diary(
        [
            (on(0), 3, 5),
            (on(1), 4, None),
            (on(2), None, 6),
            (on(3), 5, 7),
            (on(4), 6, 6),
            (on(6), 2, 4),
        ]
    ),
    "limits-and-out-of-order": lambda: diary(
        [(on(3), 12, -2), (on(0), 0, 10), (on(1), -1.5, math.inf), (on(2), 10, 0.25)]
    ),
    "eight-weeks-nl-phone": lambda: diary(
        [(on(n), (n * 3) % 11, None if n % 5 == 0 else (n * 7) % 11) for n in range(56)],
        title="Pijn en stress per dag",
        desc="Uit het dagboek, allebei van 0 tot 10.",
        empty_text="Nog geen dagboek.",
        pain_label="Pijn",
        stress_label="Stress",
        width=400,
    ),
    "eight-weeks-narrowest": lambda: diary(
        [(on(n), n % 11, 10 - n % 11) for n in range(0, 56, 2)], width=320
    ),
    "escaped": lambda: diary(
        [(on(0), 4, 5)], title=NASTY, empty_text=NASTY, pain_label=NASTY, stress_label=NASTY
    ),
}


# The progress charts of an episode, in Dutch and in English (backpath.followup.episode_charts).


def episode() -> Any:
    """Stands in for an episode: the charts pass it to ``adherence``, itself a stand-in."""
    return SimpleNamespace()


def entry(day: date, pain: int | None, stress: int | None) -> Any:
    return SimpleNamespace(day=day, pain=pain, stress=stress)


EMPTY_COURSE = Course(measures={}, diary=[], active_weeks=[])
FULL_COURSE = Course(
    measures={
        "nprs": [(on(0), 7.0, "Intake"), (on(21), 5.0, "Week 3"), (on(42), 3.0, "Week 6")],
        "psk": [(on(0), 17.0, "Intake"), (on(42), 11.0, "Week 6")],
        "qbpds": [(on(0), 48.0, "Intake")],
        "odi": [(on(0), 30.0, "Intake")],  # not charted
    },
    diary=[entry(on(30 + n), (n * 3) % 11, None if n % 4 == 3 else n % 6) for n in range(12)],
    active_weeks=[(on(28), 120), (on(35), 180), (on(42), 45)],
)
EXERCISES = Adherence(
    program=None,
    start=on(15),
    today=on(42),
    days=[DayCount(on(15 + n), 3, n % 4, n % 2) for n in range(28)],
    pain={},
    exercises=[],
    quota=None,
    quota_weeks=[],
)


@contextmanager
def stand_in_adherence(*, programs: bool) -> Iterator[None]:
    """The adherence of an episode with a program (any current version), or without one."""
    found = replace(EXERCISES, program=cast(Any, SimpleNamespace())) if programs else EXERCISES
    with mock.patch.object(followup_charts, "adherence", return_value=found):
        yield


def episode_charts(
    language: str, history: Course, *, programs: bool, width: int | None = None
) -> dict[str, str]:
    options = {} if width is None else {"width": width}
    with translation.override(language), stand_in_adherence(programs=programs):
        return followup_charts.progress_charts_for(cast(Any, episode()), history, on(42), **options)


EPISODES: dict[str, Callable[[], dict[str, str]]] = {
    "empty-en": lambda: episode_charts("en", EMPTY_COURSE, programs=False),
    "empty-nl-phone": lambda: episode_charts("nl", EMPTY_COURSE, programs=False, width=400),
    "full-en": lambda: episode_charts("en", FULL_COURSE, programs=True),
    "full-nl": lambda: episode_charts("nl", FULL_COURSE, programs=True),
    "full-nl-phone": lambda: episode_charts("nl", FULL_COURSE, programs=True, width=400),
    "full-en-phone-no-program": lambda: episode_charts(
        "en", FULL_COURSE, programs=False, width=400
    ),
}


def cases() -> Iterator[tuple[str, Callable[[], str]]]:
    for chart, drawn in (
        ("completion", COMPLETION),
        ("pain", PAIN),
        ("measure", MEASURE),
        ("multi", MULTI),
        ("activity", ACTIVITY),
        ("diary", DIARY),
    ):
        for case, draw in drawn.items():
            yield f"{chart}--{case}", draw
    for case, draw_all in EPISODES.items():
        for key in ("nprs", "psk", "qbpds", "overview", "activity", "diary", "exercises"):
            yield f"episode--{case}--{key}", (lambda d=draw_all, k=key: d().get(k, "(none)\n"))


CASES = dict(cases())


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_chart_is_byte_for_byte_the_golden_one(name: str) -> None:
    drawn = CASES[name]()
    path = GOLDEN / f"{name}.svg"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(drawn.encode())
    assert path.read_bytes() == drawn.encode(), f"{name} differs from {path}"


def test_every_golden_file_has_a_case() -> None:
    assert sorted(path.stem for path in GOLDEN.glob("*.svg")) == sorted(CASES)
