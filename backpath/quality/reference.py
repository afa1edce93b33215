"""The case-mix reference: every clinic's answered occasions by month, stratum and profile,
with how many reached the minimal important change per instrument (``ReferenceCell``).

Built with one aggregate over the installation's ``OccasionFacts`` by ``backpath
quality-refresh`` (daily from cron or the Celery beat): the reference moves slowly (it is
every clinic's patients), and a clinic's page must not wait for a pass over a million
episodes. Only a page finding it never built builds it first; builds queue on one row, so
two never build over each other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from backpath.clinical.progress import ChangeClass
from backpath.clinical.stratification import Profile
from backpath.quality.casemix import Cell
from backpath.quality.facts import MIC_OCCASIONS, OUTCOME_INSTRUMENTS
from backpath.quality.models import OccasionFacts, ReferenceBuilt, ReferenceCell

IMPROVED = ChangeClass.IMPROVED.value


def rebuild() -> int:
    """Build the reference again from every clinic's occasions; the number of cells.

    One ``INSERT ... SELECT`` of the grouped occasions: the cells never pass through Python
    (at a million episodes that was most of the time).
    """
    aggregates: dict[str, Any] = {}
    for instrument in OUTCOME_INSTRUMENTS:
        aggregates[f"{instrument}_reached"] = Count("pk", filter=Q(**{instrument: IMPROVED}))
        aggregates[f"{instrument}_counted"] = Count("pk", filter=~Q(**{instrument: ""}))
    grouped = (
        # Only an answered occasion has a change to count.
        OccasionFacts.objects.filter(occasion__in=MIC_OCCASIONS, responded=True)
        .annotate(month=TruncMonth("opened_on"))
        .order_by()
        .values("month", "occasion", "casemix", "profile")
        .annotate(**aggregates)
    )
    select, params = grouped.query.sql_with_params()
    table = connection.ops.quote_name(ReferenceCell._meta.db_table)
    with transaction.atomic():
        # The lock: a second build waits here, then builds on what the first committed.
        built, _created = ReferenceBuilt.objects.select_for_update().get_or_create(
            pk=1, defaults={"built_at": timezone.now()}
        )
        ReferenceCell.objects.all().delete()
        with connection.cursor() as cursor:
            # The SELECT's own column names (the model's columns, and the annotations named
            # as the cell's columns) say which column each value goes to, in its order.
            cursor.execute(f"SELECT * FROM ({select}) AS cells WHERE 1 = 0", params)
            names = ", ".join(connection.ops.quote_name(c[0]) for c in cursor.description)
            cursor.execute(f"INSERT INTO {table} ({names}) {select}", params)
        built.built_at = timezone.now()
        built.save(update_fields=["built_at"])
    return ReferenceCell.objects.count()


def built_at() -> datetime | None:
    return ReferenceBuilt.objects.filter(pk=1).values_list("built_at", flat=True).first()


def reference(
    start: date, end: date, profile: Profile | None
) -> dict[tuple[str, str], dict[str, Cell]]:
    """(occasion, instrument) -> stratum -> reached of counted, over the months of the
    period (whole months: the reference is kept by month)."""
    if built_at() is None:
        rebuild()
    cells = ReferenceCell.objects.filter(month__gte=start.replace(day=1), month__lte=end)
    if profile is not None:
        cells = cells.filter(profile=profile.value)
    sums: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(dict)
    rows: Iterable[Mapping[str, Any]] = cells.values()
    for row in rows:
        for instrument in OUTCOME_INSTRUMENTS:
            counted = row[f"{instrument}_counted"]
            if counted:
                cell = sums[(row["occasion"], instrument)].setdefault(row["casemix"], [0, 0])
                cell[0] += row[f"{instrument}_reached"]
                cell[1] += counted
    return {
        key: {casemix: Cell(*pair) for casemix, pair in strata.items()}
        for key, strata in sums.items()
    }
