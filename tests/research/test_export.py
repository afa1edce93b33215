"""The research export end to end: what goes out, what never does, and the log entry."""

from __future__ import annotations

import csv
import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backpath.auditlog.models import AccessEntry, Action
from backpath.auditlog.services import verify
from backpath.care.models import Episode
from backpath.research import export as export_module
from backpath.research.export import ExportRefused, ExportRequest, export
from backpath.research.options import DEFAULT_MIN_CELL, Format
from backpath.research.suppression import SUPPRESSED
from backpath.research.tables import tables
from tests.personas import World
from tests.research.cohort import Cohort, build_cohort

ISO_DATE = re.compile(rb"\d{4}-\d{2}-\d{2}")
TABLES = ("episodes", "measurements", "sessions")
Row = dict[str, Any]


@pytest.fixture
def cohort(world: World) -> Cohort:
    return build_cohort(world)


def run(tmp_path: Path, name: str = "out", *, format: Format = Format.CSV, **options: Any) -> Path:
    today = timezone.localdate()
    options.setdefault("min_cell", 1)
    request = ExportRequest(
        start=today - timedelta(days=1),
        end=today,
        format=format,
        output=tmp_path / name,
        **options,
    )
    return export(request).output


def read_csv(folder: Path, table: str) -> list[Row]:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as rows:
        return list(csv.DictReader(rows))


def read_parquet(folder: Path, table: str) -> list[Row]:
    rows: list[Row] = pq.read_table(folder / f"{table}.parquet").to_pylist()
    return rows


def by_episode(rows: list[Row]) -> dict[str, Row]:
    return {row["episode"]: row for row in rows}


def pseudonym_of(folder: Path, cohort: Cohort, episode: Episode) -> str:
    """The row of ``episode``: found by what it is (Amy's closed first episode, ...)."""
    rows = read_csv(folder, "episodes")
    if episode == cohort.amy_first:
        return next(r["episode"] for r in rows if r["status"] == "closed")
    if episode == cohort.amy_return:
        return next(r["episode"] for r in rows if r["patient_episode"] == "2")
    raise AssertionError("no way to tell this episode")


# --- nothing personal leaves -------------------------------------------------------------------


@pytest.mark.parametrize("format", list(Format))
def test_no_name_contact_free_text_id_or_date_reaches_any_file(
    cohort: Cohort, tmp_path: Path, format: Format
) -> None:
    folder = run(tmp_path, format=format)
    ids = [
        value
        for row in Episode.objects.values_list("id", "patient_id", "clinic_id")
        for value in row
    ]
    never = [*cohort.never, *(str(i) for i in ids), *(i.hex for i in ids)]
    files = sorted(folder.iterdir())
    assert [f.name for f in files] == sorted(
        [f"{t}.{format.value}" for t in TABLES]
        + ["dictionary.csv", "dictionary.md", "manifest.json"]
    )
    for path in files:
        content = path.read_bytes()
        if path.name == "manifest.json":
            manifest = json.loads(content)
            assert manifest["clinic"] is None
            del manifest["created_at"], manifest["period"]  # the export's own dates
            content = json.dumps(manifest).encode()
        for text in never:
            assert text.encode() not in content, f"{text!r} in {path.name}"
        assert not ISO_DATE.search(content), f"a date in {path.name}"
    if format is Format.PARQUET:  # compressed: the raw bytes prove little; read the values
        for table in TABLES:
            values = json.dumps(read_parquet(folder, table))
            assert not ISO_DATE.search(values.encode())
            assert not [text for text in never if text in values]


def test_dates_are_days_since_the_episode_started(cohort: Cohort, tmp_path: Path) -> None:
    folder = run(tmp_path)
    first = pseudonym_of(folder, cohort, cohort.amy_first)
    episode = by_episode(read_csv(folder, "episodes"))[first]
    assert (episode["intake_day"], episode["discharge_day"]) == ("0", "0")
    sessions = [s for s in read_csv(folder, "sessions") if s["episode"] == first]
    assert {s["day"] for s in sessions} == {"0"}
    today = timezone.localdate()
    age = today.year - 1980 - ((today.month, today.day) < (5, 17))  # the personas' birthday
    assert episode["age_band"] == f"{age // 5 * 5}-{age // 5 * 5 + 4}"


