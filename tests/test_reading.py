"""Reads that verify themselves, and what the readers do with what they cannot read: documents this test builds
(``tests/layout_pdf.py``, a department and figures of its own) for each failure class of the national forms."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from analytics import schema as s
from analytics.checks import run_checks
from analytics.compare import measures
from analytics.ingest import read_disclosure
from analytics.ingest._verify import best_placement, verify_rows
from analytics.reading import reading_report, required_tables
from analytics.store import Dataset
from tests.layout_pdf import DEPARTMENT, YEAR, Text, build, centred, cover, narrative, row, summary_page

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


@pytest.mark.parametrize(
    ("under", "status"),
    [
        ([Text(60, 140, "（无国有资本经营预算支出）")], "empty"),  # a note alone on its line
        ([Text(400, 140, "合计")], "empty"),  # the form printed with an empty 合计 row
        ([], "no_rows"),  # the title and header only: nothing says the table is empty
    ],
)
def test_a_table_printed_empty_stays_empty(tmp_path: Path, under: list[Text], status: str) -> None:
    page = [
        Text(300, 50, f"{DEPARTMENT}{YEAR}年国有资本经营预算支出表", size=12),
        Text(640, 72, "单位：万元"),
        Text(60, 110, "功能分类科目编码"),
        Text(200, 110, "科目名称"),
        Text(600, 110, "金额"),
        *under,
    ]
    ds = read_disclosure(build(tmp_path / "empty.pdf", [_front(), page]))
    assert ds.lines.is_empty()
    assert ds.document_tables.select(s.TABLE, s.STATUS).rows() == [("state_capital", status)]
    assert ds.reading_findings.is_empty()


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


# A 高等学校收入决算表: 事业收入 is a group over 金额 and 其中：教育收费 (an "of which" column, part of no sum); the
# blank 上级补助收入 column to its left leaves no amount to show where the group's cells begin. Headers stand over
# their amounts, a little left of the amounts' right edges.
INCOME_EDGES = {
    "total": 250,
    "fiscal_appropriation": 330,
    "higher_subsidy": 410,
    "business_income": 490,
    "of_which_tuition": 570,
    "operating_income": 650,
    "subordinate_income": 730,
    "other_income": 810,
}
INCOME_COLUMNS = ("total", "fiscal_appropriation", "business_income", "of_which_tuition", "other_income")


def _college_income_page(rows: list[tuple[str | None, str, tuple[str | None, ...]]]) -> list[Text]:
    """The 收入决算表 of a college: (code, name, amounts of INCOME_COLUMNS, ``None`` for a blank cell) per row."""
    words = [Text(330, 50, f"{DEPARTMENT}收入决算表", size=12), Text(740, 72, "单位：万元")]
    words += [Text(40, 112, "科目编码"), Text(100, 112, "科目名称"), centred(510, 100, "事业收入")]
    heads = {"total": "本年收入合计", "fiscal_appropriation": "财政拨款收入", "higher_subsidy": "上级补助收入"}
    heads |= {"operating_income": "经营收入", "subordinate_income": "附属单位上缴收入", "other_income": "其他收入"}
    words += [centred(INCOME_EDGES[key] - 20, 112, head) for key, head in heads.items()]
    words += [centred(470, 124, "金额"), centred(550, 124, "其中：教"), centred(550, 136, "育收费")]
    for number, (code, name, amounts) in enumerate(rows):
        y = 165 + 20 * number
        words += [Text(40, y, code)] if code else []
        words += [Text(100 if code else 120, y, name)]
        words += [
            Text(INCOME_EDGES[key], y, value, right=True)
            for key, value in zip(INCOME_COLUMNS, amounts, strict=True)
            if value is not None
        ]
    return words


def _college_final(tmp_path: Path, name: str, rows: list[tuple[str | None, str, tuple[str | None, ...]]]) -> Dataset:
    front = cover(kind="部门决算") + narrative(["一、部门决算情况说明"], top=220)
    return read_disclosure(build(tmp_path / name, [front, _college_income_page(rows)]))


def _cells_of(ds: Dataset, code: str | None) -> dict[str, tuple[Decimal, str]]:
    rows = ds.lines.filter(pl.col(s.CODE).eq_missing(code) & (pl.col(s.TABLE) == "income_summary"))
    return {c: (a, v) for c, a, v in rows.select(s.COLUMN, s.AMOUNT_YUAN, s.VERIFICATION).rows()}


COLLEGE_ROWS: list[tuple[str | None, str, tuple[str | None, ...]]] = [
    ("205", "教育支出", ("900.00", "520.00", "300.00", "180.00", "80.00")),
    ("20502", "普通教育", ("900.00", "520.00", "300.00", "180.00", "80.00")),
    ("2050204", "高中教育", ("200.00", "140.00", "40.00", "30.00", "20.00")),
    ("2050205", "高等教育", ("700.00", "380.00", "260.00", "150.00", "60.00")),
    ("221", "住房保障支出", ("100.00", "80.00", None, None, "20.00")),
    (None, "合计", ("1,000.00", "600.00", "300.00", "180.00", "100.00")),
]


def test_a_group_over_an_amount_and_an_of_which_column_names_both_and_the_of_which_is_in_no_sum(
    tmp_path: Path,
) -> None:
    ds = _college_final(tmp_path, "college.pdf", COLLEGE_ROWS)
    assert _cells_of(ds, "205") == {
        "total": (900 * W, "verified"),
        "fiscal_appropriation": (520 * W, "verified"),
        "business_income": (300 * W, "verified"),
        "of_which_tuition": (180 * W, "verified"),  # by the sums down its column: 180 = 30 + 150
        "other_income": (80 * W, "verified"),
    }
    assert set(ds.lines.get_column(s.AMOUNT_BASIS)) == {"actual"}
    assert ds.reading_findings.is_empty()


def test_a_publishers_total_a_cent_off_its_parts_still_verifies(tmp_path: Path) -> None:
    rows = list(COLLEGE_ROWS)
    rows[2] = ("2050204", "高中教育", ("200.01", "140.00", "40.00", "30.00", "20.00"))  # 0.01 万元 of rounding
    ds = _college_final(tmp_path, "cent.pdf", rows)
    assert set(ds.lines.get_column(s.VERIFICATION)) == {"verified"}
    assert _cells_of(ds, "2050204")["total"] == (Decimal("2000100.00"), "verified")
    assert ds.reading_findings.is_empty()


def test_an_amount_is_never_moved_into_an_of_which_column_to_make_a_row_add_up(tmp_path: Path) -> None:
    # The publisher's 高中教育 合计 leaves out its 事业收入 0.50 (200.00 printed, parts 200.50); the 0.50 stands under
    # 金额, and its column sums confirm it there (普通教育 300.50 = 0.50 + 300.00).
    rows = [
        ("205", "教育支出", ("900.00", "520.00", "300.50", "150.00", "80.00")),
        ("20502", "普通教育", ("900.00", "520.00", "300.50", "150.00", "80.00")),
        ("2050204", "高中教育", ("200.00", "180.00", "0.50", None, "20.00")),
        ("2050205", "高等教育", ("700.00", "340.00", "300.00", "150.00", "60.00")),
    ]
    ds = _college_final(tmp_path, "publisher.pdf", rows)
    high_school = _cells_of(ds, "2050204")
    assert high_school["business_income"][0] == Decimal("5000.00")
    assert "of_which_tuition" not in high_school
    # Its values agree down their columns, its row does not add up: doubtful, and said so.
    assert {v for _, v in high_school.values()} == {"contradicted"}
    by = ds.lines.filter(pl.col(s.CODE) == "2050204").get_column(s.VERIFIED_BY).to_list()
    assert all(b.startswith("不符：收入合计 = 各来源之和") for b in by)
    assert any("核实" in b for b in by)
    findings = ds.reading_findings.filter(pl.col(s.PAGE) == 2)
    assert "原表计算差异或栏目错位" in " ".join(findings.get_column(s.MESSAGE_ZH).to_list())
    # 高等教育, whose row adds up, stays verified.
    assert {v for _, v in _cells_of(ds, "2050205").values()} == {"verified"}


# The national 决算 form 财政拨款“三公”经费支出决算表: each column a 预算数 / 决算数 pair, under a heading over the
# whole table and a 公务用车 group over three of the pairs; its 合计 is the 三公经费 total.
PAIR_EDGES = [205 + 55 * i for i in range(12)]
PAIR_HEADS = ("合计", "因公出国（境）费", "小计", "公务用车购置费", "公务用车运行维护费", "公务接待费")


def _three_public_final_page(values: list[str]) -> list[Text]:
    words = [Text(300, 50, "财政拨款“三公”经费支出决算表", size=12), Text(740, 72, "单位：万元")]
    words += [centred(480, 90, "财政拨款“三公”经费"), centred(535, 105, "公务用车购置及运行维护费")]
    words += [centred(PAIR_EDGES[2 * k], 118, head) for k, head in enumerate(PAIR_HEADS)]
    words += [centred(edge - 15, 135, "预算数" if i % 2 == 0 else "决算数") for i, edge in enumerate(PAIR_EDGES)]
    words += [Text(edge, 160, value, right=True) for edge, value in zip(PAIR_EDGES, values, strict=True)]
    return words


def test_a_final_accounts_budget_and_actual_pairs_are_read_under_their_group_headers(tmp_path: Path) -> None:
    values = ["12.60", "10.35", "3.00", "2.10", "5.40", "4.85", "0.00", "0.00", "5.40", "4.85", "4.20", "3.40"]
    front = cover(kind="部门决算") + narrative(["一、部门决算情况说明"], top=220)
    ds = read_disclosure(build(tmp_path / "pairs.pdf", [front, _three_public_final_page(values)]))
    got = {
        (c, b): (a, v) for c, b, a, v in ds.lines.select(s.COLUMN, s.AMOUNT_BASIS, s.AMOUNT_YUAN, s.VERIFICATION).rows()
    }
    columns = (
        "three_public_total",
        "overseas_travel",
        "vehicles",
        "vehicle_purchase",
        "vehicle_operation",
        "reception",
    )
    expected = {
        (column, basis): (Decimal(value) * W, "verified")
        for (column, basis), value in zip(
            [(c, b) for c in columns for b in ("initial_budget", "actual")], values, strict=True
        )
    }
    assert got == expected
    shown = {
        basis: measures(ds, phase="final", basis=basis).filter(pl.col("measure") == "three_public")
        for basis in ("initial_budget", "actual")
    }
    assert shown["initial_budget"].get_column(s.AMOUNT_YUAN).to_list() == [126000 * Decimal(1)]
    assert shown["actual"].get_column(s.AMOUNT_YUAN).to_list() == [103500 * Decimal(1)]


def test_the_row_that_numbers_the_columns_is_no_figure(tmp_path: Path) -> None:
    title = f"{DEPARTMENT}{YEAR}年收入支出决算总表"
    page = summary_page(title, "432.10", "432.10")
    page += [
        Text(60, 122, "栏次"),
        Text(280, 122, "1", right=True),
        Text(420, 122, "栏次"),
        Text(660, 122, "2", right=True),
    ]
    front = cover(kind="部门决算") + narrative(["一、部门决算情况说明"], top=220)
    ds = read_disclosure(build(tmp_path / "numbers.pdf", [front, page]))
    assert "栏次" not in set(ds.lines.get_column(s.NAME))
    assert set(ds.lines.get_column(s.AMOUNT_YUAN)) == {Decimal("4321000.00")}


# A sentence of the narrative that quotes a table title wrapped over two lines: the second line holds the end of the
# title ("…基本支出预算表”中…填写）"), and a sentence further on ends in a figure standing apart at the margin.
QUOTED_TITLE_SENTENCES = {
    "title_wrapped_after_its_table_number": (
        "（一）人员经费318.40万元。主要包括：基本工资、津贴补贴、奖金。（按“部门预算公开08表 一般公共预算",
        "基本支出预算表”中实际发生经济分类支出事项填写）",
    ),
    "title_wrapped_inside_its_name": (
        "（一）人员经费318.40万元。主要包括：基本工资、津贴补贴、奖金。（按“部门预算公开 06 表 财政拨",
        "款基本支出预算表”中实际发生经济分类支出事项填写）",
    ),
}


@pytest.mark.parametrize("sentence", QUOTED_TITLE_SENTENCES.values(), ids=QUOTED_TITLE_SENTENCES.keys())
def test_a_sentence_quoting_a_title_wrapped_over_two_lines_is_no_table(
    tmp_path: Path, sentence: tuple[str, str]
) -> None:
    front = _front(
        *sentence,
        "（二）公用经费27.15万元。主要包括：办公费、水费、电费。",
        "本部门2027年度一般公共预算拨款安排的“三公”经费预算支出中，因公出国（境）费支出 12.5",
        "万元，与上年度持平。",
    )
    title = f"{DEPARTMENT}{YEAR}年部门收支总表"
    ds = read_disclosure(build(tmp_path / "wrapped_quote.pdf", [front, summary_page(title, "345.55", "345.55")]))
    assert ds.document_tables.get_column(s.TABLE).to_list() == ["income_expenditure_summary"]
    assert ds.reading_findings.is_empty()  # neither an unreadable table nor a unit inferred for the sentence
    assert set(ds.lines.get_column(s.PAGE)) == {2}
    assert Decimal("125000.00") not in set(ds.lines.get_column(s.AMOUNT_YUAN))


def test_a_title_followed_by_sentences_with_figures_heads_no_rows(tmp_path: Path) -> None:
    # The title stands alone, but what follows is running text: no unit, no header row, no amounts in columns.
    front = _front(
        f"{DEPARTMENT}{YEAR}年一般公共预算基本支出预算表",
        "本部门2027年度一般公共预算基本支出 345.55 万元，其中：人员经费 318.40 万元，",
        "公用经费 27.15 万元。",
    )
    title = f"{DEPARTMENT}{YEAR}年部门收支总表"
    ds = read_disclosure(build(tmp_path / "lost.pdf", [front, summary_page(title, "345.55", "345.55")]))
    status = dict(ds.document_tables.select(s.TABLE, s.STATUS).rows())
    assert status == {"general_budget_basic_economic": "no_rows", "income_expenditure_summary": "data"}
    assert ds.reading_findings.is_empty()
    assert set(ds.lines.get_column(s.PAGE)) == {2}


def _procurement_page() -> list[Text]:
    """A 政府采购支出预算表 whose item names wrap in their cells beside a 采购组织形式 cell that wraps too: each cell's
    lines are centred in the row, so the lines of the two cells interleave, and an amount may stand on a line of its
    own between them."""
    words = [Text(250, 50, f"{DEPARTMENT}{YEAR}年政府采购支出预算表", size=12), Text(620, 72, "单位：万元")]
    words += [Text(150, 95, "专项名称"), Text(342, 95, "采购物品名称"), Text(402, 108, "采购组织形式")]
    words += [Text(470, 95, "总计")]
    words += row(125, "合计", (505, "95.00"), label_x=150)
    # 扫描仪（30 万以下）, 部门集中采购: 42.50.
    words += [Text(342, 150, "扫描仪"), Text(402, 157.8, "部门集中采"), Text(347, 165.6, "（30 万以")]
    words += [Text(505, 165.6, "42.50", right=True), Text(402, 173.4, "购"), Text(342, 181.2, "下）")]
    # 碎纸机（30 万以下）, 分散自行组织: 18.00, its amount on a line of its own.
    words += [Text(342, 205, "碎纸机（30"), Text(402, 205, "分散自行组"), Text(505, 212.8, "18.00", right=True)]
    words += [Text(342, 220.6, "万以下）"), Text(402, 220.6, "织")]
    # 投影仪（总预算 30 万以下）, 分散自行组织: 34.50; the "30" inside the name is no amount.
    words += [Text(342, 245, "投影仪（总预"), Text(402, 252.8, "分散自行组"), Text(342, 260.6, "算 30 万以")]
    words += [Text(505, 260.6, "34.50", right=True), Text(402, 268.4, "织"), Text(342, 276.2, "下）")]
    return words


def test_a_name_wrapped_over_an_open_bracket_is_joined_and_no_bad_cell(tmp_path: Path) -> None:
    ds = read_disclosure(build(tmp_path / "procurement.pdf", [_front(), _procurement_page()]))
    assert ds.reading_findings.filter(pl.col(s.KIND) == "bad_cell").is_empty()
    got = sorted(ds.lines.select(s.NAME, s.COLUMN, s.AMOUNT_YUAN).rows())
    assert got == [
        ("合计", "total", Decimal("950000.00")),
        ("扫描仪(30万以下)部门集中采购", "total", Decimal("425000.00")),
        ("投影仪(总预算30万以下)分散自行组织", "total", Decimal("345000.00")),
        ("碎纸机(30万以下)分散自行组织", "total", Decimal("180000.00")),
    ]
