"""The audit rules, one by one, on tiny datasets built here: each rule passes on a consistent case and flags an
inconsistent one with the observed, expected and variance an auditor computes by hand, evidence pointing at the
figures involved and messages in 万元. Then the engine: stable flag ids, tolerances from the settings (per printed
unit), unknown rules, the empty dataset and the catalog."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import polars as pl
import pytest

from analytics import schema as s
from analytics.checks import FAMILIES, Settings, load_settings, rule_catalog, run_checks
from analytics.errors import AnalyticsError
from analytics.store import Dataset

DEPT = "测试市甲区乙局"
OTHER_DEPT = "测试市丙县丁委"
DOC = "doc-2024"
DOC_2023 = "doc-2023"
YEAR = 2024

ALL_RULES = (
    "narrative.items_vs_tables",
    "narrative.direction_words",
    "narrative.change_vs_prior_year",
    "narrative.change_recomputed",
    "narrative.rates",
    "narrative.vs_tables",
    "cross.carryover_balance",
    "cross.income_spending_by_code",
    "cross.personnel_public",
    "cross.zero_total",
    "completeness.sections",
    "completeness.vehicle_split",
    "hygiene.placeholder",
    "hygiene.template_residue",
    "hygiene.garbled",
    "hygiene.stale_year",
    "hygiene.scope_mismatch",
    "hygiene.repeated_word",
    "hygiene.no_reason",
    "hygiene.blank_page",
    "table.parent_sum",
    "table.columns_sum",
    "table.total_of_rows",
    "table.balance",
    "cross.same_figure",
    "cross.restatement",
    "cross.department_facts",
    "narrative.change_pct",
    "narrative.share",
    "narrative.items_sum",
    "narrative.repeated_value",
    "narrative.total_vs_tables",
    "narrative.subject_naming",
    "targets.less_ambitious",
    "targets.out_of_range",
    "targets.weak_indicator",
    "targets.no_basis",
    "targets.cost_above_budget",
    "spending.personnel_in_projects",
    "spending.three_public_rising",
    "completeness.missing_tables",
    "completeness.empty_tables",
    "reading.doubt",
)

BUDGET_TABLES = (
    "income_expenditure_summary",
    "income_summary",
    "expenditure_summary",
    "fiscal_appropriation_summary",
    "general_budget_function",
    "general_budget_basic_economic",
    "government_fund",
    "three_public_and_operation",
)


# --- factories ----------------------------------------------------------------------------------------------------


def D(value: str | int) -> Decimal:
    """An exact amount (元), percentage or target value: ``D("1_000_000")``."""
    return Decimal(str(value))


def document(
    doc_id: str = DOC,
    *,
    fiscal_year: int = YEAR,
    unit: str | None = "万元",
    phase: str = "budget",
    scope: str = "department",
    department: str = DEPT,
    disclosure_id: str | None = None,
) -> dict[str, Any]:
    return {
        s.DOC_ID: doc_id,
        s.SOURCE_NAME: f"{doc_id}.pdf",
        s.SOURCE_FORMAT: "pdf",
        s.REGION: "测试市",
        s.DEPARTMENT: department,
        s.DEPARTMENT_ID: department,
        s.FISCAL_YEAR: fiscal_year,
        s.PHASE: phase,
        s.SCOPE: scope,
        s.UNIT_PRINTED: unit,
        s.DISCLOSURE_ID: disclosure_id or doc_id,
        s.PAGE_COUNT: 30,
    }


def line(
    name: str,
    amount: str | int,
    *,
    column: str = "total",
    table: str = "general_budget_function",
    side: str = "expenditure",
    classification: str = "function",
    code: str | None = None,
    level: int | None = None,
    parent: str | None = None,
    doc_id: str = DOC,
    fiscal_year: int = YEAR,
    as_of_year: int | None = None,
    phase: str = "budget",
    department: str = DEPT,
    page: int = 3,
    row: int = 1,
    text: str | None = None,
) -> dict[str, Any]:
    """One figure of a table (``row`` is its line on the page)."""
    return {
        s.DOC_ID: doc_id,
        s.DEPARTMENT_ID: department,
        s.FISCAL_YEAR: fiscal_year,
        s.AS_OF_YEAR: as_of_year or fiscal_year,
        s.PHASE: phase,
        s.TABLE: table,
        s.SIDE: side,
        s.CLASSIFICATION: classification,
        s.CODE: code,
        s.NAME: name,
        s.LEVEL: level,
        s.PARENT_CODE: parent,
        s.COLUMN: column,
        s.AMOUNT_YUAN: D(amount),
        s.PAGE: page,
        s.LINE: row,
        s.SOURCE_TEXT: text or f"{code + ' ' if code else ''}{name} {amount}",
    }


def statement(
    seq: int,
    subject: str,
    amount: str | int,
    *,
    parent: str | None = None,
    change: str | int | None = None,
    direction: str | None = None,
    change_pct: str | None = None,
    share: str | None = None,
    compare_year: int | None = None,
    doc_id: str = DOC,
    fiscal_year: int = YEAR,
    department: str = DEPT,
    page: int = 2,
    text: str | None = None,
) -> dict[str, Any]:
    """One sentence of the narrative; its line on the page is its ``seq`` plus 10."""
    if change is not None and compare_year is None:
        compare_year = fiscal_year - 1
    return {
        s.DOC_ID: doc_id,
        s.SEQ: seq,
        s.DEPARTMENT_ID: department,
        s.FISCAL_YEAR: fiscal_year,
        s.SUBJECT: subject,
        s.AMOUNT_YUAN: D(amount),
        s.COMPARE_YEAR: compare_year,
        s.STATED_CHANGE_YUAN: None if change is None else D(change),
        s.STATED_CHANGE_PCT: None if change_pct is None else D(change_pct),
        s.STATED_SHARE_PCT: None if share is None else D(share),
        s.DIRECTION: direction,
        s.PARENT_SUBJECT: parent,
        s.PAGE: page,
        s.LINE: seq + 10,
        s.SOURCE_TEXT: text or f"{subject} {amount} 元",
    }


def prior(year: int, text: str, comparator: str, value: str, unit: str) -> dict[str, Any]:
    return {s.FISCAL_YEAR: year, s.TARGET_TEXT: text, s.COMPARATOR: comparator, s.TARGET_VALUE: D(value), s.UNIT: unit}


def indicator(
    seq: int,
    level3: str,
    text: str,
    *,
    comparator: str | None = None,
    value: str | None = None,
    unit: str | None = None,
    level1: str = "产出指标",
    level2: str = "数量指标",
    priors: tuple[dict[str, Any], ...] = (),
    basis: str | None = "历史数据",
    doc_id: str = DOC,
    fiscal_year: int = YEAR,
    department: str = DEPT,
) -> dict[str, Any]:
    """One performance indicator; it sits on page 20, line ``seq`` plus 30."""
    return {
        s.DOC_ID: doc_id,
        s.SEQ: seq,
        s.DEPARTMENT_ID: department,
        s.FISCAL_YEAR: fiscal_year,
        s.GOAL_SCOPE: "annual",
        s.GOAL_NO: 1,
        s.GOAL: "提升服务质量",
        s.LEVEL1: level1,
        s.LEVEL2: level2,
        s.LEVEL3: level3,
        s.COMPARATOR: comparator,
        s.TARGET_VALUE: None if value is None else D(value),
        s.UNIT: unit,
        s.TARGET_TEXT: text,
        s.PRIOR_VALUES: list(priors),
        s.BASIS: basis,
        s.PAGE: 20,
        s.LINE: seq + 30,
        s.SOURCE_TEXT: f"{level1} {level2} {level3} {text}",
    }


def project(seq: int, name: str, year_budget: str | int, purpose: str, *, doc_id: str = DOC) -> dict[str, Any]:
    return {
        s.DOC_ID: doc_id,
        s.SEQ: seq,
        s.DEPARTMENT_ID: DEPT,
        s.FISCAL_YEAR: YEAR,
        s.NAME: name,
        s.CATEGORY: "其他运转类项目",
        s.TOTAL_BUDGET_YUAN: D(year_budget),
        s.YEAR_BUDGET_YUAN: D(year_budget),
        s.PURPOSE: purpose,
        s.PAGE: 15,
        s.LINE: seq + 4,
        s.SOURCE_TEXT: f"{name} {year_budget} {purpose}",
    }


def document_table(
    table: str, status: str = "data", *, doc_id: str = DOC, unit: str | None = None, page: int = 5
) -> dict[str, Any]:
    return {
        s.DOC_ID: doc_id,
        s.TABLE: table,
        s.TITLE: f"{table} 表",
        s.UNIT_PRINTED: unit,
        s.PAGE_FROM: page,
        s.PAGE_TO: page,
        s.STATUS: status,
        s.ROW_COUNT: 0 if status != "data" else 5,
        s.SOURCE_TEXT: f"{table} 表" + ("（本部门无此项）" if status == "empty" else ""),
    }


def department(staff_authorized: int | None, staff_actual: int | None) -> dict[str, Any]:
    return {
        s.DEPARTMENT_ID: DEPT,
        s.FISCAL_YEAR: YEAR,
        s.NAME: DEPT,
        s.REGION: "测试市",
        s.UNIT_TYPE: "行政单位",
        s.STAFF_AUTHORIZED: staff_authorized,
        s.STAFF_ACTUAL: staff_actual,
        s.SUBORDINATE_UNITS: 1,
        s.DOC_ID: DOC,
        s.PAGE: 1,
        s.LINE: 8,
        s.SOURCE_TEXT: "部门机构设置",
    }


def frame(table: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    schema = s.TABLES[table].schema
    unknown = {key for row in rows for key in row} - set(schema)
    assert not unknown, f"{table}: no column(s) {unknown}"
    return pl.DataFrame([tuple(row.get(c) for c in schema) for row in rows], schema=schema, orient="row")


def dataset(**tables: list[dict[str, Any]]) -> Dataset:
    """A dataset of the given rows; without ``documents`` it holds the one default document (2024 budget, 万元)."""
    tables.setdefault(s.DOCUMENTS, [document()])
    return Dataset.from_tables({name: frame(name, rows) for name, rows in tables.items()})


def check(ds: Dataset, rule_id: str, settings: Settings | None = None) -> list[dict[str, Any]]:
    return run_checks(ds, settings, rules=[rule_id]).to_dicts()


def only_flag(ds: Dataset, rule_id: str, settings: Settings | None = None) -> dict[str, Any]:
    flags = check(ds, rule_id, settings)
    assert len(flags) == 1, flags
    assert flags[0][s.RULE_ID] == rule_id
    return flags[0]


def values(flag: dict[str, Any]) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    return flag[s.OBSERVED], flag[s.EXPECTED], flag[s.VARIANCE]


def places(flag: dict[str, Any]) -> list[tuple[object, ...]]:
    """The evidence as sorted (doc_id, table_or_part, page, line, source_text) tuples."""
    return sorted((e[s.DOC_ID], e["table_or_part"], e[s.PAGE], e[s.LINE], e[s.SOURCE_TEXT]) for e in flag[s.EVIDENCE])


def evidence_of(rows: list[dict[str, Any]], part: str | None = None) -> list[tuple[object, ...]]:
    """What the evidence of a flag on ``rows`` must be (``part`` for narrative / targets / projects rows)."""
    return sorted((r[s.DOC_ID], part or r[s.TABLE], r.get(s.PAGE), r.get(s.LINE), r[s.SOURCE_TEXT]) for r in rows)


def in_english(figure: str) -> str:
    """How the English message prints a figure the Chinese one prints as ``figure``: 万元 as "× 10k yuan", a place
    as "p. N, line M" (written here from the wording a reader sees, not taken from the code)."""
    figure = figure.replace(" 万元", " × 10k yuan")
    return re.sub(r"第 (\d+) 页第 (\d+) 行", r"p. \1, line \2", figure)


def mentions(flag: dict[str, Any], *figures: str) -> None:
    for figure in figures:
        assert figure in flag[s.MESSAGE_ZH], (figure, flag[s.MESSAGE_ZH])
        assert in_english(figure) in flag[s.MESSAGE_EN], (in_english(figure), flag[s.MESSAGE_EN])


# --- table.parent_sum ---------------------------------------------------------------------------------------------


def _function_rows(parent: str | int, *children: str | int) -> list[dict[str, Any]]:
    """201 一般公共服务支出 (line 5) and its children 201xx (lines 6, 7, …), column ``total``."""
    rows = [line("一般公共服务支出", parent, code="201", level=1, row=5)]
    names = ["人大事务", "政协事务", "政府办公厅（室）及相关机构事务"]
    for i, amount in enumerate(children):
        rows.append(line(names[i], amount, code=f"2010{i + 1}", level=2, parent="201", row=6 + i))
    return rows


def test_parent_sum_passes_when_a_class_is_the_sum_of_its_items() -> None:
    assert check(dataset(lines=_function_rows("1_000_000", "600_000", "400_000")), "table.parent_sum") == []


def test_parent_sum_flags_a_class_that_is_not_the_sum_of_its_items() -> None:
    rows = _function_rows("1_000_000", "600_000", "300_000")
    flag = only_flag(dataset(lines=rows), "table.parent_sum")
    assert flag[s.SEVERITY] == "error"
    assert flag[s.FAMILY] == "table"
    assert (flag[s.DEPARTMENT_ID], flag[s.FISCAL_YEAR], flag[s.DOC_ID]) == (DEPT, YEAR, DOC)
    assert flag[s.MEASURE] == "yuan"
    # 1,000,000 against 600,000 + 300,000; three 万元 figures may each be off by 0.01 万元 (100 元).
    assert values(flag) == (D("1_000_000"), D("900_000"), D("100_000"))
    assert flag[s.THRESHOLD] == D(300)
    assert places(flag) == evidence_of(rows)
    mentions(flag, "100.00 万元", "90.00 万元", "10.00 万元", "201 一般公共服务支出")


def test_parent_sum_leaves_a_sum_the_reader_already_doubts_to_the_reading_family() -> None:
    """A read the reader could not confirm is its doubt (读数存疑), reported once, not again as the document's error."""
    rows = _function_rows("1_000_000", "600_000", "300_000")
    rows[2][s.VERIFICATION] = "contradicted"
    assert check(dataset(lines=rows), "table.parent_sum") == []
    rows[2][s.VERIFICATION] = "verified"  # every figure confirmed by another identity: the publisher's arithmetic
    assert only_flag(dataset(lines=rows), "table.parent_sum")[s.MESSAGE_ZH].startswith("201 一般公共服务支出（合计）")


