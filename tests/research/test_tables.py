"""The dictionary's own rules, the pseudonyms and the adherence arithmetic, without a database."""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest

from backpath.clinical.followup import AlertKind
from backpath.clinical.instruments import instruments
from backpath.research.pseudonyms import Pseudonyms
from backpath.research.records import ProgramFacts
from backpath.research.rows import planned_sessions
from backpath.research.tables import (
    Kind,
    age_band,
    age_bands,
    classified_instruments,
    episodes_table,
    occasions,
    tables,
)


@pytest.mark.parametrize(
    ("age", "band"),
    [(-1, "0-4"), (0, "0-4"), (4, "0-4"), (5, "5-9"), (44, "40-44"), (45, "45-49"),
     (89, "85-89"), (90, "90+"), (104, "90+")],
)  # fmt: skip
def test_ages_fall_in_five_year_bands_up_to_90(age: int, band: str) -> None:
    assert age_band(age) == band
    assert band in age_bands()


def test_each_table_names_each_column_once_and_suppresses_only_codes() -> None:
    for table in tables():
        assert len(set(table.names)) == len(table.names), table.name
        assert table.names[0] == "episode"
        for column in table.columns:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", column.name), column.name
            if column.suppressed:
                assert column.kind in (Kind.TEXT, Kind.CODES), column.name


def test_the_episode_columns_follow_the_clinical_content() -> None:
    names = set(episodes_table().names)
    assert {f"alerts_{kind.value}" for kind in AlertKind} <= names
    assert occasions()[0] == "intake"
    assert {"week-3", "week-6", "week-12", "discharge", "followup-12m"} <= set(occasions())
    for definition in classified_instruments():
        assert definition.mcid is not None
        assert f"{definition.id}_intake" in names
        assert f"{definition.id}_followup_3m_change" in names
    assert "nprs_week_6_change" in names
    assert "gpe_intake" not in names  # no minimal important change: the long table has it
    assert "gpe" in instruments()


def test_a_pseudonym_is_stable_within_an_export_and_differs_across() -> None:
    record = uuid.uuid4()
    one, other = Pseudonyms(), Pseudonyms()
    assert one.of("episode", record) == one.of("episode", record)
    assert re.fullmatch(r"[0-9a-f]{16}", one.of("episode", record))
    assert one.of("episode", record) != one.of("patient", record)
    assert one.of("episode", record) != other.of("episode", record)
    assert repr(one) == "Pseudonyms(<key withheld>)"  # nor in a traceback's locals


def test_planned_sessions_count_each_version_until_the_next() -> None:
    first = ProgramFacts(date(2025, 1, 1), per_week=7)  # 14 days in effect
    second = ProgramFacts(date(2025, 1, 15), per_week=14)  # 7 days to the last day
    assert planned_sessions([first, second], date(2025, 1, 21)) == 14 + 14
    assert planned_sessions([first], date(2025, 1, 1)) == 1
    assert planned_sessions([first], date(2024, 12, 31)) == 0  # closed before it began
