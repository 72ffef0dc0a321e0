"""The Excel reader: workbooks built here with openpyxl, read through ``analytics.ingest.read_disclosure``.

Two kinds of workbooks: small hand-written ones whose every expected ``lines`` row is written out below, and
workbooks printed from a :class:`tests.pdf_synthetic.DisclosureSpec`, whose ``lines`` must equal those the PDF
reader reads from the PDF of the same spec (same figures, two layouts, one table extractor).
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from analytics import schema as s
from analytics.errors import ReaderError
from analytics.ingest import read_batch, read_disclosure, supported_suffixes
from analytics.store import Dataset
from tests.pdf_synthetic import (
    ECONOMIC_COLUMNS,
    EXPENDITURE_COLUMNS,
    GENERAL_COLUMNS,
    INCOME_COLUMNS,
    THREE_PUBLIC_COLUMNS,
    DisclosureSpec,
    FunctionLine,
    build_disclosure_pdf,
    table_titles,
)

CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right")

# ---------------------------------------------------------------------------------------------------------------------
# Workbook helpers
# ---------------------------------------------------------------------------------------------------------------------


def _put(
    ws: Worksheet,
    row: int,
    col: int,
    value: object,
    *,
    cols: int = 1,
    rows: int = 1,
    fmt: str | None = None,
    align: Alignment | None = None,
) -> None:
    """Write one cell, merged over ``cols`` columns and ``rows`` rows."""
    if cols > 1 or rows > 1:
        ws.merge_cells(start_row=row, start_column=col, end_row=row + rows - 1, end_column=col + cols - 1)
    cell = ws.cell(row=row, column=col, value=value)
    if fmt:
        cell.number_format = fmt
    if align:
        cell.alignment = align


def _head(ws: Worksheet, title: str, department: str, unit: str | None, width: int) -> None:
    """Title row (merged over the table), then "编制部门：…" left and "单位：…" right."""
    _put(ws, 1, 1, title, cols=width, align=CENTER)
    _put(ws, 2, 1, f"编制部门：{department}")
    if unit:
        _put(ws, 2, width, unit, align=RIGHT)


def _header(ws: Worksheet, cells: Sequence[tuple[str, int, int, int, int]], top: int = 3) -> None:
    """Header cells as (text, row offset, column, row span, column span), centred like a printed header."""
    for text, row, col, rows, cols in cells:
        _put(ws, top + row, col, text, rows=rows, cols=cols, align=CENTER)


def _save(wb: openpyxl.Workbook, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# ---------------------------------------------------------------------------------------------------------------------
# A workbook printed from a DisclosureSpec (the tables of tests/pdf_synthetic.py, one sheet each)
# ---------------------------------------------------------------------------------------------------------------------

CHANGNING = DisclosureSpec(
    region="上海市长宁区",
    department="上海市长宁区绿化和市容管理局",
    short_name="绿化市容局",
    year=2026,
    decimals=2,
    units=(("上海市长宁区绿化和市容管理局（本部）", "行政"), ("上海市长宁区绿化管理所", "事业")),
    function_lines=(
        FunctionLine("2080505", "机关事业单位基本养老保险缴费支出", "1834500", "0"),
        FunctionLine("2120101", "行政运行", "6120450.50", "230000"),
        FunctionLine("2120104", "城管执法", "0", "1256000"),
        FunctionLine("2120201", "城乡社区规划与管理", "0", "845000", business="25000"),
        FunctionLine("2120501", "城乡社区环境卫生", "0", "38765400.25", other="120000"),
        FunctionLine("2210201", "住房公积金", "1102300", "0"),
    ),
    group_names=(
        ("208", "社会保障和就业支出"),
        ("20805", "行政事业单位养老支出"),
        ("212", "城乡社区支出"),
        ("21201", "城乡社区管理事务"),
        ("21202", "城乡社区规划与管理"),
        ("21205", "城乡社区环境卫生"),
        ("221", "住房保障支出"),
        ("22102", "住房改革支出"),
    ),
    prior_income_total="48000000",
    vehicle_purchase="0",
    vehicle_operation="96000",
    reception="8800",
    operation_costs="1534200",
    unpadded_kuan=True,
)

#: The same department with figures in whole hundreds of 元, printed in 万元.
CHANGNING_WAN = DisclosureSpec(
    region=CHANGNING.region,
    department=CHANGNING.department,
    short_name=CHANGNING.short_name,
    year=2026,
    unit="万元",
    units=CHANGNING.units,
    function_lines=(
        FunctionLine("2080505", "机关事业单位基本养老保险缴费支出", "1834500", "0"),
        FunctionLine("2120101", "行政运行", "6120400", "230000"),
        FunctionLine("2120201", "城乡社区规划与管理", "0", "845000", business="25000"),
        FunctionLine("2210201", "住房公积金", "1102300", "0"),
    ),
    group_names=CHANGNING.group_names,
    prior_income_total="9000000",
    vehicle_purchase="0",
    vehicle_operation="96000",
    reception="8800",
    operation_costs="1534200",
)


def _amount_format(spec: DisclosureSpec) -> str:
    return "#,##0" if spec.places == 0 else "#,##0.00"


def _function_sheet(wb: openpyxl.Workbook, spec: DisclosureSpec, key: str) -> None:
    columns, heading, labels = {
        "income": (INCOME_COLUMNS, "收入预算", ("合计", "财政拨款收入", "事业收入", "事业单位\n经营收入", "其他收入")),
        "expenditure": (EXPENDITURE_COLUMNS, "支出预算", EXPENDITURE_COLUMNS),
        "general": (GENERAL_COLUMNS, "一般公共预算支出", GENERAL_COLUMNS),
    }[key]
    ws = wb.create_sheet(table_titles(spec.year)[key].removeprefix(f"{spec.year}年")[:31])
    width = 4 + len(columns)
    _head(ws, table_titles(spec.year)[key], spec.department, f"单位：{spec.unit}", width)
    header = [("项目", 0, 1, 1, 4), (heading, 0, 5, 1, len(columns)), ("功能分类科目编码", 1, 1, 1, 3)]
    header += [("功能分类科目名称", 1, 4, 2, 1), *((label, 1, 5 + i, 2, 1) for i, label in enumerate(labels))]
    header += [(label, 2, 1 + i, 1, 1) for i, label in enumerate("类款项")]
    _header(ws, header)
    unpadded = spec.unpadded_kuan_code() if key in ("income", "expenditure") else None
    row = 6
    for line in spec.function_rows(key):
        code = line.code
        kuan = code[3:5]
        if unpadded and code[:5] == unpadded:
            kuan = kuan.lstrip("0")
        for col, part in enumerate((code[:3], kuan if len(code) >= 5 else "", code[5:7]), start=1):
            if part:
                _put(ws, row, col, part, align=CENTER)
        _put(ws, row, 4, line.name)
        for col, column in enumerate(columns, start=5):
            _put(ws, row, col, line.amounts[column], fmt=_amount_format(spec))
        row += 1
    _put(ws, row, 1, "合计", cols=4, align=CENTER)
    totals = spec.function_total(key)
    for col, column in enumerate(columns, start=5):
        _put(ws, row, col, totals[column], fmt=_amount_format(spec))


def _summary_sheet(wb: openpyxl.Workbook, spec: DisclosureSpec) -> None:
    ws = wb.create_sheet("财务收支预算总表")
    _head(ws, table_titles(spec.year)["summary"], spec.department, f"单位：{spec.unit}", 4)
    _header(ws, [("本年收入", 0, 1, 1, 2), ("本年支出", 0, 3, 1, 2)])
    _header(ws, [("项目", 1, 1, 1, 1), ("预算数", 1, 2, 1, 1), ("项目", 1, 3, 1, 1), ("预算数", 1, 4, 1, 1)])
    income = {k: spec.in_unit(v) for k, v in spec.income_by_source().items()}
    left = [
        ("一、财政拨款收入", income["财政拨款收入"]),
        ("1. 一般公共预算资金", income["财政拨款收入"]),
        ("2. 政府性基金", None),
        ("3. 国有资本经营预算", None),
        ("二、事业收入", income["事业收入"]),
        ("三、事业单位经营收入", income["事业单位经营收入"]),
        ("四、其他收入", income["其他收入"]),
    ]
    numerals = "一二三四五六七八九十"
    right = [(f"{numerals[i]}、{name}", amount) for i, (_, name, amount) in enumerate(spec.class_totals())]
    for i in range(max(len(left), len(right))):
        for col, items in ((1, left), (3, right)):
            if i < len(items):
                label, amount = items[i]
                _put(ws, 5 + i, col, label)
                # The PDF prints nothing for a zero in this table; a blank cell is the same.
                if amount:
                    _put(ws, 5 + i, col + 1, amount, fmt=_amount_format(spec))
    last = 5 + max(len(left), len(right)) + 2
    _put(ws, last, 1, "收入总计", align=CENTER)
    _put(ws, last, 2, spec.income_total(), fmt=_amount_format(spec))
    _put(ws, last, 3, "支出总计", align=CENTER)
    _put(ws, last, 4, spec.expenditure_total(), fmt=_amount_format(spec))


def _fund_sheet(wb: openpyxl.Workbook, spec: DisclosureSpec) -> None:
    ws = wb.create_sheet("政府性基金预算支出表")
    _head(ws, table_titles(spec.year)["fund"], spec.department, f"单位：{spec.unit}", 7)
    header = [("项目", 0, 1, 1, 4), ("政府性基金预算支出", 0, 5, 1, 3), ("功能分类科目编码", 1, 1, 1, 3)]
    header += [("功能分类科目名称", 1, 4, 2, 1), *((label, 1, 5 + i, 2, 1) for i, label in enumerate(GENERAL_COLUMNS))]
    header += [(label, 2, 1 + i, 1, 1) for i, label in enumerate("类款项")]
    _header(ws, header)
    _put(ws, 6, 1, "本部门无政府性基金预算支出", cols=7, align=CENTER)
    _put(ws, 7, 1, "合计", cols=4, align=CENTER)
    _put(ws, 8, 1, f"注:本部门{spec.year}年无政府性基金预算财政拨款安排的预算，故本表为空表。", cols=7)


def _economic_sheet(wb: openpyxl.Workbook, spec: DisclosureSpec) -> None:
    ws = wb.create_sheet("基本支出经济分类预算表")
    _head(ws, table_titles(spec.year)["economic"], spec.department, f"单位：{spec.unit}", 6)
    header = [("项目", 0, 1, 1, 3), ("一般公共预算基本支出", 0, 4, 1, 3), ("部门预算经济分类科目编码", 1, 1, 1, 2)]
    header += [("类", 2, 1, 1, 1), ("款", 2, 2, 1, 1), ("经济分类科目名称", 1, 3, 2, 1)]
    header += [(label, 1, 4 + i, 2, 1) for i, label in enumerate(ECONOMIC_COLUMNS)]
    _header(ws, header)
    row = 6
    for line in spec.economic_rows():
        _put(ws, row, 1, line.code[:3], align=CENTER)
        if len(line.code) > 3:
            _put(ws, row, 2, line.code[3:], align=CENTER)
        _put(ws, row, 3, line.name)
        for col, column in enumerate(ECONOMIC_COLUMNS, start=4):
            _put(ws, row, col, line.amounts[column], fmt=_amount_format(spec))
        row += 1
    _put(ws, row, 1, "合计", cols=3, align=CENTER)
    economic = spec.economic()
    totals = (
        spec.economic_total(),
        sum((e.personnel for e in economic), Decimal(0)),
        sum((e.public for e in economic), Decimal(0)),
    )
    for col, total in enumerate(totals, start=4):
        _put(ws, row, col, spec.in_unit(total), fmt=_amount_format(spec))


def _three_public_sheet(wb: openpyxl.Workbook, spec: DisclosureSpec) -> None:
    ws = wb.create_sheet("三公经费和机关运行经费预算表")
    y = spec.year
    _head(ws, table_titles(y)["three_public"], spec.department, "单位:万元", 7)
    _header(
        ws,
        [
            (f"{y}年“三公”经费预算数", 0, 1, 1, 6),
            (f"{y}年机关运行经\n费预算数", 0, 7, 3, 1),
            ("合计", 1, 1, 2, 1),
            ("因公出国(境)费", 1, 2, 2, 1),
            ("公务用车购置及运行费", 1, 3, 1, 3),
            ("小计", 2, 3, 1, 1),
            ("购置费", 2, 4, 1, 1),
            ("运行费", 2, 5, 1, 1),
            ("公务接待费", 1, 6, 2, 1),
        ],
    )
    figures = spec.three_public()
    for col, column in enumerate(THREE_PUBLIC_COLUMNS, start=1):
        _put(ws, 6, col, figures[column], fmt="0.##")


def build_spec_workbook(path: Path | str, spec: DisclosureSpec) -> Path:
    """The standard tables of ``spec``, one sheet each, laid out like the PDF's (merged headers, split codes)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _summary_sheet(wb, spec)
    for key in ("income", "expenditure", "general"):
        _function_sheet(wb, spec, key)
    _fund_sheet(wb, spec)
    _economic_sheet(wb, spec)
    _three_public_sheet(wb, spec)
    return _save(wb, Path(path))


