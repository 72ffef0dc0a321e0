"""Comparisons on small frames the tests build, the worked example on the real seed, and properties."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from analytics import compare
from analytics import schema as s
from analytics.compare import _columns as c
from analytics.compare._analysis import ADJUSTED_BUDGET_YUAN, BUDGET_DOC_ID, FINAL_DOC_ID
from analytics.ingest import read_disclosure
from analytics.store import Dataset
from tests.conftest import SEED

D = Decimal


def _documents(*rows: tuple[str, str, int, str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                s.DOC_ID: doc,
                s.SOURCE_NAME: f"{doc}.pdf",
                s.SOURCE_FORMAT: "pdf",
                s.DEPARTMENT_ID: department,
                s.DEPARTMENT: department,
                s.FISCAL_YEAR: year,
                s.PHASE: phase,
                s.SCOPE: scope,
                s.DISCLOSURE_ID: doc,
            }
            for doc, department, year, phase, scope in rows
        ],
        schema=s.TABLES[s.DOCUMENTS].schema,
        orient="row",
    )


def _line(  # noqa: PLR0917 - a table row, column by column
    doc: str,
    department: str,
    year: int,
    table: str,
    side: str,
    classification: str,
    name: str,
    column: str,
    amount: str,
    *,
    as_of: int | None = None,
    code: str | None = None,
    level: int | None = None,
    phase: str = "budget",
    basis: str | None = None,
) -> dict[str, object]:
    return {
        s.DOC_ID: doc,
        s.DEPARTMENT_ID: department,
        s.FISCAL_YEAR: year,
        s.AS_OF_YEAR: as_of or year,
        s.PHASE: phase,
        s.TABLE: table,
        s.SIDE: side,
        s.CLASSIFICATION: classification,
        s.CODE: code,
        s.NAME: name,
        s.LEVEL: level,
        s.COLUMN: column,
        s.AMOUNT_BASIS: basis or s.default_basis(phase),
        s.AMOUNT_YUAN: D(amount),
        s.VERIFICATION: "unverified",
        s.LINE: 1,
        s.SOURCE_TEXT: name,
    }


def _dataset(
    lines: list[dict[str, object]], documents: pl.DataFrame, departments: list[dict[str, object]] = ()
) -> Dataset:  # type: ignore[assignment]
    return Dataset.from_tables(
        {
            s.LINES: pl.DataFrame(lines, schema=s.TABLES[s.LINES].schema, orient="row"),
            s.DOCUMENTS: documents,
            s.DEPARTMENTS: pl.DataFrame(list(departments), schema=s.TABLES[s.DEPARTMENTS].schema, orient="row"),
        }
    )


SUMMARY = "income_expenditure_summary"


def _two_years() -> Dataset:
    """测试区甲局: 2023 and 2024 budgets; the 2024 one also prints 2023 differently (its own year must win)."""
    lines = [
        _line("a23", "甲局", 2023, SUMMARY, "income", "total", "收入总计", "total", "1000000"),
        _line("a23", "甲局", 2023, SUMMARY, "expenditure", "total", "支出总计", "total", "1000000"),
        _line("a24", "甲局", 2024, SUMMARY, "income", "total", "收入总计", "total", "1250000"),
        _line("a24", "甲局", 2024, SUMMARY, "expenditure", "total", "支出总计", "total", "1250000"),
        _line(
            "a24",
            "甲局",
            2023,
            "performance_fund_composition",
            "income",
            "total",
            "合计",
            "total",
            "999999",
            as_of=2024,
        ),
        _line("a23", "甲局", 2023, "expenditure_summary", "expenditure", "total", "合计", "basic", "600000"),
        _line("a23", "甲局", 2023, "expenditure_summary", "expenditure", "total", "合计", "project", "400000"),
        _line("a24", "甲局", 2024, "expenditure_summary", "expenditure", "total", "合计", "basic", "650000"),
        _line("a24", "甲局", 2024, "expenditure_summary", "expenditure", "total", "合计", "project", "600000"),
    ]
    documents = _documents(("a23", "甲局", 2023, "budget", "department"), ("a24", "甲局", 2024, "budget", "department"))
    departments = [
        {
            s.DEPARTMENT_ID: "甲局",
            s.FISCAL_YEAR: 2024,
            s.NAME: "测试区甲局",
            s.DOC_ID: "a24",
            s.STAFF_AUTHORIZED: 25,
            s.STAFF_ACTUAL: 20,
        },
    ]
    return _dataset(lines, documents, departments)


def test_measures_prefer_the_years_own_document() -> None:
    got = compare.measures(_two_years()).select(s.NAME, s.FISCAL_YEAR, c.MEASURE, s.AMOUNT_YUAN, s.DOC_ID)
    expected = pl.DataFrame(
        {
            s.NAME: ["测试区甲局"] * 8,
            s.FISCAL_YEAR: [2023, 2024] * 4,
            c.MEASURE: ["basic"] * 2 + ["expenditure_total"] * 2 + ["income_total"] * 2 + ["project"] * 2,
            s.AMOUNT_YUAN: [
                D(x) for x in ("600000", "650000", "1000000", "1250000", "1000000", "1250000", "400000", "600000")
            ],
            s.DOC_ID: ["a23", "a24"] * 4,
        },
        schema={
            s.NAME: pl.String,
            s.FISCAL_YEAR: pl.Int32,
            c.MEASURE: pl.String,
            s.AMOUNT_YUAN: s.MONEY,
            s.DOC_ID: pl.String,
        },
    )
    assert_frame_equal(got, expected)


def test_expenditure_total_is_the_total_column_of_a_split_summary() -> None:
    """A 收支总表 whose expenditure side also prints 项目支出 and 基本支出 columns: the total is the 合计 column."""
    lines = [
        _line("b", "乙局", 2024, SUMMARY, "income", "total", "收入总计", "total", "1212"),
        _line("b", "乙局", 2024, SUMMARY, "expenditure", "total", "支出总计", "project", "262"),
        _line("b", "乙局", 2024, SUMMARY, "expenditure", "total", "支出总计", "total", "1212"),
        _line("b", "乙局", 2024, SUMMARY, "expenditure", "total", "支出总计", "personnel", "700"),
    ]
    ds = _dataset(lines, _documents(("b", "乙局", 2024, "budget", "department")), [])
    got = dict(compare.measures(ds).select(c.MEASURE, s.AMOUNT_YUAN).rows())
    assert got == {"income_total": D("1212"), "expenditure_total": D("1212")}


def test_totals_of_the_default_dataset_hold_their_parts() -> None:
    from analytics import open_dataset

    wide = compare.measures(open_dataset()).pivot(
        c.MEASURE, index=[s.DEPARTMENT_ID, s.FISCAL_YEAR], values=s.AMOUNT_YUAN
    )
    for part in ("basic", "project"):
        smaller = wide.filter(pl.col("expenditure_total") < pl.col(part))
        assert smaller.is_empty(), f"支出合计 below {part}: {smaller}"


def test_trends_change_index_cagr() -> None:
    frame = compare.measures(_two_years()).filter(pl.col(c.MEASURE) == "income_total")
    got = compare.trends(frame).select(s.FISCAL_YEAR, c.CHANGE_YUAN, c.CHANGE_PCT, c.INDEX, c.CAGR_PCT)
    expected = pl.DataFrame(
        {
            s.FISCAL_YEAR: [2023, 2024],
            c.CHANGE_YUAN: [None, D("250000")],
            c.CHANGE_PCT: [None, 25.0],
            c.INDEX: [100.0, 125.0],
            c.CAGR_PCT: [25.0, 25.0],
        },
        schema={
            s.FISCAL_YEAR: pl.Int32,
            c.CHANGE_YUAN: s.MONEY,
            c.CHANGE_PCT: pl.Float64,
            c.INDEX: pl.Float64,
            c.CAGR_PCT: pl.Float64,
        },
    )
    assert_frame_equal(got, expected, check_exact=False)


def test_trends_deflated_by_a_price_index() -> None:
    frame = compare.measures(_two_years()).filter(pl.col(c.MEASURE) == "income_total")
    cpi = pl.DataFrame({s.FISCAL_YEAR: [2023, 2024], "cpi": [D("100"), D("125")]})
    got = compare.trends(frame, cpi=cpi).get_column(c.DEFLATED_YUAN).to_list()
    # In 2024 prices: 1,000,000 × 125 / 100 and 1,250,000 × 1.
    assert got == [D("1250000.00"), D("1250000.00")]


def test_shipped_cpi_deflates_the_seed_to_2023_prices() -> None:
    from analytics.reference import CPI_SOURCE, cpi_series

    assert "国家统计局" in CPI_SOURCE
    ds = read_disclosure(SEED)
    frame = compare.trends(compare.measures(ds), cpi=cpi_series(2023), base_year=2023)
    income = frame.filter(pl.col(c.MEASURE) == "income_total").sort(s.FISCAL_YEAR)
    # Published CPI (上年=100): 2022 102.0, 2023 100.2; so 2021 money × 1.020 × 1.002 in 2023 prices.
    assert income.get_column(c.DEFLATED_YUAN).to_list() == [
        (D("23302800") * D("1.02") * D("1.002")).quantize(D("0.01")),
        (D("16526200") * D("1.002")).quantize(D("0.01")),
        D("13701900.00"),
    ]


def test_cpi_series_rebases_and_rejects_unknown_years() -> None:
    from analytics.reference import cpi_series

    series = cpi_series(2015)
    years = series.get_column(s.FISCAL_YEAR).to_list()
    assert years == sorted(years) and 2017 in years and 2025 in years
    row = dict(zip(years, series.get_column("cpi").to_list(), strict=True))
    assert row[2015] == D("100")
    assert row[2014] == (D("100") / D("1.014")).quantize(D("0.0001"))
    with pytest.raises(ValueError, match="1990"):
        cpi_series(1990)


def test_worked_example_from_the_seed() -> None:
    ds = read_disclosure(SEED)
    frame = compare.trends(compare.measures(ds)).filter(pl.col(c.MEASURE) == "income_total")
    assert [x / 10000 for x in frame.get_column(s.AMOUNT_YUAN).to_list()] == [D("2330.28"), D("1652.62"), D("1370.19")]
    assert [round(x, 1) if x is not None else None for x in frame.get_column(c.CHANGE_PCT).to_list()] == [
        None,
        -29.1,
        -17.1,
    ]
    assert round(frame.get_column(c.INDEX).to_list()[-1] - 100, 1) == -41.2
    assert round(frame.get_column(c.CAGR_PCT).to_list()[0], 1) == -23.3


def test_decomposition_adds_up_to_the_change() -> None:
    got = compare.decompose_change(_two_years(), "甲局", 2023, 2024, "category").sort(c.COMPONENT)
    assert got.select(c.COMPONENT, c.AMOUNT_FROM, c.AMOUNT_TO, c.CONTRIBUTION_YUAN).rows() == [
        ("basic", D("600000"), D("650000"), D("50000")),
        ("project", D("400000"), D("600000"), D("200000")),
    ]
    assert got.get_column(c.CONTRIBUTION_YUAN).sum() == D("250000")  # 1,250,000 − 1,000,000
    assert got.get_column(c.CONTRIBUTION_SHARE).sum() == pytest.approx(1.0)


def test_decomposition_of_the_seed_explains_the_whole_change() -> None:
    ds = read_disclosure(SEED)
    got = compare.decompose_change(ds, "武汉市汉阳区大数据中心", 2022, 2023, "category")
    contributions = dict(got.select(c.COMPONENT, c.CONTRIBUTION_YUAN).rows())
    assert contributions == {
        "特定目标类项目支出": D("-2523200.00"),  # 1078.79 − 1331.11 万元
        "人员类项目支出": D("-307600.00"),  # 278.47 − 309.23
        "运转类项目支出": D("6500.00"),  # 12.93 − 12.28
    }
    assert sum(contributions.values()) == D("13701900.00") - D("16526200.00")


def test_unlisted_part_keeps_the_decomposition_exact() -> None:
    ds = _two_years()
    lines = ds.lines.filter(~((pl.col(s.COLUMN) == "project") & (pl.col(s.FISCAL_YEAR) == 2024)))
    got = compare.decompose_change(Dataset.from_tables({**ds.tables, s.LINES: lines}), "甲局", 2023, 2024)
    contributions = dict(got.select(c.COMPONENT, c.CONTRIBUTION_YUAN).rows())
    # 2024's 项目支出 is not printed: its 600,000 is the part of the 1,250,000 total no component lists.
    assert contributions == {"basic": D("50000"), "project": D("-400000"), "未列明部分": D("600000")}
    assert got.get_column(c.CONTRIBUTION_YUAN).sum() == D("250000")


def test_structure_shares_sum_to_one() -> None:
    got = compare.structure(_two_years(), "category")
    expected = pl.DataFrame(
        {
            s.DEPARTMENT_ID: ["甲局"] * 4,
            s.NAME: ["测试区甲局"] * 4,
            s.FISCAL_YEAR: [2023, 2023, 2024, 2024],
            c.DIMENSION: ["category"] * 4,
            c.COMPONENT: ["basic", "project", "basic", "project"],
            s.AMOUNT_YUAN: [D("600000"), D("400000"), D("650000"), D("600000")],
            c.SHARE: [0.6, 0.4, 0.52, 0.48],
        },
        schema_overrides={s.FISCAL_YEAR: pl.Int32, s.AMOUNT_YUAN: s.MONEY},
    )
    assert_frame_equal(got.sort(s.FISCAL_YEAR, c.COMPONENT), expected, check_exact=False)
    per_year = got.group_by(s.FISCAL_YEAR).agg(pl.col(c.SHARE).sum()).sort(s.FISCAL_YEAR)
    assert per_year.get_column(c.SHARE).to_list() == pytest.approx([1.0, 1.0])


def test_composition_shift_removes_the_aggregate_change() -> None:
    frame = compare.structure(_two_years(), "category")
    got = compare.composition_shift(frame, 2023, 2024)
    # Expected at the 2024 total: basic 750,000 and project 500,000; actual 650,000 / 600,000 → 200,000 / 1,250,000.
    expected = pl.DataFrame(
        {s.DEPARTMENT_ID: ["甲局"], c.FROM_YEAR: [2023], c.TO_YEAR: [2024], c.SHIFT_PCT: [16.0]},
        schema_overrides={c.FROM_YEAR: pl.Int32, c.TO_YEAR: pl.Int32},
    )
    assert_frame_equal(got, expected, check_exact=False)


def test_per_staff() -> None:
    got = compare.per_staff(_two_years()).filter(pl.col(c.MEASURE) == "basic")
    # 基本支出 650,000 in 2024 over 20 实有 and 25 编制.
    expected = pl.DataFrame(
        {
            s.DEPARTMENT_ID: ["甲局"] * 2,
            s.NAME: ["测试区甲局"] * 2,
            s.FISCAL_YEAR: [2024] * 2,
            c.MEASURE: ["basic"] * 2,
            c.STAFF_BASIS: ["actual", "authorized"],
            "staff": [20, 25],
            c.PER_STAFF_YUAN: [D("32500.00"), D("26000.00")],
            c.STATED_IN: ["table"] * 2,
            s.VERIFICATION: ["unverified"] * 2,
            s.VERIFIED_BY: [None] * 2,
        },
        schema_overrides={
            s.FISCAL_YEAR: pl.Int32,
            "staff": pl.Int32,
            c.PER_STAFF_YUAN: s.MONEY,
            s.VERIFIED_BY: pl.String,
        },
    )
    assert_frame_equal(got.sort(c.STAFF_BASIS), expected)


def test_peer_stats() -> None:
    values = pl.DataFrame(
        {
            s.DEPARTMENT_ID: ["a", "b", "c", "d"],
            s.NAME: ["甲", "乙", "丙", "丁"],
            s.FISCAL_YEAR: [2024] * 4,
            c.MEASURE: ["income_total"] * 4,
            c.VALUE: [10.0, 40.0, 20.0, 30.0],
        },
        schema_overrides={s.FISCAL_YEAR: pl.Int32},
    )
    groups = pl.DataFrame(
        {s.DEPARTMENT_ID: ["a", "b", "c", "d"], s.FISCAL_YEAR: [2024] * 4, c.PEER_GROUP: ["区"] * 4},
        schema_overrides={s.FISCAL_YEAR: pl.Int32},
    )
    got = compare.peer_stats(values, groups, min_group=4).sort(s.DEPARTMENT_ID)
    assert got.get_column(c.RANK).to_list() == [4, 1, 3, 2]
    assert got.get_column(c.PERCENTILE).to_list() == [25.0, 100.0, 50.0, 75.0]
    assert got.get_column(c.MEDIAN).to_list() == [25.0] * 4
    assert got.get_column(c.Q1).to_list() == [17.5] * 4
    assert got.get_column(c.Q3).to_list() == [32.5] * 4


def test_peer_stats_rank_no_group_smaller_than_the_minimum() -> None:
    # Four peers are fewer than the default minimum of five: no rank and no percentile, but the spread stays.
    values = pl.DataFrame(
        {
            s.DEPARTMENT_ID: ["a", "b", "c", "d", "e"],
            s.NAME: ["甲", "乙", "丙", "丁", "戊"],
            s.FISCAL_YEAR: [2024] * 5,
            c.MEASURE: ["income_total"] * 5,
            c.VALUE: [10.0, 40.0, 20.0, 30.0, 50.0],
        },
        schema_overrides={s.FISCAL_YEAR: pl.Int32},
    )
    groups = pl.DataFrame(
        {s.DEPARTMENT_ID: ["a", "b", "c", "d", "e"], s.FISCAL_YEAR: [2024] * 5, c.PEER_GROUP: ["区"] * 4 + ["市"]},
        schema_overrides={s.FISCAL_YEAR: pl.Int32},
    )
    assert compare.MIN_PEER_GROUP == 5
    small = compare.peer_stats(values, groups).sort(s.DEPARTMENT_ID)
    assert small.get_column(c.RANK).to_list() == [None] * 5
    assert small.get_column(c.PERCENTILE).to_list() == [None] * 5
    assert small.get_column(c.PEER_COUNT).to_list() == [4, 4, 4, 4, 1]
    assert small.get_column(c.MEDIAN).to_list() == [25.0] * 4 + [50.0]
    whole = compare.peer_stats(values, groups.with_columns(pl.lit("区").alias(c.PEER_GROUP)))
    assert whole.get_column(s.NAME).to_list() == ["戊", "乙", "丁", "丙", "甲"]
    assert whole.get_column(c.RANK).to_list() == [1, 2, 3, 4, 5]


def test_execution_rate_where_budget_and_final_exist() -> None:
    lines = [
        _line("b", "乙局", 2024, SUMMARY, "income", "total", "收入总计", "total", "800000"),
        _line("f", "乙局", 2024, SUMMARY, "income", "total", "总计", "total", "760000", phase="final"),
    ]
    documents = _documents(("b", "乙局", 2024, "budget", "department"), ("f", "乙局", 2024, "final", "department"))
    got = compare.execution_rates(_dataset(lines, documents))
    assert got.select(c.MEASURE, c.BUDGET_YUAN, c.FINAL_YUAN).rows() == [("income_total", D("800000"), D("760000"))]
    assert got.get_column(c.EXECUTION_PCT).to_list() == pytest.approx([95.0])


def _final_with_budget_columns() -> Dataset:
    """乙局 2024: a 决算 whose tables print 年初预算 / 调整预算 beside the 决算数, and the year's own budget.

    The 收支总表 prints 年初预算数 | 全年预算数 | 决算数 columns; the 支出总表 and the 三公 table print each column
    as a 预算数 / 决算数 pair (same column key, two bases).
    """
    final = "乙局决算"

    def pair(table: str, column: str, *, initial: str | None, actual: str) -> list[dict[str, object]]:
        """The 合计 row's figure in ``column`` as its 决算数 and (unless None) its 年初预算."""
        printed = [("actual", actual)] + ([("initial_budget", initial)] if initial is not None else [])
        return [
            _line(
                final, "乙局", 2024, table, "expenditure", "total", "合计", column, amount, phase="final", basis=basis
            )
            for basis, amount in printed
        ]

    lines = [
        _line("乙局预算", "乙局", 2024, SUMMARY, "income", "total", "收入总计", "total", "990000"),
        _line("乙局预算", "乙局", 2024, SUMMARY, "expenditure", "total", "支出总计", "total", "990000"),
        _line("乙局预算", "乙局", 2024, "expenditure_summary", "expenditure", "total", "合计", "basic", "590000"),
    ]
    for side, name, actual in (("income", "收入总计", "950000"), ("expenditure", "支出总计", "940000")):
        lines += [
            _line(final, "乙局", 2024, SUMMARY, side, "total", name, "initial_budget", "1000000", phase="final",
                  basis="initial_budget"),
            _line(final, "乙局", 2024, SUMMARY, side, "total", name, "full_year_budget", "1100000", phase="final",
                  basis="adjusted_budget"),
            _line(final, "乙局", 2024, SUMMARY, side, "total", name, "total", actual, phase="final", basis="actual"),
        ]  # fmt: skip
    lines += pair("expenditure_summary", "basic", initial="600000", actual="580000")
    lines += pair("expenditure_summary", "project", initial="400000", actual="360000")
    lines += pair("general_budget_basic_economic", "personnel", initial=None, actual="500000")
    lines += pair("general_budget_basic_economic", "public", initial=None, actual="80000")
    three_public = "three_public_and_operation"
    lines += pair(three_public, "overseas_travel", initial="10000", actual="0")
    lines += pair(three_public, "vehicles", initial="20000", actual="15000")
    lines += pair(three_public, "reception", initial="28500", actual="3900")
    # The table's 合计 column is not one of the three parts: it must not be added to them.
    lines += pair(three_public, "total", initial="58500", actual="18900")
    documents = _documents(
        ("乙局预算", "乙局", 2024, "budget", "department"), (final, "乙局", 2024, "final", "department")
    )
    return _dataset(
        lines, documents, [{s.DEPARTMENT_ID: "乙局", s.FISCAL_YEAR: 2024, s.NAME: "测试区乙局", s.DOC_ID: final}]
    )