# --- table.columns_sum --------------------------------------------------------------------------------------------


def _columns_row(table: str, name: str, classification: str, **amounts: str | int) -> list[dict[str, Any]]:
    text = f"{name} " + " ".join(str(a) for a in amounts.values())
    return [
        line(name, amount, column=column, table=table, classification=classification, page=7, row=12, text=text)
        for column, amount in amounts.items()
    ]


def test_columns_sum_passes_when_total_is_basic_plus_project() -> None:
    rows = _columns_row(
        "general_budget_function", "合计", "total", total="1_000_000", basic="700_000", project="300_000"
    )
    assert check(dataset(lines=rows), "table.columns_sum") == []


def test_columns_sum_flags_a_total_that_is_not_basic_plus_project() -> None:
    rows = _columns_row(
        "general_budget_function", "合计", "total", total="1_000_000", basic="700_000", project="200_000"
    )
    flag = only_flag(dataset(lines=rows), "table.columns_sum")
    assert flag[s.SEVERITY] == "error"
    assert values(flag) == (D("1_000_000"), D("900_000"), D("100_000"))
    assert flag[s.THRESHOLD] == D(300)  # three figures of 0.01 万元
    assert places(flag) == [(DOC, "general_budget_function", 7, 12, "合计 1_000_000 700_000 200_000")]
    mentions(flag, "100.00 万元", "90.00 万元", "10.00 万元")


def test_columns_sum_names_columns_in_chinese_and_leaves_doubted_rows_to_the_reader() -> None:
    rows = _columns_row(
        "three_public_and_operation", "合计", "total", three_public_total="90_000", overseas_travel="10_000",
        vehicles="50_000", reception="20_000",
    )  # fmt: skip
    flag = only_flag(dataset(lines=rows), "table.columns_sum")
    assert "“三公”经费合计 为" in flag[s.MESSAGE_ZH] and "three_public_total" not in flag[s.MESSAGE_ZH]
    for row in rows:
        row[s.VERIFICATION] = "contradicted"
    assert check(dataset(lines=rows), "table.columns_sum") == []


def test_columns_sum_flags_three_public_total_when_printed_with_its_three_parts() -> None:
    rows = _columns_row(
        "three_public_and_operation",
        "合计",
        "total",
        total="100_000",
        overseas_travel="10_000",
        vehicles="50_000",
        reception="20_000",
    )
    flag = only_flag(dataset(lines=rows), "table.columns_sum")
    assert values(flag) == (D("100_000"), D("80_000"), D("20_000"))
    assert flag[s.THRESHOLD] == D(400)
    mentions(flag, "10.00 万元", "8.00 万元", "2.00 万元")


def test_columns_sum_leaves_rows_with_columns_outside_the_identity() -> None:
    # 合计 here also covers 会议费: the row is not the 三公 identity's row.
    rows = _columns_row(
        "three_public_and_operation",
        "合计",
        "total",
        total="130_000",
        overseas_travel="10_000",
        vehicles="50_000",
        reception="20_000",
        meetings="50_000",
    )
    assert check(dataset(lines=rows), "table.columns_sum") == []


@pytest.mark.parametrize(
    ("amounts", "expected"),
    [
        # 合计 100,000 ≠ 10,000 + 50,000 + 20,000 (the 公务用车 identity holds: 50,000 = 10,000 + 40,000).
        (
            {"total": "100_000", "vehicle_purchase": "10_000", "vehicle_operation": "40_000"},
            (D("100_000"), D("80_000"), D("20_000")),
        ),
        # 公务用车 50,000 ≠ 10,000 + 30,000 (合计 holds: 80,000 = 10,000 + 50,000 + 20,000).
        (
            {"total": "80_000", "vehicle_purchase": "10_000", "vehicle_operation": "30_000"},
            (D("50_000"), D("40_000"), D("10_000")),
        ),
    ],
    ids=["three_public_total", "vehicles"],
)
def test_columns_sum_checks_the_standard_three_public_layout(
    amounts: dict[str, str], expected: tuple[Decimal, Decimal, Decimal]
) -> None:
    rows = _columns_row(
        "three_public_and_operation",
        "合计",
        "total",
        total=amounts["total"],
        overseas_travel="10_000",
        vehicles="50_000",
        vehicle_purchase=amounts["vehicle_purchase"],
        vehicle_operation=amounts["vehicle_operation"],
        reception="20_000",
    )
    flag = only_flag(dataset(lines=rows), "table.columns_sum")
    assert values(flag) == expected


