"""The charts of the clinician's adherence page: exercises done per day, pain per exercise.

``completion_svg`` and ``pain_svg`` draw an :class:`~backpath.programs.selectors.Adherence`
in the user's language; ``completion_chart`` and ``pain_chart`` are the specs under them,
which take texts already translated: which bars and lines, their colours and labels.
:mod:`backpath.charts` draws them, with its guarantees (an accessible, self-contained SVG
that passes the page's Content-Security-Policy, every text escaped).

Colours: teal for exercises done, light grey for exercises missed, amber for pain. The pain
lines differ by dash pattern and marker shape as well, so the chart reads in black and white.
Every chart is ``width`` viewBox units wide (``WIDTH`` unless told; ``width=400`` for a phone).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from django.utils.translation import gettext as _

from backpath.charts import (
    DASHES,
    LEFT,
    MARKERS,
    MIN_WIDTH,
    PALE,
    WIDTH,
    Bar,
    Bars,
    Chart,
    DayLabels,
    DayScale,
    LinearScale,
    Lines,
    Point,
    Reference,
    Segment,
    Series,
    Swatch,
    YAxis,
    day_label,
    empty_chart,
)
from backpath.programs.catalogue import find_many
from backpath.programs.selectors import Adherence
from backpath.web.i18n import lang

__all__ = [
    "DONE",
    "MIN_WIDTH",
    "MISSED",
    "PAIN",
    "WIDTH",
    "completion_chart",
    "completion_svg",
    "day_label",
    "exercise_labels",
    "pain_chart",
    "pain_svg",
]

DONE = "#0f6b74"  # teal, the app's --primary
MISSED = PALE
PAIN = "#b45309"  # amber


def completion_chart(
    days: Sequence[tuple[date, int, int]],
    *,
    title: str,
    desc: str = "",
    empty_text: str = "No data yet.",
    done_label: str = "Done",
    missed_label: str = "Missed",
    chart_id: str = "completion",
    width: int = WIDTH,
) -> str:
    """One bar per day: ``done`` in teal, the rest of ``due`` (missed) in grey above it.

    ``days`` holds ``(day, done, due)`` in date order. A day with more done than due has no
    grey part. With no day at all, or nothing due or done on any day, the chart is
    ``empty_text``. The chart is ``width`` units wide.
    """
    if not days or all(done <= 0 and due <= 0 for _day, done, due in days):
        return empty_chart(title, desc or empty_text, empty_text, chart_id, width=width)
    highest = max(max(done, due) for _day, done, due in days)
    bars = []
    for index, (day, done, due) in enumerate(days):
        done = max(done, 0)
        missed = max(due - done, 0)
        parts = [Segment("done", done, DONE)] if done else []
        parts += [Segment("missed", missed, MISSED)] if missed else []
        bars.append(Bar(index, f"{day_label(day)}: {done}/{max(due, done)}", parts))
    return Chart(
        title,
        desc or title,
        chart_id,
        height=220,
        y=LinearScale(0, highest, top=34, bottom=190),
        layers=[
            Swatch(LEFT, 12, DONE, done_label),
            Swatch(LEFT + 120, 12, MISSED, missed_label),
            YAxis([(0, "0"), (highest, str(highest))]),
            Bars(len(days), bars, kind="day"),
            DayLabels([day for day, _done, _due in days]),
        ],
        width=width,
    ).svg()


def pain_chart(
    series: Mapping[str, Sequence[tuple[date, int]]],
    *,
    title: str,
    labels: Mapping[str, str],
    desc: str = "",
    empty_text: str = "No data yet.",
    span: tuple[date, date] | None = None,
    chart_id: str = "pain",
    width: int = WIDTH,
) -> str:
    """Pain 0-10 over time: one amber polyline per exercise, a legend, a dashed line at 5.

    ``series`` maps an exercise id to its ``(day, pain)`` points; ``labels`` names the ids
    (an id without a label shows as itself). ``span`` (first day, last day) fixes the x axis,
    so it lines up with the completion chart; points outside it are left out. Without it the
    axis runs from the first to the last point. With no point at all the chart is
    ``empty_text``. The chart is ``width`` units wide.
    """
    points = {
        key: sorted(
            (day, min(max(pain, 0), 10))
            for day, pain in values
            if span is None or span[0] <= day <= span[1]
        )
        for key, values in series.items()
    }
    points = {key: values for key, values in points.items() if values}
    if not points:
        return empty_chart(title, desc or empty_text, empty_text, chart_id, width=width)
    if span is None:
        every = [day for values in points.values() for day, _pain in values]
        span = (min(every), max(every))
    x = DayScale(*span, width)
    lines = []
    for number, (key, values) in enumerate(points.items()):
        label = labels.get(key, key)
        lines.append(
            Series(
                [Point(day, pain, f"{label} {day_label(day)}: {pain}") for day, pain in values],
                PAIN,
                DASHES[number % len(DASHES)],
                MARKERS[number % len(MARKERS)],
                name=label,
                line_from=1,  # a lone point has a (dot-sized) line as well
            )
        )
    bottom = 186
    return Chart(
        title,
        desc or title,
        chart_id,
        height=bottom + 40 + 20 * len(points),
        y=LinearScale(0, 10, top=16, bottom=bottom),
        layers=[
            YAxis([(0, "0"), (10, "10")]),
            Reference(5, "5"),
            DayLabels(x.days),
            Lines(x, lines, legend_top=bottom + 40),
        ],
        width=width,
    ).svg()


def exercise_labels(clinic_id: uuid.UUID | None, exercise_ids: Iterable[str]) -> dict[str, str]:
    """The exercises' names in the user's language, the library's and the clinic's own (an
    id the catalogue lost names itself); one query at most."""
    wanted = list(exercise_ids)
    known = find_many(clinic_id, wanted)
    return {i: known[i].name(lang()) if i in known else i for i in wanted}


def completion_svg(data: Adherence, chart_id: str, *, width: int = WIDTH) -> str:
    """The exercises done per day as a chart ``width`` units wide (adherence, progress pages)."""
    period = {"start": day_label(data.start), "end": day_label(data.today)}
    return completion_chart(
        [(day.day, day.done, day.due) for day in data.days],
        title=_("Exercises done per day"),
        desc=_("From %(start)s to %(end)s. Done: %(done)s; missed: %(missed)s.")
        % {
            **period,
            "done": sum(day.done for day in data.days),
            "missed": sum(day.missed for day in data.days),
        },
        empty_text=_("No exercises due or done yet."),
        done_label=_("Done"),
        missed_label=_("Missed"),
        chart_id=chart_id,
        width=width,
    )


def pain_svg(data: Adherence, labels: Mapping[str, str]) -> str:
    """The pain logged per exercise over the period, each line labelled with ``labels``.

    While no exercise has a second score in the period there is no line to read, only lone
    dots: the chart says so instead (the table below gives the scores)."""
    period = {"start": day_label(data.start), "end": day_label(data.today)}
    title = _("Pain per exercise (0-10)")
    desc = _("Pain from 0 to 10 per exercise from %(start)s to %(end)s; the dashed line marks 5.")
    counts = [
        sum(data.start <= day <= data.today for day, _pain in points)
        for points in data.pain.values()
    ]
    if counts and max(counts) == 1:
        single = _("One pain score per exercise so far: the line appears after the second.")
        return empty_chart(title, single, single, "adherence-pain")
    return pain_chart(
        data.pain,
        title=title,
        labels=labels,
        desc=desc % period,
        empty_text=_("No pain scores logged yet."),
        span=(data.start, data.today),
        chart_id="adherence-pain",
    )
