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

from analytics import labels
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
    "COLUMNS_HEADER",
    "COLUMNS_TITLE",
    "COVERAGE_SHEET",
    "EXECUTION_LINES_SHEET",
    "EXECUTION_SHEET",
    "READING_REPORT_SHEET",
    "README_SHEET",
    "SCORE_ITEMS_SHEET",
    "SCORE_SHEET",
    "SHEET_NAMES",
    "WAN_SUFFIX",
    "workbook_bytes",
    "write_workbook",
]

# The sheets' keys: the tables' names, then the analyses after them. A sheet is named by its key's Chinese label.
_READING_REPORT = "reading_report"
_COVERAGE = "coverage"
#: The coverage ledger's column of what a rule needs (analytics.coverage.NEEDS; imported late like the ledger).
_NEEDS = "needs"
_SCORE = "disclosure_score"
_SCORE_ITEMS = "disclosure_score_items"
_EXECUTION = "budget_execution"
_EXECUTION_LINES = "budget_execution_lines"
#: The sheet name of each sheet key (a table's name, or an analysis): its Chinese label (``analytics.labels``).
SHEET_NAMES: dict[str, str] = labels.labels("sheet")
#: The first sheet: what the workbook holds, and the English name of every column.
README_SHEET = "说明"
#: The sheet of ``analytics.reading.reading_report``: one row per disclosure, before the reading findings.
READING_REPORT_SHEET = SHEET_NAMES[_READING_REPORT]
#: The sheets after the tables: the coverage ledger (``analytics.coverage``) and the disclosure score
#: (``analytics.score``), each disclosure's total and rank, then its points item by item.
COVERAGE_SHEET = SHEET_NAMES[_COVERAGE]
SCORE_SHEET = SHEET_NAMES[_SCORE]
SCORE_ITEMS_SHEET = SHEET_NAMES[_SCORE_ITEMS]
#: The sheets of budget execution (决算数 against 年初预算): by measure, then by 科目.
EXECUTION_SHEET = SHEET_NAMES[_EXECUTION]
EXECUTION_LINES_SHEET = SHEET_NAMES[_EXECUTION_LINES]
#: The 说明 sheet's table of every sheet's columns: its title, then its header (sheet, Chinese header, English
#: column name as the dataset has it, English label).
COLUMNS_TITLE = "各表的列"
COLUMNS_HEADER = ("工作表", "列", "英文列名", "英文说明")
#: Suffix of the 万元 column written beside each money column (``amount_yuan`` → ``amount_yuan_wan``).
WAN_SUFFIX = labels.WAN_SUFFIX
# The triage state as ``TriageStore.annotate`` names it; present (and empty) when no triage store is given.
_TRIAGE_COLUMNS: dict[str, pl.DataType] = {
    "status": pl.String(),
    "note": pl.String(),
    "author": pl.String(),
    "at": pl.Datetime("us", "UTC"),
}
#: The rule's title, written beside its id on the flags sheet.
_RULE_TITLE = "title_zh"
_FIGURE_ROLES = "figure_roles"
# Codes written as their Chinese labels: column → vocabulary of ``analytics.labels``, in any sheet, then by sheet.
_CODES = {
    s.SEVERITY: "severity",
    s.FAMILY: "family",
    s.PHASE: "phase",
    s.SCOPE: "scope",
    s.SIDE: "side",
    s.CLASSIFICATION: "classification",
    s.AMOUNT_BASIS: "amount_basis",
    s.VERIFICATION: "verification",
    s.GOAL_SCOPE: "goal_scope",
    s.TABLE: "table",
    s.COLUMN: "column",
    "form": "form",
    "budget_source": "budget_source",
    **{f"{basis}_stated_in": "stated_in" for basis in ("budget", "adjusted_budget", "final")},
    **{f"{basis}_verification": "verification" for basis in ("budget", "adjusted_budget", "final")},
}
_SHEET_CODES = {
    s.FLAGS: {s.SOURCE: "flag_source", s.MEASURE: "flag_measure"},
    s.READING_FINDINGS: {s.KIND: "reading_kind"},
    s.DOCUMENT_TABLES: {s.STATUS: "table_status"},
    _COVERAGE: {s.KIND: "coverage_kind", s.STATUS: "coverage_status"},
    _EXECUTION: {s.MEASURE: "measure"},
}
_SHEET_CONTENTS = {
    s.DOCUMENTS: "来源文件：每份公开文件一行（地区、部门、年度、预算/决算）",
    s.DEPARTMENTS: "部门概况：每个部门每年一行（单位性质、编制与实有人数、下属单位数）",
    s.LINES: "收支表的每一个数字：表、收支方向、分类、科目编码与名称、栏目、金额（元，及万元）、核实状态与核实依据",
    s.STATEMENTS: "说明文字中的金额陈述：金额、增减额与增减幅度",
    s.INDICATORS: "绩效目标与指标",
    s.PROJECTS: "项目支出：项目总预算与本年度预算",
    s.DOCUMENT_TABLES: "每份文件包含的标准表及其页码、状态与行数",
    _READING_REPORT: "读数报告：每份公开一行，应有表与已读表、缺表、无法读取的表、数字的已核实占比与读数存疑数",
    s.READING_FINDINGS: "读数存疑：读取程序未能核实或未能读取之处（恒等式不成立、无法识读的单元格、无法读取的表格、"
    "推定的单位），附页码与原文",
    s.DOCUMENT_TEXT: "原文：每份文件印出的文字，逐行，附页码与行号（用于核对疑点所在之处）",
    s.FLAGS: "疑点：规则与模型发现的问题、读取程序的读数存疑（疑点来源为“读取程序”）、证据（文件、页、行与原文）"
    "及审计核查状态",
    _COVERAGE: "核对覆盖：每份公开、每项核对一行，核对状态为“已进行”或“未能进行”，并写明未能进行的原因"
    "（表未公开或无法读取、无文字说明数字、无绩效目标、未披露人数、数据集中无上年文件等）",
    _EXECUTION: "预算执行（按指标）：每份决算的主要指标一行，年初预算、调整预算、决算数、"
    "执行率（决算数 ÷ 年初预算 × 100），及每个数字的出处与核实状态",
    _EXECUTION_LINES: "预算执行（按科目）：每份决算的每个科目一行，决算数与年初预算、差额、执行率；"
    "年初预算出处为决算表所列、决算文字说明、当年预算或下级科目之和，并附其页码；"
    "“文字说明与表一致”为文字说明所述决算数与表是否一致",
    _SCORE: "公开质量评分：每份公开一行，各评分项目得分（空为未评分）、总分（满分 100，按已评分项目折算）"
    "与同地区、同年度、同类公开中的排名；"
    "评分项目、分值与依据见“公开质量评分明细”表与 analytics/reference/disclosure_score.csv",
    _SCORE_ITEMS: "公开质量评分明细：每份公开、每个评分项目一行，得分、满分、是否评分与所衡量的情况",
}
#: Header notes (Excel comments) of the lines sheet's verification columns and of the reading report's columns.
_NOTES = {
    s.LINES: {
        s.VERIFICATION: "核实状态：已核实（表内恒等式或第二来源一致）；未核实（无可核对者）；"
        "不符（所在恒等式不成立，读数存疑）",
        s.VERIFIED_BY: "核实依据：一致的恒等式或第二来源；不符时以“不符：”开头，写明不成立的恒等式",
    },
    _READING_REPORT: {
        "tables_expected": "应有表：该阶段与范围的公开应有的标准表数",
        "tables_found": "已读表：应有表中已读取（含空表）的张数",
        "share_verified": "已核实占比（无表格数字时为空）",
        s.READING_FINDINGS: "读数存疑数（明细见“读数存疑”表）",
    },
}
_PERCENT_FORMAT = "0.0%"
_TITLE = {"bold": True, "font_size": 14}
_LABEL = {"bold": True}
_WRAP = {"text_wrap": True, "valign": "top"}


