"""Small literal datasets for the coverage ledger and the disclosure score: one department of 嘉兴市南湖区 with a
budget whose tables, narrative, targets and staff each test sets, and (optionally) the prior year's budget."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from analytics import schema as s
from analytics.reading import required_tables
from analytics.store import Dataset

DEPARTMENT_ID = "nanhu-water"
NAME = "嘉兴市南湖区水利局"
REGION = "嘉兴市南湖区"
YEAR = 2025
TEXT = (
    "一、部门主要职责",
    "二、“三公”经费预算情况说明：因公出国（境）费0万元，公务用车购置及运行费3.2万元，公务接待费0.8万元，"
    "比上年减少0.5万元，主要原因是压减公务接待。",
)


def frame(name: str, rows: list[dict[str, object]]) -> pl.DataFrame:
    """A table of the data contract from ``rows`` (columns a row lacks are null)."""
    schema = s.TABLES[name].columns
    return pl.DataFrame([{c: row.get(c) for c in schema} for row in rows], schema=schema, orient="row")


def budget(
    *,
    doc_id: str = "nanhu-2025",
    department_id: str = DEPARTMENT_ID,
    name: str = NAME,
    year: int = YEAR,
    statuses: dict[str, str] | None = None,
    statements: bool = True,
    indicators: bool = True,
    staff: bool = True,
    text: tuple[str, ...] = TEXT,
) -> dict[str, pl.DataFrame]:
    """The tables of one 部门预算: every required table read (``statuses`` overrides a table's state, ``absent``
    leaves it out), with figures at 项 and 款 level, narrative figures, targets and staff as asked."""
    states = {table: "data" for table in required_tables("budget", "department")} | (statuses or {})
    document = {
        s.DOC_ID: doc_id, s.SOURCE_NAME: f"{doc_id}.pdf", s.SOURCE_FORMAT: "pdf", s.REGION: REGION,
        s.DEPARTMENT: name, s.DEPARTMENT_ID: department_id, s.FISCAL_YEAR: year, s.PHASE: "budget",
        s.SCOPE: "department", s.DISCLOSURE_ID: doc_id, s.PAGE_COUNT: 12,
    }  # fmt: skip
    tables = [
        {s.DOC_ID: doc_id, s.TABLE: table, s.TITLE: table, s.STATUS: state, s.ROW_COUNT: 3 if state == "data" else 0,
         s.PAGE_FROM: page}
        for page, (table, state) in enumerate(states.items(), start=3)
        if state != "absent"
    ]  # fmt: skip
    lines = []
    for table, state in states.items():
        if state != "data":
            continue
        level = 3 if table == "general_budget_function" else 2
        columns = ["overseas_travel", "vehicles", "reception"] if table == "three_public_and_operation" else ["total"]
        for column in columns:
            lines.append(
                {
                    s.DOC_ID: doc_id, s.DEPARTMENT_ID: department_id, s.FISCAL_YEAR: year, s.AS_OF_YEAR: year,
                    s.PHASE: "budget", s.TABLE: table, s.SIDE: "expenditure", s.CLASSIFICATION: "function",
                    s.CODE: "2130101", s.NAME: "行政运行", s.LEVEL: level, s.COLUMN: column, s.AMOUNT_BASIS: "budget",
                    s.AMOUNT_YUAN: Decimal("123456.70"), s.VERIFICATION: "unverified", s.PAGE: 3,
                    s.SOURCE_TEXT: "2130101 行政运行 12.35",
                }
            )  # fmt: skip
    said = [
        {s.DOC_ID: doc_id, s.SEQ: 1, s.DEPARTMENT_ID: department_id, s.FISCAL_YEAR: year, s.SUBJECT: "收入预算",
         s.AMOUNT_YUAN: Decimal("8765400.00"), s.SOURCE_TEXT: "收入预算876.54万元"}
    ] if statements else []  # fmt: skip
    targets = [
        {s.DOC_ID: doc_id, s.SEQ: 1, s.DEPARTMENT_ID: department_id, s.FISCAL_YEAR: year, s.GOAL_SCOPE: "annual",
         s.LEVEL1: "产出指标", s.LEVEL3: "河道保洁长度", s.TARGET_TEXT: "≥120公里",
         s.SOURCE_TEXT: "河道保洁长度 ≥120公里"}
    ] if indicators else []  # fmt: skip
    department = {
        s.DEPARTMENT_ID: department_id, s.FISCAL_YEAR: year, s.NAME: name, s.REGION: REGION, s.DOC_ID: doc_id,
        s.STAFF_AUTHORIZED: 42 if staff else None, s.STAFF_ACTUAL: 40 if staff else None,
    }  # fmt: skip
    printed = [
        {s.DOC_ID: doc_id, s.SEQ: i, s.PAGE: 1, s.LINE: i, s.SOURCE_TEXT: line} for i, line in enumerate(text, start=1)
    ]
    return {
        s.DOCUMENTS: frame(s.DOCUMENTS, [document]),
        s.DEPARTMENTS: frame(s.DEPARTMENTS, [department]),
        s.DOCUMENT_TABLES: frame(s.DOCUMENT_TABLES, tables),
        s.LINES: frame(s.LINES, lines),
        s.STATEMENTS: frame(s.STATEMENTS, said),
        s.INDICATORS: frame(s.INDICATORS, targets),
        s.DOCUMENT_TEXT: frame(s.DOCUMENT_TEXT, printed),
    }


def dataset(*parts: dict[str, pl.DataFrame], flags: pl.DataFrame | None = None) -> Dataset:
    """The dataset of the disclosures ``parts`` (each from ``budget``), with ``flags`` if given."""
    tables = {name: pl.concat([p[name] for p in parts]) for name in parts[0]}
    if flags is not None:
        tables[s.FLAGS] = flags
    return Dataset.from_tables(tables)