@pytest.mark.parametrize(
    ("basis", "expected"),
    [
        (
            None,  # a final account's own figure: the 决算数
            {"income_total": "950000", "expenditure_total": "940000", "basic": "580000", "project": "360000",
             "personnel": "500000", "public": "80000", "three_public": "18900", "overseas_travel": "0",
             "vehicles": "15000", "reception": "3900"},
        ),
        (
            "actual",
            {"income_total": "950000", "expenditure_total": "940000", "basic": "580000", "project": "360000",
             "personnel": "500000", "public": "80000", "three_public": "18900", "overseas_travel": "0",
             "vehicles": "15000", "reception": "3900"},
        ),
        (
            "initial_budget",  # only where the 决算 prints a 年初预算: no 人员经费 / 公用经费
            {"income_total": "1000000", "expenditure_total": "1000000", "basic": "600000", "project": "400000",
             "three_public": "58500", "overseas_travel": "10000", "vehicles": "20000", "reception": "28500"},
        ),
        ("adjusted_budget", {"income_total": "1100000", "expenditure_total": "1100000"}),
    ],
)  # fmt: skip
def test_measures_of_a_final_account_are_of_one_basis(basis: str | None, expected: dict[str, str]) -> None:
    got = compare.measures(_final_with_budget_columns(), phase="final", basis=basis)
    assert dict(got.select(c.MEASURE, s.AMOUNT_YUAN).rows()) == {m: D(v) for m, v in expected.items()}
    assert got.get_column(s.AMOUNT_BASIS).unique().to_list() == [basis or "actual"]
    assert got.get_column(s.DOC_ID).unique().to_list() == ["乙局决算"]