# ---------------------------------------------------------------------------------------------------------------------
# A hand-written workbook: every expected row written out
# ---------------------------------------------------------------------------------------------------------------------

DEPARTMENT = "上海市长宁区绿化和市容管理局"
YUAN = "#,##0.00"


def _summary(wb: openpyxl.Workbook) -> None:
    """收支总表, two-sided: income items and amounts left, expenditure items and amounts right."""
    ws = wb.create_sheet("收支总表")
    _head(ws, "上海市长宁区2026年部门财务收支预算总表", DEPARTMENT, "单位：元", 4)
    _header(ws, [("本年收入", 0, 1, 1, 2), ("本年支出", 0, 3, 1, 2)])
    _header(ws, [("项目", 1, 1, 1, 1), ("预算数", 1, 2, 1, 1), ("项目", 1, 3, 1, 1), ("预算数", 1, 4, 1, 1)])
    rows = [
        ("一、财政拨款收入", 9876543.21, "一、城乡社区支出", 7800000),
        ("1. 一般公共预算资金", 9876543.21, "二、社会保障和就业支出", "1,200,000.00"),
        ("2. 政府性基金", None, "三、住房保障支出", "876,543.21"),
        ("二、事业收入", "—", None, None),
    ]
    for i, (income, income_amount, spending, spending_amount) in enumerate(rows, start=5):
        _put(ws, i, 1, income)
        _put(ws, i, 2, income_amount, fmt=YUAN)
        _put(ws, i, 3, spending)
        _put(ws, i, 4, spending_amount, fmt=YUAN)
    _put(ws, 10, 1, "收入总计", align=CENTER)
    _put(ws, 10, 2, Decimal("9876543.21"), fmt=YUAN)
    _put(ws, 10, 3, "支出总计", align=CENTER)
    _put(ws, 10, 4, Decimal("9876543.21"), fmt=YUAN)


