"""Search parameters and the searchset Bundle with its paging links.

Parameters: ``patient`` (``Patient/{id}`` or the id), ``_lastUpdated`` and ``date`` (with
FHIR's prefixes eq, gt, ge, lt, le; a date matches the whole day, month or year; repeat the
parameter for a range), ``status`` (codes separated by commas), ``url`` (a canonical URL,
for the public definitions), ``_count`` (page size, 0-100)
and ``_offset`` (where the page starts; the ``next`` link carries it). A resource type names
the ones it takes; any other parameter, a repeated single one or a bad value is a 400
OperationOutcome naming it, rather than a result that silently ignores the condition.
"""

from __future__ import annotations

import calendar
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntrySearch, BundleLink
from fhir.resources.R4B.resource import Resource

from backpath.fhir.outcomes import FhirError

DEFAULT_COUNT = 50
MAX_COUNT = 100
# Always accepted: the format (only JSON is served, see outcomes) and the page start.
ALWAYS = frozenset({"_format", "_offset", "_count"})
PREFIXES = ("eq", "gt", "ge", "lt", "le")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _bad(name: str, problem: str) -> FhirError:
    return FhirError(400, "invalid", f"{name}: {problem}", expression=name)


@dataclass(frozen=True, slots=True)
class DateBound:
    """``prefix`` applied to the interval ``[start, end)`` a search date stands for."""

    prefix: str
    start: datetime
    end: datetime

    def matches(self, value: datetime) -> bool:
        match self.prefix:
            case "gt":
                return value >= self.end
            case "ge":
                return value >= self.start
            case "lt":
                return value < self.start
            case "le":
                return value < self.end
            case _:
                return self.start <= value < self.end


def as_instant(value: datetime | date) -> datetime:
    """A resource's date as a moment: a day starts at midnight, in the clinic's time zone."""
    if isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime(value.year, value.month, value.day))


def _date_bound(name: str, raw: str) -> DateBound:
    prefix = raw[:2] if raw[:2] in PREFIXES else "eq"
    text = raw[2:] if raw[:2] in PREFIXES else raw
    if found := _DATE.match(text):
        year, month, day = (int(part) if part else None for part in found.groups())
        try:
            if day is not None and month is not None:
                start = date(year or 1, month, day)
                end = start + timedelta(days=1)
            elif month is not None:
                start = date(year or 1, month, 1)
                end = start + timedelta(days=calendar.monthrange(start.year, month)[1])
            else:
                start = date(year or 1, 1, 1)
                end = date((year or 1) + 1, 1, 1)
        except (ValueError, OverflowError):
            raise _bad(name, _("not a date: %(value)s") % {"value": text}) from None
        return DateBound(prefix, as_instant(start), as_instant(end))
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _bad(
            name,
            _("expected a date (2026-01-31) or a time with its zone, not %(value)s")
            % {"value": text},
        ) from None
    if moment.tzinfo is None:
        moment = timezone.make_aware(moment)
    return DateBound(prefix, moment, moment + timedelta(seconds=1))


@dataclass(frozen=True, slots=True)
class Query:
    patient: uuid.UUID | None = None
    dates: tuple[DateBound, ...] = ()
    last_updated: tuple[DateBound, ...] = ()
    status: frozenset[str] | None = None
    url: str | None = None  # a canonical URL, without its |version
    count: int = DEFAULT_COUNT
    offset: int = 0


def _single(params: QueryDict, name: str) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        raise _bad(name, _("give this parameter once"))
    return values[0] if values else None


def _number(params: QueryDict, name: str, low: int, high: int, default: int) -> int:
    raw = _single(params, name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise _bad(
            name,
            _("a whole number from %(low)s to %(high)s") % {"low": low, "high": high},
        )
    return int(raw)


def _patient(params: QueryDict) -> uuid.UUID | None:
    raw = _single(params, "patient")
    if raw is None:
        return None
    try:
        return uuid.UUID(raw.removeprefix("Patient/"))
    except ValueError:
        raise _bad("patient", _("not a patient id: %(value)s") % {"value": raw}) from None


def parse(params: QueryDict, allowed: frozenset[str], resource_type: str) -> Query:
    """The query, or a 400 naming the first parameter this resource type does not take."""
    for name in params:
        if name not in allowed | ALWAYS:
            known = ", ".join(sorted(allowed | ALWAYS))
            raise _bad(
                name,
                _("%(type)s takes no parameter %(name)s; it takes %(known)s")
                % {"type": resource_type, "name": name, "known": known},
            )
    status = _single(params, "status")
    return Query(
        patient=_patient(params),
        dates=tuple(_date_bound("date", raw) for raw in params.getlist("date")),
        last_updated=tuple(
            _date_bound("_lastUpdated", raw) for raw in params.getlist("_lastUpdated")
        ),
        status=frozenset(code for code in status.split(",") if code) if status else None,
        url=(_single(params, "url") or "").partition("|")[0] or None,
        count=_number(params, "_count", 0, MAX_COUNT, DEFAULT_COUNT),
        offset=_number(params, "_offset", 0, 10**9, 0),
    )


def _link(request: HttpRequest, relation: str, offset: int | None = None) -> BundleLink:
    params = request.GET.copy()
    if offset is not None:
        params["_offset"] = str(offset)
    query = urlencode(list(params.lists()), doseq=True)
    url = request.build_absolute_uri(request.path) + (f"?{query}" if query else "")
    return BundleLink(relation=relation, url=url)


def base_url(request: HttpRequest) -> str:
    """The server's base (``https://host/fhir/R4``), for entries' ``fullUrl``."""
    path = request.path
    return request.build_absolute_uri(path[: path.index("/R4/") + len("/R4")])


def searchset(request: HttpRequest, matches: Sequence[Resource], query: Query) -> Bundle:
    """One page of ``matches`` (all of them, in order), with self and next links."""
    page = matches[query.offset : query.offset + query.count]
    links = [_link(request, "self")]
    if query.offset + query.count < len(matches) and query.count:
        links.append(_link(request, "next", query.offset + query.count))
    base = base_url(request)
    return Bundle(
        type="searchset",
        timestamp=timezone.now(),
        total=len(matches),
        link=links,
        entry=[
            BundleEntry(
                fullUrl=f"{base}/{resource.get_resource_type()}/{resource.id}",
                resource=resource,
                search=BundleEntrySearch(mode="match"),
            )
            for resource in page
        ]
        or None,
    )
