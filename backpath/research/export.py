"""``backpath export``: the research export of the episodes opened in a period.

Two passes over one stream of episodes, so memory stays flat however many there are:

1. read the episodes in chunks (``records``), build their rows (``rows``), park them in a
   spool on disk and count each suppressible value (``suppression.ValueCounts``);
2. read the spool back, replace the rare values and write each table (``writers``).

Everything is written into a private staging folder beside the output (mode 0700) and moved
into place at the end: a failed export leaves nothing behind, and the output never holds a
half-written table. The access log gets one entry per clinic whose episodes went out (a
clinic admin reads their own clinic's log), naming the operator, never one per patient.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from backpath import __version__
from backpath.accounts.clinics import NoSuchClinic, clinic_named
from backpath.accounts.models import Clinic
from backpath.auditlog.models import Action
from backpath.auditlog.services import record
from backpath.research import dictionary
from backpath.research.options import DEFAULT_MIN_CELL, Format
from backpath.research.pseudonyms import Pseudonyms
from backpath.research.records import episodes_opened, stream_facts
from backpath.research.rows import RowBuilder
from backpath.research.suppression import ValueCounts
from backpath.research.tables import Table, tables
from backpath.research.writers import Spool, table_writer

OPERATOR = "operator (backpath export)"
CHUNK_SIZE = 500  # episodes per chunk: a few thousand rows in memory, well under SQLite's
# limit of bound parameters for the chunk's id lists


class ExportRefused(Exception):
    """The export cannot be made as asked; the message says why, for the operator."""


@dataclass(frozen=True, slots=True)
class ExportRequest:
    start: date
    end: date
    format: Format
    output: Path
    clinic: str | None = None  # a clinic's name (any case) or id
    min_cell: int = DEFAULT_MIN_CELL


@dataclass(frozen=True, slots=True)
class ExportDone:
    output: Path
    rows: dict[str, int]  # table -> rows written


def find_clinic(name: str) -> Clinic:
    """A clinic by its name (any case) or its id."""
    try:
        return clinic_named(name)
    except NoSuchClinic as unknown:
        raise ExportRefused(str(unknown)) from None


def _check(request: ExportRequest) -> None:
    if request.start > request.end:
        raise ExportRefused(
            f"--from {request.start.isoformat()} is after --to {request.end.isoformat()}"
        )
    if request.min_cell < 1:
        raise ExportRefused("--min-cell: must be 1 or more (1 suppresses nothing)")
    output = request.output
    if output.exists() and not output.is_dir():
        raise ExportRefused(f"{output}: is a file; name a new or empty folder")
    if output.is_dir() and any(output.iterdir()):
        raise ExportRefused(f"{output}: is not empty; name a new or empty folder")
    if not output.parent.is_dir():
        raise ExportRefused(f"{output}: no such folder {str(output.parent)!r}")


def export(request: ExportRequest, *, chunk_size: int = CHUNK_SIZE) -> ExportDone:
    _check(request)
    clinic = find_clinic(request.clinic) if request.clinic is not None else None
    try:
        staging = Path(tempfile.mkdtemp(prefix=".backpath-export-", dir=request.output.parent))
    except OSError as error:
        raise ExportRefused(f"{request.output}: cannot write ({error.strerror})") from None
    # Names the export in the access log and the manifest, so the files can be traced to
    # the entries; random, nothing to do with the pseudonyms' key.
    export_id = uuid.uuid4().hex
    try:
        rows, per_clinic, replaced = _write(request, clinic, staging, chunk_size)
        _manifest(request, clinic, staging, export_id, rows, replaced)
        _log(request, clinic, export_id, per_clinic)
        _publish(staging, request.output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return ExportDone(request.output, rows)


def _write(
    request: ExportRequest, clinic: Clinic | None, staging: Path, chunk_size: int
) -> tuple[dict[str, int], Counter[uuid.UUID], dict[str, dict[str, int]]]:
    all_tables = tables()
    builder = RowBuilder(Pseudonyms(), timezone.localdate())
    spools = {table.name: Spool(staging / f".{table.name}.spool") for table in all_tables}
    counts = {table.name: ValueCounts(table) for table in all_tables}
    per_clinic: Counter[uuid.UUID] = Counter()
    episodes = episodes_opened(request.start, request.end, clinic)
    for chunk in stream_facts(episodes, chunk_size):
        per_clinic.update(facts.clinic_id for facts in chunk)
        for table, rows in builder.build(chunk).by_table():
            spools[table.name].write(rows)
            counts[table.name].add(rows)
    written: dict[str, int] = {}
    replaced: dict[str, dict[str, int]] = {}
    for table in all_tables:
        spool = spools[table.name]
        spool.close()
        written[table.name], replaced[table.name] = _write_table(
            request, table, spool, counts[table.name], staging
        )
        spool.path.unlink()
    dictionary.write_csv(staging, all_tables, request.min_cell)
    dictionary.write_markdown(staging, all_tables, request.min_cell)
    return written, per_clinic, replaced


def _write_table(
    request: ExportRequest, table: Table, spool: Spool, counts: ValueCounts, staging: Path
) -> tuple[int, dict[str, int]]:
    suppressor = counts.suppressor(request.min_cell)
    writer = table_writer(request.format, staging, table)
    written = 0
    try:
        for rows in spool.read():
            writer.write(list(suppressor.apply(rows)))
            written += len(rows)
    finally:
        writer.close()
    return written, dict(sorted(suppressor.replaced.items()))


def _manifest(
    request: ExportRequest,
    clinic: Clinic | None,
    staging: Path,
    export_id: str,
    rows: dict[str, int],
    replaced: dict[str, dict[str, int]],
) -> None:
    manifest = {
        "export_id": export_id,
        "backpath_version": __version__,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "period": {"from": request.start.isoformat(), "to": request.end.isoformat()},
        "clinic": clinic.name if clinic else None,
        "format": request.format.value,
        "rows": rows,
        "min_cell": request.min_cell,
        "suppressed_cells": replaced,
        "files": sorted(
            [f"{name}.{request.format.value}" for name in rows]
            + ["dictionary.csv", "dictionary.md", "manifest.json"]
        ),
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (staging / "manifest.json").write_text(text, encoding="utf-8")


def _log(
    request: ExportRequest, clinic: Clinic | None, export_id: str, per_clinic: Counter[uuid.UUID]
) -> None:
    """One entry per clinic whose episodes are in the export (the filtered clinic when
    there were none), all naming one export id, the operator and the period."""
    period = f"{request.start.isoformat()}..{request.end.isoformat()}"
    entries: list[tuple[uuid.UUID | None, int]] = [*per_clinic.items()] or [
        (clinic.pk if clinic else None, 0)
    ]
    with transaction.atomic():
        for clinic_id, episodes in entries:
            record(
                actor=None,
                actor_label=OPERATOR,
                action=Action.EXPORT,
                clinic_id=clinic_id,
                object_type="research_export",
                object_id=export_id,
                detail=f"research export {period}: {episodes} episodes ({request.format.value})",
            )


def _publish(staging: Path, output: Path) -> None:
    """Move the finished export into place; an empty output folder is replaced."""
    try:
        os.replace(staging, output)
    except OSError as error:
        # Only if something was put in the output folder while the export ran. The access
        # log already has the export: it may say more went out than did, never less.
        raise ExportRefused(f"{output}: cannot move the export there ({error.strerror})") from None
