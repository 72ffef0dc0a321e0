"""Portfolio screens on frames the tests build, with expectations derived by hand, and a run on the real dataset."""

from __future__ import annotations

import math
from collections import Counter
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import analytics
from analytics import schema as s
from analytics.anomaly import _screens
from analytics.anomaly._screens import (
    BENFORD_BANDS,
    BenfordResult,
    ScreenRefused,
    benford_first_digit,
    repeated_amounts,
    round_number_share,
)
from analytics.errors import AnalyticsError, SchemaError

D = Decimal
CONFORMITIES = {label for _, label, _, _ in BENFORD_BANDS}


def _lines(*rows: dict[str, object]) -> pl.DataFrame:
    """A valid ``lines`` frame: each row gives at least ``department_id`` and ``amount_yuan``; the rest defaults."""
    records = []
    for i, row in enumerate(rows):
        department = row[s.DEPARTMENT_ID]
        year = row.get(s.FISCAL_YEAR, 2023)
        records.append(
            {
                s.DOC_ID: row.get(s.DOC_ID, f"{department}-{year}"),
                s.DEPARTMENT_ID: department,
                s.FISCAL_YEAR: year,
                s.AS_OF_YEAR: year,
                s.PHASE: "budget",
                s.TABLE: row.get(s.TABLE, "expenditure_summary"),
                s.SIDE: "expenditure",
                s.CLASSIFICATION: "function",
                s.CODE: None,
                s.NAME: row.get(s.NAME, f"item {i}"),
                s.COLUMN: row.get(s.COLUMN, "total"),
                s.AMOUNT_YUAN: row[s.AMOUNT_YUAN],
                s.PAGE: row.get(s.PAGE, 1),
                s.LINE: row.get(s.LINE, i + 1),
                s.SOURCE_TEXT: row.get(s.SOURCE_TEXT, f"item {i} {row[s.AMOUNT_YUAN]}"),
            }
        )
    frame = pl.DataFrame(records, schema=s.empty_frame(s.LINES).schema, orient="row")
    return s.validate(s.LINES, frame)


def _row(department: str, amount: Decimal | None, **other: object) -> dict[str, object]:
    return {s.DEPARTMENT_ID: department, s.AMOUNT_YUAN: amount, **other}


# --- Benford ------------------------------------------------------------------------------------------------------


def _log_grid() -> pl.Series:
    # 1000 · 10^(k/1000) for k = 0 … 2999: three decades, log-uniform, so the first digits follow Benford's law up
    # to the grid's step. Built in Decimal arithmetic and rounded to cents, as money would be.
    amounts = [(D(10) ** (D(k) / 1000) * 1000).quantize(D("0.01")) for k in range(3000)]
    return pl.Series("amount_yuan", amounts, dtype=s.MONEY)


def test_benford_on_a_log_uniform_grid_is_close() -> None:
    result = benford_first_digit(_log_grid())
    # In one decade, digit d covers k in [1000·log10 d, 1000·log10(d+1)): ceil(1000·log10 d) for d = 1 … 10 is
    # 0, 302 (301.03), 478 (477.12), 603 (602.06), 699 (698.97), 779 (778.15), 846 (845.10), 904 (903.09),
    # 955 (954.24), 1000, so per decade 302, 176, 125, 96, 80, 67, 58, 51, 45 (sum 1000), times three decades.
    per_decade = [302, 176, 125, 96, 80, 67, 58, 51, 45]
    counts = [3 * c for c in per_decade]
    assert result.count == 3000
    assert result.table[_screens.COUNT].to_list() == counts
    # |c/3000 − log10(1 + 1/d)| summed over the digits is about 0.00382, so the MAD is about 0.000425.
    mad = sum(abs(c / 3000 - math.log10(1 + 1 / d)) for d, c in enumerate(counts, start=1)) / 9
    assert mad == pytest.approx(0.000425, abs=1e-5)
    assert result.mad == pytest.approx(mad)
    assert result.conformity == "close"
    assert "高度符合" in result.label_zh
    assert "n=3000" in result.label_zh
    assert "close conformity" in result.label_en


