"""What the read-time identities confirm: a sum down a column confirms a figure's value, only a row's column identity
confirms its column (``analytics.ingest._verify.verify_rows``). Rows are built here, with figures of their own."""

from __future__ import annotations

from decimal import Decimal

import pytest

from analytics import schema as s
from analytics.ingest._verify import verify_rows

STEP = {"general_budget_function": Decimal(100), "income_summary": Decimal(100)}  # 万元 tables: 0.01 万元 = 100 元


def _cell(table: str, code: str | None, column: str, amount: str, line: int) -> dict[str, object]:
    return {
        s.TABLE: table,
        s.SIDE: "income" if table == "income_summary" else "expenditure",
        s.CLASSIFICATION: "function" if code else "total",
        s.CODE: code,
        s.NAME: code or "合计",
        s.LEVEL: {3: 1, 5: 2, 7: 3}[len(code)] if code else None,
        s.PARENT_CODE: code[:-2] if code and len(code) > 3 else None,
        s.COLUMN: column,
        s.AMOUNT_BASIS: "actual",
        s.AMOUNT_YUAN: Decimal(amount) * 10000,  # printed in 万元
        s.FISCAL_YEAR: 2027,
        s.PAGE: 6,
        s.LINE: line,
        s.SOURCE_TEXT: code or "合计",
    }


def _table(table: str, rows: list[tuple[str | None, dict[str, str]]]) -> list[dict[str, object]]:
    return [
        _cell(table, code, column, amount, line)
        for line, (code, cells) in enumerate(rows, start=1)
        for column, amount in cells.items()
    ]


def _status(rows: list[dict[str, object]], code: str | None) -> set[object]:
    return {r[s.VERIFICATION] for r in rows if r[s.CODE] == code}


def test_a_column_read_under_the_wrong_header_adds_up_down_the_page_but_is_not_verified() -> None:
    # 合计 = 财政拨款 + 事业收入 + 其他收入; the "of which" 教育收费 column stored as 政府性基金 makes the rows that
    # print it fail, while every column still adds up down the page (3 = 2 + 1 in each).
    rows = _table(
        "income_summary",
        [
            ("301", {"total": "60", "fiscal_appropriation": "30", "business_income": "20", "gov_fund": "9",
                     "other_income": "10"}),
            ("30101", {"total": "40", "fiscal_appropriation": "20", "business_income": "15", "gov_fund": "6",
                       "other_income": "5"}),
            ("30102", {"total": "20", "fiscal_appropriation": "10", "business_income": "5", "gov_fund": "3",
                       "other_income": "5"}),
            ("302", {"total": "8", "fiscal_appropriation": "8"}),
        ],
    )  # fmt: skip
    findings = verify_rows(rows, STEP)
    for code in ("301", "30101", "30102"):
        assert _status(rows, code) == {"contradicted"}, code
    assert _status(rows, "302") == {"verified"}
    by = {r[s.VERIFIED_BY] for r in rows if r[s.CODE] == "301"}
    assert all(str(b).startswith("不符：收入合计 = 各来源之和（数值经 上级科目 = 下级科目之和") for b in by)
    assert len(findings) == 3
    assert all("栏目错位" in str(f[s.MESSAGE_ZH]) for f in findings)


def test_a_figure_another_identity_of_its_row_confirms_stays_verified() -> None:
    # 三公 小计 400 ≠ 90 + 200 + 100, but 合计 1000 = 400 + 350 + 250 confirms the 400 and 公务用车 200 = 0 + 200
    # confirms the 200: only 出国 and 接待 are doubted.
    row = {
        "total": "1000",
        "three_public_total": "400",
        "overseas_travel": "90",
        "vehicles": "200",
        "vehicle_purchase": "0",
        "vehicle_operation": "200",
        "reception": "100",
        "meetings": "350",
        "training": "250",
    }
    rows = _table("three_public_and_operation", [(None, row)])
    findings = verify_rows(rows, {})
    status = {r[s.COLUMN]: r[s.VERIFICATION] for r in rows}
    assert status["three_public_total"] == status["vehicles"] == status["total"] == "verified"
    assert status["overseas_travel"] == status["reception"] == "contradicted"
    assert len(findings) == 1


