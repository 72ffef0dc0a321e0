from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal, assert_series_equal

from analytics import compare, export, labels
from analytics import schema as s
from analytics.coverage import coverage
from analytics.errors import AnalyticsError
from analytics.ingest import read_disclosure
from analytics.pipeline import all_flags
from analytics.reading import reading_report, required_tables
from analytics.report.excel import (
    COLUMNS_HEADER,
    COLUMNS_TITLE,
    COVERAGE_SHEET,
    EXECUTION_LINES_SHEET,
    EXECUTION_SHEET,
    READING_REPORT_SHEET,
    SCORE_ITEMS_SHEET,
    SCORE_SHEET,
    SHEET_NAMES,
    workbook_bytes,
    write_workbook,
)
from analytics.score import disclosure_score_items, disclosure_scores
from analytics.store import Dataset, open_dataset
from analytics.triage import open_triage
from tests.app.doubtful import DoubtfulDisclosure
from tests.conftest import ROOT
from tests.disclosures import budget, dataset
from tests.synthetic import SyntheticDisclosure

CORPUS = ROOT / "datasets" / "normalized"
WUHOU = "成都市武侯区政务服务中心"
FORMULAS = ("=1+1", "+SUM(A1)", "-2", "@cmd", "\t=cmd")
# The sheets a Chinese reader finds, in order: every table of the dataset (the reading report of its disclosures
# before the reading findings it sums up), then budget execution (by measure, by 科目), the coverage ledger and the
# disclosure score.
DATA_SHEETS = [
    "来源文件",
    "部门概况",
    "收支表数字",
    "文字说明数字",
    "绩效指标",
    "项目支出",
    "文件中的表",
    "读数报告",
    "读数存疑",
    "原文",
    "疑点",
    "预算执行（按指标）",
    "预算执行（按科目）",
    "核对覆盖",
    "公开质量评分",
    "公开质量评分明细",
]
# Sheets by the table they hold.
DOCUMENTS, DEPARTMENTS, LINES, STATEMENTS, PROJECTS, DOCUMENT_TABLES, FINDINGS, FLAGS = (
    "来源文件", "部门概况", "收支表数字", "文字说明数字", "项目支出", "文件中的表", "读数存疑", "疑点"
)  # fmt: skip
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def corpus() -> Dataset:
    return open_dataset(CORPUS)