# --- table.total_of_rows ------------------------------------------------------------------------------------------


def _total_rows(total: str, table: str = "general_budget_function") -> list[dict[str, Any]]:
    if table == "performance_fund_composition":
        return [
            line("合计", total, table=table, classification="total", page=18, row=9),
            line("财政拨款", "800_000", table=table, classification="source", page=18, row=7),
            line("其他资金", "150_000", table=table, classification="source", page=18, row=8),
        ]
    return [
        line("合计", total, classification="total", row=20),
        line("一般公共服务支出", "1_000_000", code="201", level=1, row=5),
        line("人大事务", "1_000_000", code="20101", level=2, parent="201", row=6),
        line("社会保障和就业支出", "1_500_000", code="208", level=1, row=7),
    ]


@pytest.mark.parametrize(
    ("table", "right_total", "wrong_total", "expected", "figures"),
    [
        # 201 + 208 = 1,000,000 + 1,500,000 (the 款 20101 is inside 201, not added again).
        (
            "general_budget_function",
            "2_500_000",
            "3_000_000",
            D("2_500_000"),
            ("300.00 万元", "250.00 万元", "50.00 万元"),
        ),
        # 财政拨款 + 其他资金 = 800,000 + 150,000.
        (
            "performance_fund_composition",
            "950_000",
            "1_000_000",
            D("950_000"),
            ("100.00 万元", "95.00 万元", "5.00 万元"),
        ),
    ],
)
def test_total_of_rows(
    table: str, right_total: str, wrong_total: str, expected: Decimal, figures: tuple[str, ...]
) -> None:
    assert check(dataset(lines=_total_rows(right_total, table)), "table.total_of_rows") == []

    rows = _total_rows(wrong_total, table)
    flag = only_flag(dataset(lines=rows), "table.total_of_rows")
    assert flag[s.SEVERITY] == "error"
    assert values(flag) == (D(wrong_total), expected, D(wrong_total) - expected)
    assert flag[s.THRESHOLD] == D(300)  # the total and two top-level rows
    # The total and the top-level rows, not the 款 under a 类.
    assert places(flag) == evidence_of([r for r in rows if r[s.LEVEL] != 2])
    mentions(flag, *figures)


# --- table.balance ------------------------------------------------------------------------------------------------


def _balance_rows(income: str, expenditure: str) -> list[dict[str, Any]]:
    table = "income_expenditure_summary"
    return [
        line("收入总计", income, table=table, side="income", classification="total", page=4, row=20),
        line("支出总计", expenditure, table=table, side="expenditure", classification="total", page=4, row=21),
        line("一般公共预算", income, table=table, side="income", classification="source", page=4, row=5),
    ]


@pytest.mark.parametrize("expenditure", ["1_000_000", "999_800", "1_000_200"])
def test_balance_passes_when_income_equals_expenditure_within_rounding(expenditure: str) -> None:
    # Two 万元 figures: 200 元 apart is rounding.
    assert check(dataset(lines=_balance_rows("1_000_000", expenditure)), "table.balance") == []


def test_balance_flags_income_not_equal_to_expenditure() -> None:
    rows = _balance_rows("1_000_000", "990_000")
    flag = only_flag(dataset(lines=rows), "table.balance")
    assert flag[s.SEVERITY] == "error"
    assert values(flag) == (D("1_000_000"), D("990_000"), D("10_000"))
    assert flag[s.THRESHOLD] == D(200)
    assert places(flag) == evidence_of(rows[:2])
    mentions(flag, "100.00 万元", "99.00 万元", "1.00 万元")


# --- cross.same_figure --------------------------------------------------------------------------------------------


def _basic_rows(function_basic: str, economic_total: str, *, phase: str = "budget") -> list[dict[str, Any]]:
    return [
        line("合计", function_basic, column="basic", classification="total", phase=phase, page=6, row=30),
        line(
            "合计",
            economic_total,
            table="general_budget_basic_economic",
            classification="total",
            phase=phase,
            page=8,
            row=25,
        ),
    ]


def _general_budget_rows(function_total: str, appropriation: str) -> list[dict[str, Any]]:
    return [
        line("合计", function_total, classification="total", page=6, row=30),
        line(
            "一般公共预算拨款",
            appropriation,
            table="fiscal_appropriation_summary",
            side="income",
            classification="source",
            page=5,
            row=6,
        ),
    ]


def test_same_figure_passes_when_both_tables_agree() -> None:
    assert check(dataset(lines=_basic_rows("800_000", "800_000")), "cross.same_figure") == []
    assert check(dataset(lines=_general_budget_rows("1_000_000", "1_000_000")), "cross.same_figure") == []


def test_same_figure_compares_final_accounts_too() -> None:
    # A 决算's figures are its 决算数 (tests/test_checks_cross.py has the 决算 identities and bases).
    ds = dataset(documents=[document(phase="final")], lines=_basic_rows("800_000", "750_000", phase="final"))
    assert only_flag(ds, "cross.same_figure")[s.SUBJECT] == "一般公共预算基本支出（决算数）"


@pytest.mark.parametrize(
    ("rows", "subject", "observed", "expected", "figures"),
    [
        (
            _basic_rows("800_000", "750_000"),
            "一般公共预算基本支出",
            D("800_000"),
            D("750_000"),
            ("80.00 万元", "75.00 万元"),
        ),
        (
            _general_budget_rows("1_000_000", "1_200_000"),
            "一般公共预算支出合计",
            D("1_000_000"),
            D("1_200_000"),
            ("100.00 万元", "120.00 万元"),
        ),
    ],
    ids=["basic", "general_budget"],
)
def test_same_figure_flags_two_tables_that_disagree(
    rows: list[dict[str, Any]], subject: str, observed: Decimal, expected: Decimal, figures: tuple[str, str]
) -> None:
    flag = only_flag(dataset(lines=rows), "cross.same_figure")
    assert flag[s.SEVERITY] == "error"
    assert flag[s.SUBJECT] == subject
    assert values(flag) == (observed, expected, observed - expected)
    assert flag[s.THRESHOLD] == D(200)
    assert places(flag) == evidence_of(rows)
    mentions(flag, *figures)
    assert "相差" in flag[s.MESSAGE_ZH]
    assert ("5.00 万元" if subject.endswith("基本支出") else "-20.00 万元") in flag[s.MESSAGE_ZH]


# --- cross.restatement --------------------------------------------------------------------------------------------


def _restated(prior_in_2024: str, unit: str = "万元") -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    table = "income_expenditure_summary"
    original = line(
        "收入总计",
        "1_000_000",
        table=table,
        side="income",
        classification="total",
        doc_id=DOC_2023,
        fiscal_year=2023,
        page=4,
        row=20,
    )
    restated = line(
        "收入总计",
        prior_in_2024,
        table=table,
        side="income",
        classification="total",
        fiscal_year=2023,
        as_of_year=2024,
        page=4,
        row=21,
    )
    documents = [document(DOC_2023, fiscal_year=2023, unit=unit), document(unit=unit)]
    return documents, [original, restated]


def test_restatement_passes_when_prior_year_figure_is_as_published() -> None:
    documents, rows = _restated("1_000_000")
    assert check(dataset(documents=documents, lines=rows), "cross.restatement") == []
    documents, rows = _restated("1_000_200")  # two 万元 figures: rounding
    assert check(dataset(documents=documents, lines=rows), "cross.restatement") == []


def test_restatement_ignores_another_departments_figures() -> None:
    documents, rows = _restated("1_100_000")
    rows[0][s.DEPARTMENT_ID] = OTHER_DEPT
    assert check(dataset(documents=documents, lines=rows), "cross.restatement") == []


def test_restatement_flags_a_prior_year_figure_that_changed() -> None:
    documents, rows = _restated("1_100_000")
    flag = only_flag(dataset(documents=documents, lines=rows), "cross.restatement")
    assert flag[s.SEVERITY] == "warning"
    # The flag belongs to the document that restates, in the year it was published.
    assert (flag[s.DOC_ID], flag[s.FISCAL_YEAR]) == (DOC, 2024)
    assert values(flag) == (D("1_100_000"), D("1_000_000"), D("100_000"))
    assert flag[s.THRESHOLD] == D(200)
    assert places(flag) == evidence_of(rows)
    mentions(flag, "110.00 万元", "100.00 万元")
    assert "2024" in flag[s.MESSAGE_ZH]
    assert "2023" in flag[s.MESSAGE_ZH]


# --- narrative.change_pct -----------------------------------------------------------------------------------------

SUBJECT = "一般公共预算拨款收入"