@pytest.mark.parametrize(("printed", "verified"), [("50.00", True), ("50.01", True), ("50.05", False)])
def test_a_total_off_its_parts_by_the_rounding_of_its_figures_still_verifies(printed: str, verified: bool) -> None:
    # 合计 = 基本支出 + 项目支出, in 万元 (one step of 0.01 万元 = 100 元 per part): 50.01 is rounding, 50.05 is not.
    rows = _table("general_budget_function", [("212", {"total": printed, "basic": "30.00", "project": "20.00"})])
    findings = verify_rows(rows, STEP)
    assert _status(rows, "212") == ({"verified"} if verified else {"contradicted"})
    assert len(findings) == (0 if verified else 1)


def test_a_class_off_the_sum_of_its_items_where_every_row_adds_up_is_the_publishers_and_no_reading_doubt() -> None:
    # Each row's 合计 = 基本 + 项目 holds; the 类 total 90 is not its 款' 30 + 50: the figures are all confirmed by
    # their rows, so the difference is the document's, for the checks to report.
    rows = _table(
        "general_budget_function",
        [
            ("213", {"total": "90", "basic": "60", "project": "30"}),
            ("21301", {"total": "30", "basic": "20", "project": "10"}),
            ("21302", {"total": "50", "basic": "30", "project": "20"}),
        ],
    )
    findings = verify_rows(rows, STEP)
    assert {r[s.VERIFICATION] for r in rows} == {"verified"}
    assert findings == []


def _named(  # noqa: PLR0917 - one printed cell
    table: str, classification: str, name: str, column: str, amount: str, line: int
) -> dict[str, object]:
    row = _cell(table, None, column, amount, line)
    row.update({s.CLASSIFICATION: classification, s.NAME: name, s.SOURCE_TEXT: name})
    return row


@pytest.mark.parametrize(("general", "holds"), [("43.20", True), ("0.00", False)])
def test_an_income_table_by_rows_adds_its_sources_subtotals_to_its_total(general: str, holds: bool) -> None:
    # 收入总计 51.70 = 一般公共预算资金 小计 43.20 + 其他资金 小计 8.50 (the provincial 收入总表 lists sources by rows).
    rows = [
        _named("income_summary", "total", "收入总计", "total", "51.70", 1),
        _named("income_summary", "subtotal", "小计", "total", general, 2),
        _named("income_summary", "subtotal", "其他资金小计", "total", "8.50", 3),
    ]
    findings = verify_rows(rows, STEP)
    assert {r[s.VERIFICATION] for r in rows} == ({"verified"} if holds else {"contradicted"})
    assert [f[s.KIND] for f in findings] == ([] if holds else ["contradicted"])
    if not holds:
        assert "各来源小计" in str(findings[0][s.MESSAGE_ZH])


@pytest.mark.parametrize(("services", "holds"), [("12.40", True), ("21.40", False)])
def test_a_procurement_total_is_goods_plus_works_plus_services(services: str, holds: bool) -> None:
    rows = [
        _named("government_procurement", "total", "合计", "total", "30.90", 1),
        _named("government_procurement", "category", "货物A", "total", "15.00", 2),
        _named("government_procurement", "category", "台式计算机政府集中采购", "total", "15.00", 3),
        _named("government_procurement", "category", "工程B", "total", "3.50", 4),
        _named("government_procurement", "category", "服务C", "total", services, 5),
    ]
    verify_rows(rows, {"government_procurement": Decimal(100)})
    kinds = {r[s.NAME]: r[s.VERIFICATION] for r in rows}
    assert kinds["合计"] == ("verified" if holds else "contradicted")
    assert kinds["台式计算机政府集中采购"] == "unverified"  # an item: no identity of this table speaks of it


@pytest.mark.parametrize(
    ("table", "cells"),
    [
        ("fiscal_appropriation_function", {"total": "70.00", "basic": "45.50", "project": "24.50"}),
        ("fiscal_appropriation_summary", {"total": "70.00", "general_budget": "62.00", "gov_fund": "8.00"}),
        ("income_expenditure_summary", {"total": "70.00", "personnel": "40.00", "public": "5.50", "project": "24.50"}),
    ],
)
def test_the_column_identities_of_the_appropriation_and_unit_summary_tables(table: str, cells: dict[str, str]) -> None:
    rows = [_named(table, "total", "支出合计", column, amount, 1) for column, amount in cells.items()]
    assert not verify_rows(rows, {table: Decimal(100)})
    assert {r[s.VERIFICATION] for r in rows} == {"verified"}
    wrong = [_named(table, "total", "支出合计", column, amount, 1) for column, amount in cells.items()]
    wrong[0][s.AMOUNT_YUAN] = Decimal("710000")  # 71.00 万元 against parts of 70.00
    findings = verify_rows(wrong, {table: Decimal(100)})
    assert [f[s.KIND] for f in findings] == ["contradicted"]
