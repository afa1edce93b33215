"""Row scoring for CSV batches gives exactly the single-response result, or a named error."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backpath.clinical.batch import RowScorer, output_cells, output_columns
from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import instrument
from backpath.clinical.scoring import score

SBST = instrument("startback")
ODI = instrument("odi")
SBST_COLUMNS = [f"q{n}" for n in range(1, 10)]


def test_it_names_the_output_columns() -> None:
    assert output_columns(SBST) == [
        "total",
        "psychosocial",
        "band",
        "answered",
        "missing",
        "valid",
    ]


def test_it_scores_a_row_like_a_single_response() -> None:
    scorer = RowScorer(SBST, SBST_COLUMNS)
    assert scorer.score(["1", "1", "0", "0", "1", "1", "0", "1", "3"]) == (
        "6",
        "4",
        "high",
        "9",
        "",
        "true",
    )


def test_it_accepts_columns_in_any_order_and_leaves_absent_items_missing() -> None:
    scorer = RowScorer(ODI, ["q10", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q9"])
    cells = scorer.score(["1", "5", "5", "5", "5", "5", "5", "5", "1"])
    expected = score(ODI, {"q10": 1, "q9": 1} | {f"q{n}": 5 for n in range(1, 8)})
    assert cells == output_cells(expected)
    assert cells[-2] == "q8"


def test_it_treats_empty_cells_as_missing_and_tolerates_spaces() -> None:
    scorer = RowScorer(SBST, SBST_COLUMNS)
    cells = scorer.score(["", " 1", "0", "0", "1", "1", "0", "1", "3 "])
    assert cells == ("", "", "", "8", "q1", "false")


@pytest.mark.parametrize(
    ("row", "field", "problem"),
    [
        (["2", "1", "0", "0", "1", "1", "0", "1", "3"], "q1", "one of 0, 1"),
        (["x", "1", "0", "0", "1", "1", "0", "1", "3"], "q1", "got 'x'"),
        (["1", "1", "0", "0", "1", "1", "0", "1", "3.0"], "q9", "one of 0, 1, 2, 3, 4"),
        (["1", "1"], "row", "has 2 answer cells"),
    ],
)
def test_it_names_the_bad_cell(row: list[str], field: str, problem: str) -> None:
    with pytest.raises(ClinicalInputError) as error:
        RowScorer(SBST, SBST_COLUMNS).score(row)
    assert error.value.field == field
    assert problem in error.value.problem


def test_it_rejects_unknown_or_repeated_columns() -> None:
    with pytest.raises(ClinicalInputError, match="unknown item column"):
        RowScorer(SBST, ["q1", "q10"])
    with pytest.raises(ClinicalInputError, match="twice"):
        RowScorer(SBST, ["q1", "q1"])


answer_rows = st.tuples(
    *[st.sampled_from(["0", "1", ""]) for _ in range(8)],
    st.sampled_from(["0", "1", "2", "3", "4", ""]),
)


@given(st.lists(answer_rows, min_size=1, max_size=30))
def test_it_gives_the_same_result_from_its_memory_as_from_scoring_afresh(
    rows: list[tuple[str, ...]],
) -> None:
    remembering = RowScorer(SBST, SBST_COLUMNS)
    for row in rows + rows:
        answers = {c: (int(v) if v else None) for c, v in zip(SBST_COLUMNS, row, strict=True)}
        assert remembering.score(row) == output_cells(score(SBST, answers))


def test_it_stops_remembering_at_its_limit_but_keeps_scoring(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("backpath.clinical.batch._CACHE_LIMIT", 1)
    scorer = RowScorer(instrument("nprs"), ["q1"])
    assert [scorer.score([v]) for v in ("1", "2", "2")] == [
        ("1", "mild", "1", "", "true"),
        ("2", "mild", "1", "", "true"),
        ("2", "mild", "1", "", "true"),
    ]


def test_it_rounds_a_mean_half_up_like_a_single_response() -> None:
    """Issue #10: (2 + 2 + 2 + 3) / 4 = 2.25 is 2.3 in a batch as in the app, not 2.2."""
    scorer = RowScorer(instrument("psk"), ["q1", "q2", "q3", "q4", "q5"])
    assert scorer.score(["2", "2", "2", "3", ""])[0] == "2.3"
    assert scorer.score(["4", "4", "4", "5", ""])[0] == "4.3"
    assert scorer.score(["1", "2", "", "", ""])[0] == "1.5"


MEAN_COLUMNS = ["q1", "q2", "q3", "q4", "q5"]
mean_rows = st.tuples(*[st.sampled_from([*map(str, range(11)), ""]) for _ in MEAN_COLUMNS])


@pytest.mark.parametrize("instrument_id", ["psk", "psfs"])
@given(rows=st.lists(mean_rows, min_size=1, max_size=20))
def test_it_gives_the_single_response_mean_for_every_row(
    instrument_id: str, rows: list[tuple[str, ...]]
) -> None:
    definition = instrument(instrument_id)
    scorer = RowScorer(definition, MEAN_COLUMNS)
    for row in rows + rows:  # the second time from the scorer's memory
        answers = {c: (int(v) if v else None) for c, v in zip(MEAN_COLUMNS, row, strict=True)}
        assert scorer.score(row) == output_cells(score(definition, answers))