def _income(wb: openpyxl.Workbook, *, unit: str | None = "单位：元") -> None:
    """收入总表: codes split into 类 款 项 (款 "1" and "2" printed without their zero), 合计 first, merged header."""
    ws = wb.create_sheet("收入总表")
    _head(ws, "2026年部门收入预算总表", DEPARTMENT, unit, 7)
    _header(
        ws,
        [
            ("项目", 0, 1, 1, 4),
            ("收入预算", 0, 5, 1, 3),
            ("功能分类科目编码", 1, 1, 1, 3),
            ("功能分类科目名称", 1, 4, 2, 1),
            ("合计", 1, 5, 2, 1),
            ("财政拨款收入", 1, 6, 2, 1),
            ("事业收入", 1, 7, 2, 1),
            ("类", 2, 1, 1, 1),
            ("款", 2, 2, 1, 1),
            ("项", 2, 3, 1, 1),
        ],
    )
    _put(ws, 6, 1, "合计", cols=4, align=CENTER)
    rows = [
        ("212", None, None, "城乡社区支出", 7800000, 7775000, 25000),
        ("212", 1, None, "城乡社区管理事务", 6000000, 6000000, None),
        ("212", 1, 1, "行政运行", 6000000, 6000000, None),
        ("212", "2", None, "城乡社区规划与管理", 1800000, 1775000, 25000),
        ("212", "2", "01", "城乡社区规划与管理", 1800000, 1775000, 25000),
        ("208", None, None, "社会保障和就业支出", 1200000, 1200000, None),
        ("208", "05", None, "行政事业单位养老支出", 1200000, 1200000, None),
        ("208", "05", "05", "机关事业单位基本养老保险\n缴费支出", 1200000, 1200000, None),
        ("221", None, None, "住房保障支出", 876543.21, 876543.21, None),
        ("221", "02", None, "住房改革支出", 876543.21, 876543.21, None),
        ("221", "02", "01", "住房公积金", 876543.21, 876543.21, None),
    ]
    for row, values in enumerate([(None, None, None, None, 9876543.21, 9851543.21, 25000), *rows], start=6):
        for col, value in enumerate(values, start=1):
            if value is not None:
                _put(ws, row, col, value, fmt=YUAN if col > 4 else None, align=CENTER if col < 4 else None)
    ws.cell(row=14, column=4).alignment = Alignment(wrap_text=True)


