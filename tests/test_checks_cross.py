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


# --- the identities added for issue 13: each on a budget and on a 决算, broken and whole --------------------------

SUMMARY = "income_expenditure_summary"
RULES = (
    "cross.same_figure",
    "cross.carryover_balance",
    "cross.income_spending_by_code",
    "cross.personnel_public",
    "cross.zero_total",
)


def _all(ds: Any) -> list[dict[str, Any]]:
    return [flag for rule in RULES for flag in check(ds, rule)]


def _income_parts(summary_business: str) -> list[dict[str, Any]]:
    """A 收支总表 printing 财政拨款收入 and 事业收入; a 收入总表 whose 合计 row splits them into columns."""
    table = {"table": "income_summary", "side": "income", "classification": "total", "page": 5, "row": 9}
    return [
        _summary("财政拨款收入", "2_000_000", side="income", classification="source", row=5),
        _summary("事业收入", summary_business, side="income", classification="source", row=6),
        line("合计", "2_730_000", **table),
        line("合计", "2_000_000", column="fiscal_appropriation", **table),
        line("合计", "730_000", column="business_income", **table),
    ]


@pytest.mark.parametrize("phase", ["budget", "final"])
def test_each_source_of_income_agrees_with_the_income_tables_column(phase: str) -> None:
    assert check(_ds(_income_parts("730_000"), phase), RULE) == []
    rows = _income_parts("780_000")
    flag = only_flag(_ds(rows, phase), RULE)
    assert flag[s.SUBJECT] == "收入·事业收入" + ("（决算数）" if phase == "final" else "")
    assert values(flag) == (D("780_000"), D("730_000"), D("50_000"))
    mentions(flag, "78.00 万元", "73.00 万元", "5.00 万元")
    assert "收支总表" in flag[s.MESSAGE_ZH] and "收入总表（合计·事业收入）" in flag[s.MESSAGE_ZH]
    assert len(flag[s.EVIDENCE]) == 2
    _no_raw_key(flag)


def test_an_income_table_printed_down_the_page_is_compared_by_its_total_row() -> None:
    # The form that prints 收入总计 above each source's 小计 (the reader keeps 收入总计 as the total).
    rows = [
        _summary("当年收入小计", "4_120_000", side="income", classification="subtotal", row=30),
        line("收入总计", "4_170_000", table="income_summary", side="income", classification="total", page=5, row=4),
        line("小计", "4_170_000", table="income_summary", side="income", classification="subtotal", page=5, row=5),
    ]
    flag = only_flag(_ds(rows, "budget"), RULE)
    assert values(flag) == (D("4_120_000"), D("4_170_000"), D("-50_000"))
    assert "收入总表" in flag[s.MESSAGE_ZH]


def test_the_reserve_agrees_between_the_summary_and_the_spending_table() -> None:
    rows = [
        _summary("单位预留机动经费", "120_000", side="expenditure", classification="category", row=9),
        line("合计", "170_000", table="expenditure_summary", column="reserve", classification="total", page=6, row=9),
    ]
    flag = only_flag(_ds(rows, "budget"), RULE)
    assert flag[s.SUBJECT] == "单位预留机动经费"
    assert values(flag) == (D("120_000"), D("170_000"), D("-50_000"))


# --- 总计 = 本年收入 + 结转 -----------------------------------------------------------------------------------


def _budget_balance(total: str) -> list[dict[str, Any]]:
    """A budget's 收支总表: 本年收入合计 + 上年结转 = 收入总计; 本年支出合计 + 结转下年 = 支出总计."""
    return [
        _summary("本年收入合计", "6_000_000", side="income", classification="subtotal", row=20),
        _summary("上年结转", "400_000", side="income", classification="source", row=21),
        _summary("收入总计", total, side="income", classification="total", row=23),
        _summary("本年支出合计", "6_100_000", side="expenditure", classification="subtotal", row=20),
        _summary("结转下年", "300_000", side="expenditure", classification="category", row=21),
        _summary("支出总计", "6_400_000", side="expenditure", classification="total", row=23),
    ]


def _final_balance(total: str) -> list[dict[str, Any]]:
    """A 决算's 收支总表: 本年支出合计 + 结余分配 + 年末结转和结余 = 总计 (both sides)."""
    return [
        _summary("本年收入合计", "8_000_000", side="income", classification="subtotal", row=30),
        _summary("年初结转和结余", "900_000", side="income", classification="source", row=31),
        _summary("总计", "8_900_000", side="income", classification="total", row=33),
        _summary("本年支出合计", "7_700_000", side="expenditure", classification="subtotal", row=30),
        _summary("结余分配", "150_000", side="expenditure", classification="category", row=31),
        _summary("年末结转和结余", "1_050_000", side="expenditure", classification="category", row=32),
        _summary("总计", total, side="expenditure", classification="total", row=33),
    ]