def test_measures_of_the_budget_are_untouched_by_a_final_accounts_budget_columns() -> None:
    got = compare.measures(_final_with_budget_columns())
    assert got.select(c.MEASURE, s.AMOUNT_BASIS, s.AMOUNT_YUAN).rows() == [
        ("basic", "budget", D("590000")),
        ("expenditure_total", "budget", D("990000")),
        ("income_total", "budget", D("990000")),
    ]


def test_a_stored_final_account_without_bases_keeps_its_budget_columns_apart() -> None:
    """Lines stored before figures had a basis are all 决算数 by default; a 年初预算数 column is still a budget."""
    lines = [
        _line("f", "乙局", 2024, SUMMARY, "income", "total", "收入总计", column, amount, phase="final", basis="actual")
        for column, amount in (("initial_budget", "1000000"), ("full_year_budget", "1100000"), ("total", "950000"))
    ]
    ds = _dataset(lines, _documents(("f", "乙局", 2024, "final", "department")))
    amount = {
        basis: compare.measures(ds, phase="final", basis=basis).get_column(s.AMOUNT_YUAN).to_list()
        for basis in ("actual", "initial_budget", "adjusted_budget")
    }
    assert amount == {"actual": [D("950000")], "initial_budget": [D("1000000")], "adjusted_budget": [D("1100000")]}