def test_benford_expected_shares_are_benford_and_sum_to_one() -> None:
    table = benford_first_digit(_log_grid()).table
    assert table[_screens.DIGIT].to_list() == list(range(1, 10))
    expected = table[_screens.EXPECTED_SHARE].to_list()
    assert expected == pytest.approx([math.log10((d + 1) / d) for d in range(1, 10)])
    # The shares telescope: Σ log10((d+1)/d) = log10(10/1) = 1.
    assert sum(expected) == pytest.approx(1.0)
    assert table[_screens.OBSERVED_SHARE].sum() == pytest.approx(1.0)
    assert table[_screens.DIFFERENCE].to_list() == pytest.approx(
        [o - e for o, e in zip(table[_screens.OBSERVED_SHARE], expected, strict=True)]
    )


def test_benford_on_only_5xx_amounts_is_nonconformity() -> None:
    # 500.00, 500.25, … 599.75: 400 amounts, all starting with 5.
    amounts = pl.Series([D("500.00") + D("0.25") * i for i in range(400)], dtype=s.MONEY)
    result = benford_first_digit(amounts)
    shares = dict(zip(result.table[_screens.DIGIT], result.table[_screens.OBSERVED_SHARE], strict=True))
    assert shares[5] == 1.0
    assert all(shares[d] == 0.0 for d in range(1, 10) if d != 5)
    # |1 − e5| + Σ_{d≠5} e_d = (1 − e5) + (1 − e5), so MAD = 2·(1 − log10 1.2)/9 = 2·0.920819/9 ≈ 0.204626.
    assert result.mad == pytest.approx(2 * (1 - math.log10(1.2)) / 9)
    assert result.mad == pytest.approx(0.204626, abs=1e-6)
    assert result.conformity == "nonconformity"
    assert result.label_zh == "首位数字分布与本福特定律：不符合（MAD 0.2046，n=400）；仅为筛查线索"


def test_benford_refuses_too_few_amounts_naming_the_counts() -> None:
    # 299 usable amounts; the 50 zeros and 10 small ones are given but not usable.
    amounts = pl.Series([D("123.00")] * 299 + [D("0.00")] * 50 + [D("5.00")] * 10, dtype=s.MONEY)
    with pytest.raises(ScreenRefused, match=r"299 usable amount\(s\) of 359 given .* at least 300 are needed"):
        benford_first_digit(amounts)
    assert issubclass(ScreenRefused, AnalyticsError)
    assert benford_first_digit(amounts, min_count=299).count == 299


def test_benford_ignores_zero_small_and_null_and_reads_negatives_by_size() -> None:
    amounts = pl.Series(
        [D("-250.00")] * 300 + [D("0.00")] * 50 + [D("9.99")] * 50 + [D("10.00")] * 20 + [None] * 5, dtype=s.MONEY
    )
    result = benford_first_digit(amounts)
    # Usable: 300 × |−250.00| (digit 2) and 20 × 10.00 (digit 1, exactly at min_amount); 9.99 < 10, 0 and null out.
    assert result.count == 320
    assert result.table[_screens.COUNT].to_list() == [20, 300, 0, 0, 0, 0, 0, 0, 0]


def test_benford_reads_the_first_significant_digit_below_one_yuan() -> None:
    amounts = pl.Series([D("0.05"), D("0.50"), D("7.00"), D("0.00"), D("-0.01")], dtype=s.MONEY)
    result = benford_first_digit(amounts, min_count=1, min_amount=D("0.01"))
    # 0.05 → 5, 0.50 → 5, 7.00 → 7, −0.01 → 1; zero has no first digit.
    assert result.count == 4
    assert result.table[_screens.COUNT].to_list() == [1, 0, 0, 0, 2, 0, 1, 0, 0]


def test_benford_refuses_floats() -> None:
    with pytest.raises(SchemaError, match="must be exact"):
        benford_first_digit(pl.Series([123.45] * 400))