# --- the dictionary ----------------------------------------------------------------------------


@pytest.mark.parametrize("format", list(Format))
def test_the_dictionary_lists_every_column_of_every_table_and_nothing_else(
    cohort: Cohort, tmp_path: Path, format: Format
) -> None:
    folder = run(tmp_path, format=format)
    with (folder / "dictionary.csv").open(encoding="utf-8", newline="") as lines:
        listed = list(csv.DictReader(lines))
    markdown = (folder / "dictionary.md").read_text(encoding="utf-8")
    for table in TABLES:
        if format is Format.CSV:
            with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as rows:
                written = next(csv.reader(rows))
        else:
            written = pq.read_schema(folder / f"{table}.parquet").names
        assert [line["column"] for line in listed if line["table"] == table] == written
        section = markdown.split(f"## {table}\n")[1].split("\n## ")[0]
        lines = [line for line in section.splitlines() if line.startswith("| ")][1:]  # no header
        assert [line.split(" | ")[0].removeprefix("| ") for line in lines] == written
    assert {line["table"] for line in listed} == set(TABLES)
    for line in listed:
        assert all(line[name] for name in ("type", "meaning", "source")), line
        assert line["suppressed"] in ("yes", "no")
        assert (SUPPRESSED in line["allowed_values"]) == (line["suppressed"] == "yes")
    suppressed = {(t.name, c.name) for t in tables() for c in t.columns if c.suppressed}
    assert {(line["table"], line["column"]) for line in listed if line["suppressed"] == "yes"} == (
        suppressed
    )


# --- pseudonyms --------------------------------------------------------------------------------


def test_pseudonyms_join_the_tables_of_one_export_and_no_two_exports(
    cohort: Cohort, tmp_path: Path
) -> None:
    first, second = run(tmp_path, "first"), run(tmp_path, "second")
    episodes = read_csv(first, "episodes")
    pseudonyms = {row["episode"] for row in episodes}
    assert len(pseudonyms) == Episode.objects.count() == 7
    for table in ("measurements", "sessions"):
        assert {row["episode"] for row in read_csv(first, table)} <= pseudonyms
    patient_of = {row["episode"]: row["patient"] for row in episodes}
    first_amy = pseudonym_of(first, cohort, cohort.amy_first)
    return_amy = pseudonym_of(first, cohort, cohort.amy_return)
    assert patient_of[first_amy] == patient_of[return_amy]  # one patient, two episodes
    assert len({row["patient"] for row in episodes}) == 6
    assert len({row["clinic"] for row in episodes}) == 2
    again = read_csv(second, "episodes")
    for column in ("episode", "patient", "clinic"):
        assert not {row[column] for row in episodes} & {row[column] for row in again}
    for row in episodes:
        assert re.fullmatch(r"[0-9a-f]{16}", row["episode"])


# --- small cells -------------------------------------------------------------------------------


def test_a_value_in_exactly_min_cell_rows_stays_and_in_one_fewer_is_suppressed(
    cohort: Cohort, tmp_path: Path
) -> None:
    sexes = [row["sex"] for row in read_csv(run(tmp_path, "all"), "episodes")]
    assert (sexes.count("male"), sexes.count("female")) == (3, 4)

    kept = run(tmp_path, "three", min_cell=3)
    assert sorted(row["sex"] for row in read_csv(kept, "episodes")) == sorted(sexes)
    hidden = run(tmp_path, "four", min_cell=4)
    assert sorted(row["sex"] for row in read_csv(hidden, "episodes")) == (
        ["female"] * 4 + [SUPPRESSED] * 3
    )
    manifest = json.loads((hidden / "manifest.json").read_text())
    assert manifest["min_cell"] == 4
    assert manifest["suppressed_cells"]["episodes"]["sex"] == 3


def test_in_a_column_of_codes_each_rare_code_is_suppressed_on_its_own(
    cohort: Cohort, tmp_path: Path
) -> None:
    sessions = read_csv(run(tmp_path, min_cell=2), "sessions")
    cells = sorted(row["interventions"] for row in sessions)
    # self_management was given once, massage once: each goes, the codes beside them stay.
    assert f"education;{SUPPRESSED}" in cells
    assert f"exercise_therapy;{SUPPRESSED}" in cells
    assert not [cell for cell in cells if "self_management" in cell or "massage" in cell]
    assert {row["not_recommended"] for row in sessions} == {"", SUPPRESSED}