def test_measures_reject_a_basis_the_phase_does_not_print() -> None:
    ds = _final_with_budget_columns()
    with pytest.raises(ValueError, match="a budget document prints no 'actual' figures"):
        compare.measures(ds, basis="actual")
    with pytest.raises(ValueError, match=r"prints no 'budget' figures \(it prints actual, initial_budget"):
        compare.measures(ds, phase="final", basis="budget")
    with pytest.raises(ValueError, match="unknown phase 'draft'"):
        compare.measures(ds, phase="draft")


def test_execution_takes_the_final_accounts_own_budget_else_the_years_budget() -> None:
    got = compare.execution_rates(_final_with_budget_columns())
    rows = {r[c.MEASURE]: r for r in got.iter_rows(named=True)}
    assert set(rows) == {
        "income_total", "expenditure_total", "basic", "project", "personnel", "public", "three_public",
        "overseas_travel", "vehicles", "reception",
    }  # fmt: skip
    # The 决算 prints a 年初预算 for these: its own figures, never the budget document's 990000 / 590000.
    for measure, initial, actual in (("income_total", "1000000", "950000"), ("basic", "600000", "580000"),
                                     ("three_public", "58500", "18900")):  # fmt: skip
        row = rows[measure]
        assert (row[c.BUDGET_YUAN], row[c.FINAL_YUAN], row[BUDGET_DOC_ID]) == (
            D(initial),
            D(actual),
            "乙局决算",
        )
        assert row[c.EXECUTION_PCT] == pytest.approx(float(D(actual) / D(initial) * 100))
    assert rows["income_total"][ADJUSTED_BUDGET_YUAN] == D("1100000")
    assert rows["basic"][ADJUSTED_BUDGET_YUAN] is None
    # 人员经费 has no 年初预算 in the 决算 and none in the budget: no rate, and nothing stands in for it.
    personnel = rows["personnel"]
    assert (personnel[c.BUDGET_YUAN], personnel[c.FINAL_YUAN], personnel[c.EXECUTION_PCT]) == (None, D("500000"), None)


