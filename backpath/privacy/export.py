"""Everything backpath holds about one patient: a versioned JSON document for other software
(GDPR art. 20), and the same as a PDF to read (GDPR art. 15, WGBO art. 7:456 BW).

The document is built from ``holdings.HOLDINGS`` (one section per model, in that order),
with the patient, their portal account and the access-log entries about them besides.
Every column is exported except secrets (password and token hashes), the forms' one-time
submission ids and the access log's own chain hashes. Keys keep a fixed order: the
sections as listed, each row's fields as the model declares them, stored JSON sorted.
Dates and times are ISO 8601, times with their offset.

Here the document is only assembled; the pages (``views.py``) check who may have it and
write the export to the access log.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from django.contrib.staticfiles import finders
from django.db import models
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backpath import __version__
from backpath.accounts.models import Clinic, User
from backpath.auditlog.models import AccessEntry
from backpath.care.models import Assessment, Patient, PlanVersion
from backpath.privacy.holdings import HOLDINGS
from backpath.web.pdf import render_pdf

FORMAT = "backpath-export"
VERSION = 1

Json = dict[str, Any]

PATIENT_WITHHELD = frozenset({"submission", "user"})  # the account is its own section
ACCOUNT_WITHHELD = frozenset({"password"})
# The stored documents behind a page (the clinical core's input and result, the plan in both
# languages) are whole in the JSON file; the PDF would print them as pages of code.
IN_JSON_ONLY = {Assessment: frozenset({"input", "result"}), PlanVersion: frozenset({"plan"})}


def plain(value: Any) -> Any:
    """A column's value as JSON: ISO 8601 dates and times, UUIDs as text, dicts sorted."""
    if isinstance(value, datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.isoformat(timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): plain(value[key]) for key in sorted(value, key=str)}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


class _Names:
    """The people and clinics rows point at, by name (one query each, remembered)."""

    def __init__(self) -> None:
        self._users: dict[Any, str | None] = {}
        self._clinics: dict[Any, str | None] = {}

    def user(self, pk: Any) -> str | None:
        if pk not in self._users:
            found = User.objects.filter(pk=pk).first()
            self._users[pk] = None if found is None else found.get_full_name() or found.email
        return self._users[pk]

    def clinic(self, pk: Any) -> str | None:
        if pk not in self._clinics:
            self._clinics[pk] = Clinic.objects.filter(pk=pk).values_list("name", flat=True).first()
        return self._clinics[pk]


def _row(row: models.Model, withheld: frozenset[str], names: _Names) -> Json:
    out: Json = {}
    for field in row._meta.concrete_fields:
        if field.name in withheld:
            continue
        value = getattr(row, field.attname)
        if isinstance(field, models.ForeignKey) and value is not None:
            if field.related_model is User:
                value = names.user(value)
            elif field.related_model is Clinic:
                value = names.clinic(value)
        out[field.name] = plain(value)
    return out


def access_entries(patient: Patient) -> models.QuerySet[AccessEntry]:
    """The log's entries about the patient, and those of their own account (logins)."""
    about = Q(patient_id=patient.id)
    if patient.user_id is not None:
        about |= Q(actor_id=patient.user_id)
    return AccessEntry.objects.filter(about).order_by("id")


def _access(entry: AccessEntry, patient: Patient, names: _Names) -> Json:
    own = patient.user_id is not None and entry.actor_id == patient.user_id
    who = names.user(entry.actor_id) if entry.actor_id is not None else None
    return {
        "at": plain(entry.at),
        "actor": who or entry.actor_label,
        "role": entry.role,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "detail": entry.detail,
        "outcome": entry.outcome,
        # The address a staff member worked from is theirs, not the patient's.
        "address": entry.address if own else None,
    }


