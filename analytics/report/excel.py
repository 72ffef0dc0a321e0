"""The auditors' Excel workbook: the whole dataset, or one department, as one sheet per table after a 说明 sheet.

Money stays exact 元 (it reads back as the stored Decimal) and each money column has a ``<column>_wan`` column beside
it in 万元 for reading. The flags sheet carries each flag's evidence as text and the auditors' triage decision. Text
that starts like a formula is written as quote-prefixed text, unchanged (see ``analytics._xlsx``).

Examples
--------
>>> from analytics.store import Dataset
>>> workbook_bytes(Dataset.empty())[:2]
b'PK'
"""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from analytics import schema as s
from analytics._xlsx import YUAN_FORMAT, SafeWorkbook
from analytics.errors import AnalyticsError
from analytics.export import flat
from analytics.store import write_atomically
from analytics.units import wan_yuan

if TYPE_CHECKING:
    from analytics.store import Dataset
    from analytics.triage import TriageStore

__all__ = [
    "COVERAGE_SHEET",
    "EXECUTION_LINES_SHEET",
    "EXECUTION_SHEET",
    "READING_REPORT_SHEET",
    "README_SHEET",
    "SCORE_ITEMS_SHEET",
    "SCORE_SHEET",
    "WAN_SUFFIX",
    "workbook_bytes",
    "write_workbook",
]

#: The first sheet: what the workbook holds.
README_SHEET = "说明"
#: The sheet of ``analytics.reading.reading_report``: one row per disclosure, before the reading findings.
READING_REPORT_SHEET = "reading_report"
#: The sheets after the tables: the coverage ledger (``analytics.coverage``) and the disclosure score
#: (``analytics.score``), each disclosure's total and rank, then its points item by item.
COVERAGE_SHEET = "coverage"
SCORE_SHEET = "disclosure_score"
SCORE_ITEMS_SHEET = "disclosure_score_items"
#: The sheets of budget execution (决算数 against 年初预算): by measure, then by 科目.
EXECUTION_SHEET = "budget_execution"
EXECUTION_LINES_SHEET = "budget_execution_lines"
#: Suffix of the 万元 column written beside each money column (``amount_yuan`` → ``amount_yuan_wan``).
WAN_SUFFIX = "_wan"
# The triage state as ``TriageStore.annotate`` names it; present (and empty) when no triage store is given.
_TRIAGE_COLUMNS: dict[str, pl.DataType] = {
    "status": pl.String(),
    "note": pl.String(),
    "author": pl.String(),
    "at": pl.Datetime("us", "UTC"),
}
_SHEET_CONTENTS = {
    s.DOCUMENTS: "来源文件：每份公开文件一行（地区、部门、年度、预算/决算）",
    s.DEPARTMENTS: "部门概况：每个部门每年一行（单位性质、编制与实有人数、下属单位数）",
    s.LINES: "收支表的每一行：表、收支方向、分类、科目编码与名称、栏目、金额；"
    "verification 为核实状态，verified_by 为核实依据",
    s.STATEMENTS: "说明文字中的金额陈述：金额、增减额与增减幅度",
    s.INDICATORS: "绩效目标与指标",
    s.PROJECTS: "项目支出：项目总预算与本年度预算",
    s.DOCUMENT_TABLES: "每份文件包含的标准表及其页码、状态与行数",
    READING_REPORT_SHEET: "读数报告：每份公开一行，应有表与已读表、缺表、无法读取的表、数字的已核实占比与读数存疑数",
    s.READING_FINDINGS: "读数存疑：读取程序未能核实或未能读取之处（恒等式不成立、无法识读的单元格、无法读取的表格、"
    "推定的单位），附页码与原文",
    s.DOCUMENT_TEXT: "原文：每份文件印出的文字，逐行，附页码与行号（用于核对疑点所在之处）",
    s.FLAGS: "疑点标记：规则与模型发现的问题、读取程序的读数存疑（source = reader）、证据（出处与原文）及审计核查状态",
    COVERAGE_SHEET: "核对覆盖：每份公开、每项核对一行，status 为 ran（已进行）或 not_run（未能进行），"
    "reason_zh 为未能进行的原因（表未公开或无法读取、无文字说明数字、无绩效目标、未披露人数、数据集中无上年文件等）",
    EXECUTION_SHEET: "预算执行（按指标）：每份决算的主要指标一行，年初预算 budget_yuan、调整预算 adjusted_budget_yuan、"
    "决算数 final_yuan、执行率 execution_pct（决算数 ÷ 年初预算 × 100），及每个数字的出处（stated_in）与核实状态",
    EXECUTION_LINES_SHEET: "预算执行（按科目）：每份决算的每个科目一行，决算数 final_yuan 与年初预算 budget_yuan、"
    "差额、执行率；"
    "budget_source 为年初预算出处（final_column 决算表所列、final_narrative 决算文字说明、budget_document 当年预算、"
    "sum_of_parts 下级科目之和），budget_page 为其页码；narrative_agrees 为文字说明所述决算数与表是否一致",
    SCORE_SHEET: "公开质量评分：每份公开一行，各评分项目得分（空为未评分）、总分（满分 100，按已评分项目折算）"
    "与同地区、同年度、同类公开中的排名；"
    "评分项目、分值与依据见 disclosure_score_items 表与 analytics/reference/disclosure_score.csv",
    SCORE_ITEMS_SHEET: "公开质量评分明细：每份公开、每个评分项目一行，得分、满分、是否评分与所衡量的情况",
}
#: Header notes (Excel comments) of the lines sheet's verification columns and of the reading report's columns.
_NOTES = {
    s.LINES: {
        s.VERIFICATION: "核实状态：verified 已核实（表内恒等式或第二来源一致）；unverified 未核实（无可核对者）；"
        "contradicted 不符（所在恒等式不成立，读数存疑）",
        s.VERIFIED_BY: "核实依据：一致的恒等式或第二来源；不符时以“不符：”开头，写明不成立的恒等式",
    },
    READING_REPORT_SHEET: {
        "sources": "文件",
        "tables_expected": "应有表：该阶段与范围的公开应有的标准表数",
        "tables_found": "已读表：应有表中已读取（含空表）的张数",
        "tables_missing": "缺表（表名代码）",
        "tables_missing_zh": "缺表",
        "tables_unreadable": "无法读取的表（表名代码）",
        "tables_unreadable_zh": "无法读取的表",
        "figures": "读取的数字数",
        "figures_verified": "已核实的数字数",
        "figures_contradicted": "不符的数字数",
        "share_verified": "已核实占比（无表格数字时为空）",
        s.READING_FINDINGS: "读数存疑数（明细见 reading_findings 表）",
    },
}
_PERCENT_FORMAT = "0.0%"
_TITLE = {"bold": True, "font_size": 14}
_LABEL = {"bold": True}
_WRAP = {"text_wrap": True, "valign": "top"}