@pytest.fixture(scope="module")
def wuhou(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    path = tmp_path_factory.mktemp("synthetic") / "wuhou.txt"
    text = SyntheticDisclosure(region="成都市武侯区", short_name="武侯区政务服务中心", year=2025).text()
    path.write_text(text, encoding="utf-8")
    return read_disclosure(path)


@pytest.fixture(scope="module")
def corpus_bytes(corpus: Dataset) -> bytes:
    return workbook_bytes(corpus)


def _column_names(data: bytes) -> dict[str, dict[str, str]]:
    """The 说明 sheet's table of every sheet's columns: sheet → Chinese header → English column name."""
    rows = list(openpyxl.load_workbook(io.BytesIO(data), read_only=True)["说明"].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == COLUMNS_TITLE)
    assert rows[start + 1][:4] == COLUMNS_HEADER
    names: dict[str, dict[str, str]] = {}
    for sheet, header, column, *_ in rows[start + 2 :]:
        names.setdefault(sheet, {})[header] = column
    return names


def _sheet(data: bytes, name: str) -> pl.DataFrame:
    """A sheet as it reads back, its Chinese headers renamed to the English column names the 说明 sheet gives."""
    read = pl.read_excel(io.BytesIO(data), sheet_name=name, engine="openpyxl")
    names = _column_names(data)[name]
    assert list(names) == read.columns, name
    return read.rename(names)


def _codes(frame: pl.DataFrame, **vocabularies: str) -> pl.DataFrame:
    """``frame`` with the labels of its code columns back to codes (the labels of one vocabulary are distinct)."""
    return frame.with_columns(
        pl.col(column).replace_strict(
            {zh: code for code, zh in labels.labels(vocabulary).items()}, default=pl.col(column)
        )
        for column, vocabulary in vocabularies.items()
    )


def _yuan(values: pl.Series) -> pl.Series:
    # A cell holds a double; the shortest text of that double is the amount as stored, cents included.
    return pl.Series(values.name, [None if v is None else Decimal(str(v)) for v in values], dtype=s.MONEY)


def _lines_as_read(data: bytes) -> pl.DataFrame:
    read = _codes(_sheet(data, LINES), table="table", side="side", classification="classification", column="column")
    # A column with no value at all reads back as Null: the text columns are text whatever they hold.
    text = [s.DOC_ID, s.DEPARTMENT_ID, s.TABLE, s.SIDE, s.CLASSIFICATION, s.CODE, s.NAME, s.COLUMN]
    return read.select(
        *(pl.col(c).cast(pl.String) for c in text),
        pl.col(s.FISCAL_YEAR).cast(pl.Int32),
        _yuan(read.get_column(s.AMOUNT_YUAN)),
    )


def _lines_expected(ds: Dataset) -> pl.DataFrame:
    return ds.lines.select(
        s.DOC_ID, s.DEPARTMENT_ID, s.TABLE, s.SIDE, s.CLASSIFICATION, s.CODE, s.NAME, s.COLUMN, s.FISCAL_YEAR,
        s.AMOUNT_YUAN,
    )  # fmt: skip


def _with_formulas(ds: Dataset) -> Dataset:
    """``ds`` with formula-like text in a department name, a document's department, a line name and source texts."""
    first = pl.int_range(pl.len()) == 0
    return Dataset.from_tables(
        {
            **ds.tables,
            s.DEPARTMENTS: ds.departments.with_columns(pl.lit("=1+1").alias(s.NAME)),
            s.DOCUMENTS: ds.documents.with_columns(pl.lit("@cmd").alias(s.DEPARTMENT)),
            s.LINES: ds.lines.with_columns(
                pl.when(first).then(pl.lit("+SUM(A1)")).otherwise(pl.col(s.NAME)).alias(s.NAME),
                pl.when(first).then(pl.lit("-2")).otherwise(pl.col(s.SOURCE_TEXT)).alias(s.SOURCE_TEXT),
            ),
            s.PROJECTS: ds.projects.with_columns(pl.lit("\t=cmd").alias(s.PURPOSE)),
        }
    )


# --- reading back -------------------------------------------------------------------------------------------------


def test_whole_workbook_reads_back_to_the_dataset(corpus: Dataset, corpus_bytes: bytes) -> None:
    assert_frame_equal(_lines_as_read(corpus_bytes), _lines_expected(corpus))
    departments = _sheet(corpus_bytes, DEPARTMENTS)
    assert_frame_equal(
        departments.select(s.DEPARTMENT_ID, pl.col(s.FISCAL_YEAR).cast(pl.Int32), s.NAME, s.REGION),
        corpus.departments.select(s.DEPARTMENT_ID, s.FISCAL_YEAR, s.NAME, s.REGION),
    )
    flags = _sheet(corpus_bytes, FLAGS)
    assert flags.get_column(s.FLAG_ID).to_list() == corpus.flags.get_column(s.FLAG_ID).to_list()
    assert flags.height == corpus.flags.height > 0


def test_readme_comes_first_and_counts_every_sheet(corpus: Dataset, corpus_bytes: bytes) -> None:
    book = openpyxl.load_workbook(io.BytesIO(corpus_bytes))
    assert book.sheetnames == ["说明", *DATA_SHEETS]
    rows = [tuple(row) for row in book["说明"].iter_rows(values_only=True)]
    facts = {row[0]: row[1] for row in rows if row[0] and row[1]}
    assert facts["部门"] == "全部"
    assert facts["数据集"] == str(CORPUS)
    assert "万元" in facts["金额单位"] and "元" in facts["金额单位"]
    assert "生成日期" in facts
    counts = {row[0]: row[2] for row in rows if isinstance(row[2], int)}
    tables = {
        "来源文件": "documents",
        "部门概况": "departments",
        "收支表数字": "lines",
        "文字说明数字": "statements",
        "绩效指标": "indicators",
        "项目支出": "projects",
        "文件中的表": "document_tables",
        "疑点": "flags",
        "读数存疑": "reading_findings",
        "原文": "document_text",
    }
    assert counts == {sheet: getattr(corpus, table).height for sheet, table in tables.items()} | {
        "读数报告": reading_report(corpus).height,
        "预算执行（按指标）": compare.execution_rates(corpus).height,
        "预算执行（按科目）": compare.execution_by_line(corpus).height,
        "核对覆盖": coverage(corpus).height,
        "公开质量评分": disclosure_scores(corpus).height,
        "公开质量评分明细": disclosure_score_items(corpus).height,
    }
    assert "读数核实" in facts and "不符" in facts["读数核实"]
    assert "各表的列" in facts["代码与列名"]
    assert min(counts.values()) > 0


@pytest.mark.parametrize("department_id", ["江苏省政协办公厅", "武汉市汉阳区大数据中心"])
def test_department_workbook_holds_only_that_department(corpus: Dataset, department_id: str) -> None:
    data = workbook_bytes(corpus, department_id=department_id)
    mine = pl.col(s.DEPARTMENT_ID) == department_id
    expected_lines = _lines_expected(corpus).filter(mine)
    assert expected_lines.height > 0
    assert_frame_equal(_lines_as_read(data), expected_lines)
    flags = _sheet(data, FLAGS)
    assert flags.get_column(s.FLAG_ID).to_list() == corpus.flags.filter(mine).get_column(s.FLAG_ID).to_list()
    documents = set(corpus.documents.filter(mine).get_column(s.DOC_ID))
    assert set(_sheet(data, DOCUMENTS).get_column(s.DOC_ID)) == documents
    tables = _sheet(data, DOCUMENT_TABLES)
    assert tables.height > 0
    assert set(tables.get_column(s.DOC_ID)) <= documents
    for name in (DOCUMENTS, DEPARTMENTS, LINES, STATEMENTS, FLAGS):
        sheet = _sheet(data, name)
        assert set(sheet.get_column(s.DEPARTMENT_ID)) == {department_id}, name
    readme = dict(openpyxl.load_workbook(io.BytesIO(data))["说明"].iter_rows(min_col=1, max_col=2, values_only=True))
    assert readme["部门"] == department_id  # its name is its id in this corpus


def test_synthetic_department_among_the_corpus(corpus: Dataset, wuhou: Dataset) -> None:
    both = corpus.replace_documents(wuhou)
    whole = workbook_bytes(both)
    assert_frame_equal(_lines_as_read(whole), _lines_expected(both))
    department_id = wuhou.documents.get_column(s.DEPARTMENT_ID).item()
    data = workbook_bytes(both, department_id=department_id)
    # The stored dataset keeps rows in key order; the reader keeps them in document order.
    assert_frame_equal(_lines_as_read(data), _lines_expected(wuhou), check_row_order=False)
    departments = _sheet(data, DEPARTMENTS)
    assert departments.get_column(s.NAME).to_list() == [WUHOU]
    assert departments.get_column(s.STAFF_AUTHORIZED).to_list() == [35]
    projects = _sheet(data, PROJECTS)
    assert projects.get_column(s.NAME).to_list() == ["老旧小区改造类项目", "专项业务类项目"]
    assert _yuan(projects.get_column(s.TOTAL_BUDGET_YUAN)).to_list() == [Decimal("12000000"), Decimal("5000000")]


def test_unknown_department_is_refused_with_the_known_ones(wuhou: Dataset) -> None:
    with pytest.raises(AnalyticsError, match=f"department '财政局' is not in the dataset; it has: {WUHOU}"):
        workbook_bytes(wuhou, department_id="财政局")


# --- 万元, number formats, layout --------------------------------------------------------------------------------


def test_wan_column_is_yuan_over_ten_thousand(wuhou: Dataset) -> None:
    data = workbook_bytes(wuhou)
    headers = pl.read_excel(io.BytesIO(data), sheet_name=LINES, engine="openpyxl").columns
    assert headers[headers.index("金额（元）") + 1] == "金额（万元）"
    lines = _sheet(data, LINES)
    assert lines.columns[lines.columns.index(s.AMOUNT_YUAN) + 1] == "amount_yuan_wan"
    totals = lines.filter(
        (pl.col(s.CLASSIFICATION) == "合计") & (pl.col(s.SIDE) == "支出") & (pl.col(s.FISCAL_YEAR) == 2025)
    )
    # The synthetic 2025 expenditure is 900.1 + 99.9 + 1500 万元.
    assert totals.get_column(s.AMOUNT_YUAN).unique().to_list() == [25_000_000]
    assert totals.get_column("amount_yuan_wan").unique().to_list() == [2500]
    assert_series_equal(
        lines.get_column("amount_yuan_wan"),
        (lines.get_column(s.AMOUNT_YUAN) / 10_000).alias("amount_yuan_wan"),
        check_dtypes=False,
    )


def test_cells_have_types_and_formats(wuhou: Dataset) -> None:
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(wuhou)))
    sheet = book[PROJECTS]
    header = [cell.value for cell in sheet[1]]
    total, total_wan = (sheet.cell(2, header.index(c) + 1) for c in ("项目总预算（元）", "项目总预算（万元）"))
    assert (total.data_type, total.value, total.number_format) == ("n", 12_000_000, "#,##0.00")
    assert (total_wan.data_type, total_wan.value, total_wan.number_format) == ("n", 1200, "#,##0.00")
    assert "万元" in sheet.cell(1, header.index("项目总预算（万元）") + 1).comment.text
    year = sheet.cell(2, header.index("年度") + 1)
    assert (year.value, year.number_format) == (2025, "General")
    page = sheet.cell(2, header.index("页码") + 1)
    assert page.value is None  # a text disclosure has no pages: the cell stays empty