BALANCE = "cross.carryover_balance"


def test_budget_total_is_the_years_income_plus_the_carry_over() -> None:
    assert check(_ds(_budget_balance("6_400_000"), "budget"), BALANCE) == []
    rows = _budget_balance("6_450_000")
    flag = only_flag(_ds(rows, "budget"), BALANCE)
    assert values(flag) == (D("6_450_000"), D("6_400_000"), D("50_000"))
    # Three printed figures, each rounded to 0.01 万元.
    assert flag[s.THRESHOLD] == D(300)
    mentions(flag, "645.00 万元", "640.00 万元", "5.00 万元")
    assert "本年收入合计 + 上年结转" in flag[s.MESSAGE_ZH] and "收支总表" in flag[s.MESSAGE_ZH]
    assert places(flag) == evidence_of(rows[:3])


def test_final_total_is_the_years_spending_plus_the_balances() -> None:
    assert check(_ds(_final_balance("8_900_000"), "final"), BALANCE) == []
    rows = _final_balance("8_850_000")
    flag = only_flag(_ds(rows, "final"), BALANCE)
    assert values(flag) == (D("8_850_000"), D("8_900_000"), D("-50_000"))
    assert flag[s.SUBJECT] == "收支总表·支出总计（决算数）"
    assert "本年支出合计 + 结余分配 + 年末结转和结余" in flag[s.MESSAGE_ZH]
    assert places(flag) == evidence_of(_final(rows[3:]))


def test_a_balance_left_blank_counts_as_zero_and_a_doubted_figure_is_the_readers() -> None:
    rows = [r for r in _budget_balance("6_400_000") if r[s.NAME] != "上年结转"]
    flag = only_flag(_ds(rows, "budget"), BALANCE)
    assert values(flag) == (D("6_400_000"), D("6_000_000"), D("400_000"))
    assert "未列结转结余数" in flag[s.MESSAGE_ZH]
    rows[0] = {**rows[0], s.VERIFICATION: "contradicted"}
    assert check(_ds(rows, "budget"), BALANCE) == []


def test_one_broken_cell_is_reported_once_across_the_identities() -> None:
    # 本年收入合计 misprinted: it breaks the 收支总表's balance and its agreement with the 收入总表; one finding.
    rows = [
        *_budget_balance("6_400_000"),
        line("合计", "6_000_000", table="income_summary", side="income", classification="total", page=5, row=9),
    ]
    rows[0] = {**rows[0], s.AMOUNT_YUAN: D("6_050_000")}
    flags = _all(_ds(rows, "budget"))
    assert [f[s.RULE_ID] for f in flags] == ["cross.same_figure"], flags
    assert values(flags[0]) == (D("6_050_000"), D("6_000_000"), D("50_000"))


# --- 收入总表 and 支出总表 code by code -------------------------------------------------------------------------

BY_CODE = "cross.income_spending_by_code"


def _by_code(spent_205: str, spent_208: str) -> list[dict[str, Any]]:
    """Income and spending tables with the same 合计 (4,000,000) over 205 and 208."""
    income = {"table": "income_summary", "side": "income", "page": 5}
    spending = {"table": "expenditure_summary", "page": 6}
    return [
        line("合计", "4_000_000", classification="total", row=9, **income),
        line("教育支出", "3_000_000", code="205", level=1, row=10, **income),
        line("社会保障和就业支出", "1_000_000", code="208", level=1, row=11, **income),
        line("合计", "4_000_000", classification="total", row=9, **spending),
        line("教育支出", spent_205, code="205", level=1, row=10, **spending),
        line("社会保障和就业支出", spent_208, code="208", level=1, row=11, **spending),
    ]


def test_budget_income_and_spending_agree_code_by_code() -> None:
    assert check(_ds(_by_code("3_000_000", "1_000_000"), "budget"), BY_CODE) == []
    flags = check(_ds(_by_code("2_950_000", "1_050_000"), "budget"), BY_CODE)
    assert sorted(values(f) for f in flags) == [
        (D("1_000_000"), D("1_050_000"), D("-50_000")),
        (D("3_000_000"), D("2_950_000"), D("50_000")),
    ]
    education = next(f for f in flags if f[s.SUBJECT] == "205 教育支出")
    mentions(education, "300.00 万元", "295.00 万元", "5.00 万元")
    assert "收入总表" in education[s.MESSAGE_ZH] and "支出总表" in education[s.MESSAGE_ZH]
    assert len(education[s.EVIDENCE]) == 2


