"""Counting the quality figures of a clinic, or of one clinician, over a period.

The episodes are those opened in the period (``Scope``). Every figure is an aggregate over
the summary tables (``models.py``) in the database, so the number of queries is the same
whatever the number of episodes: the clinic's stale summaries are built again first
(``facts.stale``), then one query counts every episode figure for the period and the one
before it, one the months, one the sessions' spread, one the interventions given against the
plan, one the measuring occasions, one the drop-outs, and two the case mix (the clinic's
strata and the installation's). A figure is a whole count with its denominator; a
percentage is shown only when the denominator is not zero.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth

from backpath.care.models import DischargeReason, SessionNote
from backpath.clinical.followup import OVERDUE_AFTER
from backpath.clinical.progress import ChangeClass
from backpath.clinical.stratification import Profile
from backpath.followup.models import DiaryEntry
from backpath.quality import facts
from backpath.quality.casemix import Adjusted, Cell, standardise
from backpath.quality.models import AgainstPlan, EpisodeFacts, OccasionFacts
from backpath.quality.reference import reference

PLANNED = ~Q(profile="")
TREATED = Q(sessions__gt=0)
# Each episode figure: (counted, of). The part is always taken within the whole.
EPISODE_MEASURES: dict[str, tuple[Q, Q]] = {
    "redflags_screened": (Q(screened=True), Q(seen=True)),
    "startback_completed": (Q(submitted=True), Q(to_score=True)),
    "advice_followed": (Q(followed=True), PLANNED),
    "education_given": (Q(education=True), TREATED),
    "program_early": (Q(program_early=True), Q(two_sessions=True)),
    "over_budget": (Q(over_budget=True), PLANNED),
    "start_report": (Q(start_report=True), PLANNED & TREATED),
    "end_report": (Q(end_report=True), PLANNED & Q(closed_on__isnull=False)),
    "tens_given": (Q(electro=True), TREATED),
    "low_risk_passive": (Q(passive_low=True), Q(profile=Profile.LOW.value) & TREATED),
    "gpe_improved": (Q(gpe_improved=True), Q(gpe_improved__isnull=False)),
    "referred": (Q(referred=True), Q(closed_on__isnull=False)),
}
# Drop-out: stopped by the patient, or still open with no session, diary entry or
# questionnaire for this many weeks (backpath default, to be reviewed by the clinical panel:
# twice the two to three weeks between sessions the guideline's budgets imply).
DROPOUT_WEEKS = 6
# The occasions the outcome table shows, in its order; the minimal important change is
# counted at the first three, the relapse at the after-care follow-ups.
MIC_OCCASIONS = facts.MIC_OCCASIONS
RELAPSE_OCCASIONS = ("followup-3m", "followup-6m", "followup-12m")
OUTCOME_OCCASIONS = MIC_OCCASIONS + RELAPSE_OCCASIONS
IMPROVED = ChangeClass.IMPROVED.value
OUTCOME_MEASURES = ("response", *(f"mic_{i}" for i in facts.OUTCOME_INSTRUMENTS), "relapse")
# Sessions given against the plan, as an episode figure (the drill-down lists episodes).
AGAINST = (Q(sessions_against__gt=0), TREATED)


@dataclass(frozen=True, slots=True)
class Scope:
    clinic_id: uuid.UUID
    start: date
    end: date  # inclusive
    profile: Profile | None = None  # the care plan's profile
    clinician_id: int | None = None  # only episodes this clinician opened or treated

    def previous(self) -> Scope:
        """The period of the same length just before, for the comparison."""
        days = (self.end - self.start).days + 1
        return Scope(
            self.clinic_id,
            self.start - timedelta(days=days),
            self.start - timedelta(days=1),
            self.profile,
            self.clinician_id,
        )

    def period(self) -> Q:
        return Q(opened_on__gte=self.start, opened_on__lte=self.end)


@dataclass(frozen=True, slots=True)
class Share:
    """``part`` of ``whole``; no percentage without a whole."""

    part: int
    whole: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.part / self.whole) if self.whole else None


@dataclass(frozen=True, slots=True)
class Outcome:
    """One outcome figure at one occasion, this period and the one before; ``adjusted``
    only for the minimal important change."""

    now: Share
    before: Share
    adjusted: Adjusted | None = None


@dataclass(frozen=True, slots=True)
class Month:
    month: date
    counts: Mapping[str, Share]


@dataclass(frozen=True, slots=True)
class Figures:
    episodes: int
    counts: Mapping[str, Share]  # measure id -> this period's count
    before: Mapping[str, Share]  # measure id -> the previous period's
    months: Sequence[Month]  # this period, month by month
    sessions_median: float | None  # sessions per treated episode, this period
    sessions_median_before: float | None
    given_against_plan: Sequence[tuple[str, int]]  # intervention -> sessions, most first
    outcomes: Mapping[tuple[str, str], Outcome]  # (occasion, measure) -> figure


def scoped(model: Any, scope: Scope, since: date) -> QuerySet[Any]:
    """The scope's rows of a summary table, for both periods (from ``since``)."""
    found: QuerySet[Any] = model.objects.filter(
        clinic_id=scope.clinic_id, opened_on__gte=since, opened_on__lte=scope.end
    )
    if scope.profile is not None:
        found = found.filter(profile=scope.profile.value)
    if scope.clinician_id is not None:
        if model is EpisodeFacts:
            opened = Q(opened_by_id=scope.clinician_id)
        else:
            opened = Q(episode_id__in=_opened_by(scope.clinician_id))
        treated = SessionNote.objects.filter(clinician_id=scope.clinician_id).values("episode_id")
        found = found.filter(opened | Q(episode_id__in=treated))
    return found