@pytest.mark.parametrize(
    ("amount", "change", "direction", "stated"),
    [
        ("1_200_000", "200_000", "增加", "20.00"),  # 200,000 / 1,000,000
        ("800_000", "200_000", "减少", "20.00"),  # 200,000 / 1,000,000
        ("400_000", "100_000", "增加", "33.33"),  # 100,000 / 300,000 = 33.3333 %, printed rounded
        ("1_300_000", "300_000", "增加", "30.00"),  # exactly 30 %
    ],
)
def test_change_pct_passes_when_percent_matches_change(amount: str, change: str, direction: str, stated: str) -> None:
    ds = dataset(statements=[statement(1, SUBJECT, amount, change=change, direction=direction, change_pct=stated)])
    assert check(ds, "narrative.change_pct") == []


def _change(amount: str, change: str, direction: str, stated: str) -> dict[str, Any]:
    return statement(1, SUBJECT, amount, change=change, direction=direction, change_pct=stated)


@pytest.mark.parametrize(
    ("row", "expected", "figures"),
    [
        (_change("1_200_000", "200_000", "增加", "25.00"), D("20.0000"), ("20.00 万元", "120.00 万元", "100.00 万元")),
        (_change("800_000", "200_000", "减少", "25.00"), D("20.0000"), ("20.00 万元", "80.00 万元", "100.00 万元")),
        (_change("400_000", "100_000", "增加", "33.35"), D("33.3333"), ("10.00 万元", "40.00 万元", "30.00 万元")),
        (_change("400_000", "100_000", "增加", "33.34"), D("33.3333"), ("33.33%",)),  # one step off: no tolerance
    ],
    ids=["increase", "decrease", "rounding_exceeded", "one_step_off"],
)
def test_change_pct_flags_a_percent_that_does_not_match(
    row: dict[str, Any], expected: Decimal, figures: tuple[str, ...]
) -> None:
    stated = row[s.STATED_CHANGE_PCT]
    flag = only_flag(dataset(statements=[row]), "narrative.change_pct")
    assert flag[s.SEVERITY] == "warning"
    assert flag[s.MEASURE] == "percent"
    assert values(flag) == (stated, expected, stated - expected)
    assert flag[s.THRESHOLD] == D("0.01")  # one step of the two printed decimals
    assert places(flag) == evidence_of([row], "narrative")
    mentions(flag, *figures, f"{stated:.2f}%")


def test_change_pct_accepts_a_percent_printed_without_decimals() -> None:
    text = "一般公共预算拨款收入 122.02 万元，比上年增加 22.02 万元，增长 22%。"
    row = statement(1, SUBJECT, "1_220_200", change="220_200", direction="增加", change_pct="22", text=text)
    assert check(dataset(statements=[row]), "narrative.change_pct") == []


# --- narrative.share ----------------------------------------------------------------------------------------------


def _shares(basic: str, project_share: str) -> list[dict[str, Any]]:
    return [
        statement(1, "支出预算", "1_000_000"),
        statement(2, "基本支出", "600_000", parent="支出预算", share=basic),
        statement(3, "项目支出", "400_000", parent="支出预算", share=project_share),
    ]


@pytest.mark.parametrize(("basic", "project_share"), [("60.00", "40.00"), ("60", "40")])
def test_share_passes_when_stated_shares_match(basic: str, project_share: str) -> None:
    assert check(dataset(statements=_shares(basic, project_share)), "narrative.share") == []


def test_share_flags_a_share_that_does_not_match_its_parent() -> None:
    rows = _shares("65.00", "40.00")
    flag = only_flag(dataset(statements=rows), "narrative.share")
    assert flag[s.SEVERITY] == "warning"
    assert flag[s.SUBJECT] == "基本支出"
    assert flag[s.MEASURE] == "percent"
    assert values(flag) == (D("65.00"), D("60.0000"), D("5.0000"))
    assert flag[s.THRESHOLD] == D("0.01")
    assert places(flag) == evidence_of([rows[1]], "narrative")
    mentions(flag, "60.00 万元", "100.00 万元", "60.00%", "65.00%")


def test_share_is_measured_against_the_nearest_earlier_parent() -> None:
    # Two 支出预算 sentences: the item belongs to the later one (500,000), so 50 % is right, 25 % would not be.
    rows = [
        statement(1, "支出预算", "1_000_000"),
        statement(2, "支出预算", "500_000"),
        statement(3, "项目支出", "250_000", parent="支出预算", share="50.00"),
    ]
    assert check(dataset(statements=rows), "narrative.share") == []


# --- narrative.items_sum ------------------------------------------------------------------------------------------


def _items(*amounts: str) -> list[dict[str, Any]]:
    names = ["信息化建设", "办公楼维修", "社区服务"]
    return [statement(1, "项目支出", "1_000_000")] + [
        statement(i + 2, names[i], amount, parent="项目支出") for i, amount in enumerate(amounts)
    ]


@pytest.mark.parametrize(
    "amounts",
    [("600_000", "400_000"), ("600_000", "399_700"), ("700_000",), ("300_000", "1_000_000")],
    ids=["exact", "rounding", "one_item", "parent_restated"],
)
def test_items_sum_passes(amounts: tuple[str, ...]) -> None:
    # One item only is a 其中, not a breakdown; an item equal to the total restates it (300,000 is then one item).
    assert check(dataset(statements=_items(*amounts)), "narrative.items_sum") == []


@pytest.mark.parametrize(
    ("amounts", "items", "word_zh", "word_en", "figures"),
    [
        (("300_000", "400_000"), D("700_000"), "少于", "less", ("70.00 万元", "30.00 万元")),
        (("600_000", "500_000"), D("1_100_000"), "超出", "more", ("110.00 万元", "10.00 万元")),
    ],
    ids=["less", "more"],
)
def test_items_sum_flags_items_that_do_not_add_up(
    amounts: tuple[str, ...], items: Decimal, word_zh: str, word_en: str, figures: tuple[str, str]
) -> None:
    rows = _items(*amounts)
    flag = only_flag(dataset(statements=rows), "narrative.items_sum")
    # Items are read from the text's layout: a lead to verify, whichever way they miss.
    assert flag[s.SEVERITY] == "info"
    assert flag[s.SUBJECT] == "项目支出"
    assert values(flag) == (items, D("1_000_000"), D("1_000_000") - items)
    assert flag[s.THRESHOLD] == D(300)  # the total and two items, 0.01 万元 each
    assert places(flag) == evidence_of(rows, "narrative")
    mentions(flag, "100.00 万元", *figures)
    assert word_zh in flag[s.MESSAGE_ZH]
    assert word_en in flag[s.MESSAGE_EN]


# --- narrative.repeated_value -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rows",
    [
        [statement(1, SUBJECT, "1_000_000"), statement(5, SUBJECT, "1_000_000")],
        [statement(1, SUBJECT, "1_000_000"), statement(5, SUBJECT, "1_000_100")],  # 0.01 万元 rounding
        [statement(1, "支出", "1_000_000"), statement(5, "支出", "1_200_000")],  # too short to name one item
        [statement(1, SUBJECT, "0"), statement(5, SUBJECT, "1_200_000")],  # zero: none this year
        # A prior-year figure stated without a change is another year's amount.
        [statement(1, SUBJECT, "1_000_000"), statement(5, SUBJECT, "1_200_000", compare_year=2023)],
        [statement(1, SUBJECT, "1_000_000"), statement(5, SUBJECT, "1_200_000", parent="财政拨款收入")],
    ],
    ids=["same", "rounding", "short_subject", "zero", "compared_year", "other_parent"],
)
def test_repeated_value_passes(rows: list[dict[str, Any]]) -> None:
    assert check(dataset(statements=rows), "narrative.repeated_value") == []


def test_repeated_value_flags_one_item_with_two_amounts() -> None:
    rows = [statement(1, SUBJECT, "1_000_000"), statement(3, "支出预算", "900_000"), statement(5, SUBJECT, "1_200_000")]
    flag = only_flag(dataset(statements=rows), "narrative.repeated_value")
    assert flag[s.SEVERITY] == "warning"
    assert flag[s.SUBJECT] == SUBJECT
    assert values(flag) == (D("1_200_000"), D("1_000_000"), D("200_000"))
    assert flag[s.THRESHOLD] == D(100)
    assert places(flag) == evidence_of([rows[0], rows[2]], "narrative")
    mentions(flag, "100.00 万元", "120.00 万元")


@pytest.mark.parametrize(
    ("second", "flagged"),
    [("318_500", False), ("381_500", True)],
)
def test_repeated_value_flags_one_measure_worded_twice(second: str, flagged: bool) -> None:
    # 公务接待费支出 and 公务接待费预算支出 name one measure (narrative_measures.csv): one figure, not two.
    rows = [statement(1, "公务接待费支出", "318_500"), statement(6, "公务接待费预算支出", second)]
    flags = check(dataset(statements=rows), "narrative.repeated_value")
    assert bool(flags) is flagged, flags
    if flagged:
        mentions(flags[0], "31.85 万元", "38.15 万元")
        assert len(flags[0][s.EVIDENCE]) == 2