def _with_file_names(frame: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with the file name of each document it names right after the document's id (``doc_id`` →
    ``source_name``, ``budget_doc_id`` → ``budget_source_name`` …): an auditor finds a document by its file, not by
    its hash."""
    names = dict(documents.select(s.DOC_ID, s.SOURCE_NAME).unique(s.DOC_ID).iter_rows())
    columns: list[pl.Expr] = []
    for column in frame.columns:
        columns.append(pl.col(column))
        if column.endswith(s.DOC_ID):
            name = column.removesuffix(s.DOC_ID) + s.SOURCE_NAME
            if name not in frame.columns:
                columns.append(pl.col(column).replace_strict(names, default=None, return_dtype=pl.String).alias(name))
    return frame.select(columns)


def _evidence_text(documents: pl.DataFrame) -> pl.Expr:
    """A flag's evidence as text, one line per figure: its file, page and line, and what is printed there."""
    names = dict(documents.select(s.DOC_ID, s.SOURCE_NAME).unique(s.DOC_ID).iter_rows())
    item = pl.element().struct
    page = pl.concat_str(pl.lit("第"), item.field(s.PAGE).cast(pl.String), pl.lit("页"))
    line = pl.concat_str(pl.lit("第"), item.field(s.LINE).cast(pl.String), pl.lit("行"))
    text = pl.concat_str(
        [
            item.field(s.DOC_ID).replace_strict(names, default=item.field(s.DOC_ID), return_dtype=pl.String),
            pl.concat_str([page, line], ignore_nulls=True),
            item.field(s.SOURCE_TEXT),
        ],
        separator=" ",
        ignore_nulls=True,
    )
    joined = pl.col(s.EVIDENCE).list.eval(text).list.join("\n")
    # No evidence is an empty cell, not an empty text.
    return pl.when(pl.col(s.EVIDENCE).list.len() > 0).then(joined).alias(s.EVIDENCE)