def _opened_by(clinician_id: int) -> QuerySet[Any]:
    opened: QuerySet[Any] = EpisodeFacts.objects.filter(opened_by_id=clinician_id)
    return opened.values("episode_id")


NOW, BEFORE = 1, 0


def _side(scope: Scope) -> Case:
    """1 for a row of the scope's period, 0 for one of the period before."""
    return Case(When(scope.period(), then=Value(NOW)), default=Value(BEFORE))


def _add(rows: Iterable[Mapping[str, Any]], keys: Iterable[str]) -> dict[str, int]:
    keys = list(keys)
    total = dict.fromkeys(keys, 0)
    for row in rows:
        for key in keys:
            total[key] += row[key] or 0
    return total


def _shares(row: Mapping[str, int]) -> dict[str, Share]:
    return {key: Share(row[f"{key}_part"], row[f"{key}_whole"]) for key in EPISODE_MEASURES} | {
        "sessions_not_recommended": Share(row["against"], row["sessions"])
    }


def _episode_aggregates() -> dict[str, Any]:
    found: dict[str, Any] = {"episodes": Count("pk")}
    for key, (part, whole) in EPISODE_MEASURES.items():
        found[f"{key}_part"] = Count("pk", filter=whole & part)
        found[f"{key}_whole"] = Count("pk", filter=whole)
    found["against"] = Sum("sessions_against")
    found["sessions"] = Sum("sessions")
    return found