def test_execution_falls_back_to_the_years_own_budget_only() -> None:
    lines = [
        _line("b24", "乙局", 2024, SUMMARY, "income", "total", "收入总计", "total", "800000"),
        _line("b24", "乙局", 2024, SUMMARY, "expenditure", "total", "支出总计", "total", "800000"),
        # A 2025 budget restating 2024: not the budget the 2024 final account is measured against.
        _line("b25", "乙局", 2024, "performance_fund_composition", "expenditure", "total", "合计", "total", "777777",
              as_of=2025),
        _line("b25", "乙局", 2025, SUMMARY, "expenditure", "total", "支出总计", "total", "900000"),
        _line("f", "乙局", 2024, SUMMARY, "income", "total", "总计", "total", "760000", phase="final"),
        _line("f", "乙局", 2024, SUMMARY, "expenditure", "total", "总计", "total", "720000", phase="final"),
        _line("f", "乙局", 2024, "expenditure_summary", "expenditure", "total", "合计", "basic", "500000",
              phase="final"),
    ]  # fmt: skip
    documents = _documents(
        ("b24", "乙局", 2024, "budget", "department"),
        ("b25", "乙局", 2025, "budget", "department"),
        ("f", "乙局", 2024, "final", "department"),
    )
    got = compare.execution_rates(_dataset(lines, documents))
    assert got.select(c.MEASURE, c.BUDGET_YUAN, c.FINAL_YUAN, BUDGET_DOC_ID, FINAL_DOC_ID).rows() == [
        ("basic", None, D("500000"), None, "f"),
        ("expenditure_total", D("800000"), D("720000"), "b24", "f"),
        ("income_total", D("800000"), D("760000"), "b24", "f"),
    ]
    assert got.get_column(c.EXECUTION_PCT).to_list() == pytest.approx([None, 90.0, 95.0])