def test_repeated_value_keeps_a_measure_of_another_scope_apart() -> None:
    # 项目支出 of the 财政拨款 (an item of it) is not the department's 项目支出.
    rows = [statement(1, "项目支出", "2_400_000"), statement(6, "项目支出预算数", "1_900_000", parent="财政拨款支出")]
    assert check(dataset(statements=rows), "narrative.repeated_value") == []


# --- narrative.total_vs_tables ------------------------------------------------------------------------------------


def _summary_totals(doc_id: str, year: int, amount: str) -> list[dict[str, Any]]:
    table = "income_expenditure_summary"
    return [
        line(
            "收入总计",
            amount,
            table=table,
            side="income",
            classification="total",
            doc_id=doc_id,
            fiscal_year=year,
            page=4,
            row=20,
        ),
        line(
            "支出总计",
            amount,
            table=table,
            side="expenditure",
            classification="total",
            doc_id=doc_id,
            fiscal_year=year,
            page=4,
            row=21,
        ),
    ]


def _totals_tables(*rows: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """2023: 1,000,000 in and out; 2024: 1,100,000 in and out; the 2024 narrative states ``rows``."""
    return {
        "documents": [document(DOC_2023, fiscal_year=2023), document()],
        "lines": _summary_totals(DOC_2023, 2023, "1_000_000") + _summary_totals(DOC, 2024, "1_100_000"),
        "statements": list(rows),
    }


def _totals_dataset(*rows: dict[str, Any]) -> Dataset:
    return dataset(**_totals_tables(*rows))


@pytest.mark.parametrize(
    "row",
    [
        statement(1, "收入预算", "1_100_000", change="100_000", direction="增加"),
        statement(1, "测试市甲区乙局支出预算", "1_100_000", change="100_000", direction="增加"),
        statement(1, "收入预算", "1_100_100"),  # the text rounds to 0.01 万元
        statement(1, "收入预算", "1_100_000", change="100_200", direction="增加"),
        statement(1, "财政拨款收入预算", "900_000"),  # a part of the budget, not its total
        statement(1, "收入预算", "300_000"),  # far below the total: about a part the subject does not name
    ],
    ids=["income", "department_prefix", "rounding", "change_rounding", "part", "far_below"],
)
def test_total_vs_tables_passes(row: dict[str, Any]) -> None:
    assert check(_totals_dataset(row), "narrative.total_vs_tables") == []


@pytest.mark.parametrize("subject", ["收入预算", "测试市甲区乙局支出预算"])
def test_total_vs_tables_flags_a_total_the_tables_do_not_print(subject: str) -> None:
    # The department's name before the subject is not part of it.
    row = statement(1, subject, "1_000_000")
    flag = only_flag(_totals_dataset(row), "narrative.total_vs_tables")
    assert flag[s.SEVERITY] == "error"
    assert values(flag) == (D("1_000_000"), D("1_100_000"), D("-100_000"))
    assert flag[s.THRESHOLD] == D(150)  # 50 元 of narrative rounding and 100 元 of table rounding
    assert places(flag) == evidence_of([row], "narrative")
    mentions(flag, "100.00 万元", "110.00 万元")


@pytest.mark.parametrize(
    ("row", "severity", "observed", "variance", "stated"),
    [
        (
            statement(1, "收入预算", "1_100_000", change="200_000", direction="增加"),
            "warning",
            D("200_000"),
            D("100_000"),
            "增加 20.00 万元",
        ),
        (
            statement(1, "收入预算", "1_100_000", change="100_000", direction="减少"),
            "error",
            D("-100_000"),
            D("-200_000"),
            "减少 10.00 万元",
        ),
    ],
    ids=["wrong_amount", "wrong_direction"],
)
def test_total_vs_tables_flags_a_change_the_tables_do_not_show(
    row: dict[str, Any], severity: str, observed: Decimal, variance: Decimal, stated: str
) -> None:
    # The tables go from 1,000,000 (2023) to 1,100,000 (2024): +100,000.
    flag = only_flag(_totals_dataset(row), "narrative.total_vs_tables")
    assert flag[s.SEVERITY] == severity
    assert values(flag) == (observed, D("100_000"), variance)
    assert flag[s.THRESHOLD] == D(300)
    assert places(flag) == evidence_of([row], "narrative")
    mentions(flag, "100.00 万元", "110.00 万元", "10.00 万元")
    assert stated in flag[s.MESSAGE_ZH]


# --- narrative.subject_naming -------------------------------------------------------------------------------------

NAMED_ITEM = "一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）行政运行（项）支出"


def _function_names(*names: str, doc_id: str = DOC) -> list[dict[str, Any]]:
    return [line(name, "100_000", code=f"20103{i:02d}", level=3, doc_id=doc_id, row=i) for i, name in enumerate(names)]


@pytest.mark.parametrize(
    "tables",
    [
        {"lines": _function_names("一般行政管理事务", "行政运行")},
        # The text of one document, the tables in another of the same disclosure.
        {
            "documents": [document("doc-a", disclosure_id="d1"), document("doc-b", disclosure_id="d1")],
            "lines": _function_names("行政运行", doc_id="doc-b"),
        },
        # No function table to compare with.
        {"lines": _balance_rows("1_000_000", "1_000_000")},
    ],
    ids=["named_in_tables", "same_disclosure", "no_function_table"],
)
def test_subject_naming_passes(tables: dict[str, list[dict[str, Any]]]) -> None:
    doc_id = tables["documents"][0][s.DOC_ID] if "documents" in tables else DOC
    ds = dataset(statements=[statement(1, NAMED_ITEM, "2_000_000", doc_id=doc_id)], **tables)
    assert check(ds, "narrative.subject_naming") == []


def test_subject_naming_flags_an_item_no_table_names() -> None:
    row = statement(1, NAMED_ITEM, "2_000_000")
    ds = dataset(statements=[row], lines=_function_names("一般行政管理事务", "机关服务"))
    flag = only_flag(ds, "narrative.subject_naming")
    assert flag[s.SEVERITY] == "info"
    assert flag[s.SUBJECT] == NAMED_ITEM
    assert flag[s.MEASURE] == "count"
    assert values(flag) == (None, None, None)
    assert places(flag) == evidence_of([row], "narrative")
    assert "“行政运行”（项）" in flag[s.MESSAGE_ZH]
    assert "'行政运行'" in flag[s.MESSAGE_EN]


# --- targets.less_ambitious ---------------------------------------------------------------------------------------


def _satisfaction(this_year: str, *priors: dict[str, Any]) -> dict[str, Any]:
    return indicator(
        1,
        "群众满意度",
        f"≥{this_year}%",
        comparator="≥",
        value=this_year,
        unit="%",
        level1="满意度指标",
        level2="服务对象满意度指标",
        priors=priors,
    )


@pytest.mark.parametrize(
    "row",
    [
        _satisfaction("95", prior(2023, "≥90%", "≥", "90", "%")),
        _satisfaction("90", prior(2023, "≥90%", "≥", "90", "%")),
        _satisfaction("90", prior(2023, "≥95分", "≥", "95", "分")),  # another unit: not comparable
        _satisfaction("90", prior(2022, "≥95%", "≥", "95", "%")),  # two years back
        _satisfaction("90"),
        indicator(
            2,
            "办结时限",
            "≤20分钟",
            comparator="≤",
            value="20",
            unit="分钟",
            priors=(prior(2023, "≤30分钟", "≤", "30", "分钟"),),
        ),
    ],
    ids=["higher_floor", "same", "other_unit", "two_years_back", "no_prior", "lower_ceiling"],
)
def test_less_ambitious_passes(row: dict[str, Any]) -> None:
    assert check(dataset(indicators=[row]), "targets.less_ambitious") == []


@pytest.mark.parametrize(
    ("row", "observed", "expected", "texts"),
    [
        (_satisfaction("90", prior(2023, "≥95%", "≥", "95", "%")), D(90), D(95), ("≥90%", "≥95%")),
        (
            indicator(
                2,
                "办结时限",
                "≤30分钟",
                comparator="≤",
                value="30",
                unit="分钟",
                priors=(prior(2023, "≤20分钟", "≤", "20", "分钟"),),
            ),
            D(30),
            D(20),
            ("≤30分钟", "≤20分钟"),
        ),
    ],
    ids=["lower_floor", "higher_ceiling"],
)
def test_less_ambitious_flags_a_weaker_target(
    row: dict[str, Any], observed: Decimal, expected: Decimal, texts: tuple[str, str]
) -> None:
    flag = only_flag(dataset(indicators=[row]), "targets.less_ambitious")
    assert flag[s.SEVERITY] == "warning"
    assert flag[s.SUBJECT] == row[s.LEVEL3]
    assert values(flag) == (observed, expected, observed - expected)
    assert places(flag) == evidence_of([row], "targets")
    mentions(flag, *texts)


# --- targets.out_of_range -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "row",
    [
        indicator(1, "验收合格率", "≥100%", comparator="≥", value="100", unit="%"),
        indicator(1, "培训人次", "≥120个", comparator="≥", value="120", unit="个"),
    ],
    ids=["100_percent", "not_a_percent"],
)
def test_out_of_range_passes(row: dict[str, Any]) -> None:
    assert check(dataset(indicators=[row]), "targets.out_of_range") == []


