"""Extractor rows (dicts keyed by the contract's column names) → validated frames → a ``Dataset``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from analytics import schema as s
from analytics.store import Dataset

__all__ = ["rows_to_dataset", "rows_to_frame"]


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
