"""``compare._common.prefer``: which printed figure wins, the same whatever the order of the rows."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analytics import schema as s
from analytics.compare._common import prefer

KEYS = [s.DEPARTMENT_ID, s.FISCAL_YEAR, s.MEASURE]
SCHEMA = {
    s.DEPARTMENT_ID: pl.String,
    s.FISCAL_YEAR: pl.Int32,
    s.MEASURE: pl.String,
    s.AS_OF_YEAR: pl.Int32,
    "_not_department": pl.Boolean,
    s.PHASE: pl.String,
    "_rank": pl.Int32,
    s.DOC_ID: pl.String,
    s.AMOUNT_YUAN: s.MONEY,
}


def _frame(rows: list[tuple[object, ...]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def _pick(rows: list[tuple[object, ...]]) -> tuple[object, ...]:
    picked = prefer(_frame(rows).lazy(), KEYS).collect()
    assert picked.height == 1
    return picked.select(s.DOC_ID, s.AMOUNT_YUAN).row(0)


D = Decimal


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # The year's own document beats a later one that reprints the year, however authoritative its table.
        (
            [
                ("甲", 2023, "m", 2024, False, "budget", 0, "late", D("2")),
                ("甲", 2023, "m", 2023, False, "budget", 1, "own", D("1")),
            ],
            ("own", D("1")),
        ),
        # A department's disclosure beats a unit's.
        (
            [
                ("甲", 2023, "m", 2023, True, "budget", 0, "unit", D("2")),
                ("甲", 2023, "m", 2023, False, "budget", 0, "dept", D("1")),
            ],
            ("dept", D("1")),
        ),
        # A budget beats a final account of the same year when a frame mixes them.
        (
            [
                ("甲", 2023, "m", 2023, False, "final", 0, "a", D("2")),
                ("甲", 2023, "m", 2023, False, "budget", 0, "z", D("3")),
            ],
            ("z", D("3")),
        ),
        # Among reprints, the most recent document.
        (
            [
                ("甲", 2021, "m", 2022, False, "budget", 0, "a", D("2")),
                ("甲", 2021, "m", 2023, False, "budget", 0, "z", D("3")),
            ],
            ("z", D("3")),
        ),
        # The most authoritative table.
        (
            [
                ("甲", 2023, "m", 2023, False, "budget", 1, "a", D("2")),
                ("甲", 2023, "m", 2023, False, "budget", 0, "z", D("3")),
            ],
            ("z", D("3")),
        ),
        # Then the lowest doc_id, and at last the lowest amount.
        (
            [
                ("甲", 2023, "m", 2023, False, "budget", 0, "b", D("1")),
                ("甲", 2023, "m", 2023, False, "budget", 0, "a", D("9")),
            ],
            ("a", D("9")),
        ),
        (
            [
                ("甲", 2023, "m", 2023, False, "budget", 0, "a", D("9")),
                ("甲", 2023, "m", 2023, False, "budget", 0, "a", D("-4")),
            ],
            ("a", D("-4")),
        ),
    ],
)
def test_preference_order(rows: list[tuple[object, ...]], expected: tuple[object, ...]) -> None:
    assert _pick(rows) == expected
    assert _pick(rows[::-1]) == expected


def _tied_frame() -> pl.DataFrame:
    """Many groups, each with rows that tie on every key but doc_id or amount, some on both (duplicates)."""
    rows = []
    for department in ("甲局", "乙局", "丙局"):
        for year in (2022, 2023):
            for measure in ("income_total", "basic", "project"):
                for doc in ("d3", "d1", "d2"):
                    for amount in ("300.00", "100.00", "200.00", "100.00"):
                        for as_of, phase in ((year, "budget"), (year, "final"), (year + 1, "budget")):
                            rows.append((department, year, measure, as_of, False, phase, 0, doc, D(amount)))
    return _frame(rows)


def test_same_pick_in_any_row_order() -> None:
    frame = _tied_frame()
    first = prefer(frame.lazy(), KEYS).collect()
    # Every group keeps its own year's budget of the lowest doc_id at its lowest amount.
    assert first.height == 3 * 2 * 3
    assert (first.get_column(s.AS_OF_YEAR) == first.get_column(s.FISCAL_YEAR)).all()
    assert set(first.get_column(s.PHASE).to_list()) == {"budget"}
    assert set(first.get_column(s.DOC_ID).to_list()) == {"d1"}
    assert set(first.get_column(s.AMOUNT_YUAN).to_list()) == {D("100.00")}
    # Rows come out in key order.
    assert first.select(KEYS).rows() == sorted(first.select(KEYS).rows())
    for seed in (0, 1, 2, 7, 42, 2024):
        shuffled = frame.sample(fraction=1.0, shuffle=True, seed=seed)
        assert not shuffled.equals(frame)
        assert_frame_equal(prefer(shuffled.lazy(), KEYS).collect(), first)


def test_one_phase_frames_are_unaffected_by_the_phase_key() -> None:
    # A caller that compares final accounts filters them first: the budget preference must not empty or skew it.
    frame = _tied_frame().filter(pl.col(s.PHASE) == "final")
    picked = prefer(frame.lazy(), KEYS).collect()
    assert picked.height == 18
    assert set(picked.get_column(s.PHASE).to_list()) == {"final"}
    assert set(picked.get_column(s.DOC_ID).to_list()) == {"d1"}


def test_frames_without_optional_columns() -> None:
    # _analysis passes frames without phase and amount; the pick still follows doc_id.
    frame = _frame(
        [
            ("甲", 2023, "m", 2023, False, "budget", 0, "b", D("1")),
            ("甲", 2023, "m", 2023, False, "budget", 0, "a", D("2")),
        ]
    ).drop(s.PHASE, s.AMOUNT_YUAN)
    for ordered in (frame, frame.reverse()):
        assert prefer(ordered.lazy(), KEYS).collect().get_column(s.DOC_ID).to_list() == ["a"]
