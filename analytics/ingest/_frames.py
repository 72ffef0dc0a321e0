"""Extractor rows (dicts keyed by the contract's column names) → validated frames → a ``Dataset``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar

import polars as pl

from analytics import schema as s
from analytics.errors import ReaderError
from analytics.store import Dataset

T = TypeVar("T")

if TYPE_CHECKING:
    from analytics.ingest.facts import DocumentIdentity

__all__ = ["degraded", "document_row", "rows_to_dataset", "rows_to_frame", "text_rows"]

#: What each part a reader may fail to read is called in a reading finding: (table key, Chinese, English).
PARTS = {
    "fund_composition": ("performance_fund_composition", "总体资金情况表", "the 总体资金情况 table"),
    "projects": (None, "项目支出情况表", "the project table"),
    "indicators": (None, "绩效目标表", "the performance targets"),
    "statements": (None, "文字说明中的数字", "the narrative's figures"),
}


def degraded(
    findings: list[dict[str, object]],
    part: str,
    extract: Callable[[], list[T]],
    *,
    page_of: Callable[[int], int | None],
) -> list[T]:
    """What ``extract`` reads of one part of a document, or nothing and a reading finding when the part cannot be
    read: the rest of the disclosure is stored all the same (degrade, never refuse).

    ``page_of`` gives the page of a line number (``None`` where a format has no pages).
    """
    try:
        return extract()
    except ReaderError as error:
        table, zh, en = PARTS[part]
        line = int(match[1]) if (match := re.search(r"line (\d+)", error.where)) else None
        findings.append(
            {
                s.KIND: "unreadable_table",
                s.TABLE: table,
                s.COLUMN: None,
                s.CELL_TEXT: None,
                s.MESSAGE_ZH: f"{zh}无法读取，其余内容照常读入"
                + (f"（第 {line} 行" if line is not None else "（")
                + (f"：“{quoted[1]}”）" if (quoted := re.search(r"'([^']+)'", error.problem)) else "）"),
                s.MESSAGE_EN: f"{en} could not be read; the rest was stored ({error.problem})",
                s.PAGE: page_of(line) if line is not None else None,
                s.LINE: line,
                s.SOURCE_TEXT: None,
            }
        )
        return []


def document_row(
    *,
    sha256: str,
    name: str,
    source_format: str,
    identity: DocumentIdentity,
    fiscal_year: int | None,
    unit_printed: str | None,
    parser_version: str,
    page_count: int | None,
    disclosure_id: str | None = None,
) -> dict[str, object]:
    """The ``documents`` row every reader builds the same way: ids from the source bytes' SHA-256, the
    publisher from the document's identity; a disclosure is its own document unless split over files."""
    doc_id = sha256[:16]
    return {
        s.DOC_ID: doc_id,
        s.SOURCE_NAME: name,
        s.SOURCE_FORMAT: source_format,
        s.SOURCE_SHA256: sha256,
        s.REGION: identity.region,
        s.DEPARTMENT: identity.department,
        s.DEPARTMENT_ID: identity.department_id,
        s.FISCAL_YEAR: fiscal_year,
        s.PHASE: identity.phase,
        s.SCOPE: identity.scope,
        s.UNIT_PRINTED: unit_printed,
        s.PARSER_VERSION: parser_version,
        s.DISCLOSURE_ID: disclosure_id or doc_id,
        s.PAGE_COUNT: page_count,
    }


def text_rows(lines: Iterable[tuple[int | None, int | None, str]]) -> list[dict[str, object]]:
    """``document_text`` rows from (page, line, text) in reading order: the non-blank lines, stripped.

    Examples
    --------
    >>> text_rows([(1, 1, " 一、概况 "), (1, 2, ""), (2, 1, "二")])
    [{'page': 1, 'line': 1, 'source_text': '一、概况'}, {'page': 2, 'line': 1, 'source_text': '二'}]
    """
    return [{s.PAGE: page, s.LINE: line, s.SOURCE_TEXT: text.strip()} for page, line, text in lines if text.strip()]


def rows_to_frame(table: str, rows: Sequence[Mapping[str, object]], constants: Mapping[str, object]) -> pl.DataFrame:
    """A frame of ``table`` from ``rows`` with ``constants`` (``doc_id`` …) added and ``seq`` numbered.

    Typed by the contract's schema; validation (nulls, keys, vocabularies) happens once, in ``Dataset.from_tables``.
    """
    spec = s.TABLES[table]
    filled = [{column: {**row, **constants}.get(column) for column in spec.columns} for row in rows]
    if table == s.LINES:
        # A reader that does not say otherwise prints its phase's own figures, not yet checked by any identity.
        for row in filled:
            if row[s.AMOUNT_BASIS] is None:
                row[s.AMOUNT_BASIS] = s.default_basis(str(row[s.PHASE]))
            if row[s.VERIFICATION] is None:
                row[s.VERIFICATION] = "unverified"
    if s.SEQ in spec.columns:
        for index, row in enumerate(filled, start=1):
            row[s.SEQ] = index
    if not filled:
        return s.empty_frame(table)
    return pl.DataFrame(filled, schema=spec.schema, orient="row")


def rows_to_dataset(rows: Mapping[str, Sequence[Mapping[str, object]]], doc_id: str, department_id: str) -> Dataset:
    """One document's rows of every table as a validated ``Dataset``."""
    ids = {s.DOC_ID: doc_id, s.DEPARTMENT_ID: department_id}
    frames = {table: rows_to_frame(table, table_rows, ids) for table, table_rows in rows.items()}
    return Dataset.from_tables(frames)