def _doubted(line: dict[str, object], why: str) -> dict[str, object]:
    """``line`` as a reading an identity of its form contradicts."""
    return {**line, s.VERIFICATION: "contradicted", s.VERIFIED_BY: why}


def test_totals_and_execution_say_how_far_each_figure_is_confirmed() -> None:
    """丙局 2026: the budget's 收入总计 is contradicted, its 支出总计 verified; the 决算's 决算数 of 收入 verified, its
    年初预算 contradicted; 支出's 年初预算 comes from the budget, its 决算数 from the 决算's narrative."""
    lines = [
        _doubted(_line("b", "丙局", 2026, SUMMARY, "income", "total", "收入总计", "total", "700000"),
                 "不符：收入总计 = 支出总计"),
        {**_line("b", "丙局", 2026, SUMMARY, "expenditure", "total", "支出总计", "total", "690000"),
         s.VERIFICATION: "verified", s.VERIFIED_BY: "合计 = 各类科目之和"},
        {**_line("f", "丙局", 2026, SUMMARY, "income", "total", "总计", "total", "650000", phase="final"),
         s.VERIFICATION: "verified", s.VERIFIED_BY: "收入总计 = 支出总计"},
        _doubted(_line("f", "丙局", 2026, SUMMARY, "income", "total", "总计", "initial_budget", "710000",
                       phase="final", basis="initial_budget"), "不符：年初预算"),
    ]  # fmt: skip
    statements = pl.DataFrame(
        [{s.DOC_ID: "f", s.SEQ: 1, s.DEPARTMENT_ID: "丙局", s.FISCAL_YEAR: 2026, s.SUBJECT: "支出决算",
          s.AMOUNT_YUAN: D("640000"), s.LINE: 3, s.SOURCE_TEXT: "支出决算64万元。"}],
        schema=s.TABLES[s.STATEMENTS].schema,
        orient="row",
    )  # fmt: skip
    documents = _documents(("b", "丙局", 2026, "budget", "department"), ("f", "丙局", 2026, "final", "department"))
    ds = Dataset.from_tables({**_dataset(lines, documents).tables, s.STATEMENTS: statements})

    totals = compare.yearly_totals(ds.lines.filter(pl.col(s.PHASE) == "budget"), documents=ds.documents)
    assert totals.select(s.SIDE, s.VERIFICATION, s.VERIFIED_BY).rows() == [
        ("income", "contradicted", "不符：收入总计 = 支出总计"),
        ("expenditure", "verified", "合计 = 各类科目之和"),
    ]
    got = compare.execution_rates(ds)
    origin = [c.BUDGET_STATED_IN, c.BUDGET_VERIFICATION, c.BUDGET_VERIFIED_BY]
    final = [c.FINAL_STATED_IN, c.FINAL_VERIFICATION, c.FINAL_VERIFIED_BY]
    assert got.select(c.MEASURE, c.BUDGET_YUAN, *origin, c.FINAL_YUAN, *final).rows() == [
        ("expenditure_total", D("690000"), "table", "verified", "合计 = 各类科目之和",
         D("640000"), "narrative", "unverified", None),
        ("income_total", D("710000"), "table", "contradicted", "不符：年初预算",
         D("650000"), "table", "verified", "收入总计 = 支出总计"),
    ]  # fmt: skip
    assert got.get_column(c.ADJUSTED_STATED_IN).is_null().all()