def test_out_of_range_flags_a_percentage_above_100() -> None:
    row = indicator(1, "验收合格率", "≥120%", comparator="≥", value="120", unit="%")
    flag = only_flag(dataset(indicators=[row]), "targets.out_of_range")
    assert flag[s.SEVERITY] == "warning"
    assert flag[s.MEASURE] == "percent"
    assert values(flag) == (D(120), D(100), D(20))
    assert places(flag) == evidence_of([row], "targets")
    mentions(flag, "≥120%", "100")


# --- targets.weak_indicator ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "row",
    [
        indicator(1, "验收合格率", "≥95%", comparator="≥", value="95", unit="%"),
        indicator(1, "培训人次", "≥100个", comparator="≥", value="100", unit="个"),
        indicator(1, "差错率", "≤100%", comparator="≤", value="100", unit="%"),
    ],
    ids=["95_percent", "100_units", "ceiling"],
)
def test_weak_indicator_passes(row: dict[str, Any]) -> None:
    assert check(dataset(indicators=[row]), "targets.weak_indicator") == []


@pytest.mark.parametrize(
    ("row", "says_zh", "says_en"),
    [
        (indicator(1, "服务水平", "有所提升"), "未量化", "not quantified"),
        (indicator(1, "验收合格率", "=100%", comparator="=", value="100", unit="%"), "为 100%", "blanket 100 %"),
        (indicator(1, "验收合格率", "≥100%", comparator="≥", value="100", unit="%"), "为 100%", "blanket 100 %"),
    ],
    ids=["vague", "equals_100", "at_least_100"],
)
def test_weak_indicator_flags(row: dict[str, Any], says_zh: str, says_en: str) -> None:
    flag = only_flag(dataset(indicators=[row]), "targets.weak_indicator")
    assert flag[s.SEVERITY] == "info"
    assert values(flag) == (None, None, None)
    assert places(flag) == evidence_of([row], "targets")
    assert says_zh in flag[s.MESSAGE_ZH]
    assert says_en in flag[s.MESSAGE_EN]
    mentions(flag, row[s.TARGET_TEXT])


# --- targets.no_basis ---------------------------------------------------------------------------------------------


def test_no_basis_passes_when_every_indicator_gives_its_basis() -> None:
    rows = [indicator(i, f"指标{i}", "≥1个", comparator="≥", value="1", unit="个") for i in (1, 2, 3)]
    assert check(dataset(indicators=rows), "targets.no_basis") == []


def test_no_basis_counts_the_indicators_without_basis_once_per_document() -> None:
    rows = [
        indicator(1, "指标1", "≥1个", comparator="≥", value="1", unit="个", basis=""),
        indicator(2, "指标2", "≥2个", comparator="≥", value="2", unit="个"),
        indicator(3, "指标3", "≥3个", comparator="≥", value="3", unit="个", basis=""),
    ]
    flag = only_flag(dataset(indicators=rows), "targets.no_basis")
    assert flag[s.SEVERITY] == "info"
    assert flag[s.MEASURE] == "count"
    assert values(flag) == (D(2), D(0), None)
    assert places(flag) == evidence_of([rows[0], rows[2]], "targets")
    assert "3 个绩效指标中 2 个" in flag[s.MESSAGE_ZH]
    assert "2 of 3" in flag[s.MESSAGE_EN]


# --- targets.cost_above_budget ------------------------------------------------------------------------------------


def _cost(value: str, unit: str) -> dict[str, Any]:
    return indicator(
        1,
        "项目总成本",
        f"≤{value}{unit}",
        comparator="≤",
        value=value,
        unit=unit,
        level1="成本指标",
        level2="经济成本指标",
    )


def _cost_dataset(row: dict[str, Any]) -> Dataset:
    # The year's total spending: 3,000,000 元 (300.00 万元).
    return dataset(lines=_summary_totals(DOC, YEAR, "3_000_000"), indicators=[row])


@pytest.mark.parametrize(("value", "unit"), [("200", "万元"), ("300", "万元"), ("3000000", "元"), ("0.03", "亿元")])
def test_cost_above_budget_passes(value: str, unit: str) -> None:
    assert check(_cost_dataset(_cost(value, unit)), "targets.cost_above_budget") == []


@pytest.mark.parametrize(
    ("value", "unit", "cost"),
    [("500", "万元", D("5_000_000")), ("3000001", "元", D("3_000_001")), ("0.05", "亿元", D("5_000_000"))],
)
def test_cost_above_budget_flags_a_cost_above_the_years_spending(value: str, unit: str, cost: Decimal) -> None:
    row = _cost(value, unit)
    flag = only_flag(_cost_dataset(row), "targets.cost_above_budget")
    assert flag[s.SEVERITY] == "warning"
    assert flag[s.MEASURE] == "yuan"
    assert values(flag) == (cost, D("3_000_000"), cost - D("3_000_000"))
    assert places(flag) == evidence_of([row], "targets")
    mentions(flag, "300.00 万元", row[s.TARGET_TEXT])


# --- spending.personnel_in_projects -------------------------------------------------------------------------------


def test_personnel_in_projects_passes_on_projects_that_buy_things() -> None:
    ds = dataset(
        projects=[project(1, "办公设备购置项目", "500_000", "用于购置办公设备")],
        statements=[
            statement(1, "项目支出", "1_000_000"),
            statement(2, "设备购置", "500_000", parent="项目支出", text="设备购置 50 万元，用于购置办公设备"),
            statement(3, "基本支出", "2_000_000"),
            statement(4, "工资福利支出", "1_500_000", parent="基本支出", text="工资福利支出 150 万元，用于人员工资"),
        ],
    )
    assert check(ds, "spending.personnel_in_projects") == []


def test_personnel_in_projects_flags_a_project_that_pays_wages() -> None:
    row = project(1, "社区服务项目", "500_000", "用于支付临聘人员工资及社会保险")
    flag = only_flag(dataset(projects=[row]), "spending.personnel_in_projects")
    assert flag[s.SEVERITY] == "warning"
    assert flag[s.SUBJECT] == "社区服务项目"
    assert values(flag) == (D("500_000"), None, None)
    assert places(flag) == evidence_of([row], "projects")
    assert "50.00 万元" in flag[s.MESSAGE_ZH]
    assert "临聘人员工资" in flag[s.MESSAGE_EN]


def test_personnel_in_projects_flags_a_narrative_item_under_projects_that_pays_wages() -> None:
    rows = [
        statement(1, "项目支出", "1_000_000"),
        statement(2, "社区治理", "600_000", parent="项目支出"),
        statement(3, "社区服务补助", "300_000", parent="社区治理", text="社区服务补助 30 万元，主要用于社工人员工资"),
    ]
    flag = only_flag(dataset(statements=rows), "spending.personnel_in_projects")
    assert flag[s.SUBJECT] == "社区服务补助"
    assert values(flag) == (D("300_000"), None, None)
    assert places(flag) == evidence_of([rows[2]], "narrative")
    mentions(flag, "30.00 万元")


# --- spending.three_public_rising ---------------------------------------------------------------------------------


def _three_public(doc_id: str, year: int, *, phase: str = "budget", **amounts: str) -> list[dict[str, Any]]:
    return [
        line(
            "合计",
            amount,
            column=column,
            table="three_public_and_operation",
            classification="total",
            doc_id=doc_id,
            fiscal_year=year,
            phase=phase,
            page=12,
            row=9,
        )
        for column, amount in amounts.items()
    ]


def _three_public_dataset(this_year: list[dict[str, Any]], *, phase: str = "budget") -> Dataset:
    last_year = _three_public(DOC_2023, 2023, overseas_travel="10_000", vehicles="50_000", reception="20_000")
    documents = [document(DOC_2023, fiscal_year=2023), document(phase=phase)]
    return dataset(documents=documents, lines=last_year + this_year)


@pytest.mark.parametrize(
    "amounts",
    [
        {"overseas_travel": "10_000", "vehicles": "45_000", "reception": "20_000"},
        {"overseas_travel": "10_000", "vehicles": "50_000", "reception": "20_000"},
        # 合计 may include 会议费 and 培训费: it is not compared.
        {"total": "200_000", "overseas_travel": "10_000", "vehicles": "50_000", "reception": "20_000"},
    ],
    ids=["lower", "same", "total_column_ignored"],
)
def test_three_public_rising_passes(amounts: dict[str, str]) -> None:
    assert check(_three_public_dataset(_three_public(DOC, 2024, **amounts)), "spending.three_public_rising") == []


def test_three_public_rising_compares_budgets_with_budgets() -> None:
    this_year = _three_public(DOC, 2024, phase="final", overseas_travel="90_000", vehicles="50_000", reception="20_000")
    assert check(_three_public_dataset(this_year, phase="final"), "spending.three_public_rising") == []


def test_three_public_rising_flags_higher_spending() -> None:
    # 2023: 10,000 + 50,000 + 20,000 = 80,000; 2024 prints 公务用车 as 购置费 0 + 运行费 60,000: 90,000.
    this_year = _three_public(
        DOC, 2024, overseas_travel="10_000", vehicle_purchase="0", vehicle_operation="60_000", reception="20_000"
    )
    ds = _three_public_dataset(this_year)
    flag = only_flag(ds, "spending.three_public_rising")
    assert flag[s.SEVERITY] == "warning"
    assert (flag[s.DOC_ID], flag[s.FISCAL_YEAR]) == (DOC, 2024)
    assert values(flag) == (D("90_000"), D("80_000"), D("10_000"))
    assert places(flag) == evidence_of(ds.lines.to_dicts())
    mentions(flag, "8.00 万元", "9.00 万元")