def test_every_data_sheet_has_a_frozen_filtered_header(corpus_bytes: bytes) -> None:
    book = openpyxl.load_workbook(io.BytesIO(corpus_bytes))
    for name in DATA_SHEETS:
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}", name
        # Neighbouring columns of one width share a <col> element: every column is in one, 8 to 60 characters wide
        # (plus the padding Excel adds).
        dimensions = list(sheet.column_dimensions.values())
        covered = {i for d in dimensions for i in range(d.min, d.max + 1)}
        assert covered == set(range(1, sheet.max_column + 1)), name
        assert all(8 <= d.width <= 61 for d in dimensions), name


# --- formula safety -----------------------------------------------------------------------------------------------


def _cells(data: bytes) -> list[openpyxl.cell.cell.Cell]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


# Each writer, and the formula-like texts its cells hold (a single-table export holds the lines only).
WRITERS: dict[str, tuple[Callable[[Dataset], bytes], set[str]]] = {
    "workbook": (workbook_bytes, set(FORMULAS)),
    "department_workbook": (lambda ds: workbook_bytes(ds, department_id=WUHOU), set(FORMULAS)),
    "export_dataset": (lambda ds: export.dataset_bytes(ds.tables, "xlsx"), set(FORMULAS)),
    "export_table": (lambda ds: export.to_bytes(ds.lines, "xlsx", sheet="lines"), {"+SUM(A1)", "-2"}),
}