def test_per_staff_figures_keep_the_verification_of_their_measure() -> None:
    ds = _two_years()
    doubted = ds.lines.with_columns(
        pl.when((pl.col(s.FISCAL_YEAR) == 2024) & (pl.col(s.COLUMN) == "basic"))
        .then(pl.lit("contradicted"))
        .otherwise(pl.col(s.VERIFICATION))
        .alias(s.VERIFICATION)
    )
    got = compare.per_staff(Dataset.from_tables({**ds.tables, s.LINES: doubted})).filter(pl.col(c.MEASURE) == "basic")
    assert got.select(s.FISCAL_YEAR, c.STAFF_BASIS, c.STATED_IN, s.VERIFICATION).rows() == [
        (2024, "actual", "table", "contradicted"),
        (2024, "authorized", "table", "contradicted"),
    ]


PLANNING_FINAL = SEED.parent / "putuo_planning_2024_dept_final.pdf"


def test_three_public_of_the_planning_final_account_is_its_actual() -> None:
    """普陀区规划和自然资源局 2024 决算, p. 17 (财政拨款“三公”经费支出决算表, 万元), read from the page: 合计
    预算数 2.85, 决算数 0.39; 因公出国（境）费 and 公务用车购置及运行维护费 0.00 / 0.00; 公务接待费 2.85 / 0.39."""
    ds = read_disclosure(PLANNING_FINAL)
    actual = compare.measures(ds, phase="final").filter(pl.col(c.MEASURE) == "three_public")
    initial = compare.measures(ds, phase="final", basis="initial_budget").filter(pl.col(c.MEASURE) == "three_public")
    assert actual.get_column(s.AMOUNT_YUAN).to_list() == [D("3900.00")]
    assert initial.get_column(s.AMOUNT_YUAN).to_list() == [D("28500.00")]
    execution = compare.execution_rates(ds).filter(pl.col(c.MEASURE) == "three_public").row(0, named=True)
    assert (execution[c.BUDGET_YUAN], execution[c.FINAL_YUAN]) == (D("28500.00"), D("3900.00"))
    assert execution[BUDGET_DOC_ID] == execution[FINAL_DOC_ID]  # both from the 决算 itself
    assert execution[c.EXECUTION_PCT] == pytest.approx(0.39 / 2.85 * 100)