@pytest.mark.parametrize("format", list(Format))
def test_by_default_a_value_in_fewer_than_ten_rows_is_suppressed(
    cohort: Cohort, tmp_path: Path, format: Format
) -> None:
    folder = run(tmp_path, format=format, min_cell=DEFAULT_MIN_CELL)
    read = read_csv if format is Format.CSV else read_parquet
    episodes = read(folder, "episodes")
    assert {row["sex"] for row in episodes} == {SUPPRESSED}  # 4 female, 3 male
    assert {row["profile_advised"] for row in episodes} == {
        SUPPRESSED,
        None if read is read_parquet else "",
    }
    # Numbers, pseudonyms and the measurement's instrument and occasion are never suppressed.
    measurements = read(folder, "measurements")
    assert {row["instrument"] for row in measurements} == {
        "gpe",
        "nprs",
        "psk",
        "qbpds",
        "startback",
    }
    assert {row["occasion"] for row in measurements} == {
        "intake",
        "week-3",
        "discharge",
        "followup-3m",
    }
    assert len({row["episode"] for row in episodes}) == 7


# --- the two formats ---------------------------------------------------------------------------


def _typed(value: str, kind: str) -> Any:
    """A CSV cell as the dictionary's type says (an empty cell is a Parquet null)."""
    if value == "":
        return None
    return {
        "integer": int,
        "number": float,
        "boolean": {"true": True, "false": False}.__getitem__,
    }.get(kind, str)(value)