@pytest.mark.parametrize("writer", list(WRITERS))
def test_formula_like_text_stays_text(wuhou: Dataset, writer: str) -> None:
    write, expected = WRITERS[writer]
    cells = _cells(write(_with_formulas(wuhou)))
    found = {cell.value: cell for cell in cells if cell.value in FORMULAS}
    assert set(found) == expected
    for value, cell in found.items():
        assert cell.data_type == "s", value
        assert cell.quotePrefix, value
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    plain = next(cell for cell in cells if cell.value == WUHOU)
    assert not plain.quotePrefix


def test_a_table_export_keeps_formula_like_text_unchanged(wuhou: Dataset, tmp_path: Path) -> None:
    target = tmp_path / "departments.xlsx"
    export.write(_with_formulas(wuhou).departments, target, "xlsx", sheet="departments")
    cell = openpyxl.load_workbook(target)["departments"]["C2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=1+1", "s", True)


def test_no_cell_of_the_corpus_workbook_is_a_formula(corpus_bytes: bytes) -> None:
    cells = _cells(corpus_bytes)
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    risky = [cell for cell in cells if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@"))]
    assert all(cell.quotePrefix for cell in risky)


TEXT = st.text(st.characters(exclude_categories=("Cc", "Cs", "Cn")), min_size=1, max_size=30)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "=", "+", "-", "@", "\t"]), TEXT), min_size=1, max_size=10))
def test_any_text_reads_back_unchanged(parts: list[tuple[str, str]]) -> None:
    texts = [prefix + text for prefix, text in parts]
    data = export.to_bytes(pl.DataFrame({"text": texts}), "xlsx")
    cells = list(openpyxl.load_workbook(io.BytesIO(data))["data"]["A"])[1:]
    assert [cell.value for cell in cells] == texts
    assert [cell.data_type for cell in cells] == ["s"] * len(texts)
    assert [cell.quotePrefix for cell in cells] == [bool(prefix) or text[0] in "=+-@" for prefix, text in parts]


# --- triage -------------------------------------------------------------------------------------------------------