def _expenditure(wb: openpyxl.Workbook) -> None:
    """支出总表: codes joined in one cell, amounts printed as text ("1,200,000.00"), blank and "-" cells."""
    ws = wb.create_sheet("支出总表")
    _head(ws, "2026年部门支出预算总表", DEPARTMENT, "单位：元", 5)
    _header(
        ws,
        [
            ("项目", 0, 1, 1, 2),
            ("支出预算", 0, 3, 1, 3),
            ("功能分类科目编码", 1, 1, 1, 1),
            ("功能分类科目名称", 1, 2, 1, 1),
            ("合计", 1, 3, 1, 1),
            ("基本支出", 1, 4, 1, 1),
            ("项目支出", 1, 5, 1, 1),
        ],
    )
    rows = [
        ("212", "城乡社区支出", "7,800,000.00", "6,000,000.00", "1,800,000.00"),
        ("2120101", "行政运行", "6,000,000.00", "6,000,000.00", None),
        ("2120201", "城乡社区规划与管理", "1,800,000.00", None, "1,800,000.00"),
        ("2080505", "机关事业单位基本养老保险缴费支出", "1,200,000.00", "1,200,000.00", "-"),
        ("2210201", "住房公积金", "876,543.21", "876,543.21", "0.00"),
    ]
    for row, values in enumerate(rows, start=5):
        for col, value in enumerate(values, start=1):
            if value is not None:
                _put(ws, row, col, value, align=RIGHT if col > 2 else None)
    _put(ws, 10, 1, "合计", cols=2, align=CENTER)
    for col, value in enumerate(("9,876,543.21", "8,076,543.21", "1,800,000.00"), start=3):
        _put(ws, 10, col, value, align=RIGHT)


def _empty_fund(wb: openpyxl.Workbook) -> None:
    ws = wb.create_sheet("政府性基金")
    _head(ws, "2026年部门政府性基金预算支出表", DEPARTMENT, "单位：元", 5)
    _header(ws, [("项目", 0, 1, 1, 2), ("合计", 0, 3, 1, 1), ("基本支出", 0, 4, 1, 1), ("项目支出", 0, 5, 1, 1)])
    _put(ws, 4, 1, "本部门无此项", cols=5, align=CENTER)


def build_workbook(path: Path, *, sheets: Sequence[str] = ("summary", "income", "expenditure", "fund")) -> Path:
    builders = {"summary": _summary, "income": _income, "expenditure": _expenditure, "fund": _empty_fund}
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        builders[sheet](wb)
    return _save(wb, path)


LINE_COLUMNS = [s.SIDE, s.CLASSIFICATION, s.CODE, s.LEVEL, s.PARENT_CODE, s.NAME, s.COLUMN, s.AMOUNT_YUAN]


def _lines(ds: Dataset, table: str) -> list[tuple[object, ...]]:
    frame = ds.lines.filter(pl.col(s.TABLE) == table)
    return frame.select(LINE_COLUMNS).rows()


def _coded(side: str, code: str, name: str, **amounts: str) -> list[tuple[object, ...]]:
    """Expected rows of a coded line, one per column, in the printed column order."""
    level = {3: 1, 5: 2, 7: 3}[len(code)]
    parent = None if level == 1 else code[: 2 * level - 1]
    kind = "function" if code.startswith("2") else "economic"
    return [(side, kind, code, level, parent, name, column, Decimal(v)) for column, v in amounts.items()]


def _total(side: str, name: str, classification: str = "total", **amounts: str) -> list[tuple[object, ...]]:
    return [(side, classification, None, None, None, name, column, Decimal(v)) for column, v in amounts.items()]


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Dataset]:
    path = build_workbook(tmp_path_factory.mktemp("xlsx") / "changning_greening_2026_dept_budget.xlsx")
    return path, read_disclosure(path)


