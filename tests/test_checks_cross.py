"""The cross-table identities of ``cross.same_figure`` on budgets and final accounts, on documents built here
(other names and figures than the real ones): each identity holds and passes, or is broken and flagged once, with
both tables named in Chinese; a 决算's 决算数 and 年初预算 are compared each with its own kind; a figure the reader
doubts is left to ``reading.doubt``."""

from __future__ import annotations

from typing import Any

import pytest

from analytics import schema as s
from analytics.reference import table_catalog
from tests.test_checks import D, check, dataset, document, evidence_of, line, mentions, only_flag, places, values

RULE = "cross.same_figure"
FINAL = "doc-final-2023"
RAW_KEYS = tuple(table_catalog().get_column("key").to_list())


def _final(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, s.DOC_ID: FINAL, s.PHASE: "final", s.FISCAL_YEAR: 2023, s.AS_OF_YEAR: 2023} for row in rows]


def _ds(rows: list[dict[str, Any]], phase: str) -> Any:
    if phase == "final":
        return dataset(documents=[document(FINAL, phase="final", fiscal_year=2023)], lines=_final(rows))
    return dataset(lines=rows)


def _summary(name: str, amount: str, *, side: str, classification: str, row: int) -> dict[str, Any]:
    return line(
        name, amount, table="income_expenditure_summary", side=side, classification=classification, page=4, row=row
    )


def _income(total: str, summary: str) -> list[dict[str, Any]]:
    return [
        _summary("本年收入合计", summary, side="income", classification="subtotal", row=12),
        line("合计", total, table="income_summary", side="income", classification="total", page=5, row=9),
    ]


def _spending(total: str, summary: str) -> list[dict[str, Any]]:
    return [
        _summary("本年支出合计", summary, side="expenditure", classification="subtotal", row=13),
        line("合计", total, table="expenditure_summary", classification="total", page=6, row=9),
    ]


def _basic(summary: str, table: str) -> list[dict[str, Any]]:
    return [
        _summary("基本支出", summary, side="expenditure", classification="category", row=7),
        line("合计", table, table="expenditure_summary", column="basic", classification="total", page=6, row=9),
    ]


def _project(summary: str, table: str) -> list[dict[str, Any]]:
    return [
        _summary("项目支出", summary, side="expenditure", classification="category", row=8),
        line("合计", table, table="expenditure_summary", column="project", classification="total", page=6, row=9),
    ]


def _appropriation(function_total: str, spent: str) -> list[dict[str, Any]]:
    """A 决算's 财政拨款收支总表: its year's 一般公共预算 spending, against the 一般公共预算 table's 合计."""
    return [
        line(
            "本年支出合计",
            spent,
            table="fiscal_appropriation_summary",
            column="general_budget",
            classification="subtotal",
            page=7,
            row=20,
        ),
        line("合计", function_total, classification="total", page=8, row=5),
    ]


def _economic(basic: str, personnel: str, public: str) -> list[dict[str, Any]]:
    """A 决算's economic table: 人员经费合计 and 公用经费合计 side by side, no grand total."""
    economic = {"table": "general_budget_basic_economic", "classification": "subtotal", "page": 9, "row": 30}
    return [
        line("合计", basic, column="basic", classification="total", page=8, row=5),
        line("人员经费合计（第1栏）", personnel, **economic),
        line("公用经费合计（第2栏）", public, **economic),
    ]


CASES = {
    "income": (_income, "本年收入合计", ("收支总表", "收入总表")),
    "spending": (_spending, "本年支出合计", ("收支总表", "支出总表")),
    "basic": (_basic, "基本支出", ("收支总表", "支出总表")),
    "project": (_project, "项目支出", ("收支总表", "支出总表")),
    "appropriation": (_appropriation, "一般公共预算支出合计", ("一般公共预算支出功能分类表", "财政拨款收支总表")),
}


def _no_raw_key(flag: dict[str, Any]) -> None:
    assert not [key for key in RAW_KEYS if key in flag[s.MESSAGE_ZH]], flag[s.MESSAGE_ZH]