def test_flags_sheet_carries_evidence_and_triage_state(corpus: Dataset, tmp_path: Path) -> None:
    store = open_triage(tmp_path / "t.sqlite")
    explained, referred = corpus.flags.get_column(s.FLAG_ID).to_list()[:2]
    store.record(explained, "待核实", author="李", at=datetime(2026, 3, 1, 8, 0, tzinfo=UTC))
    store.record(explained, "已解释", note="预算调整，见说明第3页", author="张审计",
                 at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC))  # fmt: skip
    store.record(referred, "移交", note='=HYPERLINK("http://x")', author="王", at=datetime(2026, 3, 3, tzinfo=UTC))
    data = workbook_bytes(corpus, triage=store)
    flags = _sheet(data, FLAGS)
    headers = pl.read_excel(io.BytesIO(data), sheet_name=FLAGS, engine="openpyxl").columns
    assert headers[-4:] == ["核查状态", "核查说明", "核查人", "核查时间（UTC）"]
    assert flags.columns[-4:] == ["status", "note", "author", "at"]
    state = {row[0]: row[1:] for row in flags.select(s.FLAG_ID, "status", "note", "author", "at").rows()}
    assert state[explained] == ("已解释", "预算调整，见说明第3页", "张审计", datetime(2026, 3, 2, 9, 30))
    assert state[referred] == ("移交", '=HYPERLINK("http://x")', "王", datetime(2026, 3, 3))
    others = {flag_id: row for flag_id, row in state.items() if flag_id not in {explained, referred}}
    assert {row[0] for row in others.values()} == {"待核实"}
    assert {row[1:] for row in others.values()} == {(None, None, None)}
    evidence = flags.get_column(s.EVIDENCE).drop_nulls()
    assert evidence.len() == corpus.flags.height
    # Evidence names the document by its file, then the page and line in Chinese.
    first = corpus.flags.get_column(s.EVIDENCE)[0][0]
    file_name = corpus.documents.filter(pl.col(s.DOC_ID) == first[s.DOC_ID]).item(0, s.SOURCE_NAME)
    where = (f"第{first[s.PAGE]}页" if first[s.PAGE] else "") + (f"第{first[s.LINE]}行" if first[s.LINE] else "")
    assert evidence[0].startswith(f"{file_name} {where} ")
    assert not evidence.str.contains(first[s.DOC_ID]).any()


def test_flags_sheet_without_triage_has_empty_triage_columns(corpus: Dataset, corpus_bytes: bytes) -> None:
    flags = _sheet(corpus_bytes, FLAGS)
    assert flags.columns[-4:] == ["status", "note", "author", "at"]
    assert flags.select(pl.col("status", "note", "author", "at").null_count()).row(0) == (corpus.flags.height,) * 4


# --- files --------------------------------------------------------------------------------------------------------


def test_write_workbook_writes_the_same_workbook(wuhou: Dataset, tmp_path: Path) -> None:
    path = write_workbook(wuhou, tmp_path / "audit.xlsx", department_id=wuhou.departments[s.DEPARTMENT_ID][0])
    assert path == tmp_path / "audit.xlsx"
    assert_frame_equal(_lines_as_read(path.read_bytes()), _lines_expected(wuhou))


def test_an_unwritable_path_gets_a_clear_error(wuhou: Dataset, tmp_path: Path) -> None:
    with pytest.raises(AnalyticsError, match=r"cannot write .*missing[/\\]audit\.xlsx: no such file or directory$"):
        write_workbook(wuhou, tmp_path / "missing" / "audit.xlsx")


# --- verification and the reading report --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def doubtful(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """A budget whose 三公 row no reading reconciles, beside the synthetic 武侯 disclosure."""
    path = DoubtfulDisclosure().write(tmp_path_factory.mktemp("doubtful") / "doubtful.pdf")
    return all_flags(read_disclosure(path))


def test_lines_sheet_carries_each_figures_verification(corpus: Dataset, corpus_bytes: bytes) -> None:
    lines = _sheet(corpus_bytes, LINES)
    read = {"verified": "已核实", "unverified": "未核实", "contradicted": "不符"}
    expected = corpus.lines.get_column(s.VERIFICATION).replace_strict(read).to_list()
    assert lines.get_column(s.VERIFICATION).to_list() == expected
    assert lines.get_column(s.VERIFIED_BY).to_list() == corpus.lines.get_column(s.VERIFIED_BY).to_list()
    sheet = openpyxl.load_workbook(io.BytesIO(corpus_bytes))[LINES]
    header = [cell.value for cell in sheet[1]]
    assert "已核实" in sheet.cell(1, header.index("核实状态") + 1).comment.text
    assert "不符" in sheet.cell(1, header.index("核实依据") + 1).comment.text