def test_document_row(workbook: tuple[Path, Dataset]) -> None:
    path, ds = workbook
    (doc,) = ds.documents.rows(named=True)
    assert doc[s.SOURCE_NAME] == path.name
    assert doc[s.SOURCE_FORMAT] == "excel"
    assert doc[s.DEPARTMENT] == DEPARTMENT == doc[s.DEPARTMENT_ID]
    assert doc[s.REGION] == "上海市长宁区"
    assert (doc[s.FISCAL_YEAR], doc[s.PHASE], doc[s.SCOPE]) == (2026, "budget", "department")
    assert doc[s.UNIT_PRINTED] == "元"
    assert doc[s.PAGE_COUNT] == 4
    assert doc[s.DISCLOSURE_ID] == doc[s.DOC_ID] == doc[s.SOURCE_SHA256][:16]
    (department,) = ds.departments.rows(named=True)
    assert (department[s.NAME], department[s.FISCAL_YEAR]) == (DEPARTMENT, 2026)


def test_document_tables(workbook: tuple[Path, Dataset]) -> None:
    _, ds = workbook
    tables = ds.document_tables.select(s.TABLE, s.UNIT_PRINTED, s.PAGE_FROM, s.PAGE_TO, s.STATUS, s.ROW_COUNT)
    assert tables.rows() == [
        ("income_expenditure_summary", "元", 1, 1, "data", 7),
        ("income_summary", "元", 2, 2, "data", 28),
        ("expenditure_summary", "元", 3, 3, "data", 15),
        ("government_fund", "元", 4, 4, "empty", 0),
    ]


def test_two_sided_summary(workbook: tuple[Path, Dataset]) -> None:
    _, ds = workbook
    assert _lines(ds, "income_expenditure_summary") == [
        *_total("income", "财政拨款收入", "source", total="9876543.21"),
        *_total("expenditure", "城乡社区支出", "function", total="7800000.00"),
        *_total("income", "一般公共预算资金", "source", total="9876543.21"),
        *_total("expenditure", "社会保障和就业支出", "function", total="1200000.00"),
        *_total("expenditure", "住房保障支出", "function", total="876543.21"),
        *_total("income", "收入总计", total="9876543.21"),
        *_total("expenditure", "支出总计", total="9876543.21"),
    ]


def test_split_codes_unpadded_kuan_and_wrapped_name(workbook: tuple[Path, Dataset]) -> None:
    _, ds = workbook
    columns = {"total": "", "fiscal_appropriation": "", "business_income": ""}

    def amounts(*values: str | None) -> dict[str, str]:
        return {c: v for c, v in zip(columns, values, strict=True) if v is not None}

    assert _lines(ds, "income_summary") == [
        *_total("income", "合计", **amounts("9876543.21", "9851543.21", "25000.00")),
        *_coded("income", "212", "城乡社区支出", **amounts("7800000.00", "7775000.00", "25000.00")),
        *_coded("income", "21201", "城乡社区管理事务", **amounts("6000000.00", "6000000.00", None)),
        *_coded("income", "2120101", "行政运行", **amounts("6000000.00", "6000000.00", None)),
        *_coded("income", "21202", "城乡社区规划与管理", **amounts("1800000.00", "1775000.00", "25000.00")),
        *_coded("income", "2120201", "城乡社区规划与管理", **amounts("1800000.00", "1775000.00", "25000.00")),
        *_coded("income", "208", "社会保障和就业支出", **amounts("1200000.00", "1200000.00", None)),
        *_coded("income", "20805", "行政事业单位养老支出", **amounts("1200000.00", "1200000.00", None)),
        *_coded("income", "2080505", "机关事业单位基本养老保险缴费支出", **amounts("1200000.00", "1200000.00", None)),
        *_coded("income", "221", "住房保障支出", **amounts("876543.21", "876543.21", None)),
        *_coded("income", "22102", "住房改革支出", **amounts("876543.21", "876543.21", None)),
        *_coded("income", "2210201", "住房公积金", **amounts("876543.21", "876543.21", None)),
    ]
    provenance = ds.lines.filter(pl.col(s.CODE) == "2080505", pl.col(s.TABLE) == "income_summary")
    assert provenance.select(s.PAGE, s.LINE).unique().rows() == [(2, 14)], "page = sheet 2, line = Excel row 14"


def test_joined_codes_text_amounts_and_blank_cells(workbook: tuple[Path, Dataset]) -> None:
    _, ds = workbook
    assert _lines(ds, "expenditure_summary") == [
        *_coded("expenditure", "212", "城乡社区支出", total="7800000.00", basic="6000000.00", project="1800000.00"),
        *_coded("expenditure", "2120101", "行政运行", total="6000000.00", basic="6000000.00"),
        *_coded("expenditure", "2120201", "城乡社区规划与管理", total="1800000.00", project="1800000.00"),
        *_coded("expenditure", "2080505", "机关事业单位基本养老保险缴费支出", total="1200000.00", basic="1200000.00"),
        *_coded("expenditure", "2210201", "住房公积金", total="876543.21", basic="876543.21", project="0.00"),
        *_total("expenditure", "合计", total="9876543.21", basic="8076543.21", project="1800000.00"),
    ]


def test_empty_table_has_no_lines(workbook: tuple[Path, Dataset]) -> None:
    _, ds = workbook
    assert _lines(ds, "government_fund") == []