def test_a_final_accounts_income_and_spending_may_differ_code_by_code() -> None:
    # A 决算's income and spending differ by the balances carried, code by code: no identity holds between them.
    assert check(_ds(_by_code("2_950_000", "1_050_000"), "final"), BY_CODE) == []


def test_codes_are_not_compared_when_the_tables_hold_different_money() -> None:
    # A 收入总表 counting 上年结转 and a 支出总表 leaving 结转下年 out: their totals, and so their codes, differ.
    rows = _by_code("2_950_000", "1_000_000")
    rows[3] = {**rows[3], s.AMOUNT_YUAN: D("3_950_000")}
    assert check(_ds(rows, "budget"), BY_CODE) == []


def test_a_difference_is_reported_at_the_deepest_code() -> None:
    rows = _by_code("3_000_000", "1_000_000")
    income = {"table": "income_summary", "side": "income", "page": 5}
    spending = {"table": "expenditure_summary", "page": 6}
    rows += [
        line("普通教育", "3_000_000", code="20502", level=2, parent="205", row=12, **income),
        line("普通教育", "2_950_000", code="20502", level=2, parent="205", row=12, **spending),
        line("其他教育支出", "0", code="20599", level=2, parent="205", row=13, **income),
        line("其他教育支出", "50_000", code="20599", level=2, parent="205", row=13, **spending),
    ]
    subjects = sorted(f[s.SUBJECT] for f in check(_ds(rows, "budget"), BY_CODE))
    assert subjects == ["20502 普通教育", "20599 其他教育支出"]


# --- 人员经费 / 公用经费 ------------------------------------------------------------------------------------------

SPLIT = "cross.personnel_public"


def _split(personnel: str) -> list[dict[str, Any]]:
    """A 收支总表 whose 支出总计 splits 基本支出 (all 一般公共预算 money) and the economic table's 合计 columns."""
    economic = {"table": "general_budget_basic_economic", "classification": "total", "page": 9, "row": 30}
    return [
        _summary("收入总计", "3_000_000", side="income", classification="total", row=15),
        _summary("一般公共预算资金", "3_000_000", side="income", classification="source", row=6),
        line("支出总计", personnel, table=SUMMARY, column="personnel", classification="total", page=4, row=15),
        line("支出总计", "500_000", table=SUMMARY, column="public", classification="total", page=4, row=15),
        line("合计", "2_500_000", column="total", **economic),
        line("合计", "2_000_000", column="personnel", **economic),
        line("合计", "500_000", column="public", **economic),
    ]


def test_budget_personnel_spending_agrees_with_the_economic_table() -> None:
    assert check(_ds(_split("2_000_000"), "budget"), SPLIT) == []
    flag = only_flag(_ds(_split("2_050_000"), "budget"), SPLIT)
    assert flag[s.SUBJECT] == "基本支出·人员经费"
    assert values(flag) == (D("2_050_000"), D("2_000_000"), D("50_000"))
    mentions(flag, "205.00 万元", "200.00 万元", "5.00 万元")
    assert "一般公共预算基本支出经济分类表（合计·人员经费）" in flag[s.MESSAGE_ZH]


def _final_split(public: str) -> list[dict[str, Any]]:
    """A 决算: the economic table in two halves, and a 收支总表 printing the split."""
    half = {"table": "general_budget_basic_economic", "classification": "subtotal", "page": 9, "row": 30}
    return [
        _summary("总计", "2_600_000", side="income", classification="total", row=15),
        _summary("一般公共预算财政拨款收入", "2_600_000", side="income", classification="source", row=6),
        line("总计", "2_100_000", table=SUMMARY, column="personnel", classification="total", page=4, row=15),
        line("总计", public, table=SUMMARY, column="public", classification="total", page=4, row=15),
        line("人员经费合计（第1栏）", "2_100_000", **half),
        line("公用经费合计（第2栏）", "500_000", **half),
    ]


def test_final_public_spending_agrees_with_the_economic_tables_half() -> None:
    assert check(_ds(_final_split("500_000"), "final"), SPLIT) == []
    flag = only_flag(_ds(_final_split("450_000"), "final"), SPLIT)
    assert flag[s.SUBJECT] == "基本支出·公用经费（决算数）"
    assert values(flag) == (D("450_000"), D("500_000"), D("-50_000"))
    assert "公用经费合计" in flag[s.MESSAGE_ZH]