def test_reading_report_and_findings_sheets_of_a_doubtful_document(doubtful: Dataset, wuhou: Dataset) -> None:
    both = all_flags(doubtful.replace_documents(wuhou))
    data = workbook_bytes(both)
    report = _sheet(data, READING_REPORT_SHEET)
    assert report.height == both.documents.height == 2
    row = report.filter(pl.col(s.DEPARTMENT_ID) == DoubtfulDisclosure().department).row(0, named=True)
    lines = doubtful.lines
    contradicted = lines.filter(pl.col(s.VERIFICATION) == "contradicted").height
    verified = lines.filter(pl.col(s.VERIFICATION) == "verified").height
    assert contradicted > 0
    assert (row["figures"], row["figures_verified"], row["figures_contradicted"]) == (
        lines.height,
        verified,
        contradicted,
    )
    assert row["share_verified"] == pytest.approx(verified / lines.height)
    assert row["tables_expected"] == len(required_tables("budget", "department"))
    assert row["reading_findings"] == 1
    assert row["sources"] == "doubtful.pdf"
    assert "收入总表" in row["tables_missing_zh"] and "income_summary" in row["tables_missing"]
    assert "三公经费和机关运行经费表" not in row["tables_missing_zh"]
    assert row["tables_unreadable"] is None  # nothing unreadable: an empty cell
    share = openpyxl.load_workbook(io.BytesIO(data))[READING_REPORT_SHEET]
    header = [cell.value for cell in share[1]]
    assert share.cell(2, header.index("已核实占比") + 1).number_format == "0.0%"
    findings = _sheet(data, FINDINGS)
    assert findings.select(s.KIND, s.TABLE, s.PAGE).rows() == [("恒等式不成立", "三公经费和机关运行经费表", 3)]
    assert findings.get_column(s.MESSAGE_ZH).item().startswith("读数未能核实")
    # The reader's doubt is among the flags too, as the reader's own.
    flags = _sheet(data, FLAGS)
    assert flags.filter(pl.col(s.SOURCE) == "读取程序").get_column(s.FAMILY).to_list() == ["读数存疑"]


def test_a_department_workbook_reports_its_own_disclosures_only(doubtful: Dataset, wuhou: Dataset) -> None:
    both = doubtful.replace_documents(wuhou)
    data = workbook_bytes(both, department_id=WUHOU)
    report = _sheet(data, READING_REPORT_SHEET)
    assert report.get_column(s.DEPARTMENT_ID).to_list() == [WUHOU]
    assert report.get_column("reading_findings").to_list() == [0]
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book[FINDINGS].max_row == 1  # the header only
    counts = {row[0]: row[2] for row in book["说明"].iter_rows(values_only=True) if isinstance(row[2], int)}
    assert (counts["读数报告"], counts["读数存疑"]) == (1, 0)


# --- the coverage ledger and the disclosure score -------------------------------------------------------------------


def test_coverage_and_score_sheets_say_what_was_not_checked_and_how_each_disclosure_scores() -> None:

    ds = dataset(budget(statuses={"government_fund": "absent"}), budget(doc_id="nanhu-2024", year=2024))
    data = workbook_bytes(ds)
    ledger = _sheet(data, COVERAGE_SHEET)
    assert ledger.height == coverage(ds).height
    stopped = ledger.filter((pl.col("rule_id") == "cross.restatement") & (pl.col(s.FISCAL_YEAR) == 2024))
    assert stopped.select("status", "reason_zh").row(0) == (
        "未能进行", "数据集中没有上年（2023年）的预算文件，无法核对所列上年数与上年文件是否一致"
    )  # fmt: skip
    scores = _sheet(data, SCORE_SHEET).sort(s.FISCAL_YEAR)
    assert scores.get_column("tables").to_list() == [40.0, 35.0]
    assert scores.get_column("rank_of").to_list() == [1, 1]
    items = _sheet(data, SCORE_ITEMS_SHEET)
    assert "应有 8 张，已公开 7 张；缺：政府性基金预算支出表" in items.get_column("detail_zh").to_list()


def test_a_department_workbook_ranks_it_among_the_whole_district(corpus: Dataset) -> None:
    department_id = corpus.documents.filter(pl.col(s.DEPARTMENT) == "上海市普陀区商务委员会").item(0, s.DEPARTMENT_ID)
    scores = _sheet(workbook_bytes(corpus, department_id=department_id), SCORE_SHEET)
    everyone = disclosure_scores(corpus).filter(pl.col(s.DEPARTMENT_ID) == department_id)
    assert scores.select("rank", "rank_of").rows() == everyone.select("rank", "rank_of").rows()
    assert set(_sheet(workbook_bytes(corpus, department_id=department_id), COVERAGE_SHEET)[s.DEPARTMENT_ID]) == {
        department_id
    }