def test_read_batch_and_suffix(workbook: tuple[Path, Dataset], seed_path: Path) -> None:
    path, ds = workbook
    assert ".xlsx" in supported_suffixes()
    batch = read_batch([path, seed_path], workers=1)
    assert not batch.errors
    merged = batch.merged()
    assert sorted(merged.documents.get_column(s.SOURCE_FORMAT).to_list()) == ["excel", "text"]
    excel = merged.lines.filter(pl.col(s.DOC_ID) == ds.documents.item(0, s.DOC_ID))
    order = [s.PAGE, s.LINE, s.COLUMN]
    assert excel.sort(order).equals(ds.lines.sort(order))


# ---------------------------------------------------------------------------------------------------------------------
# 万元, a cover and a 说明 sheet, the title in the workbook's properties, a hidden sheet
# ---------------------------------------------------------------------------------------------------------------------


def _economic_wan(wb: openpyxl.Workbook, title: str, figures: Sequence[tuple[object, ...]]) -> Worksheet:
    """一般公共预算基本支出表 in 万元 with 类 | 款 code cells, and no 编制部门 row (the cover names the department)."""
    ws = wb.create_sheet(title)
    _put(ws, 1, 1, "2026年部门一般公共预算基本支出表", cols=6, align=CENTER)
    _put(ws, 2, 6, "单位：万元", align=RIGHT)
    _header(
        ws,
        [
            ("项目", 0, 1, 1, 3),
            ("一般公共预算基本支出", 0, 4, 1, 3),
            ("部门预算经济分类科目编码", 1, 1, 1, 2),
            ("经济分类科目名称", 1, 3, 2, 1),
            ("合计", 1, 4, 2, 1),
            ("人员经费", 1, 5, 2, 1),
            ("公用经费", 1, 6, 2, 1),
            ("类", 2, 1, 1, 1),
            ("款", 2, 2, 1, 1),
        ],
    )
    _put(ws, 6, 1, "合计", cols=3, align=CENTER)
    for row, values in enumerate(figures, start=6):
        for col, value in enumerate(values, start=1):
            if value is None:
                continue
            number = isinstance(value, float | int | Decimal) and col > 3
            _put(ws, row, col, value, fmt="0.00" if number and col != 4 else None, align=CENTER if col < 3 else None)
    return ws


WAN_FIGURES = (
    (None, None, None, 600.6, 600.3, Decimal("0.30000000000000004")),  # binary noise, printed "0.30"
    ("301", None, "工资福利支出", 600.3, 600.3, None),  # General format: the stored digits
    ("301", "01", "基本工资", 300.15, 300.15, None),
    ("301", "02", "津贴补贴", 300.15, 300.15, None),
    ("302", None, "商品和服务支出", 0.3, None, 0.3),
    ("302", "1", "办公费", 0.3, None, 0.3),
)


def build_wan_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "封面"
    _put(cover, 3, 1, "上海市长宁区2026年区级部门预算", align=CENTER)
    _put(cover, 5, 1, f"预算主管部门：{DEPARTMENT}", align=CENTER)
    notes = wb.create_sheet("说明")
    paragraphs = (
        "第一部分 部门概况",
        f"{DEPARTMENT}为区政府工作部门，属行政单位。",
        "本部门编制 45 名，实有人数 41 名，下属 1 个预算单位。",
        "第二部分 2026年部门预算编制说明",
        f"2026年，{DEPARTMENT}收入预算987.65万元，比2025年预算增加12.34万元，增长1.27%。",
    )
    for row, text in enumerate(paragraphs, start=1):
        _put(notes, row, 1, text)
    _economic_wan(wb, "基本支出", WAN_FIGURES)
    draft = _economic_wan(
        wb, "底稿", [(None, None, None, 1.0, 1.0, None), ("301", None, "工资福利支出", 1.0, 1.0, None)]
    )
    draft.sheet_state = "hidden"
    wb.properties.title = f"{DEPARTMENT}2026年部门预算"
    return _save(wb, path)


def test_wan_amounts_cover_narrative_and_hidden_sheet(tmp_path: Path) -> None:
    ds = read_disclosure(build_wan_workbook(tmp_path / "changning_greening_2026_wan.xlsx"))
    (doc,) = ds.documents.rows(named=True)
    assert (doc[s.DEPARTMENT], doc[s.FISCAL_YEAR], doc[s.UNIT_PRINTED], doc[s.PAGE_COUNT]) == (
        DEPARTMENT,
        2026,
        "万元",
        4,
    )
    assert _lines(ds, "general_budget_basic_economic") == [
        *_total("expenditure", "合计", total="6006000.00", personnel="6003000.00", public="3000.00"),
        *_coded("expenditure", "301", "工资福利支出", total="6003000.00", personnel="6003000.00"),
        *_coded("expenditure", "30101", "基本工资", total="3001500.00", personnel="3001500.00"),
        *_coded("expenditure", "30102", "津贴补贴", total="3001500.00", personnel="3001500.00"),
        *_coded("expenditure", "302", "商品和服务支出", total="3000.00", public="3000.00"),
        *_coded("expenditure", "30201", "办公费", total="3000.00", public="3000.00"),
    ]
    assert ds.document_tables.select(s.TABLE, s.PAGE_FROM, s.STATUS).rows() == [
        ("general_budget_basic_economic", 3, "data")
    ], "the hidden draft sheet (page 4) is not read"
    (department,) = ds.departments.rows(named=True)
    assert (department[s.UNIT_TYPE], department[s.STAFF_AUTHORIZED], department[s.STAFF_ACTUAL]) == (
        "行政单位",
        45,
        41,
    )
    assert department[s.SUBORDINATE_UNITS] == 1
    assert (department[s.PAGE], department[s.LINE]) == (2, 2), "the 说明 sheet, row 2"
    statement = ds.statements.row(0, named=True)
    assert (statement[s.AMOUNT_YUAN], statement[s.STATED_CHANGE_YUAN]) == (Decimal("9876500.00"), Decimal("123400.00"))
    assert (statement[s.PAGE], statement[s.LINE]) == (2, 5)


