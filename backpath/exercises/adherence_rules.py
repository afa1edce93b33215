"""Signals for the clinician from a patient's exercise logs: an exercise that hurts, or one
that is skipped.

These are backpath defaults (engineering review; clinical panel pending), not guideline
thresholds. KNGF 2021 C.2 builds exercise up time-contingently, so a signal asks the
clinician to look and talk with the patient; it never stops or lowers the program by itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

DAILY = 5  # prescribed this many times a week or more: due every day
PAIN_HIGH = 5  # a mean pain over the last week at or above this "hurts"
PAIN_RISE = 2  # so does a mean this much higher than the week before


def mean(values: Sequence[int]) -> Fraction | None:
    """The exact mean (a fraction, so 5 is 5 and not 4.999...), or None without values."""
    return Fraction(sum(values), len(values)) if values else None


def hurts(last_week: Sequence[int], week_before: Sequence[int]) -> bool:
    """The mean pain logged over the last 7 days is 5 or more, or 2 or more above the
    mean of the 7 days before (when both weeks have a score)."""
    now = mean(last_week)
    if now is None:
        return False
    if now >= PAIN_HIGH:
        return True
    before = mean(week_before)
    return before is not None and now - before >= PAIN_RISE


def skipped(done: Sequence[bool], *, expected: bool, others_logged: bool) -> bool:
    """At least half of the last 7 days' logs say skipped; or, with no log at all, the
    exercise was in the program all 7 days (``expected``) while others were logged."""
    if done:
        return 2 * done.count(False) >= len(done)
    return expected and others_logged
