"""The geometry every chart shares: its width, the margins around the plot, label spacing.

A chart is ``width`` viewBox units wide (``WIDTH`` unless told) and scales to the width of its
container, texts included: a text is 12 units high at any width, so a chart drawn for a phone
is narrower (``width=400``, say) to keep its texts readable there. The plot and the number of
labels under it follow the width; the height does not.
"""

from __future__ import annotations

WIDTH = 720  # viewBox units by default; the chart scales to the width of its container
MIN_WIDTH = 320  # a narrower chart has no room for its legends and labels
LEFT, RIGHT = 36, 12  # the y axis labels sit left of the plot
PLOT_WIDTH = WIDTH - LEFT - RIGHT  # the plot of a chart WIDTH wide
DAY_LABELS = 8  # at most this many day labels under the x axis of a chart WIDTH wide
LABEL_GAP = 64  # at least this far apart, or a label under a time axis is left out
LABEL_CHARS = 70  # at WIDTH, a longer legend label is cut short (its <title> keeps it whole)
LEGEND_TEXT = 36  # a legend line's label starts this far right of LEFT
DAY_LABEL_HALF = 18  # half a day label ("28/11") and a little: its centre keeps this off the edge
POINT_LABEL_CHARS = 10  # "Intake", "Week 6": a longer label under a time axis is cut short


def plot_width(width: int = WIDTH) -> int:
    """The width of the plot of a chart ``width`` wide (``ValueError`` below ``MIN_WIDTH``)."""
    if width < MIN_WIDTH:
        raise ValueError(f"a chart is at least {MIN_WIDTH} units wide, not {width}")
    return width - LEFT - RIGHT


def day_labels(width: int = WIDTH) -> int:
    """At most this many day labels under the x axis of a chart ``width`` wide.

    ``DAY_LABELS`` at ``WIDTH``, in proportion below it, so labels stay at least
    ``PLOT_WIDTH / DAY_LABELS`` (more than ``LABEL_GAP``) apart at any width.
    """
    return max(1, plot_width(width) * DAY_LABELS // PLOT_WIDTH)


def legend_chars(width: int = WIDTH) -> int:
    """A legend label longer than this is cut short: ``LABEL_CHARS`` at ``WIDTH``, in proportion."""
    room = width - LEFT - LEGEND_TEXT - RIGHT
    return LABEL_CHARS * room // (WIDTH - LEFT - LEGEND_TEXT - RIGHT)