def _with_file_names(frame: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with the file name of each row's document (``source_name``) right after its ``doc_id``: an auditor
    finds a document by its file, not by its hash."""
    if s.DOC_ID not in frame.columns or s.SOURCE_NAME in frame.columns:
        return frame
    names = documents.select(s.DOC_ID, s.SOURCE_NAME).unique(s.DOC_ID)
    joined = frame.join(names, on=s.DOC_ID, how="left", maintain_order="left")
    order = list(frame.columns)
    order.insert(order.index(s.DOC_ID) + 1, s.SOURCE_NAME)
    return joined.select(order)


def workbook_bytes(dataset: Dataset, *, department_id: str | None = None, triage: TriageStore | None = None) -> bytes:
    """The auditors' workbook as the bytes of an ``.xlsx`` file.

    Parameters
    ----------
    dataset
        The dataset to write.
    department_id
        Only this department: every table keeps the department's rows (``document_tables`` those of its
        documents). ``None`` writes the whole dataset.
    triage
        The auditors' decisions, written on the flags sheet (``status``, ``note``, ``author``, ``at`` in UTC).
        Without a store those columns are present but empty.

    Raises
    ------
    AnalyticsError
        When ``department_id`` is not in the dataset (the message lists the departments it has).

    Examples
    --------
    >>> from analytics.store import Dataset
    >>> import openpyxl
    >>> book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(Dataset.empty())))
    >>> book.sheetnames[:3]
    ['说明', 'documents', 'departments']
    """
    chosen = dataset if department_id is None else dataset.for_department(department_id)
    sheets: dict[str, pl.DataFrame] = {}
    for name, frame in chosen.tables.items():
        if name == s.READING_FINDINGS:
            sheets[READING_REPORT_SHEET] = _reading_report(chosen)
        sheets[name] = _with_wan(flat(frame))
    sheets = {name: _with_file_names(frame, chosen.documents) if name != s.DOCUMENTS else frame
              for name, frame in sheets.items()}  # fmt: skip
    sheets[s.FLAGS] = _with_triage(sheets[s.FLAGS], triage)
    sheets |= _execution(chosen)
    sheets |= _coverage_and_score(dataset, department_id)
    buffer = io.BytesIO()
    with SafeWorkbook(buffer) as book:
        _write_readme(book, dataset, department_id, triage, {name: frame.height for name, frame in sheets.items()})
        for name, frame in sheets.items():
            wan = [c for c in frame.columns if c.endswith(WAN_SUFFIX) and c.removesuffix(WAN_SUFFIX) in frame.columns]
            formats = dict.fromkeys(wan, YUAN_FORMAT)
            if name == READING_REPORT_SHEET:
                formats["share_verified"] = _PERCENT_FORMAT
            book.write_table(
                name[:31],
                frame,
                number_formats=formats,
                notes={
                    **{c: f"万元：{c.removesuffix(WAN_SUFFIX)} ÷ 10,000（仅供阅读，精确金额见元列）" for c in wan},
                    **{c: note for c, note in _NOTES.get(name, {}).items() if c in frame.columns},
                },
            )
    return buffer.getvalue()


def write_workbook(
    dataset: Dataset,
    path: str | os.PathLike[str],
    *,
    department_id: str | None = None,
    triage: TriageStore | None = None,
) -> Path:
    """Write the auditors' workbook (see ``workbook_bytes``) to ``path`` and return the path.

    Raises
    ------
    AnalyticsError
        When ``department_id`` is not in the dataset, or ``path`` cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> from analytics.store import Dataset
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_workbook(Dataset.empty(), Path(tmp) / "audit.xlsx").name
    'audit.xlsx'
    """
    target = Path(path)
    data = workbook_bytes(dataset, department_id=department_id, triage=triage)
    try:
        write_atomically(target, data)
    except OSError as exc:
        raise AnalyticsError(f"{target}: cannot write the workbook ({exc.strerror or exc})") from None
    return target


def _with_wan(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with a 万元 column right after each money column (exact: 元 have two places, 万元 six)."""
    columns: list[pl.Expr] = []
    for name, dtype in frame.schema.items():
        columns.append(pl.col(name))
        if dtype == s.MONEY:
            columns.append(wan_yuan(name, places=6).alias(f"{name}{WAN_SUFFIX}"))
    return frame.select(columns)