@given(
    st.lists(
        st.decimals(min_value=D("-1e12"), max_value=D("1e12"), places=2, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=60,
    )
)
@settings(max_examples=60, deadline=None)
def test_benford_counts_match_the_decimal_digits(values: list[Decimal]) -> None:
    # Oracle: a non-zero Decimal's digit tuple starts with its first significant digit (0.05 → (5,), 500.00 →
    # (5, 0, 0, 0, 0)).
    usable = [v for v in values if v != 0 and abs(v) >= 10]
    if not usable:
        with pytest.raises(ScreenRefused):
            benford_first_digit(pl.Series(values, dtype=s.MONEY), min_count=1)
        return
    result = benford_first_digit(pl.Series(values, dtype=s.MONEY), min_count=1)
    expected = Counter(v.as_tuple().digits[0] for v in usable)
    assert result.count == len(usable)
    assert result.table[_screens.COUNT].to_list() == [expected[d] for d in range(1, 10)]
    assert result.table[_screens.OBSERVED_SHARE].sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("mad", "conformity"),
    [
        (0.0, "close"),
        (0.006, "close"),
        (0.0061, "acceptable"),
        (0.012, "acceptable"),
        (0.0121, "marginal"),
        (0.015, "marginal"),
        (0.0151, "nonconformity"),
        (0.5, "nonconformity"),
    ],
)
def test_benford_bands_follow_nigrini(mad: float, conformity: str) -> None:
    assert _screens._conformity(mad) == conformity


def test_benford_labels() -> None:
    result = BenfordResult(table=pl.DataFrame(), count=1234, mad=0.009, conformity="acceptable")
    assert result.label_zh == "首位数字分布与本福特定律：可接受（MAD 0.0090，n=1234）；仅为筛查线索"
    assert result.label_en == (
        "First digits vs Benford's law: acceptable conformity (MAD 0.0090, n=1234); a screening lead only"
    )


# --- round numbers ------------------------------------------------------------------------------------------------


def _round_frame() -> pl.DataFrame:
    return _lines(
        _row("A", D("20000.00")),
        _row("A", D("150000.00")),
        _row("A", D("12345.67")),
        _row("A", D("0.00")),
        _row("A", None),
        _row("A", D("0.00"), **{s.FISCAL_YEAR: 2024}),
        _row("B", D("300000.00")),
        _row("B", D("-100000.00")),
        _row("B", D("5000.00")),
        _row("B", D("10000.01"), **{s.FISCAL_YEAR: 2024}),
    )


def test_round_number_share_counts_whole_wan_and_whole_ten_wan() -> None:
    result = round_number_share(_round_frame())
    # A 2023: non-zero 20000, 150000, 12345.67 → 3 (0 and null out); whole 万元: 20000 (2 万), 150000 (15 万) → 2;
    #         whole 10万元: none (150000 is 1.5 × 10万) → 0.
    # A 2024: only a zero → 0 non-zero, shares undefined.
    # B 2023: 300000, −100000, 5000 → 3; whole 万元: 300000, −100000 → 2; whole 10万元: the same two → 2.
    # B 2024: 10000.01 → 1; one cent over 1 万元, so neither.
    expected = pl.DataFrame(
        {
            s.DEPARTMENT_ID: ["A", "A", "B", "B"],
            s.FISCAL_YEAR: [2023, 2024, 2023, 2024],
            "nonzero_count": [3, 0, 3, 1],
            "round_10k_count": [2, 0, 2, 0],
            "round_10k_share": [2 / 3, None, 2 / 3, 0.0],
            "round_100k_count": [0, 0, 2, 0],
            "round_100k_share": [0.0, None, 2 / 3, 0.0],
        },
        schema_overrides={s.FISCAL_YEAR: pl.Int32},
    )
    assert_frame_equal(result, expected)


def test_round_number_share_by_department_and_custom_units() -> None:
    frame = _round_frame()
    by_department = round_number_share(frame, by=[s.DEPARTMENT_ID])
    # A: 3 non-zero (2023), 2 whole 万元, 0 whole 10万元. B: 4 non-zero, 2 whole 万元 (2/4), 2 whole 10万元.
    assert by_department.rows() == [("A", 3, 2, 2 / 3, 0, 0.0), ("B", 4, 2, 0.5, 2, 0.5)]
    thousands = round_number_share(frame, units={"1k": D("1000")})
    # Whole 1000 元: A 2023 20000 and 150000 (2 of 3); B 2023 all three (5000 = 5 × 1000); B 2024 10000.01 no.
    assert thousands.columns == [s.DEPARTMENT_ID, s.FISCAL_YEAR, "nonzero_count", "round_1k_count", "round_1k_share"]
    assert thousands["round_1k_count"].to_list() == [2, 0, 3, 0]
    assert thousands["round_1k_share"].to_list() == [2 / 3, None, 1.0, 0.0]