def test_year_from_sheet_name_and_title_from_sheet_name(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2026年收支总表"
    _head(ws, "部门财务收支预算总表", DEPARTMENT, "单位：元", 4)
    _put(ws, 3, 1, "项目", align=CENTER)
    _put(ws, 3, 2, "预算数", align=CENTER)
    _put(ws, 3, 3, "项目", align=CENTER)
    _put(ws, 3, 4, "预算数", align=CENTER)
    for col, value in enumerate(("收入总计", 1500, "支出总计", 1500), start=1):
        _put(ws, 4, col, value)
    untitled = wb.create_sheet("部门收入预算总表")  # no title row: the sheet's name is its title
    _put(untitled, 1, 1, f"编制部门：{DEPARTMENT}")
    _put(untitled, 1, 4, "单位：元")
    for col, value in enumerate(("科目编码", "科目名称", "合计", "财政拨款收入"), start=1):
        _put(untitled, 2, col, value, align=CENTER)
    for col, value in enumerate(("2120101", "行政运行", 1500, 1500), start=1):
        _put(untitled, 3, col, value)
    ds = read_disclosure(_save(wb, tmp_path / "undated.xlsx"))
    assert ds.documents.select(s.FISCAL_YEAR, s.PHASE, s.DEPARTMENT).row(0) == (2026, "budget", DEPARTMENT)
    assert ds.document_tables.select(s.TABLE, s.TITLE, s.STATUS).rows() == [
        ("income_expenditure_summary", "部门财务收支预算总表", "data"),
        ("income_summary", "部门收入预算总表", "data"),
    ]
    assert _lines(ds, "income_summary") == _coded(
        "income", "2120101", "行政运行", total="1500.00", fiscal_appropriation="1500.00"
    )
    assert _lines(ds, "income_expenditure_summary") == [
        *_total("income", "收入总计", total="1500.00"),
        *_total("expenditure", "支出总计", total="1500.00"),
    ]


# ---------------------------------------------------------------------------------------------------------------------
# The same figures as a PDF and as a workbook give the same lines
# ---------------------------------------------------------------------------------------------------------------------

COMPARED = [s.TABLE, s.FISCAL_YEAR, s.AS_OF_YEAR, s.PHASE, *LINE_COLUMNS]


@pytest.mark.parametrize("spec", [CHANGNING, CHANGNING_WAN], ids=["yuan", "wan"])
def test_pdf_and_excel_give_the_same_lines(tmp_path: Path, spec: DisclosureSpec) -> None:
    from_pdf = read_disclosure(build_disclosure_pdf(tmp_path / "changning.pdf", spec))
    from_excel = read_disclosure(build_spec_workbook(tmp_path / "changning.xlsx", spec))
    pdf_lines = from_pdf.lines.select(COMPARED).sort(COMPARED, nulls_last=True)
    excel_lines = from_excel.lines.select(COMPARED).sort(COMPARED, nulls_last=True)
    assert excel_lines.height > 150
    assert excel_lines.equals(pdf_lines)
    tables = [s.TABLE, s.UNIT_PRINTED, s.STATUS, s.ROW_COUNT]
    assert (
        from_excel.document_tables.select(tables)
        .sort(s.TABLE)
        .equals(from_pdf.document_tables.select(tables).sort(s.TABLE))
    )
    identity = [s.DEPARTMENT, s.DEPARTMENT_ID, s.REGION, s.FISCAL_YEAR, s.PHASE, s.SCOPE, s.UNIT_PRINTED]
    assert from_excel.documents.select(identity).equals(from_pdf.documents.select(identity))
    # Spot checks against the spec itself: the unpadded 款 of the income table and a 类 total.
    income = from_excel.lines.filter(pl.col(s.TABLE) == "income_summary", pl.col(s.COLUMN) == "total")
    amounts = dict(zip(income.get_column(s.CODE), income.get_column(s.AMOUNT_YUAN), strict=True))
    factor = Decimal(10000) if spec.unit == "万元" else Decimal(1)
    for row in spec.function_rows("income"):
        assert amounts[row.code] == row.amounts["合计"] * factor
    assert amounts["20805"] == Decimal("1834500.00")


def test_three_public_columns(tmp_path: Path) -> None:
    ds = read_disclosure(build_spec_workbook(tmp_path / "changning.xlsx", CHANGNING))
    rows = ds.lines.filter(pl.col(s.TABLE) == "three_public_and_operation").select(s.COLUMN, s.AMOUNT_YUAN).rows()
    assert sorted(rows) == sorted(
        [
            ("total", Decimal("104800.00")),
            ("overseas_travel", Decimal("0.00")),
            ("vehicles", Decimal("96000.00")),
            ("vehicle_purchase", Decimal("0.00")),
            ("vehicle_operation", Decimal("96000.00")),
            ("reception", Decimal("8800.00")),
            ("operating_costs", Decimal("1534200.00")),
        ]
    )


# ---------------------------------------------------------------------------------------------------------------------
# Files the reader refuses: each error names the file and, where one is at fault, the sheet
# ---------------------------------------------------------------------------------------------------------------------


def _raises(path: Path, pattern: str) -> ReaderError:
    with pytest.raises(ReaderError, match=pattern) as caught:
        read_disclosure(path)
    assert str(caught.value).startswith(path.name)
    return caught.value


def test_text_file_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "budget_2026.xlsx"
    path.write_text("2026年部门收入预算总表\n编制部门：上海市长宁区绿化和市容管理局 单位：元\n", encoding="utf-8")
    error = _raises(path, r"not an \.xlsx workbook: the file is not a zip archive")
    assert error.where == ""


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    _raises(path, r"the file is empty; expected an Excel \(\.xlsx\) budget workbook")


def test_truncated_workbook(tmp_path: Path) -> None:
    whole = build_workbook(tmp_path / "whole.xlsx").read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    _raises(path, r"the workbook is damaged: its zip archive is truncated or corrupt")


def test_corrupt_sheet_inside_the_zip(tmp_path: Path) -> None:
    source = build_workbook(tmp_path / "whole.xlsx")
    path = tmp_path / "garbled.xlsx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as garbled:
        for item in original.infolist():
            content = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            garbled.writestr(item, content)
    _raises(path, r"the workbook is damaged and cannot be opened \(ParseError")


def test_zip_that_is_no_workbook(tmp_path: Path) -> None:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "部门预算")
    _raises(path, r"a zip archive but not an Excel workbook")