def _reading_report(dataset: Dataset) -> pl.DataFrame:
    """``reading_report`` flat: file names and table keys as text, each list of tables also in Chinese names."""
    from analytics.reading import reading_report
    from analytics.reference import table_catalog

    names = dict(table_catalog().select("key", "name_zh").rows())

    def joined(column: str, separator: str, *, chinese: bool = False) -> pl.Expr:
        items = pl.col(column)
        if chinese:
            items = items.list.eval(pl.element().replace_strict(names, default=pl.element()))
        # An empty list is an empty cell, not an empty string.
        text = pl.when(pl.col(column).list.len() > 0).then(items.list.join(separator))
        return text.alias(f"{column}_zh" if chinese else column)

    report = reading_report(dataset)
    lists = ("tables_missing", "tables_unreadable")
    columns: list[pl.Expr] = []
    for column in report.columns:
        if column == "sources":
            columns.append(joined(column, "、"))
        elif column in lists:
            columns += [joined(column, ", "), joined(column, "、", chinese=True)]
        else:
            columns.append(pl.col(column))
    return report.select(columns)


def _execution(dataset: Dataset) -> dict[str, pl.DataFrame]:
    """Budget execution of the final accounts: by measure (``compare.execution_rates``) and by 科目
    (``compare.execution_by_line``), money with its 万元 beside it and each figure's document by file name."""
    from analytics.compare import execution_by_line, execution_rates

    frames = {EXECUTION_SHEET: execution_rates(dataset), EXECUTION_LINES_SHEET: execution_by_line(dataset)}
    return {name: _with_file_names(_with_wan(flat(frame)), dataset.documents) for name, frame in frames.items()}


