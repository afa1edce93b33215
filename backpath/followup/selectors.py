"""Reads for the pages between visits: what is due for an episode, and the alert list."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet
from django.utils import timezone

from backpath.accounts.models import User
from backpath.care import selectors as care_selectors
from backpath.care.models import Episode, EpisodeStatus, PlanVersion
from backpath.care.questionnaires import askable
from backpath.clinical.followup import Occasion, due_occasions, occasions, recheck_due_on
from backpath.followup.models import Alert, Measurement, RedFlagCheck
from backpath.interchange import plan_from_record


@dataclass(frozen=True, slots=True)
class BetweenVisits:
    """Where an episode stands between visits on ``today``."""

    episode: Episode
    plan: PlanVersion | None
    today: date
    occasions: list[Occasion]
    measured: dict[str, Measurement]
    last_check: RedFlagCheck | None
    diary_today: bool  # the patient filled in today's diary

    @property
    def due(self) -> list[Occasion]:
        """Questionnaires open now and not yet filled in."""
        return due_occasions(self.occasions, self.measured, self.today)

    @property
    def recheck_due(self) -> date | None:
        """When the weekly safety check is due; None when the episode has no active plan."""
        if self.plan is None or self.episode.status != EpisodeStatus.TREATMENT:
            return None
        last = timezone.localdate(self.last_check.created_at) if self.last_check else None
        return recheck_due_on(last, self.plan.starts_on)

    @property
    def recheck_is_due(self) -> bool:
        due = self.recheck_due
        return due is not None and due <= self.today


def _asked(found: list[Occasion]) -> list[Occasion]:
    """Occasions with only the instruments the clinic can ask (licensed wording)."""
    kept = []
    for occasion in found:
        instruments = tuple(i for i in occasion.instruments if askable(i))
        if instruments:
            kept.append(Occasion(occasion.key, occasion.due, instruments, occasion.reason))
    return kept


def between_visits(
    episode: Episode,
    today: date,
    plan: PlanVersion | None = None,
    *,
    measurements: Sequence[Measurement] | None = None,
    rechecks: Sequence[RedFlagCheck] | None = None,
) -> BetweenVisits:
    """What is due between visits. A page that reads the episode's measurements (all of
    them) or its latest re-checks (newest first) for itself passes them in, so they are
    read once."""
    plan = plan or episode.plans.order_by("-number").first()
    discharged = timezone.localdate(episode.closed_at) if episode.closed_at else None
    evaluations = plan_from_record(plan.plan).evaluations if plan else ()
    found = _asked(occasions(evaluations, discharged)) if plan else []
    if measurements is None:
        # Which occasions are done (and when) is all this needs: not the answers or scores.
        measurements = list(episode.measurements.only("id", "episode_id", "occasion", "created_at"))
    if rechecks is None:
        last_check = episode.rechecks.order_by("-created_at").first()
    else:
        last_check = rechecks[0] if rechecks else None
    return BetweenVisits(
        episode=episode,
        plan=plan,
        today=today,
        occasions=found,
        measured={m.occasion: m for m in measurements},
        last_check=last_check,
        diary_today=episode.diary.filter(day=today).exists(),
    )


def alerts_for(user: User) -> QuerySet[Alert]:
    """The alerts a clinician may see and handle: their own clinic's."""
    if user.clinic_id is None or not user.is_clinician:
        return Alert.objects.none()
    return Alert.objects.filter(clinic_id=user.clinic_id)


def open_alerts(
    user: User, scope: care_selectors.Scope = care_selectors.Scope.CLINIC
) -> QuerySet[Alert]:
    """Unresolved alerts of the user's clinic (or of their own episodes), most urgent first."""
    alerts = alerts_for(user).filter(resolved_at__isnull=True)
    if scope is care_selectors.Scope.MINE:
        alerts = alerts.filter(care_selectors.my_episodes(user, via="episode__"))
    # The id makes the order total, so pages never overlap.
    return alerts.select_related("episode__patient").order_by("priority", "created_at", "id")


@dataclass(frozen=True, slots=True)
class AttentionRow:
    episode: Episode
    kind: str  # "urgent", "review" or an AlertKind value
    rank: float
    since: datetime
    alert: Alert | None = None


# An intake waiting for review ranks after a red flag and a deterioration, before the rest.
REVIEW_RANK = 1.5


@dataclass(frozen=True, slots=True)
class AttentionPage:
    """One page of the attention list; iterating it gives its rows."""

    rows: list[AttentionRow]
    number: int  # from 1
    more: bool  # a next page exists

    def __iter__(self) -> Iterator[AttentionRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def attention(
    user: User,
    scope: care_selectors.Scope = care_selectors.Scope.CLINIC,
    page: int = 1,
    size: int = care_selectors.DASHBOARD_PAGE,
) -> AttentionPage:
    """Everything that needs the clinician, most urgent first, oldest first within a kind.

    Two ranked lists merged: the episodes waiting (urgent, review) and the open alerts. Page
    ``page`` reads the first ``page * size + 1`` rows of each, never more: the first page
    costs the same in any clinic, and a later one what was paged through; a page beyond the
    end gives the first. (Page numbers, not a keyset: the rows' ranks come from two tables,
    and the list is short-lived, its rows leaving as they are handled.)
    """
    reach = page * size + 1
    rows = [
        AttentionRow(
            episode,
            episode.status,
            -1 if episode.status == EpisodeStatus.URGENT else REVIEW_RANK,
            episode.opened_at,
        )
        for episode in care_selectors.attention_list(user, scope)[:reach]
    ]
    rows += [
        AttentionRow(alert.episode, alert.kind, alert.priority, alert.created_at, alert)
        for alert in open_alerts(user, scope)[:reach]
    ]
    rows.sort(key=lambda row: (row.rank, row.since))
    shown = rows[(page - 1) * size : page * size]
    if not shown and page > 1:  # the rows it held were handled meanwhile
        return attention(user, scope, 1, size)
    return AttentionPage(shown, page, len(rows) > page * size)


def unresolved_red_flag(episode: Episode) -> RedFlagCheck | None:
    """The latest re-check that stopped care while its alert is still open."""
    open_keys = episode.alerts.filter(kind="red_flag", resolved_at__isnull=True).values("key")
    return (
        episode.rechecks.filter(id__in=[row["key"] for row in open_keys])
        .order_by("-created_at")
        .first()
    )
