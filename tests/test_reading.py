"""Reads that verify themselves, and what the readers do with what they cannot read: documents this test builds
(``tests/layout_pdf.py``, a department and figures of its own) for each failure class of the national forms."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from analytics import schema as s
from analytics.checks import run_checks
from analytics.ingest import read_disclosure
from analytics.ingest._verify import best_placement, verify_rows
from analytics.reading import reading_report, required_tables
from analytics.store import Dataset
from tests.layout_pdf import DEPARTMENT, YEAR, Text, build, cover, narrative, row, summary_page

W = Decimal(10000)  # 元 per 万元
#: Right edges of the nine amount cells of a provincial 三公 form: 合计, 三公 小计, 因公出国, 公务用车 小计, 购置费,
#: 运行费, 公务接待费, 会议费, 培训费.
EDGES = (130, 200, 270, 340, 410, 480, 550, 620, 690)
HEADS = ("合计", "小计", "因公出国(境)费", "小计", "购置费", "运行费", "公务接待费", "会议费", "培训费")
THREE_PUBLIC_TITLE = (f"{DEPARTMENT}{YEAR}年一般公共预算“三公”经费、会议费、培训费", "支出预算表")


def _front(*sentences: str) -> list[Text]:
    return cover() + narrative(["一、部门预算情况说明", *sentences], top=220)


def _three_public_page(values: list[tuple[float, str]], unit: str = "单位：万元") -> list[Text]:
    words = [Text(200, 40 + 16 * i, t, size=11) for i, t in enumerate(THREE_PUBLIC_TITLE)]
    words += [Text(620, 80, unit), Text(330, 100, "“三公”经费"), Text(370, 115, "公务用车购置及运行费")]
    words += [
        Text(edge - 35 - (20 if len(head) >= 4 else 0), 130, head, size=7)
        for edge, head in zip(EDGES, HEADS, strict=True)
    ]
    words += [Text(edge, 160, value, right=True) for edge, value in values]
    return words


def _by_column(ds: Dataset, table: str) -> dict[str, Decimal]:
    rows = ds.lines.filter(pl.col(s.TABLE) == table).select(s.COLUMN, s.AMOUNT_YUAN).rows()
    return dict(rows)


def test_a_blank_cell_between_filled_ones_keeps_every_figure_in_its_column(tmp_path: Path) -> None:
    # 公务用车购置费 is blank: 三公 400 = 出国 90 + 公务用车 200 + 接待 110; 合计 1000 = 400 + 会议 350 + 培训 250.
    printed = ["1,000.00", "400.00", "90.00", "200.00", None, "200.00", "110.00", "350.00", "250.00"]
    page = _three_public_page([(e, v) for e, v in zip(EDGES, printed, strict=False) if v])
    ds = read_disclosure(build(tmp_path / "blank.pdf", [_front(), page]))
    got = _by_column(ds, "three_public_and_operation")
    assert got == {
        "total": 1000 * W,
        "three_public_total": 400 * W,
        "overseas_travel": 90 * W,
        "vehicles": 200 * W,
        "vehicle_operation": 200 * W,
        "reception": 110 * W,
        "meetings": 350 * W,
        "training": 250 * W,
    }
    assert set(ds.lines.get_column(s.VERIFICATION)) == {"verified"}


def test_amounts_shifted_off_their_cells_are_placed_by_the_identities(tmp_path: Path) -> None:
    # The text layer collapsed the blank cell: the eight amounts stand under the first eight cells. By position
    # 接待 would read 350 and 会议 250; only one placement keeps 三公 = 出国 + 公务用车 + 接待 and
    # 合计 = 三公 + 会议 + 培训.
    printed = ["1,000.00", "400.00", "90.00", "200.00", "200.00", "110.00", "350.00", "250.00"]
    page = _three_public_page(list(zip(EDGES, printed, strict=False)))
    ds = read_disclosure(build(tmp_path / "shifted.pdf", [_front(), page]))
    got = _by_column(ds, "three_public_and_operation")
    assert got["three_public_total"] == 400 * W
    assert got["reception"] == 110 * W
    assert got["meetings"] == 350 * W
    assert got["training"] == 250 * W
    assert got["vehicles"] == 200 * W
    # Which of 购置费 / 运行费 is the blank one no identity can tell; together they are the 公务用车 小计.
    assert got.get("vehicle_purchase", 0) + got.get("vehicle_operation", 0) == 200 * W
    assert set(ds.lines.get_column(s.VERIFICATION)) == {"verified"}


def test_a_row_no_placement_can_reconcile_is_kept_as_printed_and_marked_contradicted(tmp_path: Path) -> None:
    # 三公 小计 400 ≠ 90 + 200 + 100: no placement makes every identity hold.
    printed = ["1,000.00", "400.00", "90.00", "200.00", "0.00", "200.00", "100.00", "350.00", "250.00"]
    page = _three_public_page(list(zip(EDGES, printed, strict=False)))
    ds = read_disclosure(build(tmp_path / "wrong.pdf", [_front(), page]))
    got = _by_column(ds, "three_public_and_operation")
    assert got["reception"] == 100 * W and got["three_public_total"] == 400 * W
    status = dict(ds.lines.select(s.COLUMN, s.VERIFICATION).rows())
    # 合计 1000 = 400 + 350 + 250 and 公务用车 200 = 0 + 200 hold; what only the failing 三公 identity speaks of is
    # doubted.
    assert status["three_public_total"] == status["vehicle_operation"] == status["total"] == "verified"
    assert status["overseas_travel"] == status["reception"] == "contradicted"
    finding = ds.reading_findings.filter(pl.col(s.KIND) == "contradicted")
    assert finding.height >= 1
    assert finding.get_column(s.PAGE).to_list()[0] == 2
    # The doubt reaches the findings as the reader's, apart from the checks of the document.
    flags = run_checks(ds, rules=["reading.doubt"])
    assert set(flags.get_column(s.SOURCE)) == {"reader"}
    assert set(flags.get_column(s.FAMILY)) == {"reading"}
    assert flags.get_column(s.EVIDENCE).to_list()[0][0][s.PAGE] == 2


def test_a_unit_wrapped_onto_two_lines_is_read(tmp_path: Path) -> None:
    title = f"{DEPARTMENT}{YEAR}年部门收支总表"
    ds = read_disclosure(
        build(tmp_path / "wrapped.pdf", [_front(), summary_page(title, "876.50", "876.50", ("单位：万", "元"))])
    )
    totals = ds.lines.filter(pl.col(s.CLASSIFICATION) == "total").select(s.SIDE, s.AMOUNT_YUAN).rows()
    assert sorted(totals) == [("expenditure", Decimal("8765000.00")), ("income", Decimal("8765000.00"))]
    assert ds.document_tables.get_column(s.UNIT_PRINTED).to_list() == ["万元"]


def test_a_table_without_unit_takes_the_documents_unit_and_says_so(tmp_path: Path) -> None:
    title = f"{DEPARTMENT}{YEAR}年部门收支总表"
    printed = ["1,000.00", "400.00", "90.00", "200.00", "0.00", "200.00", "110.00", "350.00", "250.00"]
    pages = [
        _front(),
        summary_page(title, "321.00", "321.00"),
        _three_public_page(list(zip(EDGES, printed, strict=False)), unit=""),
    ]
    ds = read_disclosure(build(tmp_path / "no_unit.pdf", pages))
    assert _by_column(ds, "three_public_and_operation")["total"] == 1000 * W
    inferred = ds.reading_findings.filter(pl.col(s.KIND) == "unit_inferred")
    assert inferred.get_column(s.TABLE).to_list() == ["three_public_and_operation"]
    assert "万元" in inferred.get_column(s.MESSAGE_ZH).item()


def test_a_table_without_any_unit_in_the_document_is_kept_as_unreadable_and_the_rest_is_stored(tmp_path: Path) -> None:
    printed = ["1,000.00", "400.00", "90.00", "200.00", "0.00", "200.00", "110.00", "350.00", "250.00"]
    pages = [
        _front("本部门2027年“三公”经费预算 400.00 万元。"),
        _three_public_page(list(zip(EDGES, printed, strict=False)), unit=""),
    ]
    ds = read_disclosure(build(tmp_path / "nowhere.pdf", pages))
    table = ds.document_tables.row(0, named=True)
    assert (table[s.TABLE], table[s.STATUS]) == ("three_public_and_operation", "unreadable")
    assert "no unit" in table[s.REASON]
    assert ds.lines.is_empty()
    assert ds.statements.filter(pl.col(s.AMOUNT_YUAN) == 400 * W).height == 1  # the narrative is still read
    assert ds.reading_findings.get_column(s.KIND).to_list() == ["unreadable_table"]


def test_a_page_number_under_a_table_is_no_figure(tmp_path: Path) -> None:
    title = f"{DEPARTMENT}{YEAR}年政府性基金预算支出表"
    page = [
        Text(300, 50, title, size=12),
        Text(640, 72, "单位：万元"),
        Text(60, 110, "功能分类科目"),
        Text(400, 110, "合计"),
        Text(60, 140, "本部门无政府性基金预算支出，故本表为空表。"),
        Text(420, 560, "13"),
    ]
    ds = read_disclosure(build(tmp_path / "footer.pdf", [_front(), page]))
    assert ds.lines.is_empty()
    assert ds.document_tables.get_column(s.STATUS).to_list() == ["empty"]


def test_a_page_number_below_the_rows_of_a_table_is_not_read(tmp_path: Path) -> None:
    title = f"{DEPARTMENT}{YEAR}年一般公共预算支出表"
    page = [
        Text(300, 50, title, size=12),
        Text(640, 72, "单位：万元"),
        Text(60, 110, "科目名称"),
        Text(420, 110, "合计"),
    ]
    page += row(135, "合计", (440, "55.50"))
    page += row(160, "一般公共服务支出", (440, "55.50"), label_x=80)
    page += [Text(420, 560, "- 7 -")]
    ds = read_disclosure(build(tmp_path / "footer2.pdf", [_front(), page]))
    assert sorted(ds.lines.get_column(s.AMOUNT_YUAN).to_list()) == [Decimal("555000.00")] * 2


def test_a_sentence_quoting_a_title_is_no_table(tmp_path: Path) -> None:
    front = _front(
        "按“部门预算公开08表 财政拨款基本支出预算表”",
        "中的口径填列，具体情况说明如下。",
        "本部门基本支出预算 66.00 万元。",
    )
    title = f"{DEPARTMENT}{YEAR}年部门收支总表"
    ds = read_disclosure(build(tmp_path / "quoted.pdf", [front, summary_page(title, "66.00", "66.00")]))
    assert ds.document_tables.get_column(s.TABLE).to_list() == ["income_expenditure_summary"]
    assert ds.reading_findings.is_empty()


@pytest.mark.parametrize("cell", ["#REF!", "NaN", "?", "1.2.3", "12a.4x", "(5"])
def test_a_cell_that_is_no_amount_is_a_reading_finding_never_glued_to_the_name(tmp_path: Path, cell: str) -> None:
    title = f"{DEPARTMENT}{YEAR}年部门支出总表"
    page = [Text(300, 50, title, size=12), Text(640, 72, "单位：万元"), Text(60, 110, "科目名称")]
    page += [Text(330, 110, "合计"), Text(450, 110, "基本支出"), Text(570, 110, "项目支出")]
    page += row(135, "合计", (360, "80.00"), (490, "30.00"), (610, "50.00"))
    page += row(160, "城乡社区支出", (360, "80.00"), (490, cell), (610, "50.00"), label_x=80)
    ds = read_disclosure(build(tmp_path / "bad.pdf", [_front(), page]))
    names = set(ds.lines.get_column(s.NAME))
    assert names == {"合计", "城乡社区支出"}, names
    city = ds.lines.filter(pl.col(s.NAME) == "城乡社区支出")
    assert dict(city.select(s.COLUMN, s.AMOUNT_YUAN).rows()) == {"total": 80 * W, "project": 50 * W}
    bad = ds.reading_findings.filter(pl.col(s.KIND) == "bad_cell").row(0, named=True)
    assert (bad[s.CELL_TEXT], bad[s.PAGE]) == (cell, 2)
    assert cell in bad[s.MESSAGE_ZH]


def test_verify_rows_marks_a_class_that_is_the_sum_of_its_items_and_doubts_one_that_is_not() -> None:
    def line(code: str | None, name: str, amount: str, level: int | None = None, cls: str = "function") -> dict:
        return {
            s.TABLE: "general_budget_function", s.SIDE: "expenditure", s.CLASSIFICATION: cls, s.CODE: code,
            s.NAME: name, s.LEVEL: level, s.PARENT_CODE: code[:-2] if code and len(code) > 3 else None,
            s.COLUMN: "total", s.AMOUNT_BASIS: "budget", s.AMOUNT_YUAN: Decimal(amount), s.FISCAL_YEAR: 2027,
            s.PAGE: 3, s.LINE: 9, s.SOURCE_TEXT: name,
        }  # fmt: skip

    rows = [
        line(None, "合计", "700", cls="total"),
        line("201", "一般公共服务支出", "500", 1),
        line("20101", "人大事务", "200", 2),
        line("20103", "政府办公厅", "300", 2),
        line("212", "城乡社区支出", "200", 1),
        line("21201", "城乡社区管理事务", "150", 2),
    ]
    findings = verify_rows(rows, {"general_budget_function": Decimal(1)})
    status = {r[s.NAME]: r[s.VERIFICATION] for r in rows}
    assert status["人大事务"] == status["一般公共服务支出"] == status["合计"] == "verified"
    assert status["城乡社区管理事务"] == "contradicted"
    assert [f[s.KIND] for f in findings] == ["contradicted"]
    assert "200.00" not in findings[0][s.MESSAGE_ZH]  # figures in 万元: 0.02 and 0.02
    assert "城乡社区支出" in findings[0][s.MESSAGE_ZH]


def test_best_placement_refuses_when_no_placement_holds() -> None:
    cells = [["total"], ["overseas_travel"], ["vehicles"], ["reception"]]
    amounts = [Decimal(v) for v in ("100", "10", "20")]
    assert best_placement("three_public_and_operation", "expenditure", cells, amounts, Decimal(0)) is None


def test_reading_report_counts_tables_and_figures_per_disclosure(tmp_path: Path) -> None:
    title = f"{DEPARTMENT}{YEAR}年部门收支总表"
    ds = read_disclosure(build(tmp_path / "report.pdf", [_front(), summary_page(title, "12.00", "12.00")]))
    report = reading_report(ds).row(0, named=True)
    assert report["tables_expected"] == len(required_tables("budget", "department")) == 8
    assert report["tables_found"] == 1
    assert "three_public_and_operation" in report["tables_missing"]
    assert (report["figures"], report["figures_verified"]) == (4, 2)
    assert report["share_verified"] == pytest.approx(0.5)
    assert report["sources"] == ["report.pdf"]