def test_every_sheet_names_the_document_by_its_file_beside_its_id(corpus: Dataset, corpus_bytes: bytes) -> None:
    files = dict(corpus.documents.select(s.DOC_ID, s.SOURCE_NAME).iter_rows())
    named = [(sheet, s.DOC_ID) for sheet in (LINES, STATEMENTS, FLAGS, DOCUMENT_TABLES, EXECUTION_LINES_SHEET)]
    named += [(EXECUTION_SHEET, "budget_doc_id"), (EXECUTION_SHEET, "final_doc_id")]
    named += [(EXECUTION_LINES_SHEET, "budget_doc_id"), (COVERAGE_SHEET, s.DOC_ID)]
    for name, doc_id in named:
        sheet = _sheet(corpus_bytes, name)
        source_name = doc_id.removesuffix(s.DOC_ID) + s.SOURCE_NAME
        assert sheet.columns.index(source_name) == sheet.columns.index(doc_id) + 1, name
        held = sheet.filter(pl.col(doc_id).is_not_null())
        assert held.height > 0, name
        assert held.get_column(source_name).to_list() == [files[d] for d in held.get_column(doc_id)], name


def test_the_workbook_has_budget_execution_by_measure_and_by_line(tmp_path: Path) -> None:
    # 普陀区财政局 2024 决算 p. 22: 行政运行（项）年初预算 1560.05 万元，支出决算 1511.89 万元.
    ds = open_dataset()
    data = workbook_bytes(ds, department_id="上海市普陀区财政局")
    lines = pl.read_excel(io.BytesIO(data), sheet_name="预算执行（按科目）", engine="openpyxl")
    row = lines.filter((pl.col("科目编码") == "2010601") & (pl.col("表") == "一般公共预算支出功能分类表")).row(
        0, named=True
    )
    assert (row["年初预算（万元）"], row["决算数（万元）"], row["年初预算出处"]) == (1560.05, 1511.89, "决算文字说明")
    row = _sheet(data, EXECUTION_LINES_SHEET).filter(pl.col("code") == "2010601").row(0, named=True)
    assert row["source_name"] == "putuo_finance_2024_dept_final.pdf"
    measures = _sheet(data, "预算执行（按指标）")
    total = measures.filter(pl.col("measure") == "一般公共预算支出合计").row(0, named=True)
    assert (total["budget_yuan_wan"], total["final_yuan_wan"]) == (2993.92, 2940.05)


# --- a workbook a person reads: Chinese sheets, headers and codes ---------------------------------------------------


def test_every_header_is_chinese_and_the_readme_names_its_english_column(corpus_bytes: bytes) -> None:
    book = openpyxl.load_workbook(io.BytesIO(corpus_bytes), read_only=True)
    names = _column_names(corpus_bytes)
    assert list(names) == DATA_SHEETS
    for sheet in DATA_SHEETS:
        header = next(book[sheet].iter_rows(max_row=1, values_only=True))
        assert list(header) == list(names[sheet]), sheet
        assert all(CJK.search(h) for h in header), (sheet, [h for h in header if not CJK.search(h)])
        assert len(set(header)) == len(header), sheet
    # A few headers as a Chinese reader expects them, with the dataset's column beside each.
    assert names["收支表数字"]["部门编号"] == "department_id"
    assert names["收支表数字"]["金额（元）"] == "amount_yuan"
    assert names["收支表数字"]["金额（万元）"] == "amount_yuan_wan"
    assert names["收支表数字"]["科目名称"] == "name"
    assert names["部门概况"]["部门名称"] == "name"
    assert names["疑点"]["级别"] == "severity"
    assert names["疑点"]["文件名"] == "source_name"


def test_codes_read_as_their_chinese_labels(corpus_bytes: bytes) -> None:
    flags = _sheet(corpus_bytes, FLAGS)
    assert set(flags.get_column(s.SEVERITY)) <= {"错误", "警示", "提示"}
    assert set(flags.get_column(s.SOURCE)) <= {"核查规则", "异常模型", "读取程序"}
    assert {"完整性", "异常模型"} <= set(flags.get_column(s.FAMILY))
    # The rule's id stays (to look it up), its title beside it.
    repeated = flags.filter(pl.col(s.RULE_ID) == "anomaly.repeated_amount")
    assert set(repeated.get_column("title_zh")) == {"不同部门出现相同金额"}
    lines = _sheet(corpus_bytes, LINES)
    assert set(lines.get_column(s.PHASE)) == {"预算", "决算"}
    assert set(lines.get_column(s.SIDE)) == {"收入", "支出"}
    assert "收支总表" in set(lines.get_column(s.TABLE))
    assert "财政拨款" in set(lines.get_column(s.COLUMN))
    assert set(lines.get_column(s.AMOUNT_BASIS)) <= {"预算数", "年初预算", "调整预算", "决算数"}
    tables = _sheet(corpus_bytes, DOCUMENT_TABLES)
    assert "有数据" in set(tables.get_column(s.STATUS))