def test_old_xls_and_encrypted_workbook(tmp_path: Path) -> None:
    # Both are OLE compound files; an encrypted .xlsx holds an "EncryptionInfo" stream.
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    xls = tmp_path / "old.xlsx"
    xls.write_bytes(header + "Workbook".encode("utf-16-le") + bytes(512))
    _raises(xls, r"old binary Excel file \(\.xls, Excel 97-2003\)")
    encrypted = tmp_path / "locked.xlsx"
    encrypted.write_bytes(header + "EncryptionInfo".encode("utf-16-le") + bytes(512))
    _raises(encrypted, r"encrypted \(password protected\)")


def test_workbook_without_a_standard_table(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "菜单"
    for row, (dish, price) in enumerate((("红烧肉", 68), ("清炒虾仁", 88), ("合计", 156)), start=1):
        _put(ws, row, 1, dish)
        _put(ws, row, 2, price)
    wb.create_sheet("Sheet2")
    _raises(_save(wb, tmp_path / "menu.xlsx"), r"no sheet holds a standard budget table \(sheets: 菜单、Sheet2\)")


def test_table_sheet_without_unit(tmp_path: Path) -> None:
    path = build_workbook(tmp_path / "no_unit.xlsx", sheets=("summary",))
    wb = openpyxl.load_workbook(path)
    _income(wb, unit=None)
    # Degrade, never refuse: the table without a unit is recorded as unreadable, the rest of the workbook is read.
    ds = read_disclosure(_save(wb, path))
    income = ds.document_tables.filter(pl.col("table") == "income_summary")
    assert income.get_column("status").to_list() == ["unreadable"]
    assert "no unit" in income.get_column("reason").item()
    assert ds.lines.filter(pl.col("table") == "income_summary").is_empty()
    assert ds.lines.filter(pl.col("table") == "income_expenditure_summary").height > 0
    finding = ds.reading_findings.filter(pl.col("kind") == "unreadable_table")
    assert finding.get_column("table").to_list() == ["income_summary"]


def test_cell_showing_an_excel_error(tmp_path: Path) -> None:
    path = build_workbook(tmp_path / "ref_error.xlsx", sheets=("summary",))
    with zipfile.ZipFile(path) as archive:
        parts = {item.filename: archive.read(item.filename) for item in archive.infolist()}
    text = parts["xl/worksheets/sheet1.xml"].decode()
    # D6 holds an error value as Excel saves it: type "e", the error text as the value.
    start = text.index('<c r="D6"')
    end = text.index("</c>", start) + len("</c>")
    parts["xl/worksheets/sheet1.xml"] = (text[:start] + '<c r="D6" t="e"><v>#REF!</v></c>' + text[end:]).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    error = _raises(path, r"sheet 收支总表, cell D6: the cell shows the Excel error #REF!")
    assert error.where == "sheet 收支总表, cell D6"


def test_formulas_without_saved_results(tmp_path: Path) -> None:
    path = build_workbook(tmp_path / "formulas.xlsx", sheets=("summary",))
    wb = openpyxl.load_workbook(path)
    wb["收支总表"]["B10"] = "=SUM(B6:B8)"  # openpyxl saves the formula, not its result
    _raises(_save(wb, path), r"sheet 收支总表, cell B10: the workbook's 1 formula\(s\) have no saved results")


def test_no_year_anywhere(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "收支总表"
    _head(ws, "部门财务收支预算总表", DEPARTMENT, "单位：元", 4)
    for col, value in enumerate(("收入总计", 1500, "支出总计", 1500), start=1):
        _put(ws, 4, col, value)
    _raises(_save(wb, tmp_path / "undated.xlsx"), r"no fiscal year")