def test_round_number_share_leaves_its_input_alone_and_handles_empty() -> None:
    frame = _round_frame()
    before = frame.clone()
    round_number_share(frame)
    assert_frame_equal(frame, before)
    empty = round_number_share(s.empty_frame(s.LINES))
    assert empty.height == 0
    assert empty.columns == [
        s.DEPARTMENT_ID,
        s.FISCAL_YEAR,
        "nonzero_count",
        "round_10k_count",
        "round_10k_share",
        "round_100k_count",
        "round_100k_share",
    ]


@pytest.mark.parametrize("units", [{}, {"zero": D("0")}, {"neg": D("-10000")}, {"float": 10000.0}])
def test_round_number_share_rejects_bad_units(units: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="unit"):
        round_number_share(_round_frame(), units=units)


def test_round_number_share_names_missing_columns_and_refuses_floats() -> None:
    with pytest.raises(SchemaError, match=r"missing column\(s\) 'fiscal_year'; the frame has department_id"):
        round_number_share(pl.DataFrame({s.DEPARTMENT_ID: ["A"], s.AMOUNT_YUAN: [D("1")]}))
    with pytest.raises(SchemaError, match="must be exact"):
        round_number_share(pl.DataFrame({s.DEPARTMENT_ID: ["A"], s.FISCAL_YEAR: [2023], s.AMOUNT_YUAN: [1.0]}))


# --- repeated amounts ---------------------------------------------------------------------------------------------


def _repeated_frame() -> pl.DataFrame:
    return _lines(
        # In two departments, and twice in A: reported with A and B, three occurrences.
        _row("A", D("123456.78"), **{s.TABLE: "expenditure_summary", s.PAGE: 3, s.LINE: 5}),
        _row("A", D("123456.78"), **{s.TABLE: "income_summary", s.PAGE: 2, s.LINE: 1}),
        _row("B", D("123456.78"), **{s.TABLE: "expenditure_summary", s.PAGE: 4, s.LINE: 7}),
        # The same size with the other sign is another amount: C does not join A and B.
        _row("C", D("-123456.78")),
        # Twice in one department only: not reported.
        _row("C", D("234567.89"), **{s.TABLE: "expenditure_summary"}),
        _row("C", D("234567.89"), **{s.TABLE: "income_summary"}),
        # Whole 10万元: excluded by default.
        _row("A", D("300000.00")),
        _row("B", D("300000.00")),
        # Below 100000 元: excluded.
        _row("A", D("99999.99")),
        _row("B", D("99999.99")),
        # Just above and not a whole 10万元: reported.
        _row("A", D("100000.01")),
        _row("C", D("100000.01")),
        # Whole 万元 but not whole 10万元: reported by default.
        _row("A", D("150000.00")),
        _row("B", D("150000.00")),
    )


def _summary(result: pl.DataFrame) -> pl.DataFrame:
    return result.select(s.AMOUNT_YUAN, "department_count", "departments", "occurrences")


def _expected(*rows: tuple[str, list[str], int]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            s.AMOUNT_YUAN: [D(amount) for amount, _, _ in rows],
            "department_count": [len(departments) for _, departments, _ in rows],
            "departments": [departments for _, departments, _ in rows],
            "occurrences": [occurrences for _, _, occurrences in rows],
        },
        schema={
            s.AMOUNT_YUAN: s.MONEY,
            "department_count": pl.Int64,
            "departments": pl.List(pl.String),
            "occurrences": pl.Int64,
        },
    )