def test_booleans_read_yes_or_no(corpus_bytes: bytes) -> None:
    items = _sheet(corpus_bytes, SCORE_ITEMS_SHEET)
    assert set(items.get_column("scored")) == {"是", "否"}
    assert set(_sheet(corpus_bytes, COVERAGE_SHEET).get_column("needs_known").drop_nulls()) <= {"是", "否"}


def test_no_cell_reads_none_null_or_an_empty_text(corpus_bytes: bytes) -> None:
    book = openpyxl.load_workbook(io.BytesIO(corpus_bytes), read_only=True)
    bad = [
        (sheet, value)
        for sheet in DATA_SHEETS
        for row in book[sheet].iter_rows(min_row=2, values_only=True)
        for value in row
        if isinstance(value, str) and (value.strip() in {"", "None", "null", "nan", "[]"})
    ]
    assert not bad[:5]


def test_money_reads_in_wan_with_two_decimals(wuhou: Dataset) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes(wuhou)))[LINES]
    header = [cell.value for cell in sheet[1]]
    yuan, wan = header.index("金额（元）") + 1, header.index("金额（万元）") + 1
    cells = [(sheet.cell(row, yuan), sheet.cell(row, wan)) for row in range(2, sheet.max_row + 1)]
    assert {(a.number_format, b.number_format) for a, b in cells if a.value is not None} == {("#,##0.00", "#,##0.00")}
    assert "万元" in sheet.cell(1, wan).comment.text and "两位小数" in sheet.cell(1, wan).comment.text


def test_a_column_without_a_chinese_label_is_refused(wuhou: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    columns = {k: v for k, v in labels._COLUMNS.items() if k != s.PURPOSE}
    monkeypatch.setattr(labels, "_COLUMNS", columns)
    with pytest.raises(AnalyticsError, match=r"no label for column 'purpose' of table 'projects'"):
        workbook_bytes(wuhou)


def test_sheet_names_are_the_chinese_labels_of_their_tables() -> None:
    assert SHEET_NAMES[s.LINES] == "收支表数字"
    assert SHEET_NAMES[s.FLAGS] == "疑点"
    assert (READING_REPORT_SHEET, COVERAGE_SHEET, SCORE_SHEET) == ("读数报告", "核对覆盖", "公开质量评分")
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in SHEET_NAMES.values())


def test_nested_values_read_as_chinese_text(corpus_bytes: bytes) -> None:
    # 汉阳区大数据中心 2023: 全年发布信息数量 ≥3300条, printed beside 2021 无 and 2022 3000条以上.
    indicators = _sheet(corpus_bytes, "绩效指标")
    row = indicators.filter(pl.col(s.LEVEL3) == "全年发布信息数量").row(0, named=True)
    assert row[s.PRIOR_VALUES] == "2021年：无；2022年：3000条以上"
    flags = _sheet(corpus_bytes, FLAGS)
    stats = flags.filter(pl.col(s.SOURCE) == "异常模型").get_column(s.PEER_STATS).drop_nulls()
    assert stats.len() > 0
    assert stats.str.starts_with("同类 ").all() and stats.str.contains("中位数").all()


def test_a_findings_two_figures_say_what_they_compare(corpus: Dataset, corpus_bytes: bytes) -> None:
    # putuo_wanli_2024_dept_budget.pdf p. 31 prints 2024年“三公”经费预算数 合计 47.91 万元, the 2023 budget p. 28
    # 22.91: the finding's 应为 is last year's figure, and the sheet says so beside it.
    read = pl.read_excel(io.BytesIO(corpus_bytes), sheet_name="疑点", engine="openpyxl")
    rising = read.filter(pl.col("规则编号") == "spending.three_public_rising")
    assert rising.height >= 1
    assert set(rising["两数的含义"]) == {"实际值＝本年；应为＝上年"}
    # A rule that compares a printed figure with what it should be keeps the plain words (the cell is empty).
    plain = read.filter(pl.col("规则编号") == "table.total_of_rows")
    assert plain.is_empty() or plain["两数的含义"].null_count() == plain.height


def test_the_coverage_sheet_says_what_a_rule_needs_in_words(corpus_bytes: bytes) -> None:
    read = pl.read_excel(io.BytesIO(corpus_bytes), sheet_name="核对覆盖", engine="openpyxl")
    needs = read.get_column("所需材料").drop_nulls().unique().to_list()
    assert needs and not [text for text in needs if re.search(r"[a-z]+_[a-z]+|[;|]", text)], needs
    assert "编制或实有人数、任一标准表的数字" in needs  # staff;any_table