# --- completeness.missing_tables ----------------------------------------------------------------------------------


def test_missing_tables_passes_when_every_standard_table_is_there() -> None:
    tables = [document_table(t) for t in BUDGET_TABLES[:-1]] + [document_table(BUDGET_TABLES[-1], "empty")]
    assert check(dataset(document_tables=tables), "completeness.missing_tables") == []


def test_missing_tables_reads_the_documents_of_one_disclosure_together() -> None:
    documents = [document("doc-a", disclosure_id="d1"), document("doc-b", disclosure_id="d1")]
    tables = [document_table(t, doc_id="doc-a") for t in BUDGET_TABLES[:4]]
    tables += [document_table(t, doc_id="doc-b") for t in BUDGET_TABLES[4:]]
    assert check(dataset(documents=documents, document_tables=tables), "completeness.missing_tables") == []


def test_missing_tables_holds_a_final_account_to_the_final_accounts_form() -> None:
    flags = check(dataset(documents=[document(phase="final")]), "completeness.missing_tables")
    assert len(flags) == 9  # 部门决算公开 9 张表, one finding each
    assert {values(flag) for flag in flags} == {(D(0), D(9), None)}
    assert any("国有资本经营预算" in flag[s.MESSAGE_ZH] for flag in flags)


def test_missing_tables_knows_the_university_form_by_the_tables_it_prints() -> None:
    """A 高校 prints four tables (收支总表, 收入表, 支出表, 财政拨款支出表), not the local forms' eight or nine."""
    four = ["income_expenditure_summary", "income_summary", "expenditure_summary", "fiscal_appropriation_function"]
    for phase in ("budget", "final"):
        documents = [document(phase=phase)]
        assert check(dataset(documents=documents, document_tables=[document_table(t) for t in four]),
                     "completeness.missing_tables") == []  # fmt: skip
    # Three of the four (two of them local tables too): still the university form, lacking one of its four.
    flag = only_flag(
        dataset(documents=[document()], document_tables=[document_table(t) for t in four[1:]]),
        "completeness.missing_tables",
    )
    assert values(flag) == (D(3), D(4), None)


def test_missing_tables_flags_tables_absent_or_without_rows() -> None:
    tables = [document_table(t) for t in BUDGET_TABLES[:6]] + [document_table("government_fund", "no_rows")]
    flags = check(dataset(document_tables=tables), "completeness.missing_tables")
    assert len(flags) == 2  # one finding per missing table
    for flag in flags:
        assert flag[s.SEVERITY] == "warning"
        assert flag[s.MEASURE] == "count"
        assert values(flag) == (D(6), D(8), None)
        assert places(flag) == [(DOC, "document", None, None, f"{DOC}.pdf")]
        assert "应有 8 张，找到 6 张" in flag[s.MESSAGE_ZH]
    assert {flag[s.SUBJECT] for flag in flags} == {"政府性基金预算支出表", "三公经费和机关运行经费表"}
    # In English by the tables' names (analytics/reference/tables.csv), never their keys.
    named = {re.search(r"“([^”]+)”", flag[s.MESSAGE_EN]).group(1) for flag in flags}  # type: ignore[union-attr]
    assert named == {"Three public expenses and operating costs", "Government funds"}


# --- completeness.empty_tables ------------------------------------------------------------------------------------


def test_empty_tables_passes_on_tables_with_figures() -> None:
    tables = [document_table("government_fund"), document_table("state_capital", "no_rows")]
    assert check(dataset(document_tables=tables), "completeness.empty_tables") == []


def test_empty_tables_flags_a_table_disclosed_empty() -> None:
    flag = only_flag(
        dataset(document_tables=[document_table("government_fund", "empty", page=12)]), "completeness.empty_tables"
    )
    assert flag[s.SEVERITY] == "info"
    assert flag[s.SUBJECT] == "政府性基金预算支出表"
    assert values(flag) == (None, None, None)
    assert places(flag) == [(DOC, "government_fund", 12, None, "government_fund 表（本部门无此项）")]
    assert "政府性基金预算支出表公开为空表" in flag[s.MESSAGE_ZH]
    assert "“Government funds”" in flag[s.MESSAGE_EN] and "government_fund" not in flag[s.MESSAGE_EN]


# --- engine: tolerances -------------------------------------------------------------------------------------------


def _general_budget_total(total: str) -> list[dict[str, Any]]:
    return _columns_row("general_budget_function", "合计", "total", total=total, basic="700_000", project="300_000")


def _restatement_tables(prior_in_2024: str) -> dict[str, list[dict[str, Any]]]:
    documents, rows = _restated(prior_in_2024)
    return {"documents": documents, "lines": rows}


#: Per rule, its tables when one figure misses by ``d`` (元, or percentage points).
MISSING_BY: dict[str, Callable[[Decimal], dict[str, list[dict[str, Any]]]]] = {
    "table.parent_sum": lambda d: {"lines": _function_rows(str(1_000_000 + d), "600_000", "400_000")},
    "table.columns_sum": lambda d: {"lines": _general_budget_total(str(1_000_000 + d))},
    "table.total_of_rows": lambda d: {"lines": _total_rows(str(2_500_000 + d))},
    "table.balance": lambda d: {"lines": _balance_rows("1_000_000", str(1_000_000 - d))},
    "cross.same_figure": lambda d: {"lines": _basic_rows(str(800_000 + d), "800_000")},
    "cross.restatement": lambda d: _restatement_tables(str(1_000_000 + d)),
    "narrative.items_sum": lambda d: {"statements": _items("600_000", str(400_000 - d))},
    "narrative.repeated_value": lambda d: {
        "statements": [statement(1, SUBJECT, "1_000_000"), statement(5, SUBJECT, str(1_000_000 + d))]
    },
    "narrative.total_vs_tables": lambda d: _totals_tables(statement(1, "收入预算", str(1_100_000 + d))),
}


@pytest.mark.parametrize(
    ("rule_id", "unit", "tolerance"),
    [
        # Tables: one rounding step per figure of the identity, 0.01 万元 or 1 元 by the printed unit.
        ("table.parent_sum", "万元", D(300)),
        ("table.parent_sum", "元", D(3)),
        ("table.columns_sum", "万元", D(300)),
        ("table.columns_sum", "元", D(3)),
        ("table.total_of_rows", "万元", D(300)),
        ("table.total_of_rows", "元", D(3)),
        ("table.balance", "万元", D(200)),
        ("table.balance", "元", D(2)),
        ("cross.same_figure", "万元", D(200)),
        ("cross.same_figure", "元", D(2)),
        ("cross.restatement", "万元", D(200)),
        ("cross.restatement", "元", D(2)),
        # The narrative prints 万元 whatever the tables' unit.
        ("narrative.items_sum", "元", D(300)),
        ("narrative.repeated_value", "元", D(100)),
        ("narrative.total_vs_tables", "万元", D(150)),
    ],
)
def test_rounding_within_tolerance_is_no_error_just_beyond_is(rule_id: str, unit: str, tolerance: Decimal) -> None:
    step = D(1)

    def missing_by(delta: Decimal) -> Dataset:
        tables = MISSING_BY[rule_id](delta)
        documents = tables.pop(s.DOCUMENTS, [document()])
        return dataset(documents=[{**d, s.UNIT_PRINTED: unit} for d in documents], **tables)

    assert check(missing_by(tolerance), rule_id) == []
    (flag,) = check(missing_by(tolerance + step), rule_id)
    assert flag[s.THRESHOLD] == tolerance
    assert abs(flag[s.VARIANCE]) == tolerance + step


@pytest.mark.parametrize(
    ("unit", "parent", "threshold"),
    [
        ("万元", "1_000_100", None),  # one figure off by 0.01 万元: rounding
        ("万元", "1_000_300", None),  # three figures, each off by 0.01 万元
        ("万元", "1_000_400", D(300)),
        ("万元", "999_600", D(300)),
        ("元", "1_000_001", None),  # one 元 off: rounding
        ("元", "1_000_003", None),
        ("元", "1_000_004", D(3)),
        ("元", "1_000_100", D(3)),  # 0.01 万元 is an error in a table printed in 元
        (None, "1_000_300", None),  # unit unknown: the larger 万元 step, never a rounding taken for an error
        (None, "1_000_400", D(300)),
    ],
)
def test_tolerance_follows_the_printed_unit(unit: str | None, parent: str, threshold: Decimal | None) -> None:
    ds = dataset(documents=[document(unit=unit)], lines=_function_rows(parent, "600_000", "400_000"))
    flags = check(ds, "table.parent_sum")
    if threshold is None:
        assert flags == []
    else:
        (flag,) = flags
        assert values(flag) == (D(parent), D("1_000_000"), D(parent) - D("1_000_000"))
        assert flag[s.THRESHOLD] == threshold