def test_csv_and_parquet_hold_the_same_values(
    cohort: Cohort, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One key for both exports, so that their pseudonyms can be compared too.
    monkeypatch.setattr("backpath.research.pseudonyms.secrets.token_bytes", lambda n: b"k" * n)
    as_csv = run(tmp_path, "csv", format=Format.CSV)
    as_parquet = run(tmp_path, "parquet", format=Format.PARQUET)
    for table in tables():
        kinds = {column.name: column.kind.value for column in table.columns}
        from_csv = [
            {name: _typed(value, kinds[name]) for name, value in row.items()}
            for row in read_csv(as_csv, table.name)
        ]
        assert from_csv == read_parquet(as_parquet, table.name)
        assert from_csv, table.name


# --- what the rows say -------------------------------------------------------------------------


def test_an_episode_row_says_what_happened_in_codes_and_numbers(
    cohort: Cohort, tmp_path: Path
) -> None:
    folder = run(tmp_path)
    rows = by_episode(read_csv(folder, "episodes"))
    amy = rows[pseudonym_of(folder, cohort, cohort.amy_first)]
    budget = cohort.budget
    expected = {
        "patient_episode": "1",
        "sex": "female",
        "status": "closed",
        "diagnosis": "lbp",
        "startback_total": "0",  # item 9 answered 1 scores 0 (Keele)
        "startback_psychosocial": "0",
        "startback_risk": "low",
        "profile_advised": "low",
        "profile_final": "low",
        "plan_versions": "2",
        "sessions_used": str(budget + 1),
        "sessions_budget": str(budget + 3),  # the plan changed after the fourth session
        "sessions_over_budget": "1",
        "sessions_on_hold": "0",
        "interventions": "education;exercise_therapy;massage",
        "not_recommended_given": "massage",
        "not_recommended_rules": "PW-NR-MASSAGE-LOW",
        "exercise_sessions_planned": "1.0",  # 7 a week, published and closed the same day
        "exercise_sessions_done": "1",
        "exercise_adherence": "1.0",
        "alerts_red_flag": "1",
        "alerts_flare": "1",
        "alerts_overdue": "0",
        "intake_day": "0",
        "discharge_day": "0",
        "discharge_reason": "goals_reached",
        "nprs_intake": "4",
        "nprs_week_3": "1",
        "nprs_week_3_change": "improved",
        "nprs_discharge": "1",
        "nprs_discharge_change": "improved",
        "nprs_followup_3m": "5",
        "nprs_followup_3m_change": "worse",  # against the discharge (1), not the intake (4)
        "qbpds_intake": "20",
        "qbpds_discharge": "0",
        "psk_week_3": "2.0",
        "psk_followup_3m_change": "",  # no PSK at the discharge to compare with
        "outcome_week_3": "continue",
        "outcome_followup_3m": "review_worse",
        "nprs_week_6": "",
    }
    assert {name: amy[name] for name in expected} == expected
    back = rows[pseudonym_of(folder, cohort, cohort.amy_return)]
    assert (back["patient_episode"], back["status"], back["alerts_returned"]) == (
        "2",
        "intake",
        "1",
    )
    assert back["exercise_sessions_planned"] == back["exercise_adherence"] == ""
    finals = sorted(
        (r["profile_advised"], r["profile_final"]) for r in rows.values() if r["sex"] == "male"
    )
    assert finals == [("low", "low"), ("low", "low"), ("low", "medium")]  # Milo's override


def test_measurements_and_sessions_are_long_tables_of_the_same_episodes(
    cohort: Cohort, tmp_path: Path
) -> None:
    folder = run(tmp_path)
    amy = pseudonym_of(folder, cohort, cohort.amy_first)
    measured = [r for r in read_csv(folder, "measurements") if r["episode"] == amy]
    keyed = {(r["instrument"], r["occasion"]): r for r in measured}
    assert keyed["startback", "intake"]["subscale_psychosocial"] == "0"
    assert keyed["nprs", "intake"]["subscale_psychosocial"] == ""
    assert keyed["nprs", "followup-3m"]["change"] == "worse"
    assert keyed["nprs", "followup-3m"]["change_from"] == "discharge"
    assert keyed["nprs", "followup-3m"]["due_day"] == str(
        (
            cohort.amy_first.measurements.get(occasion="followup-3m").due_on - timezone.localdate()
        ).days
    )
    assert keyed["nprs", "week-3"]["change_from"] == "intake"
    assert keyed["gpe", "week-3"]["change"] == ""  # the GPE has no minimal important change
    sessions = [r for r in read_csv(folder, "sessions") if r["episode"] == amy]
    assert [r["number"] for r in sessions] == [str(n) for n in range(1, cohort.budget + 2)]
    warned = sessions[1]
    assert (warned["not_recommended"], warned["not_recommended_rules"]) == (
        "massage",
        "PW-NR-MASSAGE-LOW",
    )
    assert [r["over_budget"] for r in sessions] == ["false"] * cohort.budget + ["true"]
    assert {r["pain_now"] for r in sessions} == {"3"}


# --- which episodes ----------------------------------------------------------------------------


def test_the_clinic_filter_exports_one_clinic_by_name_or_id(cohort: Cohort, tmp_path: Path) -> None:
    world = cohort.world
    by_name = run(tmp_path, "name", clinic="other CLINIC")
    by_id = run(tmp_path, "id", clinic=str(world.clinic_y.id))
    for folder in (by_name, by_id):
        assert len(read_csv(folder, "episodes")) == 1
        assert len(read_csv(folder, "sessions")) == 1
        assert json.loads((folder / "manifest.json").read_text())["clinic"] == "Other Clinic"
    assert len(read_csv(run(tmp_path, "x", clinic="De Linde"), "episodes")) == 6


def test_only_episodes_opened_in_the_period_are_exported(cohort: Cohort, tmp_path: Path) -> None:
    today = timezone.localdate()
    Episode.objects.filter(pk=cohort.amy_first.pk).update(
        opened_at=timezone.now() - timedelta(days=3)
    )
    rows = read_csv(run(tmp_path), "episodes")  # yesterday and today
    assert len(rows) == 6
    assert "closed" not in {row["status"] for row in rows}
    # The return still counts as Amy's second episode: numbering looks outside the period.
    assert {row["patient_episode"] for row in rows} == {"1", "2"}
    earlier = export(
        ExportRequest(
            start=today - timedelta(days=3),
            end=today - timedelta(days=3),
            format=Format.CSV,
            output=tmp_path / "earlier",
            min_cell=1,
        )
    )
    assert earlier.rows == {"episodes": 1, "measurements": 13, "sessions": cohort.budget + 1}


# --- the access log, and nothing half done -----------------------------------------------------


def test_the_export_is_logged_once_per_clinic_naming_the_operator(
    cohort: Cohort, tmp_path: Path
) -> None:
    before = AccessEntry.objects.count()
    folder = run(tmp_path)
    entries = list(AccessEntry.objects.filter(action=Action.EXPORT).order_by("id"))
    assert AccessEntry.objects.count() == before + 2  # no entry per patient
    world = cohort.world
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {e.clinic_id: e.detail.rsplit(": ", 1)[1] for e in entries} == {
        world.clinic_x.id: "6 episodes (csv)",
        world.clinic_y.id: "1 episodes (csv)",
    }
    for entry in entries:
        assert (entry.actor_id, entry.actor_label) == (None, export_module.OPERATOR)
        assert entry.patient_id is None
        assert entry.object_type == "research_export"
        assert entry.object_id == manifest["export_id"]
        assert entry.detail.startswith("research export ")
    assert verify().broken is None

    run(tmp_path, "y", clinic="Other Clinic")
    assert AccessEntry.objects.filter(action=Action.EXPORT).count() == 3


def test_an_empty_period_writes_the_headers_and_is_logged(world: World, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()  # an empty folder may be named
    far = timezone.localdate() - timedelta(days=400)
    done = export(
        ExportRequest(start=far, end=far, format=Format.PARQUET, output=tmp_path / "empty")
    )
    assert done.rows == dict.fromkeys(TABLES, 0)
    assert pq.read_schema(done.output / "episodes.parquet").names[0] == "episode"
    entry = AccessEntry.objects.get(action=Action.EXPORT)
    assert (entry.clinic_id, entry.detail.rsplit(": ", 1)[1]) == (None, "0 episodes (parquet)")


def test_a_failed_export_leaves_no_file_and_no_log_entry(
    cohort: Cohort, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the log is down")

    monkeypatch.setattr(export_module, "record", broken)
    with pytest.raises(RuntimeError):
        run(tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert not AccessEntry.objects.filter(action=Action.EXPORT).exists()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"start": timezone.localdate() + timedelta(days=1)}, "is after --to"),
        ({"clinic": "Nowhere"}, "--clinic: no clinic 'Nowhere'; clinics: 'De Linde', 'Other"),
        ({"min_cell": 0}, "--min-cell: must be 1 or more"),
        ({"output": Path("/nonexistent/folder/out")}, "no such folder"),
    ],
)
def test_it_refuses_what_it_cannot_export(
    world: World, tmp_path: Path, change: dict[str, Any], problem: str
) -> None:
    request = ExportRequest(
        start=timezone.localdate(),
        end=timezone.localdate(),
        format=Format.CSV,
        output=tmp_path / "o",
    )
    with pytest.raises(ExportRefused, match=re.escape(problem)):
        export(_with(request, change))
    assert list(tmp_path.iterdir()) == []