amounts = st.lists(st.decimals(min_value=0, max_value=10**9, places=2), min_size=1, max_size=6)


@settings(max_examples=50, deadline=None)
@given(before=amounts, after=amounts)
def test_property_decomposition_sums_to_the_change(before: list[Decimal], after: list[Decimal]) -> None:
    lines, names = [], [f"类{i}" for i in range(max(len(before), len(after)))]
    for year, values in ((2023, before), (2024, after)):
        doc = f"d{year}"
        for name, value in zip(names, values, strict=False):
            lines.append(
                _line(
                    doc,
                    "丙局",
                    year,
                    "performance_fund_composition",
                    "expenditure",
                    "category",
                    name,
                    "total",
                    str(value),
                )
            )
        lines.append(
            _line(
                doc,
                "丙局",
                year,
                "performance_fund_composition",
                "expenditure",
                "total",
                "合计",
                "total",
                str(sum(values, Decimal(0))),
            )
        )
    documents = _documents(
        ("d2023", "丙局", 2023, "budget", "department"), ("d2024", "丙局", 2024, "budget", "department")
    )
    got = compare.decompose_change(_dataset(lines, documents), "丙局", 2023, 2024, "category")
    assert got.get_column(c.CONTRIBUTION_YUAN).sum() == sum(after, Decimal(0)) - sum(before, Decimal(0))


@settings(max_examples=50, deadline=None)
@given(values=amounts)
def test_property_shares_sum_to_one_and_grouping_keeps_the_total(values: list[Decimal]) -> None:
    lines = [
        _line("d", "丁局", 2024, "performance_fund_composition", "expenditure", "category", f"类{i}", "total", str(v))
        for i, v in enumerate(values)
    ]
    documents = _documents(("d", "丁局", 2024, "budget", "department"))
    got = compare.structure(_dataset(lines, documents), "category")
    assert got.get_column(s.AMOUNT_YUAN).sum() == sum(values, Decimal(0))
    if sum(values) > 0:
        assert got.get_column(c.SHARE).sum() == pytest.approx(1.0)


def test_everything_runs_on_the_default_dataset() -> None:
    from analytics import open_dataset

    ds = open_dataset()
    m = compare.measures(ds)
    assert m.select(s.DEPARTMENT_ID, s.FISCAL_YEAR, c.MEASURE).is_duplicated().sum() == 0
    t = compare.trends(m)
    assert t.height == m.height
    for dimension in compare.DIMENSIONS:
        assert compare.structure(ds, dimension).height >= 0  # type: ignore[arg-type]
    assert compare.per_staff(ds).height > 0
    assert (
        compare.peer_stats(
            m.with_columns(pl.col(s.AMOUNT_YUAN).cast(pl.Float64).alias(c.VALUE)), compare.peer_groups(ds, "region")
        ).height
        > 0
    )