def test_a_tables_own_unit_wins_over_the_documents() -> None:
    rows = _function_rows("1_000_100", "600_000", "400_000")
    in_yuan = dataset(
        documents=[document(unit="万元")],
        document_tables=[document_table("general_budget_function", unit="元")],
        lines=rows,
    )
    assert only_flag(in_yuan, "table.parent_sum")[s.THRESHOLD] == D(3)
    in_wan = dataset(
        documents=[document(unit="元")],
        document_tables=[document_table("general_budget_function", unit="万元")],
        lines=rows,
    )
    assert check(in_wan, "table.parent_sum") == []


def test_yi_yuan_tables_round_to_0_01_yi() -> None:
    # 0.01 亿元 = 1,000,000 元 per figure: three figures allow 3,000,000 元.
    ds = dataset(documents=[document(unit="亿元")], lines=_function_rows("300_000_000", "100_000_000", "197_000_000"))
    assert check(ds, "table.parent_sum") == []


def test_tolerances_come_from_the_settings() -> None:
    rows = _function_rows("1_000_300", "600_000", "400_000")
    assert check(dataset(lines=rows), "table.parent_sum") == []
    tight = load_settings({"tolerance": {"wan_per_figure_yuan": 50}})
    (flag,) = check(dataset(lines=rows), "table.parent_sum", tight)
    assert flag[s.THRESHOLD] == D(150)
    assert flag[s.VARIANCE] == D(300)

    in_yuan = dataset(documents=[document(unit="元")], lines=_function_rows("1_000_004", "600_000", "400_000"))
    assert len(check(in_yuan, "table.parent_sum")) == 1
    assert check(in_yuan, "table.parent_sum", load_settings({"tolerance": {"yuan_per_figure_yuan": 2}})) == []


def test_overriding_settings_leaves_the_defaults_alone() -> None:
    assert load_settings({"tolerance": {"wan_per_figure_yuan": 1}}).decimal("tolerance", "wan_per_figure_yuan") == 1
    defaults = load_settings()
    assert defaults.decimal("tolerance", "wan_per_figure_yuan") == D(100)
    assert defaults.decimal("tolerance", "yuan_per_figure_yuan") == D(1)
    assert defaults.decimal("tolerance", "narrative_yuan") == D(50)
    # An override of one value keeps the others of its section.
    assert load_settings({"tolerance": {"narrative_yuan": 1}}).decimal("tolerance", "wan_per_figure_yuan") == D(100)


def test_an_unknown_setting_is_an_analytics_error() -> None:
    with pytest.raises(AnalyticsError, match="no_such_setting"):
        load_settings().get("tolerance", "no_such_setting")


# --- engine: ids, order, errors, empty dataset, catalog ----------------------------------------------------------


def _messy() -> Dataset:
    """One document with a finding for many rules at once."""
    return dataset(
        documents=[document(DOC_2023, fiscal_year=2023), document()],
        departments=[department(None, None)],
        lines=_function_rows("1_000_000", "600_000", "300_000")
        + _balance_rows("1_000_000", "990_000")
        + _three_public(DOC_2023, 2023, overseas_travel="10_000", vehicles="50_000", reception="20_000")
        + _three_public(DOC, 2024, overseas_travel="10_000", vehicles="60_000", reception="20_000"),
        statements=[
            statement(1, SUBJECT, "1_000_000"),
            statement(2, SUBJECT, "1_200_000", change="200_000", direction="增加", change_pct="25.00"),
        ],
        indicators=[
            indicator(1, "验收合格率", "≥120%", comparator="≥", value="120", unit="%", basis=""),
            indicator(2, "服务水平", "有所提升"),
        ],
        projects=[project(1, "社区服务项目", "500_000", "用于支付临聘人员工资")],
        document_tables=[document_table("government_fund", "empty")],
    )


def _reversed(ds: Dataset) -> Dataset:
    return Dataset.from_tables({name: table.reverse() for name, table in ds.tables.items()})


def _comparable(flags: pl.DataFrame) -> list[tuple[object, ...]]:
    return sorted(flags.select(s.FLAG_ID, s.RULE_ID, s.SEVERITY, s.SUBJECT, s.OBSERVED, s.EXPECTED, s.VARIANCE).rows())


def test_flag_ids_are_stable_across_runs_and_row_orders() -> None:
    ds = _messy()
    first = run_checks(ds)
    assert set(first.get_column(s.RULE_ID)) >= {
        "table.parent_sum",
        "table.balance",
        "narrative.change_pct",
        "narrative.repeated_value",
        "targets.out_of_range",
        "targets.weak_indicator",
        "targets.no_basis",
        "spending.personnel_in_projects",
        "spending.three_public_rising",
        "completeness.missing_tables",
        "completeness.empty_tables",
    }
    assert first.get_column(s.FLAG_ID).is_unique().all()
    assert first.get_column(s.FLAG_ID).str.contains("^[0-9a-f]{16}$").all()
    assert run_checks(ds).equals(first)
    assert _comparable(run_checks(_reversed(ds))) == _comparable(first)


def test_a_flag_id_depends_on_the_rule_and_what_was_found_only() -> None:
    # The key of a missing table's flag is the disclosure and the table: its id is the same whatever else the
    # dataset holds.
    key = f"{DOC}|income_expenditure_summary"
    expected = hashlib.sha256(f"completeness.missing_tables|{key}".encode()).hexdigest()[:16]
    alone = check(dataset(), "completeness.missing_tables")
    assert expected in [flag[s.FLAG_ID] for flag in alone]
    among_others = run_checks(_messy()).filter(pl.col(s.RULE_ID) == "completeness.missing_tables")
    assert expected in among_others.get_column(s.FLAG_ID).to_list()


def test_flags_are_sorted_by_severity() -> None:
    severities = run_checks(_messy()).get_column(s.SEVERITY).to_list()
    rank = {"error": 0, "warning": 1, "info": 2}
    assert severities == sorted(severities, key=rank.__getitem__)
    assert set(severities) == {"error", "warning", "info"}


def test_running_a_subset_of_rules() -> None:
    flags = run_checks(_messy(), rules=["table.balance", "completeness.empty_tables"])
    assert sorted(flags.get_column(s.RULE_ID).to_list()) == ["completeness.empty_tables", "table.balance"]
    assert run_checks(_messy(), rules=[]).is_empty()


def test_an_unknown_rule_is_an_analytics_error() -> None:
    with pytest.raises(AnalyticsError, match=r"unknown rule.*table\.no_such_rule"):
        run_checks(dataset(), rules=["table.balance", "table.no_such_rule"])


def test_an_empty_dataset_yields_an_empty_valid_flags_frame() -> None:
    flags = run_checks(Dataset.empty())
    assert flags.is_empty()
    assert flags.schema == s.TABLES[s.FLAGS].schema
    assert s.validate(s.FLAGS, flags).is_empty()
    # Every rule copes with a dataset that has documents but nothing else: only the missing tables are reported.
    bare = run_checks(dataset(documents=[document(phase="final")]))
    assert bare.get_column(s.RULE_ID).to_list() == ["completeness.missing_tables"] * 9  # one per table of the form


def test_flags_follow_the_data_contract() -> None:
    flags = run_checks(_messy())
    assert flags.schema == s.TABLES[s.FLAGS].schema
    s.validate(s.FLAGS, flags)
    assert set(flags.get_column(s.SOURCE)) == {"rule"}
    assert flags.get_column(s.MESSAGE_ZH).str.len_chars().min() > 0
    assert flags.get_column(s.MESSAGE_EN).str.len_chars().min() > 0
    catalog = dict(rule_catalog().select("rule_id", "family").rows())
    assert all(catalog[r] == f for r, f in flags.select(s.RULE_ID, s.FAMILY).rows())


def test_the_catalog_lists_every_rule_once_with_both_titles() -> None:
    catalog = rule_catalog()
    ids = catalog.get_column("rule_id").to_list()
    assert len(ids) == len(set(ids))
    # A new rule needs its own tests here.
    assert sorted(ids) == sorted(ALL_RULES)
    for row in catalog.iter_rows(named=True):
        assert row["rule_id"].split(".")[0] == row["family"]
        assert row["family"] in FAMILIES
        assert row["severity"] in s.SEVERITIES
        assert any("\u4e00" <= ch <= "\u9fff" for ch in row["title_zh"]), row
        assert row["title_en"].strip()
        assert any(ch.isascii() and ch.isalpha() for ch in row["title_en"]), row


def test_every_finding_says_what_to_ask() -> None:
    """Each rule's finding ends with its question (``questions.csv``) unless the rule words its own (with 请)."""
    from analytics.checks import _rules  # noqa: F401 - registers the catalog
    from analytics.checks._engine import RULES, questions

    assert set(questions()) <= set(RULES), "questions.csv names rules the catalog does not have"
    flags = run_checks(_messy()).filter(pl.col(s.SOURCE) == "rule")
    assert flags.height > 5
    for flag in flags.iter_rows(named=True):
        assert "请" in flag[s.MESSAGE_ZH], flag[s.MESSAGE_ZH]
        assert "ask" in flag[s.MESSAGE_EN], flag[s.MESSAGE_EN]
    one = run_checks(_messy(), rules=["table.balance"]).row(0, named=True)
    assert one[s.MESSAGE_ZH].endswith("。请说明收入总计与支出总计不相等的原因。")