def _coverage_and_score(dataset: Dataset, department_id: str | None) -> dict[str, pl.DataFrame]:
    """The coverage ledger and the disclosure score (its totals and its items), of the whole dataset (a rank is
    among the district's disclosures, and a prior year is any in the dataset), then of the department asked for."""
    from analytics.coverage import coverage
    from analytics.score import disclosure_score_items, disclosure_scores

    frames = {
        COVERAGE_SHEET: coverage(dataset),
        SCORE_SHEET: disclosure_scores(dataset),
        SCORE_ITEMS_SHEET: disclosure_score_items(dataset),
    }
    if department_id is not None:
        frames = {name: frame.filter(pl.col(s.DEPARTMENT_ID) == department_id) for name, frame in frames.items()}
    return frames


def _with_triage(flags: pl.DataFrame, triage: TriageStore | None) -> pl.DataFrame:
    """``flags`` with the triage columns last: each flag's current decision, or empty columns without a store."""
    if triage is None:
        return flags.with_columns(pl.lit(None, dtype).alias(name) for name, dtype in _TRIAGE_COLUMNS.items())
    return triage.annotate(flags).select(*flags.columns, *_TRIAGE_COLUMNS)


def _department_name(dataset: Dataset, department_id: str) -> str:
    names = pl.concat(
        [
            dataset.departments.filter(pl.col(s.DEPARTMENT_ID) == department_id).sort(s.FISCAL_YEAR).get_column(s.NAME),
            dataset.documents.filter(pl.col(s.DEPARTMENT_ID) == department_id).get_column(s.DEPARTMENT),
        ]
    ).drop_nulls()
    # The latest year's name: departments are renamed, their id stays.
    return names[-1] if names.len() and names[-1] else department_id


def _write_readme(
    book: SafeWorkbook,
    dataset: Dataset,
    department_id: str | None,
    triage: TriageStore | None,
    counts: dict[str, int],
) -> None:
    sheet = book.workbook.add_worksheet(README_SHEET)
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 90)
    sheet.set_column(2, 2, 10)
    if department_id is None:
        scope = "全部"
    else:
        name = _department_name(dataset, department_id)
        scope = name if name == department_id else f"{name}（{department_id}）"
    facts = {
        "数据集": str(dataset.path) if dataset.path is not None else "（未保存的数据集）",
        "部门": scope,
        "生成日期": date.today().isoformat(),
        "金额单位": "金额列以元为单位，精确到分，与数据集一致；每个金额列右侧的 <列名>_wan 列是同一金额的万元值"
        "（元 ÷ 10,000），仅供阅读与汇总。",
        "疑点数值": "flags 表的 observed、expected、variance、threshold 以该疑点的 measure 为单位"
        "（yuan 元、percent 百分比、count 个数）；evidence 每行一处出处：文件、页、行、原文。",
        "核查状态": (
            f"flags 表末尾的 status、note、author、at（UTC 时间）为审计核查记录，取自 {triage.path}。"
            if triage is not None
            else "未提供核查记录：flags 表末尾的 status、note、author、at 列为空。"
        ),
        "读数核实": "lines 表的 verification 为每个数字的核实状态（verified 已核实：表内恒等式或第二来源一致；"
        "unverified 未核实；contradicted 不符），verified_by 为核实依据；reading_report 表为每份公开的读数报告，"
        "reading_findings 表为读取程序的存疑之处（附页码与原文）。读数存疑是读取上的疑问，不是文件本身的错误："
        "它们在 flags 表中为 source = reader、family = reading，与规则和模型发现的疑点分开。",
        "公式安全": "以 = + - @ 开头的文字按文本保存（单元格带引号前缀），不会作为公式执行。",
    }
    book.write_text(sheet, 0, 0, "部门预算公开数据 · 审计工作簿", **_TITLE)
    row = 2
    for label, text in facts.items():
        book.write_text(sheet, row, 0, label, **_LABEL)
        book.write_text(sheet, row, 1, text, **_WRAP)
        row += 1
    row += 1
    for col, header in enumerate(("工作表", "内容", "行数")):
        book.write_text(sheet, row, col, header, bold=True, bg_color="#DDEBF7", bottom=1)
    for name, height in counts.items():
        row += 1
        book.write_text(sheet, row, 0, name[:31])
        book.write_text(sheet, row, 1, _SHEET_CONTENTS.get(name, name))
        sheet.write_number(row, 2, height)