def _median(counts: Mapping[int, int]) -> float | None:
    """The median of values given as value -> how often."""
    total = sum(counts.values())
    if not total:
        return None
    middle = [(total - 1) // 2, total // 2]
    found, seen = [], 0
    for value in sorted(counts):
        for position in middle:
            if seen <= position < seen + counts[value]:
                found.append(value)
        seen += counts[value]
    return sum(found) / 2


def dropout_rows(episodes: QuerySet[EpisodeFacts], today: date) -> tuple[QuerySet[EpisodeFacts], Q]:
    """The episodes annotated for the drop-out figure, and the figure's part."""
    cutoff = today - timedelta(weeks=DROPOUT_WEEKS)
    recent_diary = DiaryEntry.objects.filter(episode_id=OuterRef("episode_id"), day__gte=cutoff)
    quiet = (
        Q(closed_on__isnull=True, opened_on__lt=cutoff)
        & (Q(last_session_on__isnull=True) | Q(last_session_on__lt=cutoff))
        & ~Q(recent_diary=True)
    )
    dropped = Q(discharge_reason=DischargeReason.STOPPED) | quiet
    return episodes.annotate(recent_diary=Exists(recent_diary)), dropped


def _dropouts(
    episodes: QuerySet[EpisodeFacts], now: Q, before: Q, today: date
) -> tuple[Share, Share]:
    annotated, dropped = dropout_rows(episodes, today)
    seen = Q(seen=True)
    row = annotated.aggregate(
        now_part=Count("pk", filter=now & seen & dropped),
        now_whole=Count("pk", filter=now & seen),
        before_part=Count("pk", filter=before & seen & dropped),
        before_whole=Count("pk", filter=before & seen),
    )
    return Share(row["now_part"], row["now_whole"]), Share(row["before_part"], row["before_whole"])


def occasion_measure(measure: str, answered_by: date) -> tuple[Q, Q]:
    """An occasion figure's (part, whole) over the occasions' summaries."""
    if measure == "response":
        return Q(responded=True), Q(responded=True) | Q(due_on__lte=answered_by)
    if measure == "relapse":
        return Q(relapse=True), Q(relapse__isnull=False)
    instrument = measure.removeprefix("mic_")
    return Q(**{instrument: IMPROVED}), ~Q(**{instrument: ""})


def _outcome_aggregates(answered_by: date) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for measure in OUTCOME_MEASURES:
        part, whole = occasion_measure(measure, answered_by)
        found[f"{measure}_part"] = Count("pk", filter=whole & part)
        found[f"{measure}_whole"] = Count("pk", filter=whole)
    return found


def figures(scope: Scope, today: date) -> Figures:
    facts.refresh(facts.stale(scope.clinic_id))
    previous = scope.previous()
    episodes = scoped(EpisodeFacts, scope, previous.start)

    # One row per side of the comparison and month: the periods' totals are their sums.
    by_month: list[Mapping[str, Any]] = list(
        episodes.annotate(side=_side(scope), month=TruncMonth("opened_on"))
        .order_by()
        .values("side", "month")
        .annotate(**_episode_aggregates())
    )
    keys = list(_episode_aggregates())
    sides = {
        side: _add((row for row in by_month if row["side"] == side), keys) for side in (NOW, BEFORE)
    }
    counts, counts_before = _shares(sides[NOW]), _shares(sides[BEFORE])
    counts["dropout"], counts_before["dropout"] = _dropouts(
        episodes, scope.period(), previous.period(), today
    )
    months = [
        Month(row["month"], _shares(row))
        for row in sorted(by_month, key=lambda row: row["month"])
        if row["side"] == NOW
    ]

    spread: dict[int, dict[int, int]] = {NOW: {}, BEFORE: {}}
    for line in (
        episodes.filter(TREATED)
        .annotate(side=_side(scope))
        .order_by()
        .values("side", "sessions")
        .annotate(episodes=Count("pk"))
    ):
        spread[line["side"]][line["sessions"]] = line["episodes"]

    given = (
        scoped(AgainstPlan, scope, scope.start)
        .order_by()
        .values("code")
        .annotate(sessions=Sum("sessions"))
        .values_list("code", "sessions")
    )
    ranked = sorted(given, key=lambda item: (-item[1], item[0]))

    # One row per side, occasion and case-mix stratum: the occasions' totals are sums, and
    # this period's strata are the clinic's side of the adjustment.
    outcome_keys = list(_outcome_aggregates(today))
    by_stratum: list[Mapping[str, Any]] = list(
        scoped(OccasionFacts, scope, previous.start)
        .filter(occasion__in=OUTCOME_OCCASIONS)
        .annotate(side=_side(scope))
        .order_by()
        .values("side", "occasion", "casemix")
        .annotate(**_outcome_aggregates(today - OVERDUE_AFTER))
    )
    adjust_by = reference(scope.start, scope.end, scope.profile)
    outcomes: dict[tuple[str, str], Outcome] = {}
    for occasion in OUTCOME_OCCASIONS:
        rows = [row for row in by_stratum if row["occasion"] == occasion]
        totals = {
            side: _add((row for row in rows if row["side"] == side), outcome_keys)
            for side in (NOW, BEFORE)
        }
        for measure in OUTCOME_MEASURES:
            now, before = (
                Share(totals[side][f"{measure}_part"], totals[side][f"{measure}_whole"])
                for side in (NOW, BEFORE)
            )
            adjusted = None
            if measure.startswith("mic_") and occasion in MIC_OCCASIONS:
                instrument = measure.removeprefix("mic_")
                clinic = {
                    row["casemix"]: Cell(row[f"{measure}_part"], row[f"{measure}_whole"])
                    for row in rows
                    if row["side"] == NOW and row[f"{measure}_whole"]
                }
                adjusted = standardise(clinic, adjust_by.get((occasion, instrument), {}))
            outcomes[(occasion, measure)] = Outcome(now, before, adjusted)

    return Figures(
        episodes=sides[NOW]["episodes"],
        counts=counts,
        before=counts_before,
        months=months,
        sessions_median=_median(spread[NOW]),
        sessions_median_before=_median(spread[BEFORE]),
        given_against_plan=ranked,
        outcomes=outcomes,
    )


@dataclass(frozen=True, slots=True)
class ClinicianFigures:
    """One clinician's sessions in the scope's episodes, and those given against the plan by
    intervention (shown by name only where the clinic turned it on)."""

    name: str
    sessions: int
    against: Sequence[tuple[str, int]]


def by_clinician(scope: Scope) -> list[ClinicianFigures]:
    episodes = scoped(EpisodeFacts, scope, scope.start).filter(scope.period()).values("episode_id")
    against: dict[int | None, list[tuple[str, int]]] = defaultdict(list)
    for clinician_id, code, sessions in (
        scoped(AgainstPlan, scope, scope.start)
        .filter(scope.period())
        .order_by()
        .values("clinician_id", "code")
        .annotate(total=Sum("sessions"))
        .values_list("clinician_id", "code", "total")
    ):
        against[clinician_id].append((code, sessions))
    found = []
    for clinician_id, first, last, email, sessions in (
        SessionNote.objects.filter(episode_id__in=episodes)
        .order_by()
        .values("clinician_id", "clinician__first_name", "clinician__last_name", "clinician__email")
        .annotate(sessions=Count("pk"))
        .values_list(
            "clinician_id",
            "clinician__first_name",
            "clinician__last_name",
            "clinician__email",
            "sessions",
        )
    ):
        name = f"{first} {last}".strip() or email
        ranked = sorted(against.get(clinician_id, []), key=lambda item: (-item[1], item[0]))
        found.append(ClinicianFigures(name, sessions, ranked))
    return sorted(found, key=lambda c: c.name)