@pytest.mark.parametrize("phase", ["budget", "final"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_identity_holds_and_passes(case: str, phase: str) -> None:
    build, _, _ = CASES[case]
    assert check(_ds(build("3_456_700", "3_456_700"), phase), RULE) == []


@pytest.mark.parametrize("phase", ["budget", "final"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_identity_broken_is_flagged_naming_both_tables(case: str, phase: str) -> None:
    build, subject, tables = CASES[case]
    rows = build("3_456_700", "3_406_700")
    flag = only_flag(_ds(rows, phase), RULE)
    assert flag[s.SEVERITY] == "error"
    assert flag[s.SUBJECT] == subject + ("（决算数）" if phase == "final" else "")
    observed, expected, variance = values(flag)
    assert abs(variance) == D("50_000") and observed - expected == variance
    assert flag[s.THRESHOLD] == D(200)
    assert places(flag) == evidence_of(_final(rows) if phase == "final" else rows)
    mentions(flag, "345.67 万元", "340.67 万元", "5.00 万元")
    for table in tables:
        assert table in flag[s.MESSAGE_ZH]
    _no_raw_key(flag)


def test_final_economic_table_total_is_personnel_plus_public() -> None:
    assert check(_ds(_economic("2_500_000", "2_100_000", "400_000"), "final"), RULE) == []
    flag = only_flag(_ds(_economic("2_500_000", "2_100_000", "350_000"), "final"), RULE)
    assert flag[s.SUBJECT] == "一般公共预算基本支出（决算数）"
    assert values(flag) == (D("2_500_000"), D("2_450_000"), D("50_000"))
    # Three printed figures, each rounded to 0.01 万元.
    assert flag[s.THRESHOLD] == D(300)
    assert len(flag[s.EVIDENCE]) == 3
    assert (
        "一般公共预算基本支出经济分类表" in flag[s.MESSAGE_ZH] and "人员经费合计 + 公用经费合计" in flag[s.MESSAGE_ZH]
    )
    _no_raw_key(flag)


def test_final_economic_table_needs_both_halves() -> None:
    rows = _economic("2_500_000", "2_100_000", "400_000")[:2]
    assert check(_ds(rows, "final"), RULE) == []


def _with_basis(rows: list[dict[str, Any]], basis: str) -> list[dict[str, Any]]:
    return [{**row, s.AMOUNT_BASIS: basis} for row in rows]


def test_final_compares_each_basis_with_its_own_kind() -> None:
    # 决算数 agree with 决算数 and 年初预算 with 年初预算, though a 决算数 never equals its 年初预算.
    rows = _with_basis(_spending("8_000_000", "8_000_000"), "actual") + _with_basis(
        _spending("7_200_000", "7_200_000"), "initial_budget"
    )
    assert check(_ds(rows, "final"), RULE) == []
    # The 年初预算 column of one table is misprinted: one flag, on that basis only.
    rows = _with_basis(_spending("8_000_000", "8_000_000"), "actual") + _with_basis(
        _spending("7_200_000", "7_000_000"), "initial_budget"
    )
    flag = only_flag(_ds(rows, "final"), RULE)
    assert flag[s.SUBJECT] == "本年支出合计（年初预算数）"
    assert values(flag) == (D("7_000_000"), D("7_200_000"), D("-200_000"))
    assert "年初预算" in flag[s.MESSAGE_ZH] and "initial budget" in flag[s.MESSAGE_EN]


def test_a_contradicted_figure_is_left_to_the_reading_doubt() -> None:
    rows = _income("3_456_700", "3_406_700")
    rows[0] = {**rows[0], s.VERIFICATION: "contradicted"}
    assert check(_ds(rows, "budget"), RULE) == []
    assert check(_ds(rows, "final"), RULE) == []


def test_income_table_carry_over_columns_are_not_the_years_income() -> None:
    # A 收入总表 whose 合计 includes 上年结转 and 使用结余 columns: the year's income is its 合计 without them.
    carry = {"table": "income_summary", "side": "income", "classification": "total", "page": 5, "row": 9}
    rows = [
        *_income("5_000_000", "3_800_000"),
        line("合计", "900_000", column="carryover_in", **carry),
        line("合计", "300_000", column="surplus_used", **carry),
    ]
    assert check(_ds(rows, "budget"), RULE) == []
    rows[1] = {**rows[1], s.AMOUNT_YUAN: D("5_100_000")}
    flag = only_flag(_ds(rows, "budget"), RULE)
    assert values(flag) == (D("3_800_000"), D("3_900_000"), D("-100_000"))


def test_summary_without_a_years_subtotal_uses_its_total() -> None:
    rows = [
        _summary("支出总计", "6_100_000", side="expenditure", classification="total", row=20),
        line("合计", "6_000_000", table="expenditure_summary", classification="total", page=6, row=9),
    ]
    flag = only_flag(_ds(rows, "budget"), RULE)
    assert flag[s.SUBJECT] == "本年支出合计"
    assert "支出总计" in flag[s.MESSAGE_ZH]