def _prior_values_text() -> pl.Expr:
    """An indicator's prior-year values as text (2022年：≥95%；2023年：≥96%); none is an empty cell."""
    item = pl.element().struct
    text = pl.concat_str(item.field(s.FISCAL_YEAR).cast(pl.String), pl.lit("年："), item.field(s.TARGET_TEXT))
    joined = pl.col(s.PRIOR_VALUES).list.eval(text).list.join("；")
    return pl.when(pl.col(s.PRIOR_VALUES).list.len() > 0).then(joined).alias(s.PRIOR_VALUES)


def _peer_stats_text() -> pl.Expr:
    """A model flag's peer statistics as text, in the flag's measure: 同类 8 个，中位数 0.1219 …"""
    stats = pl.col(s.PEER_STATS).struct
    parts = [pl.lit("同类 "), stats.field("count").cast(pl.String), pl.lit(" 个")]
    for field, name in (("median", "中位数"), ("q1", "下四分位数"), ("q3", "上四分位数"), ("scale", "稳健尺度")):
        parts += [pl.lit(f"，{name} "), stats.field(field).round(4).cast(pl.String)]
    return pl.concat_str(parts).alias(s.PEER_STATS)


def _for_reading(frame: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with no nested column: evidence and prior-year values as Chinese text, anything else flat."""
    readable = []
    if s.EVIDENCE in frame.columns:
        readable.append(_evidence_text(documents))
    if s.PRIOR_VALUES in frame.columns:
        readable.append(_prior_values_text())
    if s.PEER_STATS in frame.columns:
        readable.append(_peer_stats_text())
    text = frame.select(readable) if readable else None
    flattened = flat(frame)
    return flattened if text is None else flattened.with_columns(text)


def _labelled(key: str, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` as a person reads it: codes as their Chinese labels (a rule's title beside its id), booleans as
    是 / 否; a code the label table lacks stays as it is, a null stays an empty cell."""
    codes = _CODES | _SHEET_CODES.get(key, {})
    yes, no = labels.label("boolean", "true"), labels.label("boolean", "false")
    columns: list[pl.Expr] = []
    for column, dtype in frame.schema.items():
        if dtype == pl.Boolean:
            columns.append(
                pl.when(pl.col(column)).then(pl.lit(yes)).when(~pl.col(column)).then(pl.lit(no)).alias(column)
            )
        elif column == _NEEDS and dtype == pl.String:
            columns.append(labels.needs_expr(column))
        elif column in codes and dtype == pl.String:
            columns.append(labels.label_expr(column, codes[column]))
        elif dtype == pl.String:
            # An empty text is an empty cell.
            columns.append(pl.when(pl.col(column) != "").then(pl.col(column)).alias(column))
        else:
            columns.append(pl.col(column))
        if column == s.RULE_ID and key == s.FLAGS:
            columns.append(labels.label_expr(column, "rule").alias(_RULE_TITLE))
            # A variance says what it compares: last year's value, the sum of the parts, the recomputed figure.
            columns.append(labels.figure_roles_expr(column).alias(_FIGURE_ROLES))
    return frame.select(columns)


def _headers(key: str, frame: pl.DataFrame) -> dict[str, str]:
    """Each column's Chinese header on sheet ``key``; two columns of one sheet never share a header."""
    headers = {column: labels.column_label(column, table=key) for column in frame.columns}
    seen: dict[str, str] = {}
    for column, header in headers.items():
        if header in seen:
            raise AnalyticsError(
                f"sheet {SHEET_NAMES[key]!r}: columns {seen[header]!r} and {column!r} share the header {header!r}; "
                "give one its own label in analytics/labels.py"
            )
        seen[header] = column
    return headers


def workbook_bytes(dataset: Dataset, *, department_id: str | None = None, triage: TriageStore | None = None) -> bytes:
    """The auditors' workbook as the bytes of an ``.xlsx`` file.

    Sheets, headers and codes are in Chinese (``analytics.labels``); the 说明 sheet maps every header to its
    English column name.

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
        When ``department_id`` is not in the dataset (the message lists the departments it has), or a column has
        no Chinese label.

    Examples
    --------
    >>> from analytics.store import Dataset
    >>> import openpyxl
    >>> book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(Dataset.empty())))
    >>> book.sheetnames[:3]
    ['说明', '来源文件', '部门概况']
    """
    chosen = dataset if department_id is None else dataset.for_department(department_id)
    documents = chosen.documents
    sheets: dict[str, pl.DataFrame] = {}
    for name, frame in chosen.tables.items():
        if name == s.READING_FINDINGS:
            sheets[_READING_REPORT] = _reading_report(chosen)
        table = _with_triage(frame, triage) if name == s.FLAGS else frame
        sheets[name] = _with_wan(_for_reading(table, documents))
    sheets = {name: _with_file_names(frame, documents) if name != s.DOCUMENTS else frame
              for name, frame in sheets.items()}  # fmt: skip
    sheets |= _execution(chosen)
    sheets |= {
        key: _with_file_names(frame, dataset.documents)
        for key, frame in _coverage_and_score(dataset, department_id).items()
    }
    sheets = {key: _labelled(key, frame) for key, frame in sheets.items()}
    headers = {key: _headers(key, frame) for key, frame in sheets.items()}
    buffer = io.BytesIO()
    with SafeWorkbook(buffer) as book:
        _write_readme(book, dataset, department_id, triage, sheets, headers)
        for key, frame in sheets.items():
            header = headers[key]
            wan = [c for c in frame.columns if c.endswith(WAN_SUFFIX) and c.removesuffix(WAN_SUFFIX) in frame.columns]
            formats = {header[c]: YUAN_FORMAT for c in wan}
            if key == _READING_REPORT:
                formats[header["share_verified"]] = _PERCENT_FORMAT
            notes = {
                **{
                    header[c]: f"万元：{header[c.removesuffix(WAN_SUFFIX)]} ÷ 10,000，保留两位小数显示"
                    "（仅供阅读，精确金额见元列）"
                    for c in wan
                },
                **{header[c]: note for c, note in _NOTES.get(key, {}).items() if c in frame.columns},
            }
            book.write_table(SHEET_NAMES[key][:31], frame.rename(header), number_formats=formats, notes=notes)
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
        When ``department_id`` is not in the dataset; its ``OutputError`` when ``path`` cannot be written (the
        file there is left as it was).

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
    write_atomically(target, data)
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

    names = labels.labels("table")

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

    frames = {_EXECUTION: execution_rates(dataset), _EXECUTION_LINES: execution_by_line(dataset)}
    return {name: _with_file_names(_with_wan(flat(frame)), dataset.documents) for name, frame in frames.items()}


def _coverage_and_score(dataset: Dataset, department_id: str | None) -> dict[str, pl.DataFrame]:
    """The coverage ledger and the disclosure score (its totals and its items), of the whole dataset (a rank is
    among the district's disclosures, and a prior year is any in the dataset), then of the department asked for."""
    from analytics.coverage import coverage
    from analytics.score import disclosure_score_items, disclosure_scores

    frames = {
        _COVERAGE: coverage(dataset),
        _SCORE: disclosure_scores(dataset),
        _SCORE_ITEMS: disclosure_score_items(dataset),
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


def _write_readme(  # noqa: PLR0917
    book: SafeWorkbook,
    dataset: Dataset,
    department_id: str | None,
    triage: TriageStore | None,
    sheets: dict[str, pl.DataFrame],
    headers: dict[str, dict[str, str]],
) -> None:
    sheet = book.workbook.add_worksheet(README_SHEET)
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 90)
    sheet.set_column(2, 3, 28)
    if department_id is None:
        scope = "全部"
    else:
        name = _department_name(dataset, department_id)
        scope = name if name == department_id else f"{name}（{department_id}）"
    flags, lines = SHEET_NAMES[s.FLAGS], SHEET_NAMES[s.LINES]
    facts = {
        "数据集": str(dataset.path) if dataset.path is not None else "（未保存的数据集）",
        "部门": scope,
        "生成日期": date.today().isoformat(),
        "金额单位": "标为（元）的金额列以元为单位，精确到分，与数据集一致；其右侧标为（万元）的列是同一金额的万元值"
        "（元 ÷ 10,000，显示两位小数），仅供阅读与汇总。",
        "疑点数值": f"“{flags}”表的实际值、应为、差异、阈值以该疑点的数值单位为单位（元、百分比或个数）；"
        "证据每行一处出处：文件名、页、行、原文。",
        "核查状态": (
            f"“{flags}”表末尾的核查状态、核查说明、核查人、核查时间（UTC）为审计核查记录，取自 {triage.path}。"
            if triage is not None
            else f"未提供核查记录：“{flags}”表末尾的核查状态、核查说明、核查人、核查时间列为空。"
        ),
        "读数核实": f"“{lines}”表的核实状态为每个数字的核实状态（已核实：表内恒等式或第二来源一致；未核实；不符），"
        f"核实依据为一致或不成立的恒等式；“{READING_REPORT_SHEET}”表为每份公开的读数报告，"
        f"“{SHEET_NAMES[s.READING_FINDINGS]}”表为读取程序的存疑之处（附页码与原文）。读数存疑是读取上的疑问，"
        f"不是文件本身的错误：它们在“{flags}”表中疑点来源为“读取程序”、规则族为“读数存疑”，与规则和模型发现的疑点分开。",
        "代码与列名": "表名、收支方向、分类、级别、规则族等代码均以中文名称显示，是/否即真/假；"
        "各表的中文列名与数据集中的英文列名的对照见本表末尾的“各表的列”。",
        "公式安全": "以 = + - @ 开头的文字按文本保存（单元格带引号前缀），不会作为公式执行。",
    }
    book.write_text(sheet, 0, 0, "部门预算公开数据 · 审计工作簿", **_TITLE)
    row = 2
    for label, text in facts.items():
        book.write_text(sheet, row, 0, label, **_LABEL)
        book.write_text(sheet, row, 1, text, **_WRAP)
        row += 1
    row += 1
    heading = {"bold": True, "bg_color": "#DDEBF7", "bottom": 1}
    for col, header in enumerate(("工作表", "内容", "行数")):
        book.write_text(sheet, row, col, header, **heading)
    for key, frame in sheets.items():
        row += 1
        book.write_text(sheet, row, 0, SHEET_NAMES[key][:31])
        book.write_text(sheet, row, 1, _SHEET_CONTENTS[key])
        sheet.write_number(row, 2, frame.height)
    row += 2
    book.write_text(sheet, row, 0, COLUMNS_TITLE, **_TITLE)
    row += 1
    for col, header in enumerate(COLUMNS_HEADER):
        book.write_text(sheet, row, col, header, **heading)
    for key, columns in headers.items():
        for column, header in columns.items():
            row += 1
            book.write_text(sheet, row, 0, SHEET_NAMES[key][:31])
            book.write_text(sheet, row, 1, header)
            book.write_text(sheet, row, 2, column)
            book.write_text(sheet, row, 3, labels.column_label(column, table=key, lang="en"))
