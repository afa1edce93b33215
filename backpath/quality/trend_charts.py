"""The quality figures month by month: one measure's percentage as a line chart.

:mod:`backpath.charts` draws it, with its guarantees (an accessible, self-contained SVG that
passes the page's Content-Security-Policy, every text escaped); this module says what to draw,
in the user's language. The x axis has a slot for every calendar month of the period, so a
month with nothing counted is an empty slot and a gap in the line, never a 0. An outcome
figure of a month that counts fewer episodes than the clinic's smallest count is a gap as
well, for the reason the report leaves out its percentage for the period
(``report.Line.suppressed``): a percentage of a handful of episodes means nothing, and could
point at one patient.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import dateformat, formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from backpath.charts import (
    LABEL_GAP,
    WIDTH,
    Chart,
    Frame,
    Header,
    Layer,
    LinearScale,
    Lines,
    Point,
    Series,
    SlotScale,
    Target,
    YAxis,
    empty_chart,
)
from backpath.charts.axes import x_label
from backpath.clinical.language import Lang
from backpath.followup.progress_charts import LINE
from backpath.quality.figures import Month, Share
from backpath.quality.measures import Measure
from backpath.quality.report import Report
from backpath.web.i18n import lang, text

__all__ = ["trend_chart", "trend_charts"]

TOP = 40  # the header row (the unit, the target or which way is better) sits above the plot
BOTTOM = TOP + 150
TICKS = [(float(value), str(value)) for value in range(0, 101, 25)]
MONTH_LABEL_HALF = 28  # half a month label ("sep 2026") and a little: keeps it off the edge


@dataclass(frozen=True, slots=True)
class MonthLabels:
    """A label under each month's slot: the last month always, then every ``step`` months
    back, ``step`` the fewest that keeps neighbouring labels ``LABEL_GAP`` apart.

    The charts package labels days, not months; the labels come translated."""

    labels: Sequence[str]

    def render(self, frame: Frame) -> list[str]:
        slots = SlotScale(len(self.labels), frame.width)
        step = math.ceil(LABEL_GAP / slots.slot)
        last = len(self.labels) - 1
        return [
            x_label(
                min(slots.centre(index), frame.width - MONTH_LABEL_HALF),
                frame.bottom + 18,
                label,
                "month-label",
            )
            for index, label in enumerate(self.labels)
            if (last - index) % step == 0
        ]


def trend_chart(
    months: Sequence[Month],
    measure: Measure,
    target: int | None,
    *,
    span: tuple[date, date] | None = None,
    smallest: int | None = None,
    width: int = WIDTH,
) -> str:
    """``measure``'s percentage in each of ``months``, from 0 to 100%, with a dashed line at
    ``target`` if given, titled with the measure's title.

    ``span`` (the period's first and last day) fixes the x axis to the period's months;
    without it the axis runs from the first to the last month in ``months``. With
    ``smallest`` (an outcome figure's suppression threshold), a month counting fewer is a
    gap. One month with a percentage is not a line yet: the chart says its figure instead,
    as it says when there is none. The chart is ``width`` units wide.
    """
    title = text(measure.title)
    chart_id = f"trend-{measure.id}"
    counted = {
        month.month.replace(day=1): share
        for month in months
        if (share := month.counts.get(measure.id)) is not None
    }
    if span is not None:
        counted = {
            month: share
            for month, share in counted.items()
            if span[0].replace(day=1) <= month <= span[1]
        }
    if not any(share.whole for share in counted.values()):
        nothing = _("Nothing counted in this period.")
        return empty_chart(title, nothing, nothing, chart_id, width=width)
    first, last = span or (min(counted), max(counted))
    axis = _months(first, last)
    shown = {
        month: share
        for month, share in counted.items()
        if share.whole and (smallest is None or share.whole >= smallest)
    }
    if not shown:
        too_few = _("Fewer than %(smallest)s counted in every month.") % {"smallest": smallest}
        return empty_chart(title, too_few, too_few, chart_id, width=width)
    if len(shown) == 1:
        [(month, share)] = shown.items()
        one = _("Only one month: %(month)s, %(figure)s.") % {
            "month": _long(month),
            "figure": _figure(share),
        }
        desc = " ".join([one, *_gaps(axis, counted, shown, smallest)])
        return empty_chart(title, desc, one, chart_id, width=width)

    layers: list[Layer] = [YAxis(TICKS)]
    if target is None:
        layers.append(Header("%", measure.better, _better(measure)))
    else:
        layers += [Header("%"), Target(target, _target(measure, target))]
    points = [
        Point(month, share.percent, f"{_long(month)}: {_figure(share)}")
        if (share := shown.get(month)) is not None and share.percent is not None
        else None  # a gap in the line
        for month in axis
    ]
    slots = SlotScale(len(axis), width)
    x = {month: slots.centre(index) for index, month in enumerate(axis)}
    layers += [
        Lines(x.__getitem__, [Series(points, LINE, name=title)]),
        MonthLabels([_short(month) for month in axis]),
    ]
    desc = " ".join(
        [_describe(axis, shown, measure, target), *_gaps(axis, counted, shown, smallest)]
    )
    return Chart(
        title, desc, chart_id, BOTTOM + 30, LinearScale(0, 100, TOP, BOTTOM), layers, width
    ).svg()


def trend_charts(report: Report, *, width: int = WIDTH) -> list[tuple[str, str]]:
    """``(title, chart)`` for each figure of ``report`` that is counted month by month, over
    the report's period with the report's target and suppression. (The outcomes per
    measuring occasion, and the drop-outs, are counted for the period only.)"""
    months = report.figures.months
    monthly = {key for month in months for key in month.counts}
    span = (report.scope.start, report.scope.end)
    return [
        (
            line.title,
            trend_chart(
                months, line.measure, line.target, span=span, smallest=line.smallest, width=width
            ),
        )
        for lines in report.sections.values()
        for line in lines
        if line.measure.id in monthly
    ]


def _months(first: date, last: date) -> list[date]:
    """The first day of each calendar month from ``first``'s to ``last``'s."""
    found = [first.replace(day=1)]
    while (following := (found[-1] + timedelta(days=31)).replace(day=1)) <= last:
        found.append(following)
    return found


def _short(month: date) -> str:
    """A month on the axis: "Mar 2026" in English, "mrt 2026" in Dutch."""
    label = dateformat.format(month, "b Y")
    # English writes the names of months with a capital, Dutch does not.
    return capfirst(label) if lang() is Lang.EN else label


def _long(month: date) -> str:
    """A month in words, "March 2026", for the description and tooltips read aloud."""
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def _figure(share: Share) -> str:
    return _("%(percent)s%% (%(part)s of %(whole)s)") % {
        "percent": share.percent,
        "part": share.part,
        "whole": share.whole,
    }


def _better(measure: Measure) -> str:
    return _("Higher is better") if measure.better == "higher" else _("Lower is better")


def _target(measure: Measure, target: int) -> str:
    if measure.better == "higher":
        return _("Target: at least %(target)s%%") % {"target": target}
    return _("Target: at most %(target)s%%") % {"target": target}


def _describe(
    axis: Sequence[date], shown: Mapping[date, Share], measure: Measure, target: int | None
) -> str:
    """The drawn chart in words: its span, the last month shown, the target or which way is
    better."""
    latest = max(shown)
    summary = _(
        "Percentage per month from %(start)s to %(end)s; the last shown, %(month)s: %(figure)s."
    ) % {
        "start": _long(axis[0]),
        "end": _long(axis[-1]),
        "month": _long(latest),
        "figure": _figure(shown[latest]),
    }
    return f"{summary} {_better(measure) if target is None else _target(measure, target)}."


def _gaps(
    axis: Sequence[date],
    counted: Mapping[date, Share],
    shown: Mapping[date, Share],
    smallest: int | None,
) -> list[str]:
    """The months without a percentage in words, and why: too few counted, or none."""
    missing = [month for month in axis if month not in shown]
    too_few = [month for month in missing if month in counted and counted[month].whole]
    nothing = [month for month in missing if month not in too_few]
    found = []
    if too_few:
        found.append(
            _("Fewer than %(smallest)s counted in %(months)s.")
            % {"smallest": smallest, "months": ", ".join(_long(month) for month in too_few)}
        )
    if nothing:
        found.append(
            _("Nothing counted in %(months)s.")
            % {"months": ", ".join(_long(month) for month in nothing)}
        )
    return found
