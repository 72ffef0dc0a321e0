"""A total printed blank beside figures it should add up is a reading finding (``blank_total``): documents this test
builds (``tests/layout_pdf.py``, a department and figures of its own), each with the total printed and left blank."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from analytics import schema as s
from analytics.checks import run_checks
from analytics.ingest import read_disclosure
from tests.layout_pdf import DEPARTMENT, YEAR, Text, build, cover, narrative, row


def _front() -> list[Text]:
    return cover() + narrative(["一、部门预算情况说明", "本部门收支预算见下表。"], top=220)


def _blank_totals(path: Path) -> pl.DataFrame:
    ds = read_disclosure(path)
    return ds.reading_findings.filter(pl.col(s.KIND) == "blank_total")


def _spending_summary(total: str | None) -> list[Text]:
    """A 部门支出总表 of one 合计 row (as provincial forms print it): 合计 = 基本支出 63.40 + 项目支出 27.15."""
    page = [Text(300, 50, f"{DEPARTMENT}{YEAR}年部门支出总表", size=12), Text(640, 72, "单位：万元")]
    page += [Text(330, 110, "合计"), Text(450, 110, "基本支出"), Text(570, 110, "项目支出")]
    cells = [(360, total)] if total else []
    page += [Text(x, 135, value, right=True) for x, value in [*cells, (490, "63.40"), (610, "27.15")]]
    return page


@pytest.mark.parametrize(("total", "found"), [("90.55", 0), (None, 1)])
def test_a_blank_total_cell_named_by_the_header_is_found(tmp_path: Path, total: str | None, found: int) -> None:
    blank = _blank_totals(build(tmp_path / "spending.pdf", [_front(), _spending_summary(total)]))
    assert blank.height == found
    if found:
        finding = blank.row(0, named=True)
        assert finding[s.TABLE] == "expenditure_summary"
        assert finding[s.COLUMN] == "total"
        assert finding[s.PAGE] == 2
        assert "90.55 万元" in finding[s.MESSAGE_ZH]  # what the total should be: 63.40 + 27.15


def _function_table(total: str | None, category: str | None) -> list[Text]:
    """一般公共预算支出表 with a 合计 row above its rows: 213 农林水支出 48.20 = 21301 农业农村 30.00 + 21303 水利
    18.20, and 201 一般公共服务支出 12.00."""
    page = [Text(300, 50, f"{DEPARTMENT}{YEAR}年一般公共预算支出表", size=12), Text(640, 72, "单位：万元")]
    page += [Text(60, 110, "科目编码"), Text(160, 110, "科目名称"), Text(420, 110, "合计")]
    page += row(135, "合计", *([(440, total)] if total else []), label_x=160)
    page += [Text(60, 160, "201"), *row(160, "一般公共服务支出", (440, "12.00"), label_x=160)]
    page += [Text(60, 185, "213"), *row(185, "农林水支出", *([(440, category)] if category else []), label_x=160)]
    page += [Text(60, 210, "21301"), *row(210, "农业农村", (440, "30.00"), label_x=170)]
    page += [Text(60, 235, "21303"), *row(235, "水利", (440, "18.20"), label_x=170)]
    return page


@pytest.mark.parametrize(
    ("total", "category", "cells"),
    [
        ("60.20", "48.20", []),  # both printed
        (None, "48.20", ["合计"]),  # the table's 合计 row prints nothing
        ("60.20", None, ["农林水支出"]),  # the 类 prints nothing while its 款 print figures
    ],
)
def test_a_total_row_printed_without_its_figure_is_found(
    tmp_path: Path, total: str | None, category: str | None, cells: list[str]
) -> None:
    blank = _blank_totals(build(tmp_path / "function.pdf", [_front(), _function_table(total, category)]))
    assert blank.get_column(s.CELL_TEXT).to_list() == cells
    assert set(blank.get_column(s.PAGE).to_list()) <= {2}
    if cells:
        # It reaches the findings as the reader's doubt, with its page.
        ds = read_disclosure(tmp_path / "function.pdf")
        flags = run_checks(ds, rules=["reading.doubt"])
        assert flags.filter(pl.col(s.SUBJECT) == "空白的合计").height == 1


def _income_table(subtotal: str | None) -> list[Text]:
    """收入预算总表 in the provincial layout: each source's 小计 heads its rows; 政府性基金 has none, its 小计 is
    blank."""
    page = [Text(300, 50, f"{DEPARTMENT}{YEAR}年部门收入预算总表", size=12), Text(640, 72, "单位：万元")]
    page += [Text(60, 110, "项目名称"), Text(600, 110, "金额")]
    page += row(135, "收入总计", (640, "75.30"), label_x=250)
    page += row(160, "一般公共预算资金", label_x=60) + row(
        160, "小计", *([(640, subtotal)] if subtotal else []), label_x=250
    )
    page += row(185, "公共财政拨款(补助)资金", (640, "75.30"), label_x=250)
    page += row(210, "政府性基金", label_x=60) + row(210, "小计", label_x=250)
    return page


def test_a_group_subtotal_over_blank_parts_is_no_finding(tmp_path: Path) -> None:
    # The 政府性基金 小计 is blank above nothing: the form printed with no such income, not a figure left out.
    blank = _blank_totals(build(tmp_path / "income.pdf", [_front(), _income_table("75.30")]))
    assert blank.is_empty()


def _two_sided(income_subtotal: str | None) -> list[Text]:
    page = [Text(300, 50, f"{DEPARTMENT}{YEAR}年部门收支预算总表", size=12), Text(640, 72, "单位：万元")]
    page += [Text(60, 110, "收入项目"), Text(250, 110, "预算数"), Text(420, 110, "支出项目"), Text(620, 110, "预算数")]
    page += row(135, "一、一般公共预算拨款收入", (280, "41.60")) + row(135, "一、教育支出", (660, "41.60"), label_x=420)
    income = [(280, income_subtotal)] if income_subtotal else []
    page += row(160, "当年收入小计", *income) + row(160, "当年支出小计", (660, "41.60"), label_x=420)
    page += row(185, "收入总计", (280, "41.60")) + row(185, "支出总计", (660, "41.60"), label_x=420)
    return page


@pytest.mark.parametrize(("subtotal", "found"), [("41.60", []), (None, ["当年收入小计"])])
def test_a_blank_current_year_subtotal_of_a_summary_is_found(
    tmp_path: Path, subtotal: str | None, found: list[str]
) -> None:
    blank = _blank_totals(build(tmp_path / "summary.pdf", [_front(), _two_sided(subtotal)]))
    assert blank.get_column(s.CELL_TEXT).to_list() == found
