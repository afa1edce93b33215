"""The progress charts of an episode, in the user's language.

The spec of each chart (texts translated here) is in ``followup.progress_charts``; the drawing
is :mod:`backpath.charts`.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from backpath.care.models import Episode
from backpath.charts import WIDTH
from backpath.clinical.instruments import Direction, instrument
from backpath.followup import progress_charts
from backpath.followup.progress import Course
from backpath.programs.adherence_charts import completion_svg
from backpath.programs.selectors import adherence
from backpath.web.i18n import text

# The instruments drawn, in this order: pain, then function (docs/clinical/reference.md §5).
CHARTED = ("nprs", "psk", "qbpds")
# Dutch physical activity guideline (Gezondheidsraad 2017): 150 minutes a week, moderate.
WEEKLY_ACTIVITY_GOAL = 150
# The patient's page is read on a phone: 400 units across ~330 px keep 12-unit texts ~10 px.
PHONE_WIDTH = 400


def _better(instrument_id: str) -> progress_charts.Better:
    direction = instrument(instrument_id).direction
    return "higher" if direction is Direction.HIGHER_IS_BETTER else "lower"


def progress_charts_for(
    episode: Episode, history: Course, today: date, *, width: int = WIDTH
) -> dict[str, str]:
    """SVG per chart: one per instrument, an overview, activity, diary and exercises done.

    Every chart is ``width`` units wide: ``PHONE_WIDTH`` for the patient's phone.
    """
    drawn: dict[str, str] = {}
    better_label = {"lower": _("Lower is better"), "higher": _("Higher is better")}
    series = []
    for instrument_id in CHARTED:
        definition = instrument(instrument_id)
        points = history.measures.get(instrument_id, [])
        name = text(definition.name)
        better = _better(instrument_id)
        band = (points[0][1], float(definition.mcid.points)) if points and definition.mcid else None
        drawn[instrument_id] = progress_charts.measure_chart(
            points,
            title=name,
            desc=_("%(name)s at each measurement, from %(low)s to %(high)s.")
            % {"name": name, "low": definition.range.min, "high": definition.range.max},
            empty_text=_("Not measured yet."),
            scale_min=definition.range.min,
            scale_max=definition.range.max,
            better=better,
            unit_label=definition.abbreviation,
            mcid_band=band,
            chart_id=f"progress-{instrument_id}",
            better_label=str(better_label[better]),
            band_label=_("No meaningful change"),
            width=width,
        )
        series.append(
            (definition.abbreviation, points, definition.range.min, definition.range.max, better)
        )
    drawn["overview"] = progress_charts.multi_measure_chart(
        series,
        title=_("Pain and function"),
        empty_text=_("Not measured yet."),
        better_label=_("Up is better for every measure: 100% is the best score."),
        chart_id="progress-overview",
        width=width,
    )
    drawn["activity"] = progress_charts.activity_chart(
        history.active_weeks,
        title=_("Minutes active per week"),
        desc=_("From the diary; the dashed line is the advised 150 minutes a week."),
        empty_text=_("No diary entries yet."),
        goal=WEEKLY_ACTIVITY_GOAL,
        unit_label=_("min"),
        chart_id="progress-activity",
        goal_label=_("150 minutes"),
        width=width,
    )
    drawn["diary"] = progress_charts.diary_chart(
        [(entry.day, entry.pain, entry.stress) for entry in history.diary],
        title=_("Pain and stress per day"),
        desc=_("From the diary, both from 0 to 10."),
        empty_text=_("No diary entries yet."),
        pain_label=_("Pain"),
        stress_label=_("Stress"),
        chart_id="progress-diary",
        width=width,
    )
    exercises = adherence(episode, today)
    if exercises.program is not None:
        drawn["exercises"] = completion_svg(exercises, "progress-exercises", width=width)
    return drawn