def _with(request: ExportRequest, change: dict[str, Any]) -> ExportRequest:
    fields = {name: getattr(request, name) for name in ExportRequest.__dataclass_fields__}
    return ExportRequest(**{**fields, **change})


def test_two_clinics_of_one_name_are_told_apart_by_id(world: World, tmp_path: Path) -> None:
    world.clinic_y.name = "De Linde"
    world.clinic_y.save()
    with pytest.raises(ExportRefused) as refused:
        run(tmp_path, clinic="de linde")
    assert str(world.clinic_x.id) in str(refused.value)
    assert str(world.clinic_y.id) in str(refused.value)


# --- streaming ---------------------------------------------------------------------------------


def _queries(tmp_path: Path, name: str, chunk_size: int, clinic: str | None = None) -> int:
    today = timezone.localdate()
    request = ExportRequest(
        start=today,
        end=today,
        format=Format.PARQUET,
        output=tmp_path / name,
        clinic=clinic,
        min_cell=1,
    )
    with CaptureQueriesContext(connection) as queries:
        export(request, chunk_size=chunk_size)
    return len(queries)


def test_a_chunk_is_read_in_a_fixed_number_of_queries(cohort: Cohort, tmp_path: Path) -> None:
    """One query per kind of record per chunk, however many episodes the chunk holds."""
    six = _queries(tmp_path, "x", chunk_size=100, clinic="De Linde")
    one = _queries(tmp_path, "y", chunk_size=100, clinic="Other Clinic")
    # Clinic X has an episode with a session advised against: its plans are read in one
    # more query (only then is a plan's JSON read at all).
    assert six == one + 1
    assert _queries(tmp_path, "x-by-one", chunk_size=1, clinic="De Linde") > six