def build(patient: Patient, *, now: datetime | None = None) -> Json:
    """The export document of ``patient`` (format ``backpath-export``, version 1)."""
    names = _Names()
    clinic = patient.clinic
    account = User.objects.filter(pk=patient.user_id).first() if patient.user_id else None
    sections: Json = {
        holding.key: [_row(row, holding.withheld, names) for row in holding.rows(patient)]
        for holding in HOLDINGS
    }
    sections["access_log"] = [_access(e, patient, names) for e in access_entries(patient)]
    contents = [
        {"section": "patient", "model": Patient._meta.label, "rows": 1},
        {"section": "account", "model": User._meta.label, "rows": int(account is not None)},
        *(
            {"section": h.key, "model": h.model._meta.label, "rows": len(sections[h.key])}
            for h in HOLDINGS
        ),
        {
            "section": "access_log",
            "model": AccessEntry._meta.label,
            "rows": len(sections["access_log"]),
        },
    ]
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": plain(now or timezone.now()),
        "backpath": __version__,
        "contents": contents,
        "clinic": {"name": clinic.name, "city": clinic.city, "phone": clinic.phone},
        "patient": _row(patient, PATIENT_WITHHELD, names),
        "account": None if account is None else _row(account, ACCOUNT_WITHHELD, names),
        **sections,
    }


def as_json(document: Json) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


# --- The PDF ------------------------------------------------------------------------------

_ACCESS_LABELS = {
    "at": gettext_lazy("when"),
    "actor": gettext_lazy("who"),
    "role": gettext_lazy("role"),
    "action": gettext_lazy("action"),
    "object_type": gettext_lazy("record"),
    "detail": gettext_lazy("what"),
    "outcome": gettext_lazy("outcome"),
}


def _readable(value: Any) -> str:
    if value is None or value in ("", [], {}):
        return "-"
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _lines(model: type[models.Model], row: Json) -> list[tuple[str, str]]:
    """A row as (label, text) lines: choices by their label, references left to the JSON."""
    lines = []
    json_only = IN_JSON_ONLY.get(model, frozenset())
    for key, value in row.items():
        field = model._meta.get_field(key)
        if key == "id" or (
            isinstance(field, models.ForeignKey) and field.related_model not in (User, Clinic)
        ):
            continue
        label = capfirst(str(field.verbose_name))  # type: ignore[union-attr]
        if key in json_only:
            lines.append((label, _("In the JSON file.")))
            continue
        choices = dict(getattr(field, "choices", None) or ())
        shown = choices.get(value) if isinstance(value, str) else None
        lines.append((label, str(shown) if shown is not None else _readable(value)))
    return lines


def readable(document: Json) -> list[Json]:
    """The document's sections as the PDF shows them: a title and rows of (label, text)."""
    sections: list[Json] = [
        {"title": _("Your details"), "rows": [_lines(Patient, document["patient"])]},
    ]
    if document["account"] is not None:
        account = _lines(User, document["account"])
        sections.append({"title": _("Your portal account"), "rows": [account]})
    for holding in HOLDINGS:
        rows = [_lines(holding.model, row) for row in document[holding.key]]
        sections.append({"title": holding.title, "rows": rows})
    return sections


def _access_rows(document: Json) -> list[list[str]]:
    actions = dict(AccessEntry._meta.get_field("action").choices or ())
    outcomes = dict(AccessEntry._meta.get_field("outcome").choices or ())
    return [
        [
            entry["at"].replace("T", " "),
            entry["actor"] or "-",
            entry["role"] or "-",
            str(actions.get(entry["action"], entry["action"])),
            entry["object_type"] or "-",
            entry["detail"] or "-",
            str(outcomes.get(entry["outcome"], entry["outcome"])),
        ]
        for entry in document["access_log"]
    ]


def pdf_html(document: Json, request: HttpRequest) -> str:
    """The PDF's page, in the user's language."""
    stylesheet = finders.find("backpath/letter.css")  # the letters' A4 typography
    assert isinstance(stylesheet, str)
    with open(stylesheet, encoding="utf-8") as css:
        inline_css = css.read()
    return render_to_string(
        "privacy/export_pdf.html",
        {
            "inline_css": inline_css,
            "document": document,
            "sections": readable(document),
            "access_labels": [capfirst(str(label)) for label in _ACCESS_LABELS.values()],
            "access_rows": _access_rows(document),
        },
        request=request,
    )


def as_pdf(document: Json, request: HttpRequest) -> bytes:
    # Fetches nothing but data: URIs, so no text a patient typed can reach a file or a URL.
    return render_pdf(pdf_html(document, request))