def test_the_split_from_the_economic_classes_when_the_table_prints_no_split() -> None:
    rows = [r for r in _split("2_050_000") if r[s.COLUMN] not in ("personnel", "public") or r[s.TABLE] == SUMMARY]
    rows += [
        line(
            "工资福利支出",
            "1_700_000",
            table="general_budget_basic_economic",
            classification="economic",
            code="301",
            level=1,
            page=9,
            row=10,
        ),
        line(
            "对个人和家庭的补助",
            "300_000",
            table="general_budget_basic_economic",
            classification="economic",
            code="303",
            level=1,
            page=9,
            row=20,
        ),
        line(
            "商品和服务支出",
            "500_000",
            table="general_budget_basic_economic",
            classification="economic",
            code="302",
            level=1,
            page=9,
            row=15,
        ),
    ]
    flag = only_flag(_ds(rows, "budget"), SPLIT)
    assert values(flag) == (D("2_050_000"), D("2_000_000"), D("50_000"))
    assert "工资福利支出+对个人和家庭的补助" in flag[s.MESSAGE_ZH]


def test_the_split_is_not_compared_when_the_summary_holds_other_money() -> None:
    rows = _split("2_050_000")
    rows[0] = {**rows[0], s.AMOUNT_YUAN: D("3_400_000")}  # 事业收入 as well: the summary's 基本支出 may hold it
    assert check(_ds(rows, "budget"), SPLIT) == []


# --- a total of 0 whose parts are not -----------------------------------------------------------------------------

ZERO = "cross.zero_total"


def _zero(parent_basic: str | None, child_basic: str | None) -> list[dict[str, Any]]:
    """An expenditure table: 201 and its 20101, each printed in the 合计 column, with or without a 基本支出 cell."""
    table = {"table": "expenditure_summary", "page": 6}
    rows = [
        line("一般公共服务支出", "800_000", code="201", level=1, row=10, **table),
        line("人大事务", "800_000", code="20101", level=2, parent="201", row=11, **table),
    ]
    if parent_basic is not None:
        rows.append(line("一般公共服务支出", parent_basic, column="basic", code="201", level=1, row=10, **table))
    if child_basic is not None:
        rows.append(line("人大事务", child_basic, column="basic", code="20101", level=2, parent="201", row=11, **table))
    return rows


@pytest.mark.parametrize("phase", ["budget", "final"])
def test_a_blank_total_whose_parts_are_not_is_flagged(phase: str) -> None:
    assert check(_ds(_zero("800_000", "800_000"), phase), ZERO) == []
    rows = _zero(None, "800_000")
    flag = only_flag(_ds(rows, phase), ZERO)
    assert values(flag) == (D(0), D("800_000"), D("-800_000"))
    assert "空白" in flag[s.MESSAGE_ZH] and "80.00 万元" in flag[s.MESSAGE_ZH] and "基本支出" in flag[s.MESSAGE_ZH]
    # The blank cell's row (printed in its 合计 column) and the part.
    assert [e[s.LINE] for e in flag[s.EVIDENCE]] == [10, 11]


@pytest.mark.parametrize("phase", ["budget", "final"])
def test_a_total_whose_parts_are_all_blank_is_flagged(phase: str) -> None:
    flag = only_flag(_ds(_zero("800_000", None), phase), ZERO)
    assert values(flag) == (D("800_000"), D(0), D("800_000"))
    assert "均为 0 或空白" in flag[s.MESSAGE_ZH]


def test_a_printed_zero_against_its_parts_is_left_to_the_table_rules() -> None:
    ds = _ds(_zero("0", "800_000"), "budget")
    assert check(ds, ZERO) == []
    assert len(check(ds, "table.parent_sum")) == 1


# --- a real document, one figure changed ----------------------------------------------------------------------


def test_a_real_income_table_printed_down_the_page_is_compared_with_its_summary() -> None:
    import dataclasses
    from pathlib import Path

    import polars as pl

    from analytics.ingest import read_disclosure

    path = Path(__file__).parent.parent / "datasets" / "raw" / "js_highcourt_2017_dept_budget.pdf"
    ds = read_disclosure(path)
    assert check(ds, RULE) == []
    total = (pl.col(s.TABLE) == "income_summary") & (pl.col(s.CLASSIFICATION) == "total")
    assert ds.lines.filter(total).height == 1
    changed = ds.lines.with_columns(
        pl.when(total).then(pl.col(s.AMOUNT_YUAN) + D("50_000")).otherwise(pl.col(s.AMOUNT_YUAN)).alias(s.AMOUNT_YUAN)
    )
    flag = only_flag(dataclasses.replace(ds, lines=changed), RULE)
    assert flag[s.VARIANCE] == D("-50_000")
    assert "收入总表" in flag[s.MESSAGE_ZH] and "收支总表" in flag[s.MESSAGE_ZH]