def test_repeated_amounts_across_departments() -> None:
    result = repeated_amounts(_repeated_frame())
    # Most departments first, then most occurrences, then the larger amount: all three are in two departments;
    # 123456.78 has three lines, 150000.00 and 100000.01 two each.
    assert_frame_equal(
        _summary(result),
        _expected(
            ("123456.78", ["A", "B"], 3),
            ("150000.00", ["A", "B"], 2),
            ("100000.01", ["A", "C"], 2),
        ),
    )
    # Each department's first line (by document, page, line) before any department's second: A's income_summary
    # (page 2) precedes its expenditure_summary (page 3); B's line comes between them.
    evidence = result.row(0, named=True)[s.EVIDENCE]
    assert [(e[s.DOC_ID], e[s.TABLE], e[s.PAGE], e[s.LINE]) for e in evidence] == [
        ("A-2023", "income_summary", 2, 1),
        ("B-2023", "expenditure_summary", 4, 7),
        ("A-2023", "expenditure_summary", 3, 5),
    ]
    assert evidence[0][s.SOURCE_TEXT] == "item 1 123456.78"


def test_repeated_amounts_options() -> None:
    frame = _repeated_frame()
    keep_round = repeated_amounts(frame, exclude_round=None)
    assert_frame_equal(
        _summary(keep_round),
        _expected(
            ("123456.78", ["A", "B"], 3),
            ("300000.00", ["A", "B"], 2),
            ("150000.00", ["A", "B"], 2),
            ("100000.01", ["A", "C"], 2),
        ),
    )
    whole_wan_out = repeated_amounts(frame, exclude_round=D("10000"))
    assert whole_wan_out[s.AMOUNT_YUAN].to_list() == [D("123456.78"), D("100000.01")]
    lower = repeated_amounts(frame, min_amount=D("99999.99"))
    assert D("99999.99") in lower[s.AMOUNT_YUAN].to_list()
    none = repeated_amounts(frame, min_departments=3)
    assert none.height == 0
    assert none.columns == [s.AMOUNT_YUAN, "department_count", "departments", "occurrences", s.EVIDENCE]


def test_repeated_amounts_evidence_is_capped_at_twenty() -> None:
    # 25 departments print 777777.77 once each: all counted, the first 20 (by department) cited.
    result = repeated_amounts(_lines(*(_row(f"D{i:02d}", D("777777.77")) for i in range(25))))
    assert result["department_count"].to_list() == [25]
    assert result["occurrences"].to_list() == [25]
    evidence = result.row(0, named=True)[s.EVIDENCE]
    assert [e[s.DOC_ID] for e in evidence] == [f"D{i:02d}-2023" for i in range(20)]


def test_repeated_amounts_cites_a_printed_line_once() -> None:
    # D prints 777777.77 in two columns of one printed line (same page, line and text); E prints it once.
    printed = {s.NAME: "item 0", s.PAGE: 1, s.LINE: 1, s.SOURCE_TEXT: "item 0 777777.77 777777.77"}
    frame = _lines(
        _row("D", D("777777.77"), **printed, **{s.COLUMN: "total"}),
        _row("D", D("777777.77"), **printed, **{s.COLUMN: "basic"}),
        _row("E", D("777777.77")),
    )
    result = repeated_amounts(frame)
    assert result["occurrences"].to_list() == [3]
    evidence = result.row(0, named=True)[s.EVIDENCE]
    assert [(e[s.DOC_ID], e[s.LINE]) for e in evidence] == [("D-2023", 1), ("E-2023", 3)]


# --- the real default dataset -------------------------------------------------------------------------------------


def test_screens_on_the_default_dataset() -> None:
    lines = analytics.open_dataset().lines
    try:
        result = benford_first_digit(lines[s.AMOUNT_YUAN])
    except ScreenRefused as refused:
        print(f"\nBenford refused: {refused}")
    else:
        assert result.conformity in CONFORMITIES
        assert result.table[_screens.COUNT].sum() == result.count
        print(f"\n{result.label_zh}\n{result.label_en}")
    shares = round_number_share(lines)
    assert shares.filter(pl.col("round_100k_count") > pl.col("round_10k_count")).height == 0
    assert shares["round_10k_share"].drop_nulls().is_between(0, 1).all()
    print(shares.sort("round_10k_share", descending=True, nulls_last=True).head(5))
    repeated = repeated_amounts(lines)
    assert (repeated["department_count"] >= 2).all()
    assert (repeated[s.AMOUNT_YUAN] % D("100000") != 0).all()
    print(f"repeated amounts across departments: {repeated.height}")
